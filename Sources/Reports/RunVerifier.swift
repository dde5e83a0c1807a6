import DeepNet
import FoundationEssentials
import Glibc
import Support
import Data
import Spec
import Runs
import CostPlot

/// `dnn-run verify RUN_DIR`: re-trains a completed run from its own resolved spec, with
/// the engine it used, and compares the cost history and the parameters with its files:
/// byte for byte by default (the files are deterministic renderings of the numbers),
/// within an absolute tolerance when asked. It also checks that the data files still
/// have the hashes the manifest recorded.
public enum RunVerifier {
    public struct Report: Sendable {
        /// Whether everything matched.
        public var matched: Bool
        /// What was checked and, on a mismatch, the first difference of each file.
        public var lines: [String]
    }

    /// Verify was stopped by SIGINT or SIGTERM before re-training finished.
    public struct Interrupted: Error, Sendable {
        public var signal: String
    }

    /// - Parameters:
    ///   - folder: the run folder, absolute.
    ///   - dataFolders: more folders to look in for the data files, by file name; the
    ///     SHA-256 the manifest recorded decides which file is the run's.
    /// - Throws: `Diagnostic` when the folder is not a completed run, its spec is invalid
    ///   or its data cannot be found (exit status 2); `Interrupted` at Ctrl-C (exit 1). A
    ///   mismatch is a report with `matched == false`.
    public static func verify(
        folder: String, tolerance: Double?, dataFolders: [String] = [], progress: ProgressBoard? = nil
    ) throws -> Report {
        let shown = PathNames.relativeToWorkingDirectory(folder)
        guard FileSystem.exists(folder) else {
            throw Diagnostic("no such folder: \(shown)", hint: "pass a run folder such as results/cat_5layer")
        }
        let manifest = try RunFiles.loadManifest(inFolder: folder, shown: shown)
        guard manifest.status == .completed else {
            throw Diagnostic("'\(folder)' holds a \(manifest.status.rawValue) run; only completed runs can be verified",
                             hint: "rerun its spec to complete it first")
        }
        var spec = try SpecLoader.load(path: folder + "/" + RunFile.spec, checksDataFiles: false).base
        var lines: [String] = []
        var matched = true

        // The data: wherever a file with the recorded SHA-256 is.
        for record in manifest.datasets {
            let split = record.split == "test" ? spec.test : spec.train
            guard let split else {
                throw Diagnostic("'\(folder)/manifest.json' records \(record.split) data that its spec.yaml does not name")
            }
            let path = try DataLocator.locate(record, specPath: split.path, dataFolders: dataFolders)
            if record.split == "test" { spec.test?.path = path } else { spec.train.path = path }
            lines.append("\(record.split) data: \(PathNames.relativeToWorkingDirectory(path)) (sha256 \(record.sha256.prefix(12))…, as the run read it)")
        }

        // The spec: the same identity as when the run was made.
        if manifest.resultsFormat == nil {
            // dnn-run 0.1.0 hashed spec.yaml itself.
            let now = try sha256OfFile(atPath: folder + "/" + RunFile.spec)
            if now != manifest.specSHA256 {
                matched = false
                lines.append("spec.yaml: its SHA-256 \(now.prefix(12))… differs from the manifest's \(manifest.specSHA256.prefix(12))…: the spec was edited after the run")
            }
        } else if let now = RunIdentity.identity(of: spec, recorded: manifest.datasets), now != manifest.specSHA256 {
            matched = false
            lines.append("spec.yaml: its identity \(now.prefix(12))… differs from the manifest's \(manifest.specSHA256.prefix(12))…: the spec was edited after the run")
        }

        // The files: as they were written.
        for damage in RunFiles.damage(inFolder: folder, manifest: manifest) {
            matched = false
            lines.append("DAMAGED: \(damage)")
        }
        guard let engine = EngineKind(rawValue: manifest.engine) else {
            throw Diagnostic("'\(folder)/manifest.json' names an unknown engine '\(manifest.engine)'")
        }

        let handle = progress?.begin(label: "verify", iterations: spec.iterations)
        defer { handle.map { progress?.finish($0) } }
        let result: TrainingResult
        do {
            result = try Training.fit(
                spec, engine: engine, data: DataStore(observer: progress),
                progress: { completed, cost in handle.map { progress?.update($0, completed: completed, cost: cost) } },
                shouldStop: TestMarks.once("training~verify") { Interrupts.shared.isRequested }).result
        } catch TrainingError.cancelled {
            throw Interrupted(signal: Interrupts.name(Interrupts.shared.signal ?? SIGINT))
        } catch TrainingError.nonFiniteCost(let iteration, _, _, _) {
            return Report(matched: false, lines: lines + ["re-training: the cost was not finite at iteration \(iteration), unlike the run's"])
        }

        let costs = compareCosts(result.costs, atPath: folder + "/" + RunFile.costs, tolerance: tolerance)
        let parameters = try compareParameters(result.parameters, atPath: folder + "/" + RunFile.parameters, tolerance: tolerance)
        for check in [costs, parameters] {
            matched = matched && check.matched
            lines.append(check.line)
        }
        return Report(matched: matched, lines: lines)
    }

