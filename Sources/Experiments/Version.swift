import DeepNet

/// dnn-run's version, written into every manifest.
public let dnnRunVersion = "0.1.0"
