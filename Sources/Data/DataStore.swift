import DeepNet
import FoundationEssentials
import Glibc
import Support

/// The datasets of one invocation, each loaded once and shared by every run that reads
/// it (a sweep of 100 points over one dataset loads it once), with the dual engine's Gram
/// matrix computed once per training set. Safe to use from several worker threads.
///
/// Each load reads its file once and hashes exactly the bytes it parses
/// (`Dataset.sha256`): a test set read again after training, when the file was replaced
/// meanwhile, comes with the new bytes' hash, which is the one to record for its results.
public final class DataStore: @unchecked Sendable {
    private struct Key: Hashable {
        var split: DataSplit
        var scale: Double
    }

    private let lock = Lock()
    private var datasets: [Key: Dataset] = [:]
    private var bases: [Key: DualBasis] = [:]
    /// Size and hash of datasets read without being kept (test sets), so that planning a
    /// sweep reads each file once, not once per point.
    private var summaries: [Key: DatasetSummary] = [:]
    /// Runs still to train on each training set, when the runner has said so.
    private var pendingUses: [Key: Int] = [:]

    private var loadObserver: (any DataLoadObserver)?

    /// - Parameter observer: told how the loading of large files advances (a progress line).
    public init(observer: (any DataLoadObserver)? = nil) {
        loadObserver = observer
    }

    /// Who is told how the loading of large files advances from now on.
    public var observer: (any DataLoadObserver)? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return loadObserver
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            loadObserver = newValue
        }
    }

    /// The dataset of `split` divided by `scale`, loading it on first use. With `keep`
    /// false it is not kept after this call (unless it already was): test sets, which are
    /// small to reload and need not occupy memory while training runs.
    public func dataset(_ split: DataSplit, scale: Double, keep: Bool = true) throws -> Dataset {
        let key = Key(split: split.withoutLocation, scale: scale)
        lock.lock()
        defer { lock.unlock() }
        if let d = datasets[key] { return d }
        let d = try Dataset(contentsOf: split, scale: scale, observer: loadObserver)
        if keep { datasets[key] = d }
        return d
    }

    /// The size and hash of `split`, reading it (without keeping it) on first use.
    public func summary(_ split: DataSplit, scale: Double) throws -> DatasetSummary {
        let key = Key(split: split.withoutLocation, scale: scale)
        lock.lock()
        let known = summaries[key]
        lock.unlock()
        if let known { return known }
        let d = try dataset(split, scale: scale, keep: false)
        let summary = DatasetSummary(features: d.features, examples: d.examples, sha256: d.sha256)
        lock.lock()
        summaries[key] = summary
        lock.unlock()
        return summary
    }

    /// The Gram matrix of the training set of `split`, computed on first use.
    public func dualBasis(_ split: DataSplit, scale: Double) throws -> DualBasis {
        let data = try dataset(split, scale: scale)
        let key = Key(split: split.withoutLocation, scale: scale)
        lock.lock()
        defer { lock.unlock() }
        if let b = bases[key] { return b }
        let b = DualBasis(data.X)
        bases[key] = b
        return b
    }

    /// Declares that `count` more runs will train on `split`: after the last of them calls
    /// `finishedTraining`, its data and Gram matrix are released.
    public func expectTraining(on split: DataSplit, scale: Double, runs count: Int) {
        lock.lock()
        defer { lock.unlock() }
        pendingUses[Key(split: split.withoutLocation, scale: scale), default: 0] += count
    }

    /// A run is done training on `split`; releases the data after the last expected one.
    public func finishedTraining(on split: DataSplit, scale: Double) {
        let key = Key(split: split.withoutLocation, scale: scale)
        lock.lock()
        defer { lock.unlock() }
        guard let pending = pendingUses[key] else { return }
        pendingUses[key] = pending - 1
        if pending <= 1 {
            datasets[key] = nil
            bases[key] = nil
        }
    }

    /// Whether a Gram matrix for this split is already computed (it then costs nothing).
    public func hasDualBasis(_ split: DataSplit, scale: Double) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return bases[Key(split: split.withoutLocation, scale: scale)] != nil
    }
}

/// What planning needs of a dataset: its shape and its hash.
public struct DatasetSummary: Equatable, Sendable {
    public var features: Int
    public var examples: Int
    public var sha256: String
}
