import FoundationEssentials
import Glibc
import Support
import Data
import Spec
import Runs
import CostPlot

/// `dnn-run compare`: a table of runs (the spec keys whose values differ between them,
/// then status, final cost, accuracies and seconds), from run folders or experiment
/// folders (every run inside), as an aligned table, CSV or JSON.
public enum RunTable {
    public enum Format: String, CaseIterable, Sendable {
        case table, csv, json
    }

    /// One run folder and what it holds.
    public struct Run: Sendable {
        /// The folder, as given (or as found in the experiment folder given).
        public var folder: String
        /// The folder, every symbolic link, `.` and `..` resolved: one name per run.
        public var realFolder: String
        public var values: [String: String]
        public var manifest: Manifest
        public var metrics: Metrics?
        /// What is wrong with a completed run's metrics.json ("metrics.json is missing",
        /// "metrics.json is not valid JSON"); nil when it was read.
        public var damage: String?

        /// The status to show: the manifest's, or "damaged".
        public var shownStatus: String { damage == nil ? manifest.status.rawValue : "damaged" }
        /// The status that counts in statistics: a damaged run is not a completed one.
        public var countedStatus: RunStatus? { damage == nil ? manifest.status : nil }
    }

    /// The metric columns, after the differing keys.
    public static let metricColumns = ["status", "final_cost", "train_accuracy", "test_accuracy", "seconds"]

    /// The runs under `paths`: a path holding manifest.json is a run; any other folder
    /// contributes each sub-folder that holds one. Each run counts once, however it is
    /// named (`./r` and `r`, a run and its experiment folder, a symbolic link): runs are
    /// told apart by their real path, and kept in the order first met.
    /// - Throws: `Diagnostic` for a path that is neither (exit status 2).
    public static func collect(_ paths: [String]) throws -> [Run] {
        var runs: [Run] = []
        var seen = Set<String>()
        func add(_ run: Run) {
            if seen.insert(run.realFolder).inserted { runs.append(run) }
        }
        for path in paths {
            let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
            if let run = load(trimmed) {
                add(run)
                continue
            }
            if FileSystem.exists(trimmed + "/" + RunFile.manifest) {
                // A run folder named as such whose manifest cannot be read: say why.
                _ = try RunFiles.loadManifest(inFolder: trimmed, shown: trimmed)
            }
            let entries = ((try? FileManager.default.contentsOfDirectory(atPath: trimmed)) ?? [])
                .filter { !$0.hasPrefix(".") }.sorted()
            let inside = entries.compactMap { load(trimmed + "/" + $0) }
            guard !inside.isEmpty else {
                throw Diagnostic("'\(path)' is neither a run folder nor an experiment folder holding runs",
                                 at: .flag(path), hint: "pass results/<name> or results/<name>/<key=value,...>")
            }
            inside.forEach(add)
        }
        return runs
    }

    /// The run in `path`, read through its real path (so that a symbolic link's spec.yaml
    /// finds its data as the run folder does); nil when it holds no manifest.
    private static func load(_ path: String) -> Run? {
        let folder = FileSystem.realPath(path) ?? path
        guard let manifest = RunFiles.readManifest(inFolder: folder) else { return nil }
        let values = (try? SpecLoader.shownValues(ofResolvedSpecAt: folder + "/" + RunFile.spec)) ?? [:]
        var run = Run(folder: path, realFolder: folder, values: values, manifest: manifest)
        if manifest.status == .completed {
            do {
                run.metrics = try RunFiles.loadMetrics(inFolder: folder)
            } catch {
                run.damage = "\(RunFile.metrics) " + error.message
            }
        } else {
            run.metrics = RunFiles.readMetrics(inFolder: folder)
        }
        return run
    }

    /// The header and rows: run, the keys that differ between runs (sorted), the metrics.
    public static func rows(_ runs: [Run], sortedBy sortKey: String? = nil) throws -> (header: [String], rows: [[String]]) {
        let allKeys = Set(runs.flatMap(\.values.keys)).sorted()
        let differing = allKeys.filter { key in Set(runs.map { $0.values[key] ?? "" }).count > 1 }
        let header = ["run"] + differing + metricColumns
        var rows = runs.map { run -> [String] in
            let keys: [String] = differing.map { run.values[$0] ?? "" }
            let metrics: [String] = [
                run.shownStatus,
                format(run.metrics?.finalCost),
                format(run.metrics?.trainAccuracy),
                format(run.metrics?.testAccuracy),
                format(run.metrics?.seconds),
            ]
            return [PathNames.relativeToWorkingDirectory(run.folder)] + keys + metrics
        }
        if let sortKey, header.contains(sortKey) {
            rows = sorted(rows, header: header, by: sortKey)
        } else if let sortKey, !allKeys.contains(sortKey) {
            // A spec key that is the same in every run sorts nothing; anything else is a typo.
            throw UnknownColumn(name: sortKey, columns: header)
        }
        return (header, rows)
    }

    /// `rows` sorted by the column `key` of `header`: numerically where both cells are
    /// numbers (numbers before text), by text otherwise; stable.
    public static func sorted(_ rows: [[String]], header: [String], by key: String) -> [[String]] {
        guard let column = header.firstIndex(of: key) else { return rows }
        return rows.enumerated().sorted { a, b in
            let (x, y) = (a.element[column], b.element[column])
            switch (Double(x), Double(y)) {
            case let (p?, q?) where p != q: return p < q
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil) where x != y: return x < y
            default: return a.offset < b.offset
            }
        }.map(\.element)
    }

    /// A sort key that is no column of the table.
    public struct UnknownColumn: Error, Sendable {
        public var name: String
        public var columns: [String]

        public init(name: String, columns: [String]) {
            self.name = name
            self.columns = columns
        }
        /// "no such column; the columns are run, status, ..."
        public var message: String { "no such column; the columns are \(columns.joined(separator: ", "))" }
        public var hint: String { Suggestion.hint(for: name, among: columns) }
    }

    private static func format(_ x: Double?) -> String { x.map(shortestDecimal) ?? "" }

    /// The rows rendered in `format`.
    public static func render(header: [String], rows: [[String]], format: Format) -> String {
        switch format {
        case .csv:
            return ([header] + rows).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
        case .json:
            let objects = rows.map { row in
                JSONValue.object(zip(header, row).map { key, value in
                    (key, Int(value).map(JSONValue.int) ?? Double(value).map(JSONValue.number)
                        ?? (value.isEmpty ? .null : .string(value)))
                })
            }
            return JSONValue.array(objects).rendered()
        case .table:
            // For reading, six significant digits; csv and json keep every digit.
            let rows = rows.map { row in
                row.map { cell in
                    guard cell.contains("."), !cell.contains("/"), let x = Double(cell) else { return cell }
                    return cFormat("%.6g", x)
                }
            }
            let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
            let line = { (cells: [String]) in
                zip(cells, widths).map { $0.padded(to: $1) }
                    .joined(separator: "  ").trimmed(newlines: false)
            }
            return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line))
                .joined(separator: "\n") + "\n"
        }
    }
}
