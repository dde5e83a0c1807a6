/// The mean cost curve of a group of runs, with a band of plus or minus one standard
/// deviation: what `dnn-run plot --group-by` and the experiment's `costs.svg` draw for a
/// group of runs that differ only by seed, say.
///
/// At each iteration that every history recorded, the mean of the costs there and their
/// sample standard deviation (n - 1 in the denominator, as `RunGroups.Statistics`); the
/// band is `mean - std ... mean + std`, and there is none for a single history. When the
/// histories recorded different iterations (another `record_every` or number of
/// iterations), only the iterations all of them recorded are drawn, and
/// `leftOutIterations` says so.
public struct GroupCurve: Sendable {
    /// The mean cost at each iteration every history recorded, in increasing iteration.
    public var points: [(iteration: Int, cost: Double)] = []
    /// `mean ± std` at the same iterations; empty for fewer than two histories.
    public var band: [(iteration: Int, lower: Double, upper: Double)] = []
    /// Whether some history recorded an iteration that another did not (left out).
    public var leftOutIterations = false

    /// - Parameter histories: the `(iteration, cost)` pairs of each run's `costs.csv`; an
    ///   iteration recorded twice in one history counts with its last cost.
    public init(histories: [[(iteration: Int, cost: Double)]]) {
        guard let first = histories.first else { return }
        var common = Set(first.map(\.iteration))
        for history in histories.dropFirst() {
            common.formIntersection(history.map(\.iteration))
        }
        leftOutIterations = histories.contains { history in
            history.contains { !common.contains($0.iteration) }
        }
        let byIteration = histories.map { history in
            Dictionary(history.map { ($0.iteration, $0.cost) }, uniquingKeysWith: { _, last in last })
        }
        for iteration in common.sorted() {
            let statistics = RunGroups.Statistics(byIteration.map { $0[iteration]! })
            guard let mean = statistics.mean else { continue }
            points.append((iteration, mean))
            if let std = statistics.std {
                band.append((iteration, mean - std, mean + std))
            }
        }
    }
}
