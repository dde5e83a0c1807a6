import SystemPackage

/// What reading a file descriptor to its end, up to a limit, gave.
public enum BoundedRead: Equatable, Sendable {
    case complete([UInt8])
    /// More bytes than the limit came; reading stopped at the first one over.
    case tooLarge
    /// `read` failed.
    case failed(Errno)
}

/// Why a regular file could not be read whole within a limit.
public enum BoundedReadError: Error, Equatable, Sendable {
    /// `open` failed (ENOENT: it does not exist).
    case cannotOpen(Errno)
    /// `fstat` failed.
    case cannotStat(Errno)
    case isDirectory
    /// A FIFO, a socket or a device.
    case notRegularFile
    /// The file says it has this many bytes, more than the limit.
    case statedSize(Int64)
    /// The file has more bytes than the limit, though it said it had fewer.
    case tooLarge
    /// `read` failed.
    case cannotRead(Errno)
}

extension FileSystem {
    /// The bytes of the regular file at `path`, refusing anything else before reading
    /// (a directory, a FIFO, a device such as /dev/zero) and refusing a file over `limit`
    /// bytes as it is read: the limit holds even when the file grows after it was opened.
    public static func readRegularFile(at path: String, atMost limit: Int) throws(BoundedReadError) -> [UInt8] {
        let (file, size) = try openRegularFile(at: path, atMost: limit)
        defer { try? file.close() }
        switch readAll(file, atMost: limit, expecting: size) {
        case .complete(let bytes): return bytes
        case .tooLarge: throw .tooLarge
        case .failed(let code): throw .cannotRead(code)
        }
    }

    /// The regular file at `path` opened for reading, with the size it states, refusing
    /// anything else before a byte is read (a directory, a FIFO, a device such as
    /// /dev/zero) and a stated size over `limit`. The caller closes it and reads it within
    /// `limit` (it may grow after this).
    public static func openRegularFile(at path: String, atMost limit: Int) throws(BoundedReadError) -> (FileDescriptor, size: Int) {
        let file: FileDescriptor
        do {
            // Non-blocking: opening a FIFO for reading would otherwise wait for a writer.
            file = try open(path, .readOnly, options: .nonBlocking)
        } catch {
            throw .cannotOpen(error.errno)
        }
        let status: Stat
        do {
            status = try file.stat()
        } catch {
            try? file.close()
            throw .cannotStat(error)
        }
        guard status.type == .regular, status.size <= limit else {
            try? file.close()
            throw status.type == .directory ? .isDirectory : status.type != .regular ? .notRegularFile : .statedSize(status.size)
        }
        return (file, Int(status.size))
    }

    /// Everything `file` yields until its end, stopping as soon as it yields more than
    /// `limit` bytes, so an endless source (/dev/zero, a file still growing) costs at most
    /// `limit + 1` bytes of memory and reading. `expected` bytes are reserved up front.
    public static func readAll(_ file: FileDescriptor, atMost limit: Int, expecting expected: Int = 0) -> BoundedRead {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(expected, limit) + 1)
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count <= limit {
            let wanted = min(chunk.count, limit + 1 - bytes.count)
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes { try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<wanted])) }
            } catch {
                return .failed(error as? Errno ?? .ioError)
            }
            if count == 0 { return .complete(bytes) }
            bytes += chunk[..<count]
        }
        return .tooLarge
    }
}

extension FileSystem {
    /// The regular file at `path` opened for reading, as a `FileError` naming the path
    /// when it is anything else: "cannot read 'r/manifest.json': it is a FIFO, not a
    /// regular file". Opened non-blocking, so a FIFO never waits for a writer and a
    /// device is never read.
    public static func openForReading(_ path: String) throws(FileError) -> FileDescriptor {
        do {
            return try openRegularFile(at: path, atMost: .max).0
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// The whole regular file at `path` (at most `limit` bytes), or a `FileError` naming
    /// it: for the small files of a run folder (manifest.json, metrics.json, costs.csv).
    public static func readRegular(_ path: String, atMost limit: Int = 1 << 30) throws(FileError) -> [UInt8] {
        do {
            return try readRegularFile(at: path, atMost: limit)
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// What is at `path` when it is not a regular file, for messages: "a FIFO", "a
    /// character device", "a socket", "a block device", "a folder"; nil for a regular file
    /// or nothing.
    public static func kindOfNonRegularFile(_ path: String) -> String? {
        guard let type = (try? FilePath(path).stat())?.type else { return nil }
        switch type {
        case .regular: return nil
        case .directory: return "a folder"
        case .fifo: return "a FIFO"
        case .characterSpecial: return "a character device"
        case .blockSpecial: return "a block device"
        case .socket: return "a socket"
        default: return "not a regular file"
        }
    }
}

extension FileError {
    /// The `FileError` of a bounded read of `path` that failed.
    init(path: String, _ error: BoundedReadError) {
        switch error {
        case .cannotOpen(let code):
            self.init("cannot open", path, errno: code)
        case .cannotStat(let code), .cannotRead(let code):
            self.init("cannot read", path, errno: code)
        case .isDirectory:
            self.init("cannot read", path, reason: "it is a folder, not a file", errno: .isDirectory)
        case .notRegularFile:
            let kind = FileSystem.kindOfNonRegularFile(path) ?? "not a regular file"
            self.init("cannot read", path, reason: "it is \(kind), not a regular file; expected a file", errno: .invalidArgument)
        case .statedSize, .tooLarge:
            self.init("cannot read", path, reason: "it is larger than dnn-run reads for such a file", errno: .fileTooLarge)
        }
    }
}
