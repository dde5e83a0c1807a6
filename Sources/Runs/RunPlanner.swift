import DeepNet
import FoundationEssentials
import Glibc
import Support
import Data
import Spec

/// One run to make, ready to train: its spec, its folder, and whether it must train.
public struct PlannedRun: Sendable {
    public enum State: Equatable, Sendable {
        /// Completed with the same spec and data: nothing to do.
        case upToDate
        /// Must train; the reason is shown to the user ("new", "failed before", ...).
        case toRun(reason: String)
    }

    public var point: SweepPoint
    /// The run folder, absolute: results/<name>/default or results/<name>/<key=value,...>.
    public var folder: String
    /// The resolved spec (`spec.yaml`) and its SHA-256, the run's identity.
    public var specText: String
    public var specHash: String
    public var datasets: [DatasetRecord]
    public var state: State
    /// The `finished` time of the run found in the folder when planning, if any: when the
    /// folder later holds a different one, another process has made the run meanwhile.
    public var previousFinish: String?
    /// Whether the dual engine's Gram matrix fits in memory beside everything else;
    /// `engine: auto` picks dual only then.
    public var dualFits = true

    public var spec: ExperimentSpec { point.spec }

    /// "cat_5layer" or "cat_5layer/training.learning_rate=0.01,training.seed=2".
    public var label: String {
        point.folderName.map { "\(spec.name)/\($0)" } ?? spec.name
    }
}

/// The stage between a validated spec and training: loads the data every point reads,
/// checks what only the data can tell (layer_dims[0] against the feature count), finds
/// each point's folder and decides whether it is up to date. Everything that can be
/// wrong with an invocation is found here, before the first run trains.
public enum RunPlanner {
    /// - Parameters:
    ///   - plan: the validated spec and its points.
    ///   - resultsDirectory: where results/<name>/ lives.
    ///   - force: retrain points that are up to date or hold another spec.
    ///   - data: the invocation's datasets.
    /// - Throws: `Diagnostics` (exit status 2) for data problems and for folders that
    ///   hold a different spec, all of them at once.
    public static func plan(
        _ plan: Sweep, resultsDirectory: String, force: Bool, data: DataStore
    ) throws -> [PlannedRun] {
        var problems: [Diagnostic] = []
        var runs: [PlannedRun] = []
        let limit = MemoryLimit.current()
        for point in plan.points {
            let spec = point.spec
            let records: [DatasetRecord]
            switch checkData(of: point, data: data, limit: limit) {
            case .success(let r): records = r
            case .failure(let d):
                problems += d.items
                continue
            }
            let experiment = resultsDirectory + "/" + spec.name
            let folder = experiment + "/" + (point.folderName ?? LayoutMigration.pointName)
            let specText = spec.resolvedYAML(dataPathsRelativeTo: folder)
            let files = records.compactMap { record in record.path.flatMap { path in record.sha256.map { (path, $0) } } }
            let hash = spec.identity(dataHashes: Dictionary(files, uniquingKeysWith: { a, _ in a }))
            // The spec as written may still be a run of the results format 2 layout, in the
            // experiment folder itself: decided there, moved into `default/` before training.
            var current = folder
            if point.folderName == nil, (try? FileSystem.linkStatus(of: folder)) == nil,
               let old = LayoutMigration.oldRunFolder(in: experiment) {
                current = old
            }
            let manifest = RunFiles.readManifest(inFolder: current)
            let state = decide(folder: current, manifest: manifest, spec: spec, datasets: records, force: force)
            switch state {
            case .success(let s):
                var run = PlannedRun(point: point, folder: folder, specText: specText, specHash: hash,
                                     datasets: records, state: s,
                                     previousFinish: manifest?.finished)
                if let train = try? data.dataset(spec.train, scale: spec.scale) {
                    run.dualFits = dualFits(spec, train: train, limit: limit)
                }
                runs.append(run)
            case .failure(let d):
                problems.append(d)
            }
        }
        // The same data problem is found once per point that reads the data: report it once.
        problems = problems.uniqued()
        if !problems.isEmpty { throw Diagnostics(problems) }
        return runs
    }

