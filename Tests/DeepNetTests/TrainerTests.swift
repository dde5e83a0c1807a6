import DeepNet
import TestSupport
import XCTest

/// The trainer and its engines against the notebook's functions composed by hand.
final class TrainerTests: XCTestCase {
    /// A problem small enough to train with the functional path in a test.
    private func problem(m: Int = 30, nx: Int = 50, seed: UInt32 = 4) -> (X: Matrix, Y: Matrix) {
        var rng = NumpyRandom(seed: seed)
        let X = rng.randn(nx, m)
        // Labels from a fixed linear rule, so the problem is learnable.
        var Y = Matrix(rows: 1, cols: m)
        for j in 0..<m { Y[0, j] = X[0, j] + 0.5 * X[1, j] - X[2, j] > 0 ? 1 : 0 }
        return (X, Y)
    }

    /// The course's loop, written with the notebook's functions.
    private func referenceTraining(
        X: Matrix, Y: Matrix, p0: Parameters, options: TrainingOptions
    ) -> (costs: [CostRecord], parameters: Parameters) {
        var p = p0
        var costs: [CostRecord] = []
        for i in 0..<options.iterations {
            let (AL, caches) = modelForward(X, p, hidden: options.hidden)
            if i % options.recordEvery == 0 { costs.append(CostRecord(iteration: i, cost: computeCost(AL, Y))) }
            let grads = modelBackward(AL, Y, caches, hidden: options.hidden)
            p = updateParameters(p, grads, learningRate: options.learningRate)
        }
        return (costs, p)
    }

    func testEveryEngineAgreesWithTheNotebooksLoop() throws {
        let (X, Y) = problem()
        for hidden in Activation.allCases {
            let p0 = initializeParametersDeep([50, 6, 4, 1], initializer: .he, seed: 3)
            var options = TrainingOptions(learningRate: 0.05, iterations: 60, recordEvery: 7, hidden: hidden)
            let reference = referenceTraining(X: X, Y: Y, p0: p0, options: options)
            for engine in EngineKind.allCases {
                options.engine = engine
                let result = try train(X: X, Y: Y, initial: p0, options: options)
                XCTAssertEqual(result.costs.map(\.iteration), Array(stride(from: 0, to: 60, by: 7)))
                assertClose(result.costs.map(\.cost), reference.costs.map(\.cost), tolerance: 1e-12, "\(engine) \(hidden)")
                for l in 0..<p0.layerCount {
                    XCTAssertLessThan(maxDifference(result.parameters.weights[l], reference.parameters.weights[l]), 1e-12,
                                      "\(engine) \(hidden) W\(l + 1)")
                    XCTAssertLessThan(maxDifference(result.parameters.biases[l], reference.parameters.biases[l]), 1e-12,
                                      "\(engine) \(hidden) b\(l + 1)")
                }
                let finalAL = modelForward(X, reference.parameters, hidden: hidden).AL
                XCTAssertEqual(result.finalCost, computeCost(finalAL, Y), accuracy: 1e-12)
                XCTAssertLessThan(maxDifference(result.finalOutput, finalAL), 1e-12)
            }
        }
    }

    /// The primal engine repeats the notebook's arithmetic element for element.
    func testPrimalEngineIsBitForBitTheNotebooksLoopOnASingleLayer() throws {
        let (X, Y) = problem(m: 12, nx: 3)
        let p0 = initializeParametersDeep([3, 1], initializer: .scaled(0.01), seed: 1)
        let options = TrainingOptions(learningRate: 0.1, iterations: 25, recordEvery: 1)
        let reference = referenceTraining(X: X, Y: Y, p0: p0, options: options)
        let result = try train(X: X, Y: Y, initial: p0, options: options)
        XCTAssertEqual(result.costs, reference.costs)
    }

    func testNonFiniteCostStopsAtTheFirstBadIteration() {
        let (X, Y) = problem()
        let p0 = initializeParametersDeep([50, 6, 1], initializer: .he, seed: 3)
        let options = TrainingOptions(learningRate: 1e6, iterations: 100, recordEvery: 1)
        XCTAssertThrowsError(try train(X: X, Y: Y, initial: p0, options: options)) { error in
            guard case .nonFiniteCost(let iteration, let cost, let last, let costs)? = error as? TrainingError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertFalse(cost.isFinite)
            XCTAssertGreaterThan(iteration, 0)
            XCTAssertEqual(costs.count, iteration, "every iteration before the bad one is recorded")
            XCTAssertEqual(last, costs.last?.cost)
            XCTAssertTrue(costs.allSatisfy { $0.cost.isFinite })
        }
    }

