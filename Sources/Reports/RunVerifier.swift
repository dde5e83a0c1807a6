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
            throw Diagnostic("no such folder: \(shown)", hint: "pass a run folder such as results/cat_5layer/default")
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

        // The arithmetic: the run's own, so that it can be reproduced bit for bit.
        guard let arithmetic = Arithmetic(recorded: manifest.arithmetic, blasLibrary: manifest.blasLibrary) else {
            throw Diagnostic("'\(folder)/manifest.json' names an unknown arithmetic '\(manifest.arithmetic ?? manifest.blasLibrary)'",
                             hint: "this dnn-run knows \(Arithmetic.allCases.map(\.rawValue).joined(separator: ", ")); a newer dnn-run may know it")
        }
        let before = Arithmetic.current
        Arithmetic.current = arithmetic
        defer { Arithmetic.current = before }
        let here = arithmetic.library
        lines.append("arithmetic: \(arithmetic.rawValue), the run's ("
            + (here == manifest.blasLibrary ? here : "the run: \(manifest.blasLibrary); here: \(here)") + ")")

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
        if tolerance == nil, !(costs.matched && parameters.matched), arithmetic.dependsOnProcessor {
            lines.append(processorNote(arithmetic, recorded: manifest.blasLibrary, costs: result.costs, parameters: result.parameters, folder: folder))
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

    /// Why a run of an arithmetic that sums some products as BLIS's kernel for the
    /// processor does cannot be reproduced bit for bit on every processor, and how far
    /// the re-run is from it.
    private static func processorNote(
        _ arithmetic: Arithmetic, recorded: String, costs: [CostRecord], parameters: Parameters, folder: String
    ) -> String {
        let storedCosts = (try? RunFiles.readCosts(atPath: folder + "/" + RunFile.costs)) ?? []
        var costDifference = 0.0
        for (a, b) in zip(storedCosts, costs) where a.iteration == b.iteration { costDifference = max(costDifference, abs(a.cost - b.cost)) }
        var parameterDifference = 0.0
        if let stored = try? RunFiles.readParameters(atPath: folder + "/" + RunFile.parameters) {
            for ((_, rows), (_, matrix)) in zip(stored, parameters.named) where rows.count == matrix.rows {
                for i in 0..<matrix.rows where rows[i].count == matrix.cols {
                    for j in 0..<matrix.cols { parameterDifference = max(parameterDifference, abs(rows[i][j] - matrix[i, j])) }
                }
            }
        }
        let which = arithmetic == .blis ? "every product" : "its matrix-vector products"
        return "not reproducible here: the run's arithmetic '\(arithmetic.rawValue)' sums \(which) as BLIS's kernel for the processor does "
            + "(the run: \(recorded); this processor's BLIS runs '\(BLAS.blisKernel)'), so its bits come back only on a processor whose BLIS picks the same kernel; "
            + "re-trained with it here, the costs differ by at most \(shortestDecimal(costDifference)) and the parameters by at most \(shortestDecimal(parameterDifference)) "
            + "(verify --tolerance T accepts them)"
    }
}
