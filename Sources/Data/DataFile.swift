import Support
import SystemPackage

/// A data file about to be read: its path, where the spec named it, and its size; every
/// diagnostic about the file and its contents comes from here, so they all read alike:
///
///     cat.yaml:4:10: error: data file '/abs/train.h5': dataset 'train_set_y' has label 2 at example 17
struct DataFile {
    /// Absolute path of the file.
    let path: String
    /// Where the spec names the file.
    let location: SourceLocation?
    /// Size in bytes.
    let size: Int

    /// Checks that `split.path` names a regular file this process can read.
    init(_ split: DataSplit) throws(Diagnostic) {
        let file = DataFile(path: split.path, location: split.location, size: 0)
        let status: Stat
        do {
            status = try FileSystem.status(of: file.path)
        } catch {
            if error.errno == .noSuchFileOrDirectory {
                throw file.error("does not exist", hint: "paths in a spec are relative to the spec file's folder")
            }
            throw file.error("cannot be read: \(error.reason)")
        }
        switch status.type {
        case .regular: break
        case .directory: throw file.error("is a directory, not a file", hint: "name a data file inside it")
        default:
            throw file.error("is \(FileSystem.kindOfNonRegularFile(file.path) ?? "not a regular file"), not a regular file; expected a data file")
        }
        let probe: FileDescriptor
        do {
            probe = try FileSystem.open(file.path, .readOnly, options: .nonBlocking)
        } catch {
            throw file.error(
                "cannot be read: \(error.reason)",
                hint: error.errno == .permissionDenied ? "give this user read permission (chmod +r)" : nil)
        }
        try? probe.close()
        self.init(path: file.path, location: file.location, size: Int(status.size))
    }

    private init(path: String, location: SourceLocation?, size: Int) {
        self.path = path
        self.location = location
        self.size = size
    }

    /// The file's bytes, read once through one descriptor: the only read of the file's
    /// contents, so what is hashed and what is parsed are the same bytes. A file larger
    /// than `maximumFeatureBytes` or than half the memory this process may use (the rest
    /// is for the examples read from it) is refused before reading; one that grows past
    /// that while it is read is refused too. Reported to `progress` as it is read.
    func read(memoryLimit: MemoryLimit, progress: LoadProgress? = nil) throws(Diagnostic) -> [UInt8] {
        let limit = Int(min(Double(maximumFeatureBytes), max(0, memoryLimit.bytes / 2)))
        do {
            return try DataFile.readRegularFile(at: path, atMost: limit, progress: progress)
        } catch {
            switch error {
            case .cannotOpen(let code), .cannotStat(let code), .cannotRead(let code):
                throw self.error("cannot be read: \(code.description)")
            case .isDirectory: throw self.error("is a directory, not a file", hint: "name a data file inside it")
            case .notRegularFile:
                throw self.error("is \(FileSystem.kindOfNonRegularFile(path) ?? "not a regular file"), not a regular file; expected a data file")
            case .statedSize, .tooLarge:
                throw self.error(
                    "is \(byteCountText(Double(max(size, limit + 1)))); data files of up to "
                        + "\(byteCountText(Double(limit))) are read (the whole file is held in memory while "
                        + "its examples are read, and \(memoryLimit.describe { byteCountText($0) }))",
                    hint: "store the split you train on in a file of its own")
            }
        }
    }

    /// The bytes of the regular file at `path`, refused as `FileSystem.readRegularFile`
    /// refuses them, but read straight into the array the size the file states (the
    /// kernel's copy is the only one), 8 MiB at a time, each piece reported to `progress`;
    /// bytes beyond that size, when the file grew since, are read as before, up to `limit`.
    static func readRegularFile(
        at path: String, atMost limit: Int, progress: LoadProgress?
    ) throws(BoundedReadError) -> [UInt8] {
        let (file, expected) = try FileSystem.openRegularFile(at: path, atMost: limit)
        defer { try? file.close() }
        progress?.begin(.reading, total: expected)
        var failure: Errno?
        var bytes = [UInt8](unsafeUninitializedCapacity: expected) { buffer, initialized in
            adviseHugePages(buffer)
            let whole = UnsafeMutableRawBufferPointer(buffer)
            while initialized < expected {
                let piece = min(8 << 20, expected - initialized)
                let count: Int
                do {
                    count = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: whole[initialized..<initialized + piece]))
                } catch {
                    failure = error as? Errno ?? .ioError
                    return
                }
                if count == 0 { return }  // the file shrank: what there is
                initialized += count
                progress?.advance(by: count)
            }
        }
        if let failure { throw .cannotRead(failure) }
        if bytes.count == expected {
            switch FileSystem.readAll(file, atMost: limit - bytes.count) {
            case .complete(let more): if !more.isEmpty { bytes += more }
            case .tooLarge: throw .tooLarge
            case .failed(let code): throw .cannotRead(code)
            }
        }
        return bytes
    }

    /// A problem with the file as a whole: "data file 'PATH': MESSAGE".
    func error(_ message: String, hint: String? = nil) -> Diagnostic {
        Diagnostic("data file '\(path)': \(message)", at: location, hint: hint)
    }

    /// A problem at a place in a text file: "data file PATH:LINE:COLUMN: MESSAGE", so a
    /// terminal or editor can jump there.
    func error(line: Int, column: Int, _ message: String, hint: String? = nil) -> Diagnostic {
        Diagnostic("data file \(path):\(line):\(column): \(message)", at: location, hint: hint)
    }
}
