import Glibc
import SystemPackage

/// Writing to standard output and standard error that never ends the process: a full
/// disk (`2>/dev/full`), a closed descriptor or a reader that went away (a pipe into
/// `head`) drop the text, and the exit status stays the documented one.
public enum StandardStreams {
    /// Makes the standard streams safe to write: SIGPIPE ignored (a write to a closed pipe
    /// fails with EPIPE instead of killing the process), and descriptors 0, 1 and 2 open
    /// (on /dev/null when closed), so that no file the process opens later takes their
    /// number and receives its messages. Call once, first thing.
    public static func prepare() {
        signal(SIGPIPE, SIG_IGN)
        for fd in 0...2 where fcntl(Int32(fd), F_GETFD) == -1 {
            let null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if null >= 0, null != fd {
                dup2(null, Int32(fd))
                close(null)
            }
        }
    }

    /// Writes `text` to standard error; a failure is ignored.
    public static func error(_ text: String) {
        write(text, to: .standardError)
    }

    /// Writes `text` to standard output; a failure is ignored.
    public static func output(_ text: String) {
        write(text, to: .standardOutput)
    }

    private static func write(_ text: String, to descriptor: FileDescriptor) {
        _ = try? descriptor.writeAll(Array(text.utf8))
    }
}
