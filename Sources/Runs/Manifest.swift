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

    enum CodingKeys: String, CodingKey {
        case status, datasets, engine, host, started, finished, error
        case specSHA256 = "spec_sha256"
        case dnnRunVersion = "dnn_run_version"
        case engineReason = "engine_reason"
        case blasLibrary = "blas_library"
        case blasThreads = "blas_threads"
        case iterationsCompleted = "iterations_completed"
    }

    var json: JSONValue {
        .object([
            ("status", .string(status.rawValue)),
            ("spec_sha256", .string(specSHA256)),
            ("datasets", .array(datasets.map {
                .object([("split", .string($0.split)), ("path", .string($0.path)), ("sha256", .string($0.sha256))])
            })),
            ("dnn_run_version", .string(dnnRunVersion)),
            ("engine", .string(engine)),
            ("engine_reason", .string(engineReason)),
            ("blas_library", .string(blasLibrary)),
            ("blas_threads", .int(blasThreads)),
            ("host", .string(host)),
            ("started", .string(started)),
            ("finished", .string(finished)),
            ("iterations_completed", .int(iterationsCompleted)),
            ("error", error.map(JSONValue.string) ?? .null),
        ])
    }
}
