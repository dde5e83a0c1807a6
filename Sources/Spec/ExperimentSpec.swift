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

/// `training.optimizer`: how a gradient becomes a step.
public enum OptimizerChoice: String, CaseIterable, Sendable {
    case gd
    case momentum
    case adam
}

/// `training.decay`: how the learning rate falls from pass to pass.
public enum DecayChoice: String, CaseIterable, Sendable {
    case none
    case inverseTime = "inverse_time"
    case staircase
}

/// One experiment, validated and with every default filled in: what `spec.yaml` in a
/// run folder holds.
///
/// Each value is a key of `SpecSchema.keys`, which says its type, range, default and
/// canonical text; the initial values below are placeholders that `SpecValidator`
/// replaces (a spec is only ever made by validating YAML).
///
/// Two specs are equal when every key of the schema is: `specPath`, `locations` and the
/// splits' locations say where it was written and are not compared.
public struct ExperimentSpec: Equatable, Sendable {
    /// Names the results folder; letters, digits, `.`, `_` and `-`.
    public var name = ""
    public var description: String?

    /// `data.train`, with an absolute path.
    public var train = DataSplit(path: "", format: .hdf5)
    /// `data.test`, with an absolute path.
    public var test: DataSplit?
    /// `data.scale`: features are divided by this (255 for 8-bit images).
    public var scale = 1.0

    /// `model.layer_dims`: units per layer, input first; the last is 1.
    public var layerDims: [Int] = []
    public var hiddenActivation = Activation.relu
    /// Always `sigmoid`: the cross-entropy cost needs outputs in (0, 1).
    public var outputActivation = Activation.sigmoid
    public var initializer = Initializer.lecun

    public var learningRate = 0.0
    public var iterations = 0
    /// `np.random.seed(seed)` before initialization.
    public var seed: UInt32 = 0
    /// The cost is recorded every `recordEvery` iterations.
    public var recordEvery = 0
    public var engine = EngineChoice.auto

    // The course's second part (DESIGN.md, "Training techniques").
    public var optimizer = OptimizerChoice.gd
    /// Momentum's β.
    public var beta = Optimizer.defaultBeta
    /// Adam's β1, β2 and ε.
    public var beta1 = Optimizer.defaultAdam.beta1
    public var beta2 = Optimizer.defaultAdam.beta2
    public var epsilon = Optimizer.defaultAdam.epsilon
    /// The examples of a mini-batch; nil: every example in one batch.
    public var miniBatchSize: Int?
    /// Pass e (from 1) shuffles after `np.random.seed(shuffleSeed + e)`.
    public var shuffleSeed = MiniBatches.defaultShuffleSeed
    public var decay = DecayChoice.none
    public var decayRate = LearningRateDecay.defaultRate
    public var decayInterval = LearningRateDecay.defaultInterval

    /// The absolute path of the spec file this was read from.
    public var specPath: String
    /// Where each value was written, by dotted key (`model.layer_dims`, `data.train`);
    /// defaulted keys have no entry.
    public var locations: [String: SourceLocation] = [:]

    /// A spec for the validator to fill in, key by key.
    init(specPath: String) {
        self.specPath = specPath
    }

    /// A spec made in code, for tests and tools: a nil argument takes the schema's default
    /// (`SpecSchema.keys`). Not validated; specs from files come from `SpecLoader`.
    public init(
        name: String, description: String? = nil, train: DataSplit, test: DataSplit? = nil, scale: Double? = nil,
        layerDims: [Int], hiddenActivation: Activation? = nil, outputActivation: Activation? = nil,
        initializer: Initializer? = nil, learningRate: Double, iterations: Int, seed: UInt32? = nil,
        recordEvery: Int? = nil, engine: EngineChoice? = nil, specPath: String,
        locations: [String: SourceLocation] = [:]
    ) {
        self.init(specPath: specPath)
        for key in SpecSchema.keys { key.setDefault(&self) }
        (self.name, self.description, self.train, self.test) = (name, description, train, test)
        (self.layerDims, self.learningRate, self.iterations, self.locations) = (layerDims, learningRate, iterations, locations)
        if let scale { self.scale = scale }
        if let hiddenActivation { self.hiddenActivation = hiddenActivation }
        if let outputActivation { self.outputActivation = outputActivation }
        if let initializer { self.initializer = initializer }
        if let seed { self.seed = seed }
        if let recordEvery { self.recordEvery = recordEvery }
        if let engine { self.engine = engine }
    }

    /// The optimizer with its parameters.
    public var trainingOptimizer: Optimizer {
        switch optimizer {
        case .gd: return .gd
        case .momentum: return .momentum(beta: beta)
        case .adam: return .adam(beta1: beta1, beta2: beta2, epsilon: epsilon)
        }
    }

    /// The learning-rate schedule with its parameters.
    public var learningRateDecay: LearningRateDecay {
        switch decay {
        case .none: return .none
        case .inverseTime: return .inverseTime(rate: decayRate)
        case .staircase: return .staircase(rate: decayRate, interval: decayInterval)
        }
    }

    /// How each pass is cut into batches.
    public var miniBatches: MiniBatches { MiniBatches(size: miniBatchSize, shuffleSeed: shuffleSeed) }

    public static func == (lhs: ExperimentSpec, rhs: ExperimentSpec) -> Bool {
        SpecSchema.keys.allSatisfy { $0.same(lhs, rhs) }
    }
}
