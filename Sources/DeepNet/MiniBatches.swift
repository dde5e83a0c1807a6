/// The batches of each pass over m examples (`training.mini_batch_size`,
/// `training.shuffle_seed`), as the course's `random_mini_batches`: before pass e (counted
/// from 1), `np.random.seed(shuffle_seed + e)`, `permutation(m)`, the columns in that
/// order cut into batches of `size` and a last smaller one. Without a size, or with one of
/// at least m, a pass is one batch of every example in file order, unshuffled.
public struct MiniBatches: Equatable, Sendable {
    /// The examples a batch holds, at most; nil: every example in one batch.
    public var size: Int?
    /// The seed of pass e is `shuffleSeed + e`.
    public var shuffleSeed: UInt32

    /// The course's shuffle seed.
    public static let defaultShuffleSeed: UInt32 = 10

    public init(size: Int? = nil, shuffleSeed: UInt32 = defaultShuffleSeed) {
        self.size = size
        self.shuffleSeed = shuffleSeed
    }

    /// Whether passes over `m` examples are cut into more than one batch.
    public func splits(_ m: Int) -> Bool { size.map { $0 < m } ?? false }

    /// The order of the examples in pass `pass` (counted from 0, so seeded with
    /// shuffleSeed + pass + 1); nil when the pass is one unshuffled batch.
    func order(pass: Int, examples m: Int) -> [Int]? {
        guard splits(m) else { return nil }
        var random = NumpyRandom(seed: shuffleSeed &+ UInt32(truncatingIfNeeded: pass + 1))
        return random.permutation(m)
    }
}