    private static func compareCosts(
        _ recomputed: [CostRecord], atPath path: String, tolerance: Double?
    ) -> (matched: Bool, line: String) {
        let text = (try? FileSystem.readRegular(path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if tolerance == nil && text == RunFiles.costsCSV(recomputed) {
            return (true, "costs.csv: \(recomputed.count) costs identical, bit for bit")
        }
        let stored = (try? RunFiles.readCosts(atPath: path)) ?? []
        for (k, c) in recomputed.enumerated() {
            guard k < stored.count, stored[k].iteration == c.iteration else {
                return (false, "costs.csv: MISMATCH: iteration \(c.iteration) is missing or out of place")
            }
            let difference = abs(stored[k].cost - c.cost)
            let same = tolerance.map { difference <= $0 } ?? (stored[k].cost.bitPattern == c.cost.bitPattern)
            if !same {
                return (false, "costs.csv: MISMATCH at iteration \(c.iteration): file \(shortestDecimal(stored[k].cost)), re-run \(shortestDecimal(c.cost)) (difference \(difference))")
            }
        }
        if stored.count != recomputed.count {
            return (false, "costs.csv: MISMATCH: \(stored.count) rows, the re-run recorded \(recomputed.count)")
        }
        if tolerance == nil {
            return (false, "costs.csv: MISMATCH: the numbers agree but the file's text differs from what dnn-run writes")
        }
        return (true, "costs.csv: \(recomputed.count) costs within \(shortestDecimal(tolerance!))")
    }

    private static func compareParameters(
        _ recomputed: Parameters, atPath path: String, tolerance: Double?
    ) throws -> (matched: Bool, line: String) {
        let bytes = (try? FileSystem.readRegular(path)).map { Data($0) } ?? Data()
        if tolerance == nil && bytes == Data(RunFiles.parametersJSON(recomputed).utf8) {
            return (true, "parameters.json: \(recomputed.named.count) matrices identical, bit for bit")
        }
        guard let stored = try? RunFiles.readParameters(atPath: path) else {
            return (false, "parameters.json: MISMATCH: the file is not valid JSON of W1, b1, ...")
        }
        let named = recomputed.named
        guard stored.count == named.count else {
            return (false, "parameters.json: MISMATCH: \(stored.count) matrices, the re-run has \(named.count)")
        }
        for ((name, rows), (_, matrix)) in zip(stored, named) {
            guard rows.count == matrix.rows, rows.allSatisfy({ $0.count == matrix.cols }) else {
                return (false, "parameters.json: MISMATCH: \(name) is not (\(matrix.rows), \(matrix.cols))")
            }
            for i in 0..<matrix.rows {
                for j in 0..<matrix.cols {
                    let a = rows[i][j], b = matrix[i, j]
                    let same = tolerance.map { abs(a - b) <= $0 } ?? (a.bitPattern == b.bitPattern)
                    if !same {
                        return (false, "parameters.json: MISMATCH at \(name)[\(i)][\(j)]: file \(shortestDecimal(a)), re-run \(shortestDecimal(b)) (difference \(abs(a - b)))")
                    }
                }
            }
        }
        if tolerance == nil {
            return (false, "parameters.json: MISMATCH: the numbers agree but the file's text differs from what dnn-run writes")
        }
        return (true, "parameters.json: \(named.count) matrices within \(shortestDecimal(tolerance!))")
    }
}
