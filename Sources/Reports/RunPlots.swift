import Foundation
import Support
import Data
import Spec
import Runs
import CostPlot

/// The cost curves of runs as one SVG (`dnn-run plot`, and `results/<name>/costs.svg`
/// after a sweep): each run is labelled by the spec keys that set it apart.
public enum RunPlots {
    /// One series per run that has a costs.csv, labelled by the keys whose values differ
    /// between the runs ("learning_rate=0.01, seed=2"), or by its folder when none do.
    public static func series(for runs: [RunTable.Run]) -> [CostSeries] {
        let keys = Set(runs.flatMap(\.values.keys)).sorted()
        let differing = keys.filter { key in Set(runs.map { $0.values[key] ?? "" }).count > 1 }
        return runs.compactMap { run in
            guard let costs = try? RunFiles.readCosts(atPath: run.folder + "/" + RunFile.costs) else { return nil }
            let label = differing.isEmpty
                ? (run.folder as NSString).lastPathComponent
                : differing.map { "\(shortKey($0))=\(run.values[$0] ?? "")" }.joined(separator: ", ")
            let status = run.manifest.status == .completed ? "" : " (\(run.manifest.status.rawValue))"
            return CostSeries(label: label + status, points: costs.map { ($0.iteration, $0.cost) })
        }
    }

    /// The SVG of the runs under `paths` (run or experiment folders).
    public static func svg(of paths: [String], title: String?, logScale: Bool) throws -> String {
        let runs = try RunTable.collect(paths)
        let names = Set(runs.map { ($0.folder as NSString).deletingLastPathComponent })
        let defaultTitle = runs.count == 1
            ? "cost of \(PathNames.relativeToWorkingDirectory(runs[0].folder))"
            : "cost of \(runs.count) runs" + (names.count == 1 ? " in \(PathNames.relativeToWorkingDirectory(names.first!))" : "")
        return CostPlot(series: series(for: runs), title: title ?? defaultTitle, logScale: logScale).svg()
    }

    /// Rewrites `costs.svg` of an experiment folder from every run in it.
    public static func writeExperimentPlot(experimentFolder: String) throws {
        let text = try svg(of: [experimentFolder], title: nil, logScale: false)
        try AtomicFile.write(text, to: experimentFolder + "/costs.svg")
    }

    /// "training.learning_rate" -> "learning_rate": the section adds nothing to a legend.
    private static func shortKey(_ key: String) -> String {
        key.split(separator: ".", maxSplits: 1).last.map(String.init) ?? key
    }
}
