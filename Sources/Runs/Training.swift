import Data
import DeepNet
import Spec

/// The one place that trains a spec: `dnn-run SPEC` (through `RunExecutor`) and
/// `dnn-run verify` both call it, so that a run is verified by exactly the computation
/// that made it.
public enum Training {
    /// What training leaves: the result and the accuracy on the training set.
    public struct Fit: Sendable {
        public var result: TrainingResult
        public var trainAccuracy: Double
    }

    /// The trainer's options for `spec`, run by `engine`.
    public static func options(_ spec: ExperimentSpec, engine: EngineKind) -> TrainingOptions {
        TrainingOptions(
            learningRate: spec.learningRate, iterations: spec.iterations, recordEvery: spec.recordEvery,
            hidden: spec.hiddenActivation, output: spec.outputActivation, engine: engine,
            optimizer: spec.trainingOptimizer, miniBatches: spec.miniBatches, decay: spec.learningRateDecay)
    }

    /// Trains `spec`'s network from its initial parameters on its training set, read from
    /// `data` (the dual engine's Gram matrix too, shared by every run on the same data).
    ///
    /// - Parameters:
    ///   - progress: called after every iteration with (completed, cost).
    ///   - shouldStop: polled before every iteration.
    /// - Throws: `TrainingError` when the cost diverges or training is stopped; a
    ///   `Diagnostic` when the data cannot be read.
    public static func fit(
        _ spec: ExperimentSpec, engine: EngineKind, data: DataStore,
        progress: ((Int, Double) -> Void)? = nil, shouldStop: (() -> Bool)? = nil
    ) throws -> Fit {
        let train = try data.dataset(spec.train, scale: spec.scale)
        let basis = engine == .dual ? try data.dualBasis(spec.train, scale: spec.scale) : nil
        let result = try DeepNet.train(
            // The initial parameters are made inline, so that nothing holds them after training.
            X: train.X, Y: train.Y,
            initial: initializeParametersDeep(spec.layerDims, initializer: spec.initializer, seed: spec.seed),
            options: options(spec, engine: engine), dualBasis: basis,
            progress: progress.map { report in { report($0.completed, $0.cost) } },
            shouldStop: shouldStop)
        return Fit(result: result, trainAccuracy: accuracy(predictions: classify(result.finalOutput), labels: train.Y))
    }
}
