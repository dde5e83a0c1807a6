/// The hyperparameters of training: the course's full-batch gradient descent by default,
/// and the techniques of its second part (DESIGN.md, "Training techniques").
public struct TrainingOptions: Equatable, Sendable {
    /// The initial learning rate α0.
    public var learningRate: Double
    /// Passes over the training set (iterations of full-batch descent, epochs with
    /// mini-batches).
    public var iterations: Int
    /// The cost of pass i is recorded when i % recordEvery == 0 (see `train`).
    public var recordEvery: Int
    public var hidden: Activation
    public var output: Activation
    public var engine: EngineKind
    public var optimizer: Optimizer
    public var miniBatches: MiniBatches
    public var decay: LearningRateDecay

    public init(
        learningRate: Double, iterations: Int, recordEvery: Int = 100,
        hidden: Activation = .relu, output: Activation = .sigmoid, engine: EngineKind = .primal,
        optimizer: Optimizer = .gd, miniBatches: MiniBatches = MiniBatches(), decay: LearningRateDecay = .none
    ) {
        self.learningRate = learningRate
        self.iterations = iterations
        self.recordEvery = recordEvery
        self.hidden = hidden
        self.output = output
        self.engine = engine
        self.optimizer = optimizer
        self.miniBatches = miniBatches
        self.decay = decay
    }
}

/// One recorded point of the cost history.
public struct CostRecord: Equatable, Sendable {
    public var iteration: Int
    public var cost: Double
    /// With a learning-rate decay, the rate after this pass (the next pass's, what the
    /// course prints as "learning rate after epoch i"); nil without one.
    public var learningRate: Double?
    public init(iteration: Int, cost: Double, learningRate: Double? = nil) {
        self.iteration = iteration
        self.cost = cost
        self.learningRate = learningRate
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

/// The course's `L_layer_model`, with the techniques of its second part.
///
/// The notebook's functions (`modelForward`, `computeCost`, `modelBackward`,
/// `updateParameters`, in Forward.swift, Cost.swift, Backward.swift and
/// GradientDescent.swift) are the reference: they read like the math and are tested
/// against the seed's outputs. `Engine` is the fast path this loop runs, held to them by
/// TrainerTests (each engine against the notebook's functions composed by hand) and to
/// the numpy oracle by the parity tests.
///
///     for i in 0 ..< iterations:                       # passes over the data
///         lr = decay(lr0, i)                           # lr0 without a decay
///         for each batch (X_b, Y_b) of pass i:         # one batch of every example by default
///             AL = L_model_forward(X_b); cost += ...   # recorded if i % every == 0
///             grads = L_model_backward(AL, Y_b); parameters = optimizer.step(grads, lr)
///
/// The recorded cost of pass i: with one batch, `compute_cost` before the pass's update,
/// as the course's first part; with mini-batches, the cross-entropy summed over every
/// batch of the pass (each before its own update) divided by m.
///
/// - Parameters:
///   - X: the training data, (n_x, m).
///   - Y: the labels, (1, m), each 0 or 1.
///   - initial: the initial parameters; their layer_dims[0] must be n_x.
///   - dualBasis: for the dual engine, a precomputed Gram matrix of X (shared by every
///     run on the same data); computed here when nil.
///   - progress: called after every pass.
///   - shouldStop: polled before every update; when it answers true, training stops with
///     `TrainingError.cancelled` (the pass it interrupts is not completed).
/// - Throws: `TrainingError.nonFiniteCost` at the first pass whose cost is NaN or
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
        engine = .primal(
            X: X, Y: Y, parameters: initial, hidden: options.hidden, output: options.output,
            optimizer: options.optimizer)
    case .dual:
        precondition(dualBasis.map { $0.X == X } ?? true, "the dual basis belongs to other data")
        engine = .dual(
            basis: dualBasis ?? DualBasis(X), Y: Y, parameters: initial,
            hidden: options.hidden, output: options.output, optimizer: options.optimizer)
    }
    var history = CostHistory(options: options)
    let m = X.cols
    for i in 0..<options.iterations {
        let learningRate = options.decay.rate(forPass: i, initial: options.learningRate)
        let rateAfter = options.decay == .none ? nil : options.decay.rate(after: i, initial: options.learningRate)
        guard let order = options.miniBatches.order(pass: i, examples: m) else {
            // One batch of every example, in file order.
            if let shouldStop, shouldStop() {
                throw TrainingError.cancelled(iteration: i, costs: history.records)
            }
            let cost = engine.forward(costWanted: history.isRecorded(i))
            if let error = history.note(iteration: i, cost: cost, engine: engine, learningRate: rateAfter) {
                throw error
            }
            engine.backwardAndUpdate(learningRate: learningRate)
            progress?(history.progress(completed: i + 1))
            continue
        }
        let size = options.miniBatches.size!
        var total = 0.0
        for start in stride(from: 0, to: m, by: size) {
            if let shouldStop, shouldStop() {
                throw TrainingError.cancelled(iteration: i, costs: history.records)
            }
            engine.select(examples: order[start..<min(m, start + size)])
            if let sum = engine.forwardBatch(costWanted: history.isRecorded(i)) {
                guard sum.isFinite else {
                    throw history.nonFinite(iteration: i, cost: sum / Double(m))
                }
                total += sum
            }
            engine.backwardAndUpdate(learningRate: learningRate)
        }
        if history.isRecorded(i) {
            _ = history.note(iteration: i, cost: total / Double(m), engine: engine, learningRate: rateAfter)
        }
        progress?(history.progress(completed: i + 1))
    }
    engine.select(examples: nil)
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
    mutating func note(iteration: Int, cost: Double?, engine: Engine, learningRate: Double? = nil) -> TrainingError? {
        guard let cost else {
            last = nil
            return nil
        }
        guard cost.isFinite else {
            let lastFinite = iteration == 0 ? nil : last ?? engine.keptCost()
            return .nonFiniteCost(iteration: iteration, cost: cost, lastFiniteCost: lastFinite, costs: records)
        }
        last = cost
        if isRecorded(iteration) {
            records.append(CostRecord(iteration: iteration, cost: cost, learningRate: learningRate))
        }
        return nil
    }

    /// The error of a mini-batch pass whose cost is not finite: the last finite cost is
    /// the last recorded one.
    func nonFinite(iteration: Int, cost: Double) -> TrainingError {
        .nonFiniteCost(iteration: iteration, cost: cost, lastFiniteCost: records.last?.cost, costs: records)
    }

    /// Where training is after `completed` iterations, with the cost last recorded.
    func progress(completed: Int) -> TrainingProgress {
        TrainingProgress(completed: completed, iterations: options.iterations, cost: records.last?.cost ?? .nan)
    }
}
