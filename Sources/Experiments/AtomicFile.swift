import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writing files so that a crash, a full disk or Ctrl-C never leaves a half-written file
/// where a good one was: write to a temporary file beside the target, fsync it, rename
/// it over the target, fsync the directory.
public enum AtomicFile {
    /// Writes `text` to `path` atomically.
    /// - Throws: `Diagnostic` naming the path and the system's reason (e.g. "No space left
    ///   on device", "Permission denied").
    public static func write(_ text: String, to path: String) throws {
        var bytes = Array(text.utf8)
        try write(bytes: &bytes, to: path)
    }

    public static func write(bytes: inout [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/.\((path as NSString).lastPathComponent).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw systemError("cannot create", temporary) }
        var written = 0
        let total = bytes.count
        let failure: Diagnostic? = bytes.withUnsafeBytes { buffer in
            while written < total {
                let n = Glibc.write(fd, buffer.baseAddress! + written, total - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return systemError("cannot write", path)
                }
                written += n
            }
            return fsync(fd) == 0 ? nil : systemError("cannot sync", path)
        }
        close(fd)
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, path) == 0 else {
            let error = systemError("cannot rename into place", path)
            unlink(temporary)
            throw error
        }
        syncDirectory(directory)
    }

    /// fsyncs a directory so that a rename into it survives a crash.
    public static func syncDirectory(_ path: String) {
        let fd = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// A `Diagnostic` for the current `errno`.
    static func systemError(_ what: String, _ path: String) -> Diagnostic {
        let reason = String(cString: strerror(errno))
        return Diagnostic("\(what) '\(path)': \(reason)",
                          hint: "check that the results directory is writable and its disk has space, or choose another with --results")
    }
}
