import FoundationEssentials
import Support

extension RunFile {
    /// The files a completed run folder holds besides its manifest, in the order they are
    /// written; its manifest lists each of them, and nothing else.
    public static let completedRun = [spec, costs, parameters, metrics]
}

extension RunFiles {
    /// A run folder's `manifest.json`, or why it cannot be read: no such file, not JSON,
    /// or the field that is missing or not what a manifest holds there
    /// ("the field status is not one of completed, failed, interrupted").
    /// - Parameter shown: the folder as messages name it.
    public static func loadManifest(inFolder folder: String, shown: String) throws(Diagnostic) -> Manifest {
        let path = folder + "/" + RunFile.manifest
        let named = "'\(shown)/\(RunFile.manifest)'"
        guard let data = try? Data(FileSystem.readRegular(path, atMost: 64 << 20)) else {
            if let kind = FileSystem.kindOfNonRegularFile(path) {
                throw Diagnostic("\(named) is \(kind), not a regular file; expected the run's manifest.json",
                                 hint: "rerun its spec with --force to write the run again")
            }
            if !FileSystem.exists(path), let runs = runsOfExperiment(folder), !runs.isEmpty {
                // Results format 3: results/<name> holds runs (default, key=value...), it is none.
                let shownRuns = runs.prefix(3).map { "'\(shown)/\($0)'" }.joined(separator: ", ")
                throw Diagnostic(
                    "'\(shown)' is an experiment folder, not a run folder; expected one of its runs",
                    hint: "pass one run folder, such as \(shownRuns)\(runs.count > 3 ? " (\(runs.count) runs)" : "")"
                        + (runs.contains(LayoutMigration.pointName) ? "; '\(LayoutMigration.pointName)' is the spec as written" : ""))
            }
            let what = FileSystem.exists(path) ? "\(named) cannot be read" : "'\(shown)' has no \(RunFile.manifest)"
            throw Diagnostic(what + "; expected a run folder such as results/cat_5layer/default",
                             hint: "pass a folder that dnn-run wrote (one with spec.yaml, costs.csv and manifest.json)")
        }
        do {
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch let error as DecodingError {
            throw Diagnostic(problem(error, in: named), hint: "rerun its spec with --force to write the run again")
        } catch {
            throw Diagnostic("\(named): \(reasonText(error))", hint: "rerun its spec with --force to write the run again")
        }
    }

    /// The run folders directly inside `folder` (visible folders with a manifest.json),
    /// `default` first, then by name; nil when `folder` cannot be listed.
    static func runsOfExperiment(_ folder: String) -> [String]? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        return entries.filter { !$0.hasPrefix(".") && FileSystem.isRegularFile(folder + "/" + $0 + "/" + RunFile.manifest) }
            .sorted { ($0 == LayoutMigration.pointName ? 0 : 1, $0) < ($1 == LayoutMigration.pointName ? 0 : 1, $1) }
    }

    /// A completed run's `metrics.json`, or what is wrong with it, in a message that
    /// starts with its name: "metrics.json is missing", "metrics.json is not valid JSON",
    /// "metrics.json: the field final_cost is not a number".
    public static func loadMetrics(inFolder folder: String) throws(Diagnostic) -> Metrics {
        let path = folder + "/" + RunFile.metrics
        guard let data = try? Data(FileSystem.readRegular(path, atMost: 64 << 20)) else {
            let kind = FileSystem.kindOfNonRegularFile(path).map { " is \($0), not a regular file" }
            throw Diagnostic(RunFile.metrics + (kind ?? (FileSystem.exists(path) ? " cannot be read" : " is missing")))
        }
        do {
            return try JSONDecoder().decode(Metrics.self, from: data)
        } catch let error as DecodingError {
            throw Diagnostic(problem(error, in: RunFile.metrics))
        } catch {
            throw Diagnostic("\(RunFile.metrics): \(reasonText(error))")
        }
    }

    /// What a decoding error says of the file `named`, by field: "'r/manifest.json':
    /// the field engine is missing".
    private static func problem(_ error: DecodingError, in named: String) -> String {
        let (prefix, what) = problem(error)
        return prefix ? "\(named): \(what)" : "\(named) \(what)"
    }

    /// The problem, and whether it is a field's (written after a colon).
    private static func problem(_ error: DecodingError) -> (field: Bool, text: String) {
        func field(_ path: [any CodingKey]) -> String {
            let parts: [String] = path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
            return String(parts.joined().drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context):
            return (true, "the field \(field(context.codingPath + [key])) is missing")
        case .typeMismatch(let type, let context):
            return context.codingPath.isEmpty
                ? (false, "is not a JSON object") : (true, "the field \(field(context.codingPath)) is not \(kind(type))")
        case .valueNotFound(let type, let context):
            return (true, "the field \(field(context.codingPath)) is null; expected \(kind(type))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return (false, "is not valid JSON")
        case .dataCorrupted(let context) where context.codingPath.last?.stringValue == "status":
            return (true, "the field \(field(context.codingPath)) is not one of "
                + [RunStatus.completed, .failed, .interrupted].map(\.rawValue).joined(separator: ", "))
        case .dataCorrupted(let context):
            return (true, "the field \(field(context.codingPath)) is not valid (\(context.debugDescription))")
        @unknown default:
            return (true, reasonText(error))
        }
    }

    /// "an integer", "a list", ...: what a field of `type` holds, in words.
    private static func kind(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "an integer"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array") || name.hasPrefix("[") && !name.contains(":") ? "a list"
                : name.hasPrefix("Dictionary") || name.contains(":") ? "an object" : "a \(name)"
        }
    }

    /// What is wrong with the files of a completed run, against the sizes and hashes its
    /// manifest recorded: "parameters.json is missing", "costs.csv has 12 bytes, 480 were
    /// written", "metrics.json has changed (SHA-256 …)", "manifest.json does not list
    /// parameters.json"; empty when every file is as written, or when the manifest (of
    /// dnn-run 0.1.0) recorded none.
    ///
    /// Only the names of `RunFile.completedRun` are looked at: a name with a '/', '.',
    /// '..' or any other name is damage, never a path to follow out of the folder.
    public static func damage(inFolder folder: String, manifest: Manifest) -> [String] {
        guard let files = manifest.files else {
            // dnn-run 0.1.0 recorded no files; every manifest since lists them.
            if manifest.resultsFormat == nil { return [] }
            return ["\(RunFile.manifest) does not list " + RunFile.completedRun.joined(separator: ", ")]
        }
        var problems: [String] = files.compactMap { record in
            guard RunFile.completedRun.contains(record.name) else {
                return "\(RunFile.manifest) lists '\(terminalSafe(record.name))', which is not a file of a run folder "
                    + "(expected \(RunFile.completedRun.joined(separator: ", ")))"
            }
            let path = folder + "/" + record.name
            guard let status = try? FileSystem.status(of: path) else { return "\(record.name) is missing" }
            if Int(status.size) != record.bytes {
                return "\(record.name) has \(status.size) bytes, \(record.bytes) were written"
            }
            guard let hash = try? SHA256.hexOfFile(at: path) else { return "\(record.name) cannot be read" }
            if hash != record.sha256 {
                return "\(record.name) has changed (SHA-256 \(hash.prefix(12))…, \(record.sha256.prefix(12))… was written)"
            }
            return nil
        }
        let unlisted = RunFile.completedRun.filter { name in !files.contains { $0.name == name } }
        if !unlisted.isEmpty {
            problems.append("\(RunFile.manifest) does not list " + unlisted.joined(separator: ", "))
        }
        return problems
    }
}