    /// Loads the data a point reads and checks it against the model: layer_dims[0] must be
    /// the number of features, and the test set must have as many as the training set.
    static func checkData(
        of point: SweepPoint, data: DataStore, limit: MemoryLimit
    ) -> Result<[DatasetRecord], Diagnostics> {
        let spec = point.spec
        var records: [DatasetRecord] = []
        var problems: [Diagnostic] = []
        do {
            let train = try data.dataset(spec.train, scale: spec.scale)
            records.append(DatasetRecord(split: "train", of: spec.train, sha256: train.sha256))
            if spec.layerDims.first != train.features {
                problems.append(Diagnostic(
                    "model.layer_dims[0] is \(spec.layerDims[0]) but the training data has \(train.features) features per example",
                    at: spec.locations["model.layer_dims"], key: "model.layer_dims",
                    hint: "set the first entry of layer_dims to \(train.features)"))
            }
            problems += memoryProblems(spec, train: train, limit: limit)
            if let testSplit = spec.test {
                let test = try data.summary(testSplit, scale: spec.scale)
                records.append(DatasetRecord(split: "test", of: testSplit, sha256: test.sha256))
                if test.features != train.features {
                    problems.append(Diagnostic(
                        "the test data has \(test.features) features per example, the training data \(train.features)",
                        at: spec.locations["data.test"], key: "data.test",
                        hint: "use a test file with examples of the same size as the training file's"))
                }
            }
        } catch let d as Diagnostic {
            problems.append(d)
        } catch let d as Diagnostics {
            problems += d.items
        } catch {
            problems.append(Diagnostic("\(error)"))
        }
        return problems.isEmpty ? .success(records) : .failure(Diagnostics(problems))
    }

    /// The memory the engine that will run needs, against the limit in force
    /// (`MemoryLimit`): a model that no engine can hold is refused; an explicit dual
    /// engine whose Gram matrix does not fit is refused with the primal engine's need
    /// (`auto` then simply never picks dual: see `dualFits`).
    static func memoryProblems(_ spec: ExperimentSpec, train: Dataset, limit: MemoryLimit = .current()) -> [Diagnostic] {
        let engine: EngineKind = spec.engine == .dual ? .dual : .primal
        let needed = memoryNeeded(spec, engine: engine, train: train, limit: limit)
        guard needed > limit.bytes else { return [] }
        let at = spec.locations["model.layer_dims"]
        let machine = limit.describe(formatBytes)
        if engine == .dual {
            let primal = memoryNeeded(spec, engine: .primal, train: train, limit: limit)
            if primal <= limit.bytes {
                return [Diagnostic(
                    "training.engine: dual would need about \(formatBytes(needed)) of memory to train on \(train.examples) examples (its Gram matrix X^T X is \(train.examples) x \(train.examples)); \(machine)",
                    at: spec.locations["training.engine"] ?? at, key: "training.engine",
                    hint: "use 'engine: primal' (or auto), which needs about \(formatBytes(primal))")]
            }
        }
        return [Diagnostic(
            "model.layer_dims \(spec.layerDims) would need about \(formatBytes(needed)) of memory to train on \(train.examples) examples; \(machine)",
            at: at, key: "model.layer_dims",
            hint: "use smaller layers or fewer examples, or run it on a machine with more memory")]
    }

    /// Bytes training `spec` with `engine` needs: the engine's own (`EngineKind.memoryEstimate`)
    /// and the training data, unless the limit is of address space, which already counts
    /// the data loaded.
    static func memoryNeeded(_ spec: ExperimentSpec, engine: EngineKind, train: Dataset, limit: MemoryLimit) -> Double {
        let engineBytes = engine.memoryEstimate(layerDims: spec.layerDims, examples: train.examples)
        if case .addressSpace = limit.source { return engineBytes }
        return engineBytes + 8 * Double(train.X.count + train.Y.count) + processBaseline
    }

    /// Bytes the process holds besides the data and the engine: the Swift runtime,
    /// Foundation, libhdf5 and BLIS touched pages and buffers (about 40-60 MB measured).
    static let processBaseline = 64e6

    /// Whether the dual engine's Gram matrix fits beside everything else: `auto` picks
    /// dual only then.
    static func dualFits(_ spec: ExperimentSpec, train: Dataset, limit: MemoryLimit = .current()) -> Bool {
        memoryNeeded(spec, engine: .dual, train: train, limit: limit) <= limit.bytes
    }

