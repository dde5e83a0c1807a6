import FoundationEssentials
import Glibc
import Support
import Data
import Spec
import Runs
import CostPlot

/// The cost curves of runs as one SVG (`dnn-run plot`, and `results/<name>/costs.svg`
/// after a sweep): each run is labelled by the spec keys that set it apart; with
/// `--group-by`, each group of runs is drawn as its mean curve with a band of ± one
/// standard deviation (`GroupCurve`), labelled by the group's values and n.
public enum RunPlots {
    /// What a plot needs of a run: where its files are, its values by dotted key, its
    /// status and final cost. Its costs are read only when it is drawn.
    struct PlottedRun {
        var folder: String
        var values: [String: String]
        var status: RunStatus?
        var finalCost: Double?

        var member: RunGroups.Member {
            RunGroups.Member(values: values, status: status, metrics: nil)
        }

        /// The run's `costs.csv`, nil when it cannot be read.
        func costs() -> [(iteration: Int, cost: Double)]? {
            (try? RunFiles.readCosts(atPath: folder + "/" + RunFile.costs))?.map { ($0.iteration, $0.cost) }
        }
    }

    /// Runs with equal values of the group keys, `values` in the order of the keys.
    struct PlottedGroup {
        var values: [String]
        var runs: [PlottedRun]
        var completed: [PlottedRun] { runs.filter { $0.status == .completed } }

        /// The mean final cost of the completed runs that have one; nil when none has.
        var meanFinalCost: Double? {
            RunGroups.Statistics(completed.compactMap(\.finalCost).filter(\.isFinite)).mean
        }
    }

    /// One series per run that has a costs.csv, labelled by the keys whose values differ
    /// between the runs ("learning_rate=0.01, seed=2"), or by its folder when none do.
    public static func series(for runs: [RunTable.Run]) -> [CostSeries] {
        let plotted = runs.map {
            PlottedRun(folder: $0.folder, values: $0.values, status: $0.countedStatus, finalCost: $0.metrics?.finalCost)
        }
        return series(for: plotted, labelledBy: differingKeys(plotted))
    }

    /// One series per run of `runs` that has a costs.csv, labelled by `keys` (by its folder
    /// when there are none) and its status when not completed; `finalCost` adds the run's
    /// final cost to its label.
    static func series(for runs: [PlottedRun], labelledBy keys: [String], finalCost: Bool = false) -> [CostSeries] {
        runs.compactMap { run in
            guard let costs = run.costs() else { return nil }
            var label = keys.isEmpty
                ? PathNames.lastComponent(of: run.folder)
                : keys.map { "\(shortKey($0))=\(run.values[$0] ?? "")" }.joined(separator: ", ")
            if finalCost, let cost = run.finalCost {
                label += " (final cost \(cFormat("%.4g", cost)))"
            }
            if let status = run.status, status != .completed {
                label += " (\(status.rawValue))"
            }
            return CostSeries(label: label, points: costs)
        }
    }

    /// The runs grouped by equal values of `keys`, the groups sorted by those values
    /// (numerically where both are numbers), the runs of a group in their given order.
    static func groups(_ runs: [PlottedRun], by keys: [String]) -> [PlottedGroup] {
        var order: [[String]] = []
        var byValues: [[String]: [PlottedRun]] = [:]
        for run in runs {
            let values = keys.map { run.values[$0] ?? "" }
            if byValues[values] == nil { order.append(values) }
            byValues[values, default: []].append(run)
        }
        return order.sorted(by: valuesPrecede).map { PlottedGroup(values: $0, runs: byValues[$0]!) }
    }

