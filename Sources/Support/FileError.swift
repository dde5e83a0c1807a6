import SystemPackage

/// A failed file-system call: what was attempted, on which path, and the system's errno.
/// Rendered as "cannot open 'PATH': No such file or directory".
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was attempted, e.g. "cannot open", "cannot rename into place".
    public var operation: String
    public var path: String
    public var errno: Errno
    /// Why, when it is not the system's errno alone (a link refused, not a regular file).
    public var explanation: String?

    public init(_ operation: String, _ path: String, errno: Errno) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// A failure dnn-run itself decided on, with its reason in words.
    public init(_ operation: String, _ path: String, reason: String, errno: Errno = .notPermitted) {
        self.init(operation, path, errno: errno)
        explanation = reason
    }

    /// The system's reason, e.g. "No space left on device", or dnn-run's own.
    public var reason: String { explanation ?? errno.description }

    public var description: String { "\(operation) '\(path)': \(reason)" }

    /// Runs a swift-system call, turning its `Errno` into a `FileError` naming `path`.
    /// Interrupted calls (EINTR) are retried by swift-system itself (`retryOnInterrupt`
    /// defaults to true), so no caller handles them.
    public static func attempt<T>(
        _ path: String, _ operation: String, _ body: () throws -> T
    ) throws(FileError) -> T {
        do {
            return try body()
        } catch let code as Errno {
            throw FileError(operation, path, errno: code)
        } catch {
            throw FileError(operation, path, errno: .ioError)
        }
    }
}

extension Diagnostic {
    /// The user-facing form of a failed file-system call, with its text unchanged:
    /// "cannot write 'PATH': No space left on device".
    public init(_ error: FileError, at location: SourceLocation? = nil, hint: String? = nil) {
        self.init(error.description, at: location, hint: hint)
    }
}
