import Foundation
import Support
import Data
import Spec
import Runs
import CostPlot

/// `results/<name>/summary.csv`: one row per run folder of the experiment (every sweep
/// point, shard and --set invocation that wrote there), rebuilt from the folders' own
/// manifests and metrics after every run and written atomically, so it is always whole
/// and always agrees with the folders.
public enum Summary {
    /// A run folder of an experiment and what its files say.
    public struct Row: Sendable {
        public var folder: String
        /// The key=value pairs of the folder's name, decoded.
        public var assignments: [(key: String, value: String)]
        public var manifest: Manifest?
        public var metrics: Metrics?
    }

    /// The run folders directly under `experimentFolder`, sorted by name.
    public static func rows(in experimentFolder: String) -> [Row] {
        let fm = FileManager.default
        let entries = ((try? fm.contentsOfDirectory(atPath: experimentFolder)) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
        return entries.compactMap { entry in
            let folder = experimentFolder + "/" + entry
            guard let manifest = RunFiles.readManifest(inFolder: folder) else { return nil }
            return Row(folder: entry, assignments: parseFolderName(entry), manifest: manifest,
                       metrics: RunFiles.readMetrics(inFolder: folder))
        }
    }

    /// The CSV text: folder, the swept keys (sorted), status, the metrics.
    public static func csv(_ rows: [Row]) -> String {
        let keys = Array(Set(rows.flatMap { $0.assignments.map(\.key) })).sorted()
        var text = (["folder"] + keys + ["status", "final_cost", "train_accuracy", "test_accuracy", "seconds", "iterations"])
            .joined(separator: ",") + "\n"
        for row in rows {
            let values = Dictionary(row.assignments.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            var fields = [row.folder] + keys.map { values[$0] ?? "" }
            fields.append(row.manifest?.status.rawValue ?? "")
            fields.append(row.metrics?.finalCost.map(shortestDecimal) ?? "")
            fields.append(row.metrics?.trainAccuracy.map(shortestDecimal) ?? "")
            fields.append(row.metrics?.testAccuracy.map(shortestDecimal) ?? "")
            fields.append(row.metrics.map { shortestDecimal($0.seconds) } ?? "")
            fields.append(row.metrics.map { String($0.iterations) } ?? "")
            text += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    /// Rewrites `summary.csv` of an experiment folder.
    public static func write(experimentFolder: String) throws {
        try AtomicFile.write(csv(rows(in: experimentFolder)), to: experimentFolder + "/summary.csv")
    }

    /// "a=1,b=x" -> [(a, 1), (b, x)], percent-decoded; [] for a name without '='.
    static func parseFolderName(_ name: String) -> [(key: String, value: String)] {
        name.split(separator: ",").compactMap { pair -> (key: String, value: String)? in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            let key = String(parts[0]), value = String(parts[1])
            return (key.removingPercentEncoding ?? key, value.removingPercentEncoding ?? value)
        }
    }
}
