import DeepNet
import TestSupport
import XCTest

/// Every expected output printed in the seed notebook ("Building your Deep Neural
/// Network: Step by Step"), with the inputs regenerated from the course's test-case
/// recipes (testCases_v2.py) by `NumpyRandom`. The notebook prints 8 decimals, so the
/// tolerance is 1e-8.
final class NotebookTests: XCTestCase {
    let tolerance = 1e-8

    func testInitializeParameters() {
        let p = initializeParameters(nx: 2, nh: 2, ny: 1)
        assertClose(p.W(1), [[0.01624345, -0.00611756], [-0.00528172, -0.01072969]], tolerance: tolerance)
        assertClose(p.b(1), [[0], [0]], tolerance: 0)
        assertClose(p.W(2), [[0.00865408, -0.02301539]], tolerance: tolerance)
        assertClose(p.b(2), [[0]], tolerance: 0)
    }

    func testInitializeParametersDeep() {
        let p = initializeParametersDeep([5, 4, 3], initializer: .scaled(0.01), seed: 3)
        assertClose(p.W(1), [
            [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
            [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
            [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
            [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068],
        ], tolerance: tolerance)
        assertClose(p.b(1), [[0], [0], [0], [0]], tolerance: 0)
        assertClose(p.W(2), [
            [-0.01185047, -0.0020565, 0.01486148, 0.00236716],
            [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
            [-0.00768836, -0.00230031, 0.00745056, 0.01976111],
        ], tolerance: tolerance)
        assertClose(p.b(2), [[0], [0], [0]], tolerance: 0)
    }

    func testLinearForward() {
        var rng = NumpyRandom(seed: 1)
        let A = rng.randn(3, 2), W = rng.randn(1, 3), b = rng.randn(1, 1)
        let (Z, cache) = linearForward(A, W, b)
        assertClose(Z, [[3.26295337, -1.23429987]], tolerance: tolerance)
        XCTAssertEqual(cache.aPrev, A)
        XCTAssertEqual(cache.W, W)
    }

    func testLinearActivationForward() {
        var rng = NumpyRandom(seed: 2)
        let aPrev = rng.randn(3, 2), W = rng.randn(1, 3), b = rng.randn(1, 1)
        let sigmoid = linearActivationForward(aPrev, W, b, activation: .sigmoid)
        assertClose(sigmoid.A, [[0.96890023, 0.11013289]], tolerance: tolerance)
        let relu = linearActivationForward(aPrev, W, b, activation: .relu)
        assertClose(relu.A, [[3.43896131, 0]], tolerance: tolerance)
    }

    func testModelForward() {
        var rng = NumpyRandom(seed: 1)
        let X = rng.randn(4, 2)
        let W1 = rng.randn(3, 4), b1 = rng.randn(3, 1), W2 = rng.randn(1, 3), b2 = rng.randn(1, 1)
        let p = Parameters(weights: [W1, W2], biases: [b1, b2])
        let (AL, caches) = modelForward(X, p)
        assertClose(AL, [[0.17007265, 0.2524272]], tolerance: tolerance)
        XCTAssertEqual(caches.count, 2)
    }

    func testComputeCost() {
        let cost = computeCost(Matrix([[0.8, 0.9, 0.4]]), Matrix([[1, 1, 1]]))
        // The notebook prints all 17 digits; numpy's value is matched exactly.
        XCTAssertEqual(cost, 0.41493159961539694)
    }

    func testLinearBackward() {
        var rng = NumpyRandom(seed: 1)
        let dZ = rng.randn(1, 2), A = rng.randn(3, 2), W = rng.randn(1, 3), b = rng.randn(1, 1)
        let (dAPrev, dW, db) = linearBackward(dZ, LinearCache(aPrev: A, W: W, b: b))
        assertClose(dAPrev, [[0.51822968, -0.19517421], [-0.40506361, 0.15255393], [2.37496825, -0.89445391]],
                    tolerance: tolerance)
        assertClose(dW, [[-0.10076895, 1.40685096, 1.64992505]], tolerance: tolerance)
        assertClose(db, [[0.50629448]], tolerance: tolerance)
    }

    func testLinearActivationBackward() {
        var rng = NumpyRandom(seed: 2)
        let dA = rng.randn(1, 2), A = rng.randn(3, 2), W = rng.randn(1, 3), b = rng.randn(1, 1), Z = rng.randn(1, 2)
        let cache = LayerCache(linear: LinearCache(aPrev: A, W: W, b: b), Z: Z)

        let sigmoid = linearActivationBackward(dA, cache, activation: .sigmoid)
        assertClose(sigmoid.dAPrev, [[0.11017994, 0.01105339], [0.09466817, 0.00949723], [-0.05743092, -0.00576154]],
                    tolerance: tolerance)
        assertClose(sigmoid.dW, [[0.10266786, 0.09778551, -0.01968084]], tolerance: tolerance)
        assertClose(sigmoid.db, [[-0.05729622]], tolerance: tolerance)

        let relu = linearActivationBackward(dA, cache, activation: .relu)
        assertClose(relu.dAPrev, [[0.44090989, 0], [0.37883606, 0], [-0.2298228, 0]], tolerance: tolerance)
        assertClose(relu.dW, [[0.44513824, 0.37371418, -0.10478989]], tolerance: tolerance)
        assertClose(relu.db, [[-0.20837892]], tolerance: tolerance)
    }

    func testModelBackward() {
        var rng = NumpyRandom(seed: 3)
        let AL = rng.randn(1, 2)
        let Y = Matrix([[1, 0]])
        let A1 = rng.randn(4, 2), W1 = rng.randn(3, 4), b1 = rng.randn(3, 1), Z1 = rng.randn(3, 2)
        let A2 = rng.randn(3, 2), W2 = rng.randn(1, 3), b2 = rng.randn(1, 1), Z2 = rng.randn(1, 2)
        let caches = [
            LayerCache(linear: LinearCache(aPrev: A1, W: W1, b: b1), Z: Z1),
            LayerCache(linear: LinearCache(aPrev: A2, W: W2, b: b2), Z: Z2),
        ]
        let grads = modelBackward(AL, Y, caches)
        assertClose(grads.dW[0], [
            [0.41010002, 0.07807203, 0.13798444, 0.10502167],
            [0, 0, 0, 0],
            [0.05283652, 0.01005865, 0.01777766, 0.0135308],
        ], tolerance: tolerance)
        assertClose(grads.db[0], [[-0.22007063], [0], [-0.02835349]], tolerance: tolerance)
        // The notebook's dA1: the gradient with respect to layer 1's input.
        assertClose(grads.dAPrev[0], [
            [0, 0.52257901], [0, -0.3269206], [0, -0.32070404], [0, -0.74079187],
        ], tolerance: tolerance)
    }

    func testUpdateParameters() {
        var rng = NumpyRandom(seed: 2)
        let W1 = rng.randn(3, 4), b1 = rng.randn(3, 1), W2 = rng.randn(1, 3), b2 = rng.randn(1, 1)
        rng = NumpyRandom(seed: 3)
        let dW1 = rng.randn(3, 4), db1 = rng.randn(3, 1), dW2 = rng.randn(1, 3), db2 = rng.randn(1, 1)
        let p = Parameters(weights: [W1, W2], biases: [b1, b2])
        let grads = Gradients(dW: [dW1, dW2], db: [db1, db2], dAPrev: [])
        let updated = updateParameters(p, grads, learningRate: 0.1)
        assertClose(updated.W(1), [
            [-0.59562069, -0.09991781, -2.14584584, 1.82662008],
            [-1.76569676, -0.80627147, 0.51115557, -1.18258802],
            [-1.0535704, -0.86128581, 0.68284052, 2.20374577],
        ], tolerance: tolerance)
        assertClose(updated.b(1), [[-0.04659241], [-1.28888275], [0.53405496]], tolerance: tolerance)
        assertClose(updated.W(2), [[-0.55569196, 0.0354055, 1.32964895]], tolerance: tolerance)
        assertClose(updated.b(2), [[-0.84610769]], tolerance: tolerance)
    }

    func testPredictAndAccuracy() {
        var rng = NumpyRandom(seed: 1)
        let X = rng.randn(4, 2)
        let W1 = rng.randn(3, 4), b1 = rng.randn(3, 1), W2 = rng.randn(1, 3), b2 = rng.randn(1, 1)
        let p = Parameters(weights: [W1, W2], biases: [b1, b2])
        // AL = [[0.17007265, 0.2524272]]: both below 0.5.
        XCTAssertEqual(predict(X, p), Matrix([[0, 0]]))
        XCTAssertEqual(accuracy(predictions: Matrix([[0, 0]]), labels: Matrix([[0, 1]])), 0.5)
    }
}
