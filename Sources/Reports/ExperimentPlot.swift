import FoundationEssentials
import Glibc
import Support
import Runs
import CostPlot

/// What an experiment's `costs.svg` draws, readable from 2 runs to 10,000 (`dnn-run plot`
/// draws exactly what it is asked to instead):
///
/// 1. When some runs differ only by `training.seed` (grouped by every swept key but the
///    seed, as `summary.json`'s groups), each group's mean cost curve with a band of ± one
///    standard deviation (`GroupCurve`), up to `drawAllLimit` groups; above that, the
///    `extremes` groups with the lowest and the `extremes` with the highest mean final
///    cost.
/// 2. Otherwise every run, up to `drawAllLimit` runs; above that, the `extremes` runs with
///    the lowest and the `extremes` with the highest final cost, each labelled with it.
///
/// A note under the title says what was left out ("10 of 2000 runs drawn: the 5 lowest
/// and 5 highest final costs"). At most `drawAllLimit` curves are drawn, each at most a
/// few points per pixel column (`CostPlot` thins longer histories), so the file stays
/// small (about 20 KB for 10,000 runs of a short history) however many runs there are;
/// and only the drawn runs' `costs.csv` are read, except for groups, whose means need
/// every run's.
public enum ExperimentPlot {
    /// Runs, or groups, drawn all up to this many.
    public static let drawAllLimit = 20
    /// Above `drawAllLimit`, how many of the lowest and of the highest final costs are drawn.
    public static let extremes = 5

    /// The plot of the runs `rows` of `experimentFolder` (names of its run folders).
    public static func plot(_ rows: [Summary.Row], experimentFolder: String) -> CostPlot {
        let runs = rows.map { row in
            RunPlots.PlottedRun(
                folder: experimentFolder + "/" + row.folder,
                values: Dictionary(row.assignments.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                status: row.manifest?.status, finalCost: row.metrics?.finalCost)
        }
        let place = " in \(PathNames.relativeToWorkingDirectory(experimentFolder))"
        // The groups of summary.json: every swept key but the seed (none when no seed varies).
        let members = runs.map(\.member)
        if let keys = try? RunGroups.keys(.allExcept(["training.seed"]), of: members) {
            let groups = RunPlots.groups(runs, by: keys)
            if groups.count < runs.count {
                return groupPlot(groups, keys: keys, runs: runs.count, place: place)
            }
        }
        return runPlot(runs, place: place)
    }

    private static func groupPlot(_ groups: [RunPlots.PlottedGroup], keys: [String], runs: Int, place: String) -> CostPlot {
        var drawn = groups
        var notes: [String] = []
        if groups.count > drawAllLimit {
            let ranked = groups.compactMap { g in g.meanFinalCost.map { (item: g, cost: $0) } }
            (drawn, notes) = pickExtremes(ranked, total: groups.count, noun: "group", measure: "mean final costs")
        }
        let (series, groupNotes) = RunPlots.series(for: drawn, keys: keys)
        let title = "mean cost of \(runs) runs" + place
            + (keys.isEmpty ? "" : ", by " + keys.map(RunPlots.shortKey).joined(separator: ", "))
        return CostPlot(series: series, title: title, notes: notes + groupNotes)
    }

    private static func runPlot(_ runs: [RunPlots.PlottedRun], place: String) -> CostPlot {
        let keys = RunPlots.differingKeys(runs)
        let title = runs.count == 1
            ? "cost of \(PathNames.relativeToWorkingDirectory(runs[0].folder))" : "cost of \(runs.count) runs" + place
        guard runs.count > drawAllLimit else {
            return CostPlot(series: RunPlots.series(for: runs, labelledBy: keys), title: title)
        }
        let ranked = runs.compactMap { run in
            run.status == .completed ? run.finalCost.flatMap { $0.isFinite ? (item: run, cost: $0) : nil } : nil
        }
        let (drawn, notes) = pickExtremes(ranked, total: runs.count, noun: "run", measure: "final costs")
        return CostPlot(
            series: RunPlots.series(for: drawn, labelledBy: keys, finalCost: true), title: title, notes: notes)
    }

    /// The `extremes` lowest and `extremes` highest of `ranked` by cost (ties by their
    /// order), lowest first, and the note that says so; all of them when there are few.
    private static func pickExtremes<T>(
        _ ranked: [(item: T, cost: Double)], total: Int, noun: String, measure: String
    ) -> ([T], [String]) {
        let sorted = ranked.enumerated().sorted {
            $0.element.cost != $1.element.cost ? $0.element.cost < $1.element.cost : $0.offset < $1.offset
        }.map(\.element.item)
        let what = noun == "run" ? "completed run with a final cost" : "group with a completed run"
        if sorted.count <= 2 * extremes {
            return (sorted, ["\(sorted.count) of \(total) \(noun)s drawn: every \(what)"])
        }
        let drawn = Array(sorted.prefix(extremes) + sorted.suffix(extremes))
        var note = "\(drawn.count) of \(total) \(noun)s drawn: the \(extremes) lowest and \(extremes) highest \(measure)"
        if sorted.count < total {
            note += " of \(sorted.count) \(noun)s with one"
        }
        return (drawn, [note])
    }
}
