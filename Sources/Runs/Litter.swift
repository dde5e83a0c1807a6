import FoundationEssentials
import Glibc
import Support

/// What a crashed dnn-run leaves in a results folder: a file being written
/// (`.summary.csv.tmp-PID`, `.costs.svg.tmp-PID`), a run being staged (`.tmp-<folder>-PID`)
/// or a replaced run set aside (`.old-<folder>-PID`). Each names the process that made
/// it; a later run removes the ones whose process is gone.
enum Litter {
    /// Leftovers this old at least may be removed: on a shared file system the PID may
    /// belong to a live process on another machine, which never keeps one for long.
    static let minimumAge: Double = 600

    /// Removes from `folder` every leftover whose process no longer runs on this machine
    /// and that has not been touched for `minimumAge` seconds; returns the names removed.
    @discardableResult
    static func remove(in folder: String, now: Double = Date().timeIntervalSince1970) -> [String] {
        var removed: [String] = []
        for entry in FileSystem.entries(of: folder) where entry.hasPrefix(".") {
            guard let pid = ownerPID(of: entry), pid != getpid(), !isRunning(pid),
                  let status = try? FileSystem.status(of: folder + "/" + entry),
                  now - Double(status.st_mtim.tv_sec) >= minimumAge
            else { continue }
            FileSystem.removeTree(folder + "/" + entry)
            removed.append(entry)
        }
        return removed
    }

    /// The PID at the end of a leftover's name: `.NAME.tmp-PID`, `.tmp-FOLDER-PID` or
    /// `.old-FOLDER-PID`; nil for anything else (lock files, user files).
    static func ownerPID(of name: String) -> pid_t? {
        let isLeftover = name.hasPrefix(".tmp-") || name.hasPrefix(".old-") || name.contains(".tmp-")
        guard isLeftover, let dash = name.lastIndex(of: "-"),
              let pid = pid_t(name[name.index(after: dash)...]), pid > 0
        else { return nil }
        return pid
    }

    /// Whether a process with this PID runs on this machine.
    private static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
