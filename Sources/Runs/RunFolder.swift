import Foundation

import Support
import Data
import Spec
import Glibc

/// The life of a run folder on disk: staged beside its final place, renamed into place
/// when whole, and guarded by a lock so that two processes never train it at once.
enum RunFolder {
    /// A fresh staging folder `.tmp-<name>-<pid>` beside `folder`, after removing stale
    /// ones (the caller holds the run's lock, so nobody else is writing them).
    static func makeStaging(for folder: String) throws -> String {
        let parent = (folder as NSString).deletingLastPathComponent
        let base = (folder as NSString).lastPathComponent
        try createDirectory(parent)
        let fm = FileManager.default
        for entry in (try? fm.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix(".tmp-\(base)-") {
            try? fm.removeItem(atPath: parent + "/" + entry)
        }
        let staging = parent + "/.tmp-\(base)-\(getpid())"
        guard mkdir(staging, 0o755) == 0 else { throw AtomicFile.systemError("cannot create", staging) }
        return staging
    }

    /// Renames `staging` to `folder`, replacing a previous run there (failed, forced or
    /// stale) only once the new one is whole.
    static func moveIntoPlace(_ staging: String, _ folder: String) throws {
        let parent = (folder as NSString).deletingLastPathComponent
        let fm = FileManager.default
        var old: String?
        if fm.fileExists(atPath: folder) {
            let aside = parent + "/.old-\((folder as NSString).lastPathComponent)-\(getpid())"
            guard rename(folder, aside) == 0 else { throw AtomicFile.systemError("cannot move aside", folder) }
            old = aside
        }
        guard rename(staging, folder) == 0 else {
            let error = AtomicFile.systemError("cannot rename into place", folder)
            if let old { rename(old, folder) }
            throw error
        }
        AtomicFile.syncDirectory(parent)
        if let old { try? fm.removeItem(atPath: old) }
    }

    /// `mkdir -p`, with an error a user can act on.
    static func createDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw Diagnostic("cannot create the results directory '\(path)': \((error as NSError).localizedDescription)",
                             hint: "choose a writable directory with \(option: .results)")
        }
    }
}

/// An exclusive, advisory lock (flock) on one run, held while it trains. The lock file
/// `.lock-<name>` sits beside the run folder; the kernel releases it if the process dies.
final class RunLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// The lock; when another process holds it, nil, or with `wait`, the lock once it is free.
    static func acquire(for folder: String, wait: Bool = false) throws -> RunLock? {
        let parent = (folder as NSString).deletingLastPathComponent
        try RunFolder.createDirectory(parent)
        let path = parent + "/.lock-" + (folder as NSString).lastPathComponent
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AtomicFile.systemError("cannot create the lock file", path) }
        var status: Int32
        repeat { status = flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) } while status != 0 && errno == EINTR
        guard status == 0 else {
            close(fd)
            return nil
        }
        return RunLock(fd: fd)
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
