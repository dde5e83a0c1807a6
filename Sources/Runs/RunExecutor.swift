import DeepNet
import FoundationEssentials

import Support
import Data
import Spec
import Glibc

/// How one run ended.
public struct RunOutcome: Sendable {
    public enum Status: Equatable, Sendable {
        case upToDate
        case completed
        case failed(String)
        case interrupted
        /// Another process holds this run's lock and is training it now.
        case busy
    }

    public var run: PlannedRun
    public var status: Status
    public var metrics: Metrics?
    public var engine: EngineKind?
    /// Whether the run's folder holds what this outcome describes (false for a run that
    /// failed before its folder was written, whose line then names no folder).
    public var hasFolder = true
}

/// Trains one planned run and writes its folder: spec.yaml, costs.csv, parameters.json,
/// metrics.json and manifest.json, all into a temporary folder beside the final one,
/// renamed into place only when everything is written. A run that diverges is recorded
/// as failed (its costs so far kept); one that is interrupted leaves only its temporary
/// folder, with a manifest saying so.
public struct RunExecutor: Sendable {
    public var data: DataStore
    public var board: ProgressBoard
    public var blasThreads: Int
    /// Where and how this invocation started, for every manifest it writes.
    public var provenance: Provenance?
    /// Replace runs of a different spec (`--force`), also one another process made meanwhile.
    public var force = false

    public init(data: DataStore, board: ProgressBoard, blasThreads: Int, provenance: Provenance? = nil) {
        self.data = data
        self.board = board
        self.blasThreads = blasThreads
        self.provenance = provenance
    }

    /// Why a run failed, for its line: a diagnostic's message and hint without the
    /// "error:" of a top-level message.
    static func reason(_ error: Error) -> String {
        guard let diagnostic = error as? Diagnostic else { return "\(error)" }
        return FrontEndOption.render(diagnostic.message + (diagnostic.hint.map { " (\($0))" } ?? ""))
    }

    /// Trains `run` unless another process is training it: then returns `.busy`, or with
    /// `wait`, waits for that process and takes its result.
    public func execute(_ run: PlannedRun, wait: Bool = false) -> RunOutcome {
        let lock: FileLock
        do {
            guard let acquired = try RunFolder.lock(run.folder, wait: wait, shouldStop: { Interrupts.shared.isRequested }) else {
                return RunOutcome(run: run, status: wait ? .interrupted : .busy)
            }
            lock = acquired
        } catch {
            return RunOutcome(run: run, status: .failed(Self.reason(error)), hasFolder: false)
        }
        defer { lock.release() }
        // Another process may have made this run since it was planned: take its result, or
        // refuse to replace a completed run of a different spec. Checked under the lock, so
        // nobody else can write the folder until this run is renamed into place.
        let now = RunFiles.readManifest(inFolder: run.folder)
        if let now, now.finished != run.previousFinish, now.specSHA256 != run.specHash, now.status == .completed, !force {
            let message = "'\(PathNames.relativeToWorkingDirectory(run.folder))' now holds a completed run of a different spec, "
                + "made by another process after this one planned (spec_sha256 \(now.specSHA256.prefix(12))…, this spec "
                + "\(run.specHash.prefix(12))…); it was left as it is: \(option: .force) replaces it, or give the spec another name"
            return RunOutcome(run: run, status: .failed(message), hasFolder: false)
        }
        if let now, now.finished != run.previousFinish, now.specSHA256 == run.specHash {
            switch now.status {
            case .completed:
                return RunOutcome(run: run, status: .upToDate, metrics: RunFiles.readMetrics(inFolder: run.folder))
            case .failed:
                return RunOutcome(run: run, status: .failed(now.error ?? "failed in another process"),
                                  metrics: RunFiles.readMetrics(inFolder: run.folder))
            case .interrupted:
                break
            }
        }
        do {
            return try stageAndTrain(run, lock: lock)
        } catch {
            return RunOutcome(run: run, status: .failed(Self.reason(error)), hasFolder: false)
        }
    }

