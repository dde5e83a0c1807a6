import FoundationEssentials
import Glibc
import SystemPackage

/// Writing files so that a crash, a full disk or Ctrl-C never leaves a half-written file
/// where a good one was: write to a temporary file beside the target, fsync it, rename
/// it over the target, fsync the directory.
public enum AtomicFile {
    /// What to do when a results file cannot be written.
    public static let failureHint =
        "check that the results directory is writable and its disk has space, or choose another with \(option: .results)"

    /// The hint for a failed write: `failureHint`, unless the error already says what to
    /// do (a link where dnn-run writes: "remove the link").
    public static func hint(for error: FileError) -> String? {
        error.explanation == nil ? failureHint : nil
    }

    /// Writes `text` to `path` atomically.
    /// - Returns: the size and SHA-256 of what was written.
    /// - Throws: `Diagnostic` naming the path and the system's reason (e.g. "No space left
    ///   on device", "Permission denied").
    @discardableResult
    public static func write(_ text: String, to path: String) throws -> WrittenFile {
        try write(to: path) { sink in sink.write(text) }
    }

    /// Writes what `produce` streams into a buffered sink to `path` atomically: for large
    /// files (parameters.json of the cat model is 5.5 MB) that should never be held whole
    /// in memory.
    @discardableResult
    public static func write(to path: String, _ produce: (inout FileSink) throws -> Void) throws -> WrittenFile {
        do {
            return try replace(path, produce)
        } catch let error as FileError {
            throw Diagnostic(error, hint: hint(for: error))
        }
    }

    /// The folder `path` is in (the working directory for a bare name such as `x.json`) and
    /// the temporary file beside it that becomes `path`: `.NAME.tmp~` and the identity of
    /// this process (`ProcessIdentity`), the proof a later cleanup needs to remove it.
    static func staging(for path: String) -> (directory: String, temporary: String) {
        let parent = PathNames.parent(of: path)
        let directory = parent.isEmpty ? "." : parent
        return (directory, directory + "/.\(PathNames.lastComponent(of: path)).tmp~\(ProcessIdentity.current)")
    }

    private static func replace(_ path: String, _ produce: (inout FileSink) throws -> Void) throws -> WrittenFile {
        let (directory, temporary) = staging(for: path)
        // A new file, never one found there: no link is followed, nothing is truncated.
        let file = try FileSystem.open(
            temporary, .writeOnly, options: [.create, .exclusiveCreate, .noFollow],
            permissions: [.ownerReadWrite, .groupRead, .otherRead], operation: "cannot create")
        var sink = FileSink(file, path: path)
        let written: WrittenFile
        do {
            try produce(&sink)
            try sink.flush()
            try FileSystem.sync(file, path: path)
            written = sink.written()
        } catch {
            try? file.close()
            try? FileSystem.removeFile(temporary)
            throw error
        }
        try? file.close()
        do {
            try FileSystem.rename(temporary, to: path)
        } catch {
            try? FileSystem.removeFile(temporary)
            throw error
        }
        FileSystem.syncDirectory(directory)
        return written
    }
}

/// What a write put into a file: its size and SHA-256, as a manifest records them so that
/// a damaged or truncated file is found before its run is trusted.
public struct WrittenFile: Codable, Equatable, Sendable {
    public var bytes: Int
    public var sha256: String

    public init(bytes: Int, sha256: String) {
        self.bytes = bytes
        self.sha256 = sha256
    }
}

/// A buffered writer to a file descriptor, as a `TextOutputStream` so that renderers can
/// `print(..., to: &sink)` or `sink.write(...)` into it; errors are kept and thrown by
/// `flush`.
public struct FileSink: TextOutputStream {
    private let file: FileDescriptor
    private let path: String
    /// The bytes not yet written out, and the SHA-256 and count of those that were.
    private let state: State
    private var failure: FileError?
    private static let capacity = 1 << 16

    /// A fixed buffer filled by copies (an Array's append checks its uniqueness and
    /// capacity per call, which cost as much as formatting the numbers of parameters.json).
    private final class State {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: FileSink.capacity)
        var count = 0
        var hash = SHA256()
        var written = 0
        deinit { buffer.deallocate() }
    }

    /// A sink writing to `file`; `path` names it in errors.
    public init(_ file: FileDescriptor, path: String) {
        self.file = file
        self.path = path
        state = State()
    }

    public mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { _writeASCII($0) }
    }

    /// Text as UTF-8 bytes (ASCII, as its name says, where the standard library calls it:
    /// how numbers write themselves, `Double.write(to:)`, without making a String each).
    public mutating func _writeASCII(_ bytes: UnsafeBufferPointer<UInt8>) {
        var rest = bytes
        while !rest.isEmpty {
            if state.count == Self.capacity { try? flush() }
            let n = min(rest.count, Self.capacity - state.count)
            (state.buffer.baseAddress! + state.count).update(from: rest.baseAddress!, count: n)
            state.count += n
            rest = UnsafeBufferPointer(rebasing: rest[n...])
        }
    }

    /// The size and SHA-256 of what was written out; call once, after the last `flush`.
    func written() -> WrittenFile {
        WrittenFile(bytes: state.written, sha256: state.hash.finalizeHex())
    }

    /// Writes the buffer out; throws the first error of any write so far.
    public mutating func flush() throws(FileError) {
        let pending = UnsafeBufferPointer(rebasing: state.buffer[..<state.count])
        state.hash.update(UnsafeRawBufferPointer(pending))
        state.written += pending.count
        if failure == nil {
            let file = self.file
            do {
                _ = try FileError.attempt(path, "cannot write") { try file.writeAll(pending) }
            } catch {
                failure = error
            }
        }
        state.count = 0
        if let failure { throw failure }
    }
}
