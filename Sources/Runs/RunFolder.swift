import FoundationEssentials
import Glibc

import Support
import Data
import Spec

/// The life of a run folder on disk: staged beside its final place, renamed into place
/// when whole, and guarded by a lock so that two processes never train it at once.
enum RunFolder {
    /// A fresh staging folder `.tmp-<point>~<maker>` beside `folder`, with its lease
    /// (`Lease`), renewed until the caller ends it. Its name is written into the run's lock
    /// file, which the caller holds: the next process to take the lock removes a staging
    /// folder left there by a process that is gone, without listing the experiment folder
    /// (which holds thousands of runs in a large sweep).
    static func makeStaging(for folder: String, lock: FileLock) throws -> (path: String, lease: Lease) {
        let parent = PathNames.parent(of: folder)
        let base = PathNames.lastComponent(of: folder)
        try createDirectory(parent)
        let previous = lock.note()
        if previous.hasPrefix(".tmp-\(base)~"), !previous.contains("/") {
            Litter.removeIfAbandoned(parent + "/" + previous)
        }
        let name = ".tmp-\(base)~\(ProcessIdentity.current)"
        let staging = parent + "/" + name
        let lease = try failing { () throws(FileError) -> Lease in
            try FileSystem.makeDirectory(staging)
            return try Lease(staging: staging)
        }
        lock.setNote(name)
        return (staging, lease)
    }

    /// Renames `staging` to `folder`, replacing a previous run there (failed, forced or
    /// stale) only once the new one is whole, and only if it is a run folder: anything
    /// else found there (a file, a folder without manifest.json) is left as it is.
    static func moveIntoPlace(_ staging: String, _ folder: String) throws {
        let parent = PathNames.parent(of: folder)
        var old: String?
        if let status = try? FileSystem.linkStatus(of: folder) {
            guard status.type == .directory, isRunFolder(folder) else {
                throw Diagnostic(
                    "'\(PathNames.relativeToWorkingDirectory(folder))' is not a dnn-run run folder (no manifest.json); it was left as it is",
                    hint: "move it away, or choose another \(option: .results) directory; \(option: .force) replaces only run folders")
            }
            let aside = parent + "/.old-\(PathNames.lastComponent(of: folder))~\(ProcessIdentity.current)"
            do {
                try FileSystem.rename(folder, to: aside)
            } catch {
                throw Diagnostic(FileError("cannot move aside", folder, errno: error.errno), hint: AtomicFile.failureHint)
            }
            old = aside
        }
        do {
            try FileSystem.rename(staging, to: folder)
        } catch {
            if let old { try? FileSystem.rename(old, to: folder) }
            throw Diagnostic(error, hint: AtomicFile.hint(for: error))
        }
        // The lease is the staging folder's, not the run's.
        try? FileSystem.removeFile(folder + "/" + Litter.leaseName)
        FileSystem.syncDirectory(parent)
        if let old { FileSystem.removeTree(old) }
    }

    /// Whether `folder` is a run folder: it holds a manifest.json, a regular file.
    static func isRunFolder(_ folder: String) -> Bool {
        (try? FileSystem.linkStatus(of: folder + "/" + RunFile.manifest))?.type == .regular
    }

    /// `mkdir -p`, with an error a user can act on.
    static func createDirectory(_ path: String) throws {
        do {
            try FileSystem.makeDirectories(path)
        } catch {
            throw Diagnostic("cannot create the results directory '\(path)': \(error.reason)",
                             hint: "choose a writable directory with \(option: .results)")
        }
    }

    /// An exclusive lock on the run in `folder`, through the lock file `.lock-<name>`
    /// beside it: nil when another process holds it, or with `wait`, once it is free
    /// (nil if `shouldStop` answers true first).
    static func lock(_ folder: String, wait: Bool = false, shouldStop: @escaping () -> Bool = { false }) throws -> FileLock? {
        let parent = PathNames.parent(of: folder)
        try createDirectory(parent)
        let path = parent + "/.lock-" + PathNames.lastComponent(of: folder)
        return try failing { () throws(FileError) in try FileLock.acquire(at: path, wait: wait, shouldStop: shouldStop) }
    }

    /// Runs `body`, turning its `FileError` into the diagnostic of a results file.
    private static func failing<T>(_ body: () throws(FileError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw Diagnostic(error, hint: AtomicFile.hint(for: error))
        }
    }
}
