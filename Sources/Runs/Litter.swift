import Dispatch
import FoundationEssentials
import Glibc
import Support

/// What a crashed dnn-run leaves in an experiment folder, and the proof that it did:
///
/// * a run being staged, `.tmp-<point>~<maker>`, a folder holding `.dnn-run-staging`, a
///   lease its maker renews every `Lease.interval` while it trains;
/// * a replaced run set aside, `.old-<point>~<maker>`;
/// * a file being written, `.<name>.tmp~<maker>` (`AtomicFile`).
///
/// `<maker>` is the `ProcessIdentity` of the process that made it. An entry is removed only
/// when its name carries a maker, it is of the kind its name says, and the maker is
/// provably gone: on this machine instance (host, boot, PID namespace), its PID no longer
/// runs the process that made it; made elsewhere (another node sharing the results
/// directory), its lease or, for the short-lived kinds, the entry itself has not changed
/// for `Lease.staleAfter` seconds. Nothing a user names (`.old-thesis-2024`,
/// `.notes.tmp-3000`) and no run folder (spec and point names cannot hold `~`) is ever
/// taken for a leftover.
enum Litter {
    /// The lease file inside every staging folder.
    static let leaseName = ".dnn-run-staging"

    /// Removes from `folder` every leftover whose maker is provably gone; returns the
    /// names removed.
    @discardableResult
    static func remove(in folder: String, now: Double = Date().timeIntervalSince1970) -> [String] {
        var removed: [String] = []
        for entry in FileSystem.entries(of: folder) where entry.hasPrefix(".") && entry.contains("~") {
            if removeIfAbandoned(folder + "/" + entry, now: now) { removed.append(entry) }
        }
        return removed
    }

    /// Removes the leftover at `path` if it is one and its maker is provably gone.
    @discardableResult
    static func removeIfAbandoned(_ path: String, now: Double = Date().timeIntervalSince1970) -> Bool {
        let name = PathNames.lastComponent(of: path)
        guard let maker = ProcessIdentity.parse(suffixOf: name), maker != ProcessIdentity.current,
              let kind = Kind(name), let changed = kind.lastChange(of: path)
        else { return false }
        let gone = maker.isGone ?? (now - changed >= Lease.staleAfter)
        guard gone else { return false }
        FileSystem.removeTree(path)
        return (try? FileSystem.linkStatus(of: path)) == nil
    }

    /// The three kinds of leftover, told by name and checked by type.
    enum Kind {
        case staging, aside, file

        init?(_ name: String) {
            let stem = ProcessIdentity.stem(of: name)
            if stem.hasPrefix(".tmp-") {
                self = .staging
            } else if stem.hasPrefix(".old-") {
                self = .aside
            } else if stem.hasSuffix(".tmp"), stem.count > 5 {
                self = .file
            } else {
                return nil
            }
        }

        /// When the entry last showed its maker alive (seconds since 1970), or nil when the
        /// entry is not of this kind: a staging folder's lease file, a set-aside folder's or
        /// a file's status change (a rename sets it). Links are not followed.
        func lastChange(of path: String) -> Double? {
            guard let status = try? FileSystem.linkStatus(of: path) else { return nil }
            switch self {
            case .staging:
                guard status.type == .directory,
                      let lease = try? FileSystem.linkStatus(of: path + "/" + Litter.leaseName),
                      lease.type == .regular
                else { return nil }
                return Double(lease.st_mtim.tv_sec)
            case .aside:
                guard status.type == .directory else { return nil }
                return Double(status.st_ctim.tv_sec)
            case .file:
                guard status.type == .regular else { return nil }
                return Double(status.st_ctim.tv_sec)
            }
        }
    }
}

/// The lease of a staging folder: its lease file, written when the folder is made and
/// touched every `interval` seconds while the run trains, so that a process on another
/// node can tell a live run (however long it trains) from one whose maker died.
final class Lease: @unchecked Sendable {
    static let interval: Double = 60
    /// Ten missed renewals.
    static let staleAfter: Double = 600

    private let timer: DispatchSourceTimer
    private let queue = DispatchQueue(label: "dnn-run.lease")

    /// Writes the lease file into `staging` and renews it every `interval` seconds until `end`.
    init(staging: String, interval: Double = Lease.interval) throws(FileError) {
        let path = staging + "/" + Litter.leaseName
        let file = try FileSystem.open(
            path, .writeOnly, options: [.create, .exclusiveCreate, .noFollow],
            permissions: [.ownerReadWrite, .groupRead, .otherRead], operation: "cannot create")
        let me = ProcessIdentity.current
        let text = """
            A run being trained by dnn-run: host \(hostName()), PID \(me.pid) (machine \(me.machine), \
            started at tick \(me.startTime)). Renewed every \(Int(interval)) s while it trains; \
            another dnn-run removes this folder only \(Int(Lease.staleAfter)) s after the last renewal, \
            or once that process is gone.

            """
        _ = try? file.writeAll(Array(text.utf8))
        try? file.close()
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { _ = utimensat(AT_FDCWD, path, nil, AT_SYMLINK_NOFOLLOW) }
        timer.resume()
    }

    /// Stops renewing: no renewal happens after it returns (cancelling does not stop a
    /// renewal already under way, so it waits for the lease's queue to drain).
    func end() {
        timer.cancel()
        queue.sync {}
    }

    deinit { timer.cancel() }
}
