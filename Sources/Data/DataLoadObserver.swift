import FoundationEssentials
import Support
import Glibc

/// Told how far the loading of a large data file has come, to show a progress line (the
/// caller draws it: Data draws nothing). Only files of at least `minimumFileBytes` are
/// reported; calls come from any thread, a few per second of loading at most a hundred in
/// all, and `loaded` always follows the last `loading` of a file, whether it loaded or not.
public protocol DataLoadObserver: AnyObject, Sendable {
    /// Files smaller than this are loaded without a word.
    var minimumFileBytes: Int { get }
    /// `done` of `total` units of `stage` of `path` (an absolute path) are done: bytes
    /// read, bytes parsed (CSV) or examples converted (HDF5).
    func loading(_ path: String, stage: DataLoadStage, done: Int, total: Int)
    /// `path` is loaded, or failed to load: its line goes.
    func loaded(_ path: String)
}

/// The steps of loading a file, in order.
public enum DataLoadStage: String, Sendable {
    /// Reading the file's bytes into memory (and hashing them).
    case reading
    /// Parsing the rows of a CSV file.
    case parsing
    /// Converting the examples of an HDF5 file to float64.
    case converting
}

/// The progress of one file's load, for the readers: reports to the observer when the
/// file is large enough, and counts work done on several threads at once.
final class LoadProgress: @unchecked Sendable {
    private let observer: (any DataLoadObserver)?
    private let path: String
    private let lock = Lock()
    private var stage = DataLoadStage.reading
    private var done = 0
    private var total = 0

    /// A reporter for `file`; it reports nothing when `observer` is nil or the file is
    /// smaller than the observer asks for.
    init(_ observer: (any DataLoadObserver)?, path: String, size: Int) {
        self.observer = observer.flatMap { size >= $0.minimumFileBytes ? $0 : nil }
        self.path = path
    }

    /// Whether anything is reported (to skip counting work when not).
    var isActive: Bool { observer != nil }

    /// Starts `stage`, of `total` units.
    func begin(_ stage: DataLoadStage, total: Int) {
        guard let observer else { return }
        lock.lock()
        defer { lock.unlock() }
        self.stage = stage
        self.total = total
        done = 0
        observer.loading(path, stage: stage, done: 0, total: total)
    }

    /// `units` more of the current stage are done.
    func advance(by units: Int) {
        guard let observer else { return }
        // The observer is told under the lock, so that it sees the counts rise.
        lock.lock()
        defer { lock.unlock() }
        done = min(total, done + units)
        observer.loading(path, stage: stage, done: done, total: total)
    }

    /// The load ended.
    func end() {
        observer?.loaded(path)
    }
}
