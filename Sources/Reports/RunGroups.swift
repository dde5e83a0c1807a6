import Runs
import Support

/// Runs grouped by spec keys, with the spread of their metrics: how a result varies over
/// seeds (`dnn-run compare --group-by '!training.seed'`), and the groups of
/// `summary.json`.
public enum RunGroups {
    /// Which keys make a group.
    public enum Selection: Equatable, Sendable {
        /// Runs with equal values of these keys form a group.
        case keys([String])
        /// Every key whose value differs between the runs, except these (`!training.seed`:
        /// the runs that differ only by seed form a group).
        case allExcept([String])

        /// `a,b` or `!a,b` (every differing key but a and b).
        public init(parsing text: String) {
            let negated = text.hasPrefix("!")
            let keys = (negated ? String(text.dropFirst()) : text)
                .split(separator: ",").map { $0.trimmed(newlines: false) }.filter { !$0.isEmpty }
            self = negated ? .allExcept(keys) : .keys(keys)
        }
    }

    /// What grouping needs of a run: its values by dotted key, its status, its metrics.
    public struct Member: Sendable {
        public var values: [String: String]
        public var status: RunStatus?
        public var metrics: Metrics?

        public init(values: [String: String], status: RunStatus?, metrics: Metrics?) {
            self.values = values
            self.status = status
            self.metrics = metrics
        }
    }

    /// n, mean, sample standard deviation (n - 1 in the denominator, as pandas and R;
    /// nil for fewer than two values), min and max of one metric over a group's
    /// completed runs.
    public struct Statistics: Equatable, Sendable {
        public var n: Int
        public var mean: Double?
        public var std: Double?
        public var min: Double?
        public var max: Double?

        public init(_ values: [Double]) {
            n = values.count
            guard !values.isEmpty else { return }
            let mean = values.reduce(0, +) / Double(values.count)
            self.mean = mean
            if values.count > 1 {
                let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                std = (squares / Double(values.count - 1)).squareRoot()
            }
            min = values.min()
            max = values.max()
        }
    }

    /// One group: the values it shares, how many runs it has, and the statistics of each metric.
    public struct Group: Sendable {
        public var values: [String]
        public var runs: Int
        /// Runs of the group that did not complete (failed, interrupted): left out of the statistics.
        public var notCompleted: Int
        public var statistics: [(metric: String, Statistics)]
    }

    /// The metrics summarized per group.
    public static let metrics = ["final_cost", "train_accuracy", "test_accuracy"]

    /// A key named in a selection that no run has.
    public struct UnknownKey: Error, Sendable {
        public var key: String
        public var keys: [String]
        public var message: String { "no run has the key '\(key)'; the keys are \(keys.joined(separator: ", "))" }
        public var hint: String { Suggestion.hint(for: key, among: keys) }
    }

    /// The keys `selection` groups by, in sorted order.
    public static func keys(_ selection: Selection, of members: [Member]) throws(UnknownKey) -> [String] {
        let all = Set(members.flatMap(\.values.keys)).sorted()
        let named: [String]
        switch selection {
        case .keys(let keys): named = keys
        case .allExcept(let keys): named = keys
        }
        if let unknown = named.first(where: { !all.contains($0) }) { throw UnknownKey(key: unknown, keys: all) }
        switch selection {
        case .keys(let keys): return Array(Set(keys)).sorted()
        case .allExcept(let excluded):
            return all.filter { key in
                !excluded.contains(key) && Set(members.map { $0.values[key] ?? "" }).count > 1
            }
        }
    }

    /// The groups of `members` by `keys`, in the order of their first run.
    public static func groups(_ members: [Member], by keys: [String]) -> [Group] {
        var order: [[String]] = []
        var byValues: [[String]: [Member]] = [:]
        for member in members {
            let values = keys.map { member.values[$0] ?? "" }
            if byValues[values] == nil { order.append(values) }
            byValues[values, default: []].append(member)
        }
        return order.map { values in
            let runs = byValues[values]!
            let completed = runs.filter { $0.status == .completed }
            let statistics = metrics.map { metric in
                (metric, Statistics(completed.compactMap { value(of: metric, in: $0.metrics) }))
            }
            return Group(values: values, runs: runs.count, notCompleted: runs.count - completed.count,
                         statistics: statistics)
        }
    }

    /// The groups as a table: the keys, n, then mean, std, min and max of each metric.
    public static func table(_ groups: [Group], keys: [String]) -> (header: [String], rows: [[String]]) {
        let statNames = ["mean", "std", "min", "max"]
        let header = keys + ["n", "not_completed"] + metrics.flatMap { m in statNames.map { "\(m)_\($0)" } }
        let rows = groups.map { group in
            group.values + [String(group.runs - group.notCompleted), String(group.notCompleted)]
                + group.statistics.flatMap { _, s in
                    [s.mean, s.std, s.min, s.max].map { $0.map(shortestDecimal) ?? "" }
                }
        }
        return (header, rows)
    }

    private static func value(of metric: String, in metrics: Metrics?) -> Double? {
        switch metric {
        case "final_cost": return metrics?.finalCost
        case "train_accuracy": return metrics?.trainAccuracy
        case "test_accuracy": return metrics?.testAccuracy
        default: return nil
        }
    }
}
