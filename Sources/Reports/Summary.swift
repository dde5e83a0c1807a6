import FoundationEssentials
import Glibc
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
        return entries.compactMap { row(folder: $0, in: experimentFolder) }
    }

    /// The row of the run folder `name` inside `experimentFolder`; nil when it holds no
    /// manifest (not a run folder).
    public static func row(folder name: String, in experimentFolder: String) -> Row? {
        let folder = experimentFolder + "/" + name
        guard let manifest = RunFiles.readManifest(inFolder: folder) else { return nil }
        return Row(folder: name, assignments: parseFolderName(name), manifest: manifest,
                   metrics: RunFiles.readMetrics(inFolder: folder))
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

    /// `summary.json`: every run (its folder, swept values, status and metrics) and every
    /// group of runs that differ only by `training.seed`, with n, mean, std, min and max
    /// of each metric (`RunGroups`), for scripts and DVC:
    ///
    ///     {"runs": [{"folder": "...", "values": {"training.seed": 1, ...}, "status": "completed",
    ///                "metrics": {"final_cost": 0.08, ...}}, ...],
    ///      "groups": {"by": ["training.learning_rate"], "groups": [{"values": {...}, "n": 3, ...}]}}
    public static func json(_ rows: [Row]) -> JSONValue {
        let runs = rows.map { row -> JSONValue in
            .object([
                ("folder", .string(row.folder)),
                ("values", .object(row.assignments.map { ($0.key, typed($0.value)) })),
                ("status", row.manifest.map { .string($0.status.rawValue) } ?? .null),
                ("metrics", .object([
                    ("final_cost", number(row.metrics?.finalCost)),
                    ("train_accuracy", number(row.metrics?.trainAccuracy)),
                    ("test_accuracy", number(row.metrics?.testAccuracy)),
                    ("seconds", number(row.metrics?.seconds)),
                    ("iterations", row.metrics.map { .int($0.iterations) } ?? .null),
                ])),
            ])
        }
        let members = rows.map { row in
            RunGroups.Member(
                values: Dictionary(row.assignments.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                status: row.manifest?.status, metrics: row.metrics)
        }
        let keys = (try? RunGroups.keys(.allExcept(["training.seed"]), of: members)) ?? []
        let groups = RunGroups.groups(members, by: keys).map { group -> JSONValue in
            .object([
                ("values", .object(zip(keys, group.values).map { ($0, typed($1)) })),
                ("n", .int(group.runs - group.notCompleted)),
                ("not_completed", .int(group.notCompleted)),
            ] + group.statistics.map { metric, s in
                (metric, .object([
                    ("mean", number(s.mean)), ("std", number(s.std)), ("min", number(s.min)), ("max", number(s.max)),
                ]))
            })
        }
        return .object([
            ("runs", .array(runs)),
            ("groups", .object([("by", .array(keys.map(JSONValue.string))), ("groups", .array(groups))])),
        ])
    }

    private static func number(_ x: Double?) -> JSONValue { x.map(JSONValue.number) ?? .null }

    /// A canonical value as JSON: an integer or a number when it reads as one, else text.
    private static func typed(_ value: String) -> JSONValue {
        Int(value).map(JSONValue.int) ?? Double(value).map(JSONValue.number) ?? .string(value)
    }

    /// Rewrites `summary.csv` and `summary.json` of an experiment folder from every run in it.
    public static func write(experimentFolder: String) throws {
        try write(rows(in: experimentFolder), experimentFolder: experimentFolder)
    }

    /// Writes `summary.csv` and `summary.json` of an experiment folder from `rows`.
    public static func write(_ rows: [Row], experimentFolder: String) throws {
        try AtomicFile.write(csv(rows), to: experimentFolder + "/summary.csv")
        try AtomicFile.write(json(rows).rendered(), to: experimentFolder + "/summary.json")
    }

    /// "a=1,b=x" -> [(a, 1), (b, x)], percent-decoded; [] for a name without '='.
    static func parseFolderName(_ name: String) -> [(key: String, value: String)] {
        name.split(separator: ",").compactMap { pair -> (key: String, value: String)? in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            let key = String(parts[0]), value = String(parts[1])
            return (key.percentDecoded ?? key, value.percentDecoded ?? value)
        }
    }
}