    /// Makes the staging folder and trains into it; removes it if writing fails.
    private func stageAndTrain(_ run: PlannedRun, lock: FileLock) throws -> RunOutcome {
        let started = timestamp()
        let examples = try data.dataset(run.spec.train, scale: run.spec.scale).examples
        let (engine, reason) = chooseEngine(run, examples: examples)
        let (staging, lease) = try RunFolder.makeStaging(for: run.folder, lock: lock)
        defer { lease.end() }
        do {
            return try train(run, into: staging, engine: engine, reason: reason, started: started)
        } catch {
            // An I/O error (a full disk, say): leave nothing behind but the message.
            FileSystem.removeTree(staging)
            throw error
        }
    }

    private func train(
        _ run: PlannedRun, into staging: String, engine: EngineKind, reason: String, started: String
    ) throws -> RunOutcome {
        let spec = run.spec
        var files: [FileRecord] = []
        /// Writes one file of the run into the staging folder and records its size and hash.
        func write(_ name: String, _ produce: (inout FileSink) throws -> Void) throws {
            files.append(FileRecord(name: name, try AtomicFile.write(to: staging + "/" + name, produce)))
        }
        try write(RunFile.spec) { $0.write(run.specText) }
        var manifest = Manifest(
            status: .completed, specSHA256: run.specHash, datasets: run.datasets,
            dnnRunVersion: dnnRunVersion, engine: engine.rawValue, engineReason: reason,
            blasLibrary: BLAS.library, arithmetic: Arithmetic.current.rawValue, blasThreads: blasThreads, host: hostName(),
            started: started, finished: "", iterationsCompleted: 0, error: nil, provenance: provenance)
        let layout = try ExampleLayout(of: spec.train, features: spec.layerDims[0])
        (manifest.inputShape, manifest.classes) = (layout.shape, layout.classes)
        /// Writes the manifest, last, naming every other file.
        func writeManifest() throws {
            manifest.files = files
            try AtomicFile.write(RunFiles.jsonText(manifest), to: staging + "/" + RunFile.manifest)
        }

        let clock = ContinuousClock()
        let start = clock.now
        let fitted: Training.Fit
        do {
            fitted = try fit(run, engine: engine)
        } catch let error as TrainingError {
            let seconds = (clock.now - start).seconds
            try write(RunFile.costs) { $0.write(RunFiles.costsCSV(error.costs)) }
            manifest.finished = timestamp()
            switch error {
            case .nonFiniteCost(let iteration, let cost, let last, _):
                let value = cost.isNaN ? "NaN" : cost > 0 ? "+infinity" : "-infinity"
                let message = iteration == 0
                    ? "the cost is \(value) at iteration 0, before any update: the initial network's output is not "
                        + "finite on this data; check data.scale and the features for very large values, and model.init"
                    : "the cost became \(value) at iteration \(iteration)"
                        + (last.map { " (last finite cost \(shortestDecimal($0)))" } ?? "")
                        + "; the learning rate \(shortestDecimal(spec.learningRate)) is probably too large"
                manifest.status = .failed
                manifest.error = message
                manifest.iterationsCompleted = iteration
                let metrics = Metrics(finalCost: nil, trainAccuracy: nil, testAccuracy: nil, seconds: seconds, iterations: iteration)
                try write(RunFile.metrics) { $0.write(try RunFiles.jsonText(metrics)) }
                try writeManifest()
                try RunFolder.moveIntoPlace(staging, run.folder)
                return RunOutcome(run: run, status: .failed(message), metrics: metrics, engine: engine)
            case .cancelled(let iteration, _):
                manifest.status = .interrupted
                manifest.error = "interrupted by \(Interrupts.name(Interrupts.shared.signal ?? SIGINT)) before iteration \(iteration)"
                manifest.iterationsCompleted = iteration
                try writeManifest()
                return RunOutcome(run: run, status: .interrupted, engine: engine)
            }
        }
        let seconds = (clock.now - start).seconds
        let result = fitted.result

        var testAccuracy: Double?
        if let testSplit = spec.test {
            switch testResult(run, testSplit, result.parameters) {
            case .success(let (value, sha256)):
                testAccuracy = value
                // Record the hash of the bytes the accuracy comes from (the file may have
                // been replaced since planning).
                for k in manifest.datasets.indices where manifest.datasets[k].split == "test" && manifest.datasets[k].generated == nil {
                    manifest.datasets[k].sha256 = sha256
                }
                manifest.specSHA256 = RunIdentity.identity(of: spec, recorded: manifest.datasets) ?? manifest.specSHA256
            case .failure(let problem):
                // The training stands: the run is completed, without a test accuracy.
                manifest.testError = problem.message
                board.print("\(run.label): warning: no test accuracy: \(problem.message)", toStandardError: true)
            }
        }
        let metrics = Metrics(
            finalCost: result.finalCost,
            trainAccuracy: fitted.trainAccuracy,
            testAccuracy: testAccuracy, seconds: seconds, iterations: spec.iterations)
        manifest.finished = timestamp()
        manifest.iterationsCompleted = spec.iterations
        try write(RunFile.costs) { $0.write(RunFiles.costsCSV(result.costs)) }
        try write(RunFile.parameters) { RunFiles.writeParametersJSON(result.parameters, to: &$0) }
        try write(RunFile.metrics) { $0.write(try RunFiles.jsonText(metrics)) }
        try writeManifest()
        try RunFolder.moveIntoPlace(staging, run.folder)
        return RunOutcome(run: run, status: .completed, metrics: metrics, engine: engine)
    }

