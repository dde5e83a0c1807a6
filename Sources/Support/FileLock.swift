import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive, advisory lock (`flock`) on a lock file, held until `release` or until
/// the process ends: the kernel releases it if the process dies, so a crash never leaves
/// a stale lock behind.
///
///     guard let lock = try FileLock.acquire(at: "results/.lock-cat") else { return }  // busy
///     defer { lock.release() }
public final class FileLock {
    private let file: FileDescriptor

    private init(_ file: FileDescriptor) { self.file = file }

    /// The lock on the file at `path` (created if missing); when another process holds
    /// it, nil, or with `wait`, the lock once it is free. A wait asks `shouldStop` ten
    /// times a second and gives up (nil) when it answers true, so that Ctrl-C ends a
    /// wait for another process at once.
    /// The lock file is never reached through a symbolic link and must be a regular file:
    /// a link planted there is refused, not followed into the file it names.
    /// - Throws: `FileError` "cannot create the lock file 'PATH': reason".
    public static func acquire(
        at path: String, wait: Bool = false, shouldStop: () -> Bool = { false }
    ) throws(FileError) -> FileLock? {
        let operation = "cannot create the lock file"
        let file: FileDescriptor
        do {
            file = try FileSystem.open(
                path, .readWrite, options: [.create, .noFollow, .nonBlocking],
                permissions: [.ownerReadWrite, .groupRead, .otherRead], operation: operation)
        } catch where error.errno == .tooManySymbolicLinkLevels {
            throw FileError(operation, path, reason: "it is a symbolic link, and dnn-run writes through none; remove the link")
        }
        guard (try? file.stat())?.type == .regular else {
            try? file.close()
            throw FileError(operation, path, reason: "it is not a regular file; move it away")
        }
        while true {
            // swift-system has no flock: the one call of the C function.
            if (try? FileSystem.systemCall("cannot lock", path) { flock(file.rawValue, LOCK_EX | LOCK_NB) }) != nil {
                return FileLock(file)
            }
            guard wait, !shouldStop() else { break }
            usleep(100_000)
        }
        try? file.close()
        return nil
    }

    /// A short note kept in the lock file for the next holder (what this holder was
    /// doing, so that a successor can clean up after one that died); empty when none.
    public func note() -> String {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = (try? buffer.withUnsafeMutableBytes { try file.read(fromAbsoluteOffset: 0, into: $0) }) ?? 0
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }

    /// Replaces the note (best effort: a note that cannot be written costs only cleanup).
    public func setNote(_ text: String) {
        _ = try? file.resize(to: 0)
        _ = try? file.writeAll(toAbsoluteOffset: 0, Array(text.utf8))
    }

    /// Releases the lock.
    public func release() {
        _ = flock(file.rawValue, LOCK_UN)
        try? file.close()
    }
}