    /// "1.5 GB", "32.0 TB": a size for a message (decimal units, as memory is sold).
    static func formatBytes(_ bytes: Double) -> String { byteCountText(bytes, units: .decimal) }

    /// Up to date, to run, or a folder that must not be overwritten without --force;
    /// `manifest` is the folder's, read once by the caller (nil when there is none).
    static func decide(
        folder: String, manifest: Manifest?, spec: ExperimentSpec, datasets: [DatasetRecord], force: Bool
    ) -> Result<PlannedRun.State, Diagnostic> {
        let experiment = PathNames.parent(of: folder)
        if FileSystem.exists(experiment), !FileSystem.isDirectory(experiment) {
            return .failure(Diagnostic(
                "'\(PathNames.relativeToWorkingDirectory(experiment))' exists but is not a folder; the experiment '\(spec.name)' needs a folder there for its runs",
                hint: "change the spec's name or choose another \(option: .results) directory; dnn-run never replaces a file, also with \(option: .force)"))
        }
        guard let status = try? FileSystem.linkStatus(of: folder) else {
            return .success(.toRun(reason: "new"))
        }
        guard status.type == .directory, RunFolder.isRunFolder(folder) else {
            return .failure(Diagnostic(
                "'\(PathNames.relativeToWorkingDirectory(folder))' exists but is not a dnn-run run folder ("
                    + (FileSystem.kindOfNonRegularFile(folder + "/" + RunFile.manifest).map { "its manifest.json is \($0), not a regular file" }
                        ?? "no manifest.json") + ")",
                hint: "move it away or choose another \(option: .results) directory; dnn-run replaces only run folders, also with \(option: .force)"))
        }
        if force { return .success(.toRun(reason: "forced")) }
        guard let manifest else {
            // Why it cannot be read, by field ("the field status is not one of ...").
            let shown = PathNames.relativeToWorkingDirectory(folder)
            var why = "'\(shown)' holds a manifest.json that cannot be read"
            do throws(Diagnostic) { _ = try RunFiles.loadManifest(inFolder: folder, shown: shown) } catch { why = error.message }
            return .failure(Diagnostic(why, hint: "pass \(option: .force) to retrain and replace the run, or move the folder away"))
        }
        switch manifest.status {
        case .failed: return .success(.toRun(reason: "failed before: \(manifest.error ?? "unknown error")"))
        case .interrupted: return .success(.toRun(reason: "interrupted before"))
        case .completed: break
        }
        guard RunIdentity.madeBy(spec, folder: folder, manifest: manifest) else {
            let now = RunIdentity.identity(of: spec, recorded: manifest.datasets) ?? "another set of data files"
            return .failure(Diagnostic(
                "'\(folder)' holds a completed run of a different spec (spec_sha256 \(manifest.specSHA256.prefix(12))…, now \(now.prefix(12))…)",
                hint: "pass \(option: .force) to retrain and replace it, or change the spec's name to keep both; `diff` its spec.yaml to see what changed"))
        }
        let before = Dictionary(manifest.datasets.map { ($0.split, $0.content) }, uniquingKeysWith: { a, _ in a })
        let now = Dictionary(datasets.map { ($0.split, $0.content) }, uniquingKeysWith: { a, _ in a })
        if before != now {
            let changed = now.keys.sorted().filter { before[$0] != now[$0] }
            return .success(.toRun(reason: "the \(changed.joined(separator: " and ")) data changed since it ran"))
        }
        let damage = RunFiles.damage(inFolder: folder, manifest: manifest)
        if !damage.isEmpty { return .success(.toRun(reason: "damaged: " + damage.joined(separator: "; "))) }
        return .success(.upToDate)
    }
}

/// Checks the data of every point of a plan (`dnn-run validate`): everything `dnn-run`
/// would refuse before training, without looking at or writing the results tree.
public func validateData(_ plan: Sweep, observer: (any DataLoadObserver)? = nil) throws {
    let data = DataStore(observer: observer)
    var problems: [Diagnostic] = []
    let limit = MemoryLimit.current()
    for point in plan.points {
        if case .failure(let d) = RunPlanner.checkData(of: point, data: data, limit: limit) { problems += d.items }
    }
    problems = problems.uniqued()
    if !problems.isEmpty { throw Diagnostics(problems) }
}
