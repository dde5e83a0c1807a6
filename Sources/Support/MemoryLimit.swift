import FoundationEssentials
import Glibc

/// How much memory this process may use: the smallest of the machine's physical memory,
/// the cgroup's limit (`memory.max` of cgroup v2, `memory.limit_in_bytes` of v1: what a
/// container, a Slurm job or systemd sets, and what the kernel enforces by killing the
/// process) and the address-space limit (`ulimit -v`, less what is already mapped).
///
/// Used to refuse, before allocating, what the process could not hold: a refusal with
/// both numbers is better than an out-of-memory kill without a word.
public struct MemoryLimit: Equatable, Sendable {
    /// What sets the limit.
    public enum Source: Equatable, Sendable {
        case physicalMemory
        /// The cgroup file holding the limit, e.g. /sys/fs/cgroup/memory.max.
        case cgroup(file: String)
        /// `ulimit -v`: the whole address space allowed, of which `bytes` are still free.
        case addressSpace(total: Double)
    }

    /// Bytes available.
    public var bytes: Double
    public var source: Source

    public init(bytes: Double, source: Source) {
        self.bytes = bytes
        self.source = source
    }

    /// For messages, with `format` rendering a byte count: "this machine has 25.3 GB",
    /// "the cgroup memory limit (/sys/fs/cgroup/memory.max) is 2.0 GB".
    public func describe(_ format: (Double) -> String) -> String {
        switch source {
        case .physicalMemory: return "this machine has \(format(bytes))"
        case .cgroup(let file): return "the cgroup memory limit (\(file)) is \(format(bytes))"
        case .addressSpace(let total):
            return "the address-space limit (ulimit -v) is \(format(total)), \(format(bytes)) of it still free"
        }
    }

    /// The limit in force for this process now.
    public static func current() -> MemoryLimit {
        let physical = Double(ProcessInfo.processInfo.physicalMemory)
        var limit = MemoryLimit(bytes: physical, source: .physicalMemory)
        if let (bytes, file) = cgroupLimit(), bytes < limit.bytes {
            limit = MemoryLimit(bytes: bytes, source: .cgroup(file: file))
        }
        var rlimit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &rlimit) == 0, rlimit.rlim_cur != rlim_t.max {
            let total = Double(rlimit.rlim_cur)
            let free = max(0, total - mappedBytes())
            if free < limit.bytes {
                limit = MemoryLimit(bytes: free, source: .addressSpace(total: total))
            }
        }
        return limit
    }

    /// The cgroup's memory limit and the file that says so, if one is set. The process's
    /// own cgroup is read from /proc/self/cgroup; its limit, and those of its ancestors,
    /// from the mounted hierarchy (the smallest wins).
    static func cgroupLimit() -> (Double, String)? {
        let root = "/sys/fs/cgroup"
        var best: (Double, String)?
        func consider(_ file: String) {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return }
            let value = text.trimmed()
            // "max" (v2) or a huge number (v1's "unlimited") mean no limit.
            guard let bytes = Double(value), bytes < 1e18 else { return }
            if best.map({ bytes < $0.0 }) ?? true { best = (bytes, file) }
        }
        let membership = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        for line in membership.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let isV2 = fields[0] == "0" && fields[1].isEmpty
            let isV1Memory = fields[1].split(separator: ",").contains("memory")
            guard isV2 || isV1Memory else { continue }
            var path = String(fields[2])
            let base = isV2 ? root : root + "/memory"
            let file = isV2 ? "memory.max" : "memory.limit_in_bytes"
            while true {
                consider(base + (path == "/" ? "" : path) + "/" + file)
                guard path != "/", !path.isEmpty else { break }
                path = PathNames.parent(of: path)
            }
        }
        return best
    }

    /// Bytes of address space this process has mapped (the first field of /proc/self/statm).
    static func mappedBytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = Double(text.split(separator: " ").first ?? "")
        else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }
}
