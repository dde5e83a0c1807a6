import DeepNet
import Support
import Data

/// Which training engine runs an experiment (`training.engine`).
public enum EngineChoice: String, CaseIterable, Sendable {
    /// The faster of the two for the data's shape.
    case auto
    /// The textbook algorithm.
    case primal
    /// The Gram-matrix form, for fewer examples than input features.
    case dual
}

/// One experiment, validated and with every default filled in: what `spec.yaml` in a
/// run folder holds.
///
/// Two specs are equal when they describe the same experiment: `specPath`, `locations`
/// and the splits' locations say where it was written and are not compared.
public struct ExperimentSpec: Equatable, Sendable {
    /// Names the results folder; letters, digits, `.`, `_` and `-`.
    public var name: String
    public var description: String?

    /// `data.train`, with an absolute path.
    public var train: DataSplit
    /// `data.test`, with an absolute path.
    public var test: DataSplit?
    /// `data.scale`: features are divided by this (default 1; 255 for 8-bit images).
    public var scale: Double

    /// `model.layer_dims`: units per layer, input first; the last is 1.
    public var layerDims: [Int]
    public var hiddenActivation: Activation
    /// Always `sigmoid`: the cross-entropy cost needs outputs in (0, 1).
    public var outputActivation: Activation
    public var initializer: Initializer

    public var learningRate: Double
    public var iterations: Int
    /// `np.random.seed(seed)` before initialization.
    public var seed: UInt32
    /// The cost is recorded every `recordEvery` iterations.
    public var recordEvery: Int
    public var engine: EngineChoice

    /// The absolute path of the spec file this was read from.
    public var specPath: String
    /// Where each value was written, by dotted key (`model.layer_dims`, `data.train`);
    /// defaulted keys have no entry.
    public var locations: [String: SourceLocation]

    public init(
        name: String, description: String? = nil, train: DataSplit, test: DataSplit? = nil,
        scale: Double = 1, layerDims: [Int], hiddenActivation: Activation = .relu,
        outputActivation: Activation = .sigmoid, initializer: Initializer = .lecun,
        learningRate: Double, iterations: Int, seed: UInt32 = 1, recordEvery: Int = 100,
        engine: EngineChoice = .auto, specPath: String, locations: [String: SourceLocation] = [:]
    ) {
        self.name = name
        self.description = description
        self.train = train
        self.test = test
        self.scale = scale
        self.layerDims = layerDims
        self.hiddenActivation = hiddenActivation
        self.outputActivation = outputActivation
        self.initializer = initializer
        self.learningRate = learningRate
        self.iterations = iterations
        self.seed = seed
        self.recordEvery = recordEvery
        self.engine = engine
        self.specPath = specPath
        self.locations = locations
    }

    public static func == (lhs: ExperimentSpec, rhs: ExperimentSpec) -> Bool {
        lhs.name == rhs.name && lhs.description == rhs.description
            && lhs.train.withoutLocation == rhs.train.withoutLocation
            && lhs.test?.withoutLocation == rhs.test?.withoutLocation
            && lhs.scale == rhs.scale && lhs.layerDims == rhs.layerDims
            && lhs.hiddenActivation == rhs.hiddenActivation && lhs.outputActivation == rhs.outputActivation
            && lhs.initializer == rhs.initializer && lhs.learningRate == rhs.learningRate
            && lhs.iterations == rhs.iterations && lhs.seed == rhs.seed
            && lhs.recordEvery == rhs.recordEvery && lhs.engine == rhs.engine
    }
}
