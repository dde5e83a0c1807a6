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
    /// - Throws: `FileError` "cannot create the lock file 'PATH': reason".
    public static func acquire(
        at path: String, wait: Bool = false, shouldStop: () -> Bool = { false }
    ) throws(FileError) -> FileLock? {
        let file = try FileSystem.open(
            path, .readWrite, options: .create, permissions: [.ownerReadWrite, .groupRead, .otherRead],
            operation: "cannot create the lock file")
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

    /// Releases the lock.
    public func release() {
        _ = flock(file.rawValue, LOCK_UN)
        try? file.close()
    }
}
