import FoundationEssentials
import Glibc

/// Who made a temporary file or folder, written into its name so that a later process can
/// prove the maker gone before it removes what was left: the machine instance (host name,
/// boot and PID namespace, hashed into 8 hex digits), the process ID and the process's
/// start time (so that a reused PID is not mistaken for the maker).
///
///     .summary.csv.tmp~1a2b3c4d~4711~8812345
///
/// `~` is in no spec name and no point folder (they percent-encode it), so no run is ever
/// taken for a leftover.
public struct ProcessIdentity: Equatable, Sendable, CustomStringConvertible {
    public var machine: String
    public var pid: pid_t
    public var startTime: UInt64

    public init(machine: String, pid: pid_t, startTime: UInt64) {
        self.machine = machine
        self.pid = pid
        self.startTime = startTime
    }

    /// This process.
    public static let current = ProcessIdentity(
        machine: machineInstance(), pid: getpid(), startTime: startTime(of: getpid()) ?? 0)

    /// `machine~pid~start`, the form names carry.
    public var description: String { "\(machine)~\(pid)~\(startTime)" }

    /// The identity at the end of `name` (after its third-to-last `~`), nil when there is none.
    public static func parse(suffixOf name: String) -> ProcessIdentity? {
        let parts = name.split(separator: "~", omittingEmptySubsequences: false)
        guard parts.count >= 4 else { return nil }
        let machine = parts[parts.count - 3]
        guard machine.utf8.count == 8, machine.utf8.allSatisfy({ isHexDigit($0) }),
              let pid = pid_t(parts[parts.count - 2]), pid > 0,
              let start = UInt64(parts[parts.count - 1])
        else { return nil }
        return ProcessIdentity(machine: String(machine), pid: pid, startTime: start)
    }

    /// `name` with this identity's suffix removed (what comes before `~machine~pid~start`).
    public static func stem(of name: String) -> Substring {
        var rest = Substring(name)
        for _ in 0..<3 {
            guard let tilde = rest.lastIndex(of: "~") else { return rest }
            rest = rest[..<tilde]
        }
        return rest
    }

    /// Whether this identity is a process of this machine instance (same host, boot and
    /// PID namespace), where its PID can be checked.
    public var isOnThisMachine: Bool { machine == Self.current.machine }

    /// Whether the process is provably gone: on this machine instance, its PID is not
    /// running or now belongs to a process that started at another time. Nil when that
    /// cannot be told here (another host, boot or PID namespace).
    public var isGone: Bool? {
        guard isOnThisMachine else { return nil }
        if pid == getpid() { return startTime != Self.current.startTime }
        guard kill(pid, 0) == 0 || errno == EPERM else { return true }
        guard let start = Self.startTime(of: pid) else { return false }
        return start != startTime
    }

    /// The 8 hex digits naming this host, this boot and this PID namespace.
    static func machineInstance() -> String {
        let boot = (FileSystem.firstBytes(of: "/proc/sys/kernel/random/boot_id", count: 64)).map {
            String(decoding: $0.filter { $0 > 32 }, as: UTF8.self)
        } ?? ""
        var buffer = [CChar](repeating: 0, count: 128)
        let n = readlink("/proc/self/ns/pid", &buffer, buffer.count - 1)
        let namespace = n > 0 ? String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        return String(SHA256.hex(of: hostName() + "\n" + boot + "\n" + namespace).prefix(8))
    }

    /// Field 22 of `/proc/PID/stat`: when the process started, in clock ticks after boot.
    static func startTime(of pid: pid_t) -> UInt64? {
        guard let bytes = FileSystem.firstBytes(of: "/proc/\(pid)/stat", count: 4096),
              let close = bytes.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        // Fields after the command: state is field 3, so start time (22) is the 20th.
        guard fields.count > 19 else { return nil }
        return UInt64(String(decoding: fields[19], as: UTF8.self))
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
    }
}
