import Glibc

/// Why a path cannot be read as a data file: the one `stat`/`open` check, shared by the
/// spec stage (a spec naming a file that is not there) and the data stage (a file about
/// to be read), so both agree on what is readable.
public enum DataFileProblem: Error, Equatable, Sendable {
    /// Nothing at the path (ENOENT, or ENOTDIR for a file used as a folder).
    case missing
    case directory
    /// A FIFO, socket or device.
    case notRegularFile
    /// `stat` or `open` failed with this errno (EACCES for a file without read permission).
    case unreadable(errno: Int32)

    /// The problem with the file at `path`, an absolute path; nil when it is a regular file
    /// this process can open for reading. Opens with O_NONBLOCK so a FIFO never blocks.
    public static func check(_ path: String) -> DataFileProblem? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            return code == ENOENT || code == ENOTDIR ? .missing : .unreadable(errno: code)
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .directory
        default: return .notRegularFile
        }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return .unreadable(errno: errno) }
        close(descriptor)
        return nil
    }

    /// What is wrong, to follow the path: "is a directory, not a data file".
    public var description: String {
        switch self {
        case .missing: return "does not exist"
        case .directory: return "is a directory, not a data file (.h5 or .csv)"
        case .notRegularFile: return "is not a regular file but a FIFO, socket or device"
        case .unreadable(let code): return "cannot be read: \(String(cString: strerror(code)))"
        }
    }

    /// How to fix it, when there is more to say than the description.
    public var hint: String? {
        switch self {
        case .unreadable(let code) where code == EACCES: return "give this user read permission (chmod +r)"
        default: return nil
        }
    }
}
