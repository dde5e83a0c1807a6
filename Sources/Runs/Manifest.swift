import Data
import Support

/// The state a run folder's manifest records.
public enum RunStatus: String, Codable, Sendable {
    case completed
    case failed
    case interrupted
}

/// A data file a run read, and its SHA-256 when it ran; or, for a generated split, the
/// generator and its arguments in place of the path and the hash:
///
///     {"split": "train", "path": "/abs/train_catvnoncat.h5", "sha256": "0f3c…"}
///     {"split": "train", "generated": {"generate": "moons", "samples": 300, "noise": 0.2, "seed": 3}}
public struct DatasetRecord: Codable, Equatable, Sendable {
    public var split: String
    /// The file's absolute path when the run was made; nil for a generated set.
    public var path: String?
    /// The SHA-256 of the file's bytes; nil for a generated set.
    public var sha256: String?
    /// The generated set the run made; nil for a file.
    public var generated: GeneratedSet?

    public init(split: String, path: String, sha256: String) {
        self.split = split
        self.path = path
        self.sha256 = sha256
    }

    public init(split: String, generated: GeneratedSet) {
        self.split = split
        self.generated = generated
    }

    /// The record of `split`'s data as the run reads it: a generated set's arguments, or
    /// the file's path and `sha256`.
    public init(split name: String, of split: DataSplit, sha256: String) {
        if let generated = split.generated {
            self.init(split: name, generated: generated)
        } else {
            self.init(split: name, path: split.path, sha256: sha256)
        }
    }

    /// What the data was, for comparing two records of a split: the file's SHA-256, or
    /// the generated set's canonical text (`generate=moons samples=300 noise=0.2 seed=3`).
    public var content: String { generated?.canonical ?? sha256 ?? "" }

    enum CodingKeys: String, CodingKey {
        case split, path, sha256, generated
    }

    /// Only the keys that apply: a file's record is written as before generated sets.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(split, forKey: .split)
        if let path { try container.encode(path, forKey: .path) }
        if let sha256 { try container.encode(sha256, forKey: .sha256) }
        if let generated { try container.encode(generated, forKey: .generated) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        split = try container.decode(String.self, forKey: .split)
        generated = try container.decodeIfPresent(GeneratedSet.self, forKey: .generated)
        if generated == nil {
            // A file's record needs both (manifests before generated sets always had them).
            path = try container.decode(String.self, forKey: .path)
            sha256 = try container.decode(String.self, forKey: .sha256)
        }
    }
}

/// One file of a run folder as it was written: a run is up to date only while its files
/// still have these sizes and hashes (a truncated copy or a damaged file is retrained,
/// and `verify` names it).
public struct FileRecord: Codable, Equatable, Sendable {
    public var name: String
    public var bytes: Int
    public var sha256: String

    public init(name: String, _ written: WrittenFile) {
        self.name = name
        self.bytes = written.bytes
        self.sha256 = written.sha256
    }
}

/// Where and how a run was started, for people reading the manifest: never part of its
/// identity (the same run made from another folder, machine or commit is the same run).
public struct Provenance: Codable, Equatable, Sendable {
    /// The command line, as typed.
    public var command: [String]
    public var workingDirectory: String
    /// The spec file, absolute, when the run was made.
    public var specFile: String
    /// The git commit of the work tree holding the spec, and whether it had changes;
    /// nil when git or the repository is absent.
    public var git: GitState?

    public struct GitState: Codable, Equatable, Sendable {
        public var commit: String
        public var dirty: Bool
    }

    enum CodingKeys: String, CodingKey {
        case command
        case workingDirectory = "working_directory"
        case specFile = "spec_file"
        case git
    }
}

/// `manifest.json`: how, where and from what a run was made, and how it ended.
public struct Manifest: Codable, Equatable, Sendable {
    /// The results format this manifest was written in; absent (nil) in trees written by
    /// dnn-run 0.1.0, whose `spec_sha256` hashed the resolved spec with absolute paths.
    /// Format 3 puts the spec as written in `results/<name>/default/` (format 2 used
    /// `results/<name>/` itself) and may record a `test_error`; its identity is format 2's.
    public static let currentFormat = 3

    public var status: RunStatus
    public var resultsFormat: Int?
    /// The run's identity (`ExperimentSpec.identity`): what determines its numbers.
    public var specSHA256: String
    public var datasets: [DatasetRecord]
    /// The files of the run folder (all but this manifest), as written.
    public var files: [FileRecord]?
    public var dnnRunVersion: String
    public var engine: String
    public var engineReason: String
    public var blasLibrary: String
    /// How the products were summed (`Arithmetic`: "fma", "kernel" or "blis"); nil in
    /// manifests made before dnn-run recorded it, whose `blas_library` tells.
    public var arithmetic: String?
    public var blasThreads: Int
    public var host: String
    public var started: String
    public var finished: String
    public var iterationsCompleted: Int
    public var error: String?
    /// Why a completed run has no test accuracy (its test file could not be read after
    /// training, say); nil when it has one or has no test set.
    public var testError: String?
    public var provenance: Provenance?
    /// The shape of one training example (`[64, 64, 3]` for the cat files, `[n_x]` for
    /// CSV) and the name of each label, label 0 first (the training file's
    /// `list_classes`, nil when it has none), for `predict`; both nil in manifests of
    /// runs made before dnn-run recorded them.
    public var inputShape: [Int]?
    public var classes: [String]?

    public init(
        status: RunStatus, resultsFormat: Int? = Manifest.currentFormat, specSHA256: String,
        datasets: [DatasetRecord], files: [FileRecord]? = nil, dnnRunVersion: String, engine: String,
        engineReason: String, blasLibrary: String, arithmetic: String? = nil, blasThreads: Int, host: String, started: String,
        finished: String, iterationsCompleted: Int, error: String?, provenance: Provenance? = nil,
        inputShape: [Int]? = nil, classes: [String]? = nil
    ) {
        self.status = status
        self.resultsFormat = resultsFormat
        self.specSHA256 = specSHA256
        self.datasets = datasets
        self.files = files
        self.dnnRunVersion = dnnRunVersion
        self.engine = engine
        self.engineReason = engineReason
        self.blasLibrary = blasLibrary
        self.arithmetic = arithmetic
        self.blasThreads = blasThreads
        self.host = host
        self.started = started
        self.finished = finished
        self.iterationsCompleted = iterationsCompleted
        self.error = error
        self.provenance = provenance
        self.inputShape = inputShape
        self.classes = classes
    }

    /// The keys of `manifest.json`, in the file's order (`JSONValueEncoder` writes them
    /// in this order, `error` as null when there is none).
    enum CodingKeys: String, CodingKey {
        case status
        case resultsFormat = "results_format"
        case specSHA256 = "spec_sha256"
        case datasets
        case files
        case dnnRunVersion = "dnn_run_version"
        case engine
        case engineReason = "engine_reason"
        case blasLibrary = "blas_library"
        case arithmetic
        case blasThreads = "blas_threads"
        case host, started, finished
        case iterationsCompleted = "iterations_completed"
        case error
        case testError = "test_error"
        case provenance
        case inputShape = "input_shape"
        case classes
    }
}
