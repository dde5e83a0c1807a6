/// The hyperparameters of full-batch gradient descent.
public struct TrainingOptions: Equatable, Sendable {
    public var learningRate: Double
    public var iterations: Int
    /// The cost of iteration i is recorded when i % recordEvery == 0, before its update.
    public var recordEvery: Int
    public var hidden: Activation
    public var output: Activation
    public var engine: EngineKind

    public init(
        learningRate: Double, iterations: Int, recordEvery: Int = 100,
        hidden: Activation = .relu, output: Activation = .sigmoid, engine: EngineKind = .primal
    ) {
        self.learningRate = learningRate
        self.iterations = iterations
        self.recordEvery = recordEvery
        self.hidden = hidden
        self.output = output
        self.engine = engine
    }
}

/// One recorded point of the cost history.
public struct CostRecord: Equatable, Sendable {
    public var iteration: Int
    public var cost: Double
    public init(iteration: Int, cost: Double) {
        self.iteration = iteration
        self.cost = cost
    }
}

/// Where training is, passed to the progress callback after every iteration.
public struct TrainingProgress: Sendable {
    /// Iterations completed so far, 1 ... iterations.
    public var completed: Int
    public var iterations: Int
    /// The cost last recorded (of the last iteration that is a multiple of recordEvery,
    /// before its update): the other iterations' costs are not computed.
    public var cost: Double
}

/// What training produced.
public struct TrainingResult: Sendable {
    public var parameters: Parameters
    /// The recorded costs, in order.
    public var costs: [CostRecord]
    /// The cost of the final parameters on the training set.
    public var finalCost: Double
    /// The network's output on the training set with the final parameters, (1, m).
    public var finalOutput: Matrix
}

/// Why training stopped early. Each case carries the costs recorded so far.
public enum TrainingError: Error, Equatable {
    /// The cost of `iteration` was NaN or infinite; `lastFiniteCost` is the one before.
    case nonFiniteCost(iteration: Int, cost: Double, lastFiniteCost: Double?, costs: [CostRecord])
    /// `shouldStop` answered true before `iteration` began.
    case cancelled(iteration: Int, costs: [CostRecord])

    public var costs: [CostRecord] {
        switch self {
        case .nonFiniteCost(_, _, _, let costs), .cancelled(_, let costs): return costs
        }
    }
}

/// Full-batch gradient descent as the course's `L_layer_model`.
///
/// The notebook's functions (`modelForward`, `computeCost`, `modelBackward`,
/// `updateParameters`, in Forward.swift, Cost.swift, Backward.swift and
/// GradientDescent.swift) are the reference: they read like the math and are tested
/// against the seed's outputs. `Engine` is the fast path this loop runs, held to them by
/// TrainerTests (each engine against the notebook's functions composed by hand) and to
/// the numpy oracle by the parity tests.
///
///
///     for i in 0 ..< iterations:
///         AL = L_model_forward(X); cost = compute_cost(AL, Y)   # recorded if i % every == 0
///         grads = L_model_backward(AL, Y); parameters = update_parameters(grads)
///
/// - Parameters:
///   - X: the training data, (n_x, m).
///   - Y: the labels, (1, m), each 0 or 1.
///   - initial: the initial parameters; their layer_dims[0] must be n_x.
///   - dualBasis: for the dual engine, a precomputed Gram matrix of X (shared by every
///     run on the same data); computed here when nil.
///   - progress: called after every iteration.
///   - shouldStop: polled before every iteration; when it answers true, training stops
///     with `TrainingError.cancelled`.
/// - Throws: `TrainingError.nonFiniteCost` at the first iteration whose cost is NaN or
///   infinite, `TrainingError.cancelled` when stopped.
public func train(
    X: Matrix, Y: Matrix, initial: Parameters, options: TrainingOptions,
    dualBasis: DualBasis? = nil,
    progress: ((TrainingProgress) -> Void)? = nil,
    shouldStop: (() -> Bool)? = nil
) throws -> TrainingResult {
    precondition(initial.layerDims.first == X.rows, "layer_dims[0] is not n_x")
    precondition(Y.rows == 1 && Y.cols == X.cols, "Y must be (1, m)")
    precondition(options.recordEvery > 0 && options.iterations >= 0, "bad options")
    var engine: Engine
    switch options.engine {
    case .primal:
        engine = .primal(X: X, Y: Y, parameters: initial, hidden: options.hidden, output: options.output)
    case .dual:
        precondition(dualBasis.map { $0.X == X } ?? true, "the dual basis belongs to other data")
        engine = .dual(
            basis: dualBasis ?? DualBasis(X), Y: Y, parameters: initial,
            hidden: options.hidden, output: options.output)
    }
    var history = CostHistory(options: options)
    for i in 0..<options.iterations {
        if let shouldStop, shouldStop() {
            throw TrainingError.cancelled(iteration: i, costs: history.records)
        }
        let cost = engine.forward(costWanted: history.isRecorded(i))
        if let error = history.note(iteration: i, cost: cost, engine: engine) { throw error }
        engine.backwardAndUpdate(learningRate: options.learningRate)
        progress?(history.progress(completed: i + 1))
    }
    let finalCost = engine.forward()!
    return TrainingResult(
        parameters: engine.parameters(), costs: history.records, finalCost: finalCost, finalOutput: engine.output)
}

/// The costs of one training as its loop meets them. Only the recorded iterations'
/// costs are computed (the course computes every one and prints every 100th); the
/// others are only checked to be finite (`Engine.forward(costWanted:)`), and the last
/// finite one is computed from the engine's kept output when a later cost is not.
struct CostHistory {
    let options: TrainingOptions
    /// The recorded costs, in order.
    private(set) var records: [CostRecord] = []
    /// The cost of the last iteration, when it was computed; nil when it was only found
    /// finite (the engine kept its output) or before the first iteration.
    private var last: Double?

    init(options: TrainingOptions) {
        self.options = options
        records.reserveCapacity(options.iterations / options.recordEvery + 1)
    }

    func isRecorded(_ iteration: Int) -> Bool { iteration % options.recordEvery == 0 }

    /// After the forward of `iteration`, whose cost is `cost` (nil: finite, not
    /// computed): the error that ends training when it is not finite.
    mutating func note(iteration: Int, cost: Double?, engine: Engine) -> TrainingError? {
        guard let cost else {
            last = nil
            return nil
        }
        guard cost.isFinite else {
            let lastFinite = iteration == 0 ? nil : last ?? engine.keptCost()
            return .nonFiniteCost(iteration: iteration, cost: cost, lastFiniteCost: lastFinite, costs: records)
        }
        last = cost
        if isRecorded(iteration) { records.append(CostRecord(iteration: iteration, cost: cost)) }
        return nil
    }

    /// Where training is after `completed` iterations, with the cost last recorded.
    func progress(completed: Int) -> TrainingProgress {
        TrainingProgress(completed: completed, iterations: options.iterations, cost: records.last?.cost ?? .nan)
    }
}