    /// One series per group: the mean cost of its completed runs, with a band of ± one
    /// standard deviation, labelled "learning_rate=0.01 (n=10)"; and the notes the plot
    /// needs to be read right.
    static func series(for groups: [PlottedGroup], keys: [String]) -> (series: [CostSeries], notes: [String]) {
        var leftOutIterations = false
        var single = false
        let series = groups.map { group -> CostSeries in
            let histories = group.completed.compactMap { $0.costs() }
            let curve = GroupCurve(histories: histories)
            leftOutIterations = leftOutIterations || curve.leftOutIterations
            single = single || histories.count == 1
            var label = keys.isEmpty
                ? "all runs"
                : zip(keys, group.values).map { "\(shortKey($0))=\($1)" }.joined(separator: ", ")
            let others = group.runs.count - histories.count
            label += " (n=\(histories.count)" + (others > 0 ? ", \(others) not completed)" : ")")
            return CostSeries(label: label, points: curve.points, band: curve.band)
        }
        var notes = ["line: mean of a group's completed runs; band: ± 1 standard deviation"
            + (single ? " (none for n=1)" : "")]
        if leftOutIterations {
            notes.append("runs of a group recorded different iterations: means at the iterations all of them recorded")
        }
        return (series, notes)
    }

    /// The SVG of the runs under `paths` (run or experiment folders): one curve per run, or
    /// with `groupBy` one mean curve and band per group.
    /// - Throws: `Diagnostic` for a path that holds no run, `RunGroups.UnknownKey` for a
    ///   key of `groupBy` that no run has.
    public static func svg(
        of paths: [String], title: String?, logScale: Bool, groupBy: RunGroups.Selection? = nil
    ) throws -> String {
        let runs = try RunTable.collect(paths)
        let names = Set(runs.map { PathNames.parent(of: $0.folder) })
        let place = names.count == 1 ? " in \(PathNames.relativeToWorkingDirectory(names.first!))" : ""
        let defaultTitle = runs.count == 1
            ? "cost of \(PathNames.relativeToWorkingDirectory(runs[0].folder))"
            : "cost of \(runs.count) runs" + place
        guard let groupBy else {
            return CostPlot(series: series(for: runs), title: title ?? defaultTitle, logScale: logScale).svg()
        }
        let plotted = runs.map {
            PlottedRun(folder: $0.folder, values: $0.values, status: $0.countedStatus, finalCost: $0.metrics?.finalCost)
        }
        let keys = try RunGroups.keys(groupBy, of: plotted.map(\.member))
        let (series, notes) = series(for: groups(plotted, by: keys), keys: keys)
        let groupTitle = "mean cost of \(runs.count) run\(runs.count == 1 ? "" : "s")" + place
            + (keys.isEmpty ? "" : ", by " + keys.map(shortKey).joined(separator: ", "))
        return CostPlot(series: series, title: title ?? groupTitle, logScale: logScale, notes: notes).svg()
    }

    /// Rewrites `costs.svg` of an experiment folder from every run in it, as
    /// `ExperimentPlot` decides.
    public static func writeExperimentPlot(experimentFolder: String) throws {
        try writeExperimentPlot(Summary.rows(in: experimentFolder), experimentFolder: experimentFolder)
    }

    /// Rewrites `costs.svg` of an experiment folder from `rows`, its run folders.
    public static func writeExperimentPlot(_ rows: [Summary.Row], experimentFolder: String) throws {
        let text = ExperimentPlot.plot(rows, experimentFolder: experimentFolder).svg()
        try AtomicFile.write(text, to: experimentFolder + "/costs.svg")
    }

    /// The keys whose values differ between `runs`, sorted.
    static func differingKeys(_ runs: [PlottedRun]) -> [String] {
        let keys = Set(runs.flatMap(\.values.keys)).sorted()
        return keys.filter { key in Set(runs.map { $0.values[key] ?? "" }).count > 1 }
    }

    /// "training.learning_rate" -> "learning_rate": the section adds nothing to a legend.
    static func shortKey(_ key: String) -> String {
        key.split(separator: ".", maxSplits: 1).last.map(String.init) ?? key
    }

    /// Whether group values `a` sort before `b`: value by value, numerically where both
    /// read as numbers ("0.005" before "0.01", "9" before "10"), else as text.
    private static func valuesPrecede(_ a: [String], _ b: [String]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            if let u = Double(x), let v = Double(y), u != v { return u < v }
            return x < y
        }
        return a.count < b.count
    }
}