    /// The accuracy of the trained `parameters` on the test set and the SHA-256 of the file
    /// it was measured on, or why there is none: the test file is read again after
    /// training, and may have been replaced or removed since the run was planned.
    private func testResult(
        _ run: PlannedRun, _ split: DataSplit, _ parameters: Parameters
    ) -> Result<(Double, String), TestSetProblem> {
        let spec = run.spec
        let test: Dataset
        do {
            test = try data.dataset(split, scale: spec.scale, keep: false)
        } catch {
            return .failure(TestSetProblem(Self.reason(error)))
        }
        guard test.features == spec.layerDims[0] else {
            return .failure(TestSetProblem(
                "the test file '\(PathNames.relativeToWorkingDirectory(split.path))' now has \(test.features) features per example, "
                    + "the model \(spec.layerDims[0]) (it was replaced during training); rerun the spec to measure it"))
        }
        let predictions = predict(test.X, parameters, hidden: spec.hiddenActivation, output: spec.outputActivation)
        return .success((accuracy(predictions: predictions, labels: test.Y), test.sha256))
    }

    /// Trains a run's network. The training data (and the dual engine's Gram matrix) are
    /// only held in here: once the last run that trains on them is done, the data store
    /// lets them go, so that the test set and the results are written in less memory.
    private func fit(_ run: PlannedRun, engine: EngineKind) throws -> Training.Fit {
        let spec = run.spec
        defer { data.finishedTraining(on: spec.train, scale: spec.scale) }
        BLAS.threads = blasThreads
        let handle = board.begin(label: run.point.folderName ?? "", iterations: spec.iterations)
        defer { board.finish(handle) }
        return try Training.fit(
            spec, engine: engine, data: data,
            progress: { board.update(handle, completed: $0, cost: $1) },
            shouldStop: TestMarks.once("training~\(run.point.folderName ?? "default")") { Interrupts.shared.isRequested })
    }

    /// The spec's engine, or for `auto` the one with fewer floating-point operations.
    private func chooseEngine(_ run: PlannedRun, examples: Int) -> (EngineKind, String) {
        let spec = run.spec
        let (cheaper, counts) = EngineKind.cheaper(
            layerDims: spec.layerDims, examples: examples, iterations: spec.iterations,
            gramIsShared: data.hasDualBasis(spec.train, scale: spec.scale))
        if spec.optimizer == .adam {
            // The validator refused engine: dual with adam.
            return (.primal, "engine: \(spec.engine.rawValue) \(spec.engine == .auto ? "chose primal" : "in the spec"): "
                + "adam's per-element step leaves the span of X, so the dual engine cannot train it")
        }
        switch spec.engine {
        case .primal: return (.primal, "engine: primal in the spec; \(counts)")
        case .dual: return (.dual, "engine: dual in the spec; \(counts)")
        case .auto where cheaper == .dual && !run.dualFits:
            return (.primal, "engine: auto chose primal: the dual engine would have fewer operations but its Gram matrix does not fit in memory; \(counts)")
        case .auto: return (cheaper, "engine: auto chose \(cheaper.rawValue), the fewer operations; \(counts)")
        }
    }
}

/// Why a completed run has no test accuracy.
struct TestSetProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
