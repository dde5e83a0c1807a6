import DeepNet
import Foundation

/// The datasets of one invocation, each loaded once and shared by every run that reads
/// it (a sweep of 100 points over one dataset loads it once), with the dual engine's Gram
/// matrix computed once per training set. Safe to use from several worker threads.
public final class DataStore: @unchecked Sendable {
    private struct Key: Hashable {
        var split: DataSplit
        var scale: Double
    }

    private let lock = NSLock()
    private var datasets: [Key: Dataset] = [:]
    private var bases: [Key: DualBasis] = [:]

    public init() {}

    /// The dataset of `split` divided by `scale`, loading it on first use. With `keep`
    /// false it is not kept after this call (unless it already was): test sets, which are
    /// small to reload and need not occupy memory while training runs.
    public func dataset(_ split: DataSplit, scale: Double, keep: Bool = true) throws -> Dataset {
        let key = Key(split: split.withoutLocation, scale: scale)
        lock.lock()
        defer { lock.unlock() }
        if let d = datasets[key] { return d }
        let d = try Dataset(contentsOf: split, scale: scale)
        if keep { datasets[key] = d }
        return d
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

    /// Whether a Gram matrix for this split is already computed (it then costs nothing).
    public func hasDualBasis(_ split: DataSplit, scale: Double) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return bases[Key(split: split.withoutLocation, scale: scale)] != nil
    }
}

extension DataSplit {
    /// The split without where it was written: two specs naming one file share its data.
    var withoutLocation: DataSplit {
        var s = self
        s.location = nil
        return s
    }
}
