import FoundationEssentials
import Glibc
import Runs
import Support

/// Keeps an experiment folder's `summary.csv`, `summary.json` and `costs.svg` up to date
/// as the runner ends runs, at a cost per run that does not grow with the sweep:
///
/// * after a run, only that run's manifest and metrics are read, into rows kept in
///   memory; the summaries are written from them at most every `interval` seconds;
/// * when the sweep is done (or stopped), every run folder is read again, so that runs
///   other processes wrote into the same folder are included, and the summaries and the
///   plot are written from that.
///
/// Every write happens under an exclusive lock on `.lock-summary` in the experiment
/// folder and replaces the file atomically, so processes sharing a results directory
/// never tear a file, and the last process to finish writes every run present.
public final class ExperimentFiles: ExperimentObserver, @unchecked Sendable {
    /// Seconds between two writes of the summaries while a sweep runs (at least; see
    /// `Rows.lastDuration`).
    public let interval: Double
    private let lock = Lock()
    private var experiments: [String: Rows] = [:]

    private struct Rows {
        var byFolder: [String: Summary.Row]
        var lastWrite: Double
        /// Seconds the last write took: writes are spaced at least 20 times that apart, so
        /// that rewriting the summaries of a very large sweep never costs more than 5% of it.
        var lastDuration = 0.0
    }

    public init(interval: Double = 5) {
        self.interval = interval
    }

    public func runEnded(experimentFolder: String, runFolder: String) throws {
        lock.lock()
        defer { lock.unlock() }
        let now = Date().timeIntervalSince1970
        // Taken out of the dictionary while it changes, so that adding a row never copies
        // the rows of a large sweep (copy on write).
        var rows = experiments.removeValue(forKey: experimentFolder)
            ?? Rows(byFolder: Self.index(Summary.rows(in: experimentFolder)), lastWrite: now)
        defer { experiments[experimentFolder] = rows }
        let name = PathNames.lastComponent(of: runFolder)
        if let row = Summary.row(folder: name, in: experimentFolder) { rows.byFolder[name] = row }
        if now - rows.lastWrite >= max(interval, 20 * rows.lastDuration) {
            try Self.writeSummaries(Array(rows.byFolder.values), experimentFolder: experimentFolder)
            let done = Date().timeIntervalSince1970
            rows.lastDuration = done - now
            rows.lastWrite = done
        }
    }

    public func sweepEnded(experimentFolder: String) throws {
        lock.lock()
        defer { lock.unlock() }
        try Self.underLock(experimentFolder) {
            let rows = Summary.rows(in: experimentFolder)
            try Summary.write(rows, experimentFolder: experimentFolder)
            // No run folder yet (every run failed to write, say): no curves to draw.
            if !rows.isEmpty { try RunPlots.writeExperimentPlot(rows, experimentFolder: experimentFolder) }
        }
        experiments[experimentFolder] = nil
    }

    private static func index(_ rows: [Summary.Row]) -> [String: Summary.Row] {
        Dictionary(rows.map { ($0.folder, $0) }, uniquingKeysWith: { a, _ in a })
    }

    private static func writeSummaries(_ rows: [Summary.Row], experimentFolder: String) throws {
        try underLock(experimentFolder) {
            try Summary.write(rows.sorted { $0.folder < $1.folder }, experimentFolder: experimentFolder)
        }
    }

    /// Runs `body` holding the experiment's summary lock.
    private static func underLock(_ experimentFolder: String, _ body: () throws -> Void) throws {
        let path = experimentFolder + "/.lock-summary"
        guard let lock = try FileLock.acquire(at: path, wait: true) else { return }
        defer { lock.release() }
        try body()
    }
}
