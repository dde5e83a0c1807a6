import Foundation

import Glibc

/// Writing files so that a crash, a full disk or Ctrl-C never leaves a half-written file
/// where a good one was: write to a temporary file beside the target, fsync it, rename
/// it over the target, fsync the directory.
public enum AtomicFile {
    /// Writes `text` to `path` atomically.
    /// - Throws: `Diagnostic` naming the path and the system's reason (e.g. "No space left
    ///   on device", "Permission denied").
    public static func write(_ text: String, to path: String) throws {
        try write(to: path) { sink in sink.write(text) }
    }

    /// Writes what `produce` streams into a buffered sink to `path` atomically: for large
    /// files (parameters.json of the cat model is 5.5 MB) that should never be held whole
    /// in memory.
    public static func write(to path: String, _ produce: (inout FileSink) throws -> Void) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/.\((path as NSString).lastPathComponent).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw systemError("cannot create", temporary) }
        var sink = FileSink(fd: fd, path: path)
        do {
            try produce(&sink)
            try sink.flush()
            guard fsync(fd) == 0 else { throw systemError("cannot sync", path) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
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
    public static func systemError(_ what: String, _ path: String) -> Diagnostic {
        let reason = String(cString: strerror(errno))
        return Diagnostic("\(what) '\(path)': \(reason)",
                          hint: "check that the results directory is writable and its disk has space, or choose another with \(option: .results)")
    }
}

/// A buffered writer to a file descriptor, as a `TextOutputStream` so that renderers can
/// `print(..., to: &sink)` or `sink.write(...)` into it; errors are kept and thrown by
/// `flush`.
public struct FileSink: TextOutputStream {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private var failure: Diagnostic?
    private static let capacity = 1 << 16

    public init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(Self.capacity)
    }

    public mutating func write(_ string: String) {
        buffer.append(contentsOf: string.utf8)
        if buffer.count >= Self.capacity { try? flush() }
    }

    /// Writes the buffer out; throws the first error of any write so far.
    public mutating func flush() throws {
        if failure == nil {
            var written = 0
            let total = buffer.count
            failure = buffer.withUnsafeBytes { raw in
                while written < total {
                    let n = Glibc.write(fd, raw.baseAddress! + written, total - written)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return AtomicFile.systemError("cannot write", path)
                    }
                    written += n
                }
                return nil
            }
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw failure }
    }
}