    /// Only recorded costs are computed; the others are only checked to be finite. A
    /// non-finite cost is still caught at its iteration, with the same cost before it,
    /// on both engines and in a batch, as when every cost is computed.
    func testNonFiniteCostIsCaughtBetweenRecordedIterations() throws {
        let (X, Y) = problem()
        let p0 = initializeParametersDeep([50, 6, 1], initializer: .he, seed: 3)
        // Diverges at iteration 4 (the test checks it is past 2): with recordEvery 5 only
        // iteration 0 is recorded, and the last finite cost (iteration 3) is computed
        // from the output the engine kept.
        let rate = 5.0
        for engine in [EngineKind.primal, .dual] {
            let every = TrainingOptions(learningRate: rate, iterations: 200, recordEvery: 1, engine: engine)
            var sparse = every
            sparse.recordEvery = 5
            guard case .nonFiniteCost(let i, let cost, let last, _)? = trainingError(X, Y, p0, every),
                  case .nonFiniteCost(let j, let cost2, let last2, let costs2)? = trainingError(X, Y, p0, sparse)
            else { return XCTFail("\(engine): no non-finite cost") }
            XCTAssert(i > 2 && i < 5, "\(engine): diverged at \(i)")
            XCTAssertEqual(j, i, "\(engine)")
            XCTAssertEqual(cost2.isNaN, cost.isNaN, "\(engine)")
            XCTAssertNotNil(last, "\(engine)")
            XCTAssertEqual(last2?.bitPattern, last?.bitPattern, "\(engine): the last finite cost, computed afterwards")
            XCTAssertEqual(costs2.map(\.iteration), [0], "\(engine)")
        }
        let batch = trainBatch(basis: DualBasis(X), Y: Y, members: [BatchMember(
            initial: p0, options: TrainingOptions(learningRate: rate, iterations: 200, recordEvery: 5))])
        let alone = trainingError(X, Y, p0, TrainingOptions(learningRate: rate, iterations: 200, recordEvery: 5, engine: .dual))
        guard case .failure(let error) = batch[0] else { return XCTFail("the batch's run did not fail") }
        XCTAssertEqual(String(describing: error), String(describing: alone!))
    }

    private func trainingError(_ X: Matrix, _ Y: Matrix, _ p0: Parameters, _ options: TrainingOptions) -> TrainingError? {
        do {
            _ = try train(X: X, Y: Y, initial: p0, options: options)
            return nil
        } catch {
            return error as? TrainingError
        }
    }

    func testCancellationStopsBetweenIterations() {
        let (X, Y) = problem()
        let p0 = initializeParametersDeep([50, 6, 1], seed: 3)
        let options = TrainingOptions(learningRate: 0.01, iterations: 100, recordEvery: 10)
        var seen = 0
        XCTAssertThrowsError(try train(
            X: X, Y: Y, initial: p0, options: options,
            progress: { seen = $0.completed }, shouldStop: { seen == 25 })
        ) { error in
            XCTAssertEqual(error as? TrainingError,
                           .cancelled(iteration: 25, costs: (error as? TrainingError)?.costs ?? []))
            XCTAssertEqual((error as? TrainingError)?.costs.map(\.iteration), [0, 10, 20])
        }
    }

    func testProgressIsReportedAfterEveryIteration() throws {
        let (X, Y) = problem()
        let p0 = initializeParametersDeep([50, 3, 1], seed: 3)
        var completed: [Int] = []
        _ = try train(X: X, Y: Y, initial: p0, options: TrainingOptions(learningRate: 0.01, iterations: 5),
                      progress: { completed.append($0.completed) })
        XCTAssertEqual(completed, [1, 2, 3, 4, 5])
    }

    func testAutoPicksDualWithFewExamplesAndPrimalWithMany() {
        XCTAssertEqual(EngineKind.cheaper(layerDims: [12288, 20, 7, 5, 1], examples: 209, iterations: 2500).engine, .dual)
        XCTAssertEqual(EngineKind.cheaper(layerDims: [10, 20, 1], examples: 5000, iterations: 2500).engine, .primal)
        // One iteration never repays the Gram matrix.
        XCTAssertEqual(EngineKind.cheaper(layerDims: [12288, 20, 1], examples: 209, iterations: 1).engine, .primal)
    }
}
