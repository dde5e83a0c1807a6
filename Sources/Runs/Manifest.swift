import Support

/// The state a run folder's manifest records.
public enum RunStatus: String, Codable, Sendable {
    case completed
    case failed
    case interrupted
}

/// A data file a run read, and its SHA-256 when it ran.
public struct DatasetRecord: Codable, Equatable, Sendable {
    public var split: String
    public var path: String
    public var sha256: String
}

/// `manifest.json`: how, where and from what a run was made, and how it ended.
public struct Manifest: Codable, Equatable, Sendable {
    public var status: RunStatus
    public var specSHA256: String
    public var datasets: [DatasetRecord]
    public var dnnRunVersion: String
    public var engine: String
    public var engineReason: String
    public var blasLibrary: String
    public var blasThreads: Int
    public var host: String
    public var started: String
    public var finished: String
    public var iterationsCompleted: Int
    public var error: String?

    /// The keys of `manifest.json`, in the file's order (`JSONValueEncoder` writes them
    /// in this order, `error` as null when there is none).
    enum CodingKeys: String, CodingKey {
        case status
        case specSHA256 = "spec_sha256"
        case datasets
        case dnnRunVersion = "dnn_run_version"
        case engine
        case engineReason = "engine_reason"
        case blasLibrary = "blas_library"
        case blasThreads = "blas_threads"
        case host, started, finished
        case iterationsCompleted = "iterations_completed"
        case error
    }
}
