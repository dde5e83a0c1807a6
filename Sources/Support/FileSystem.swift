import FoundationEssentials
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// The file-system operations the pipeline needs, each failing with a `FileError` that
/// names the path and carries the system's errno.
///
/// What apple/swift-system wraps (open, read, write, close, stat) goes through it, and
/// it retries interrupted calls (EINTR) itself. What it does not wrap (fsync, flock,
/// mkdir, rename, unlink) is called through `systemCall`, the one other place that
/// retries them.
public enum FileSystem {
    /// Opens `path`, failing with "OPERATION 'PATH': reason".
    public static func open(
        _ path: String, _ mode: FileDescriptor.AccessMode, options: FileDescriptor.OpenOptions = [],
        permissions: FilePermissions? = nil, operation: String = "cannot open"
    ) throws(FileError) -> FileDescriptor {
        try FileError.attempt(path, operation) {
            try FileDescriptor.open(
                FilePath(path), mode, options: options.union(.closeOnExec), permissions: permissions)
        }
    }

    /// What `path` names (following symbolic links): its type, size, mode...
    public static func status(of path: String) throws(FileError) -> Stat {
        do {
            return try FilePath(path).stat()
        } catch {
            throw FileError("cannot read the status of", path, errno: error)
        }
    }

    /// What `path` itself is, a symbolic link not followed (`lstat`).
    public static func linkStatus(of path: String) throws(FileError) -> Stat {
        do {
            return try FilePath(path).stat(followTargetSymlink: false)
        } catch {
            throw FileError("cannot read the status of", path, errno: error)
        }
    }

    /// `path` with every symbolic link, `.` and `..` resolved (realpath(3)): one name for
    /// one file however it is reached; nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = Glibc.realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The device and inode of what `path` names, symbolic links followed: equal for two
    /// names of one file (a hard link, a symbolic link, `./x` and `x`); nil when nothing is there.
    public static func identity(of path: String) -> FileIdentity? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// Whether `path` names something (a file, a folder, ...).
    public static func exists(_ path: String) -> Bool {
        (try? FilePath(path).stat()) != nil
    }

    /// `mkdir`: a new folder at `path` with `permissions` (less the umask); fails if
    /// something exists there.
    public static func makeDirectory(
        _ path: String, permissions: FilePermissions = [.ownerReadWriteExecute, .groupReadExecute, .otherReadExecute],
        operation: String = "cannot create"
    ) throws(FileError) {
        try systemCall(operation, path) { mkdir(path, permissions.rawValue) }
    }

    /// `mkdir -p`: the folder at `path` and every missing folder above it, each readable
    /// and writable by all (less the umask), as `mkdir -p` and FileManager make them.
    public static func makeDirectories(_ path: String, operation: String = "cannot create") throws(FileError) {
        if isDirectory(path) { return }
        let parent = PathNames.parent(of: path)
        if !parent.isEmpty, parent != path { try makeDirectories(parent, operation: operation) }
        do {
            try makeDirectory(path, permissions: [.ownerReadWriteExecute, .groupReadWriteExecute, .otherReadWriteExecute],
                              operation: operation)
        } catch where error.errno == .fileExists && isDirectory(path) {
            // Made by another process meanwhile.
        }
    }

    /// Up to `count` bytes from the start of the file at `path`; nil when it cannot be
    /// opened or read, or is not a regular file (a FIFO would wait for a writer).
    public static func firstBytes(of path: String, count: Int) -> [UInt8]? {
        guard let file = try? FileDescriptor.open(path, .readOnly, options: [.closeOnExec, .nonBlocking]) else { return nil }
        guard (try? file.stat())?.type == .regular else {
            try? file.close()
            return nil
        }
        defer { try? file.close() }
        var bytes = [UInt8](repeating: 0, count: count)
        guard let n = try? bytes.withUnsafeMutableBytes({ try file.read(into: $0, retryOnInterrupt: true) }) else {
            return nil
        }
        return Array(bytes.prefix(n))
    }

    /// Whether `path` names a folder (following symbolic links).
    public static func isDirectory(_ path: String) -> Bool {
        (try? FilePath(path).stat())?.type == .directory
    }

    /// Whether `path` names a regular file (following symbolic links).
    public static func isRegularFile(_ path: String) -> Bool {
        (try? FilePath(path).stat())?.type == .regular
    }

    /// `rename`: moves `source` to `destination`, atomically replacing a file there.
    public static func rename(
        _ source: String, to destination: String, operation: String = "cannot rename into place"
    ) throws(FileError) {
        try systemCall(operation, destination) { Glibc.rename(source, destination) }
    }

    /// `unlink`: removes the file at `path`.
    public static func removeFile(_ path: String) throws(FileError) {
        try systemCall("cannot remove", path) { unlink(path) }
    }

    /// Removes `path` and, for a folder, everything in it, as far as it can: for cleaning
    /// up temporary files, where a failure leaves litter but loses nothing.
    public static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The names of the entries of the folder at `path` (without `.` and `..`), or none
    /// when it cannot be read.
    public static func entries(of path: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    }

    /// `fsync`: waits until the file's bytes are on disk.
    public static func sync(_ file: FileDescriptor, path: String) throws(FileError) {
        try systemCall("cannot sync", path) { fsync(file.rawValue) }
    }

    /// fsyncs a folder so that a rename into it survives a crash; best effort (some file
    /// systems refuse to sync a folder).
    public static func syncDirectory(_ path: String) {
        guard let folder = try? open(path.isEmpty ? "." : path, .readOnly, options: .directory) else { return }
        try? sync(folder, path: path)
        try? folder.close()
    }

    /// Runs a C call that returns 0 on success and -1 with `errno` set on failure,
    /// retrying it while it is interrupted by a signal (EINTR).
    static func systemCall(_ operation: String, _ path: String, _ call: () -> Int32) throws(FileError) {
        while call() != 0 {
            let code = Errno(rawValue: errno)
            guard code == .interrupted else { throw FileError(operation, path, errno: code) }
        }
    }
}

/// One file, however it is named: its device and inode.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
}
