import DeepNet
import XCTest

/// Finite-difference checks of the backward pass: for a parameter θ, the analytic
/// gradient must match (J(θ + ε) - J(θ - ε)) / 2ε. With ε = 1e-6 the central difference
/// is accurate to about 1e-9 relative, so 1e-6 relative tolerance has a wide margin yet
/// fails on any wrong term (a wrong sign or a missing 1/m is off by orders of magnitude).
final class GradientCheckTests: XCTestCase {
    let epsilon = 1e-6
    let tolerance = 1e-6

    /// A small problem with examples of both labels and no example exactly at a relu kink.
    private func problem(dims: [Int], seed: UInt32) -> (X: Matrix, Y: Matrix, p: Parameters) {
        var rng = NumpyRandom(seed: seed)
        let X = rng.randn(dims[0], 5)
        let Y = Matrix([[1, 0, 1, 1, 0]])
        let p0 = initializeParametersDeep(dims, initializer: .he, seed: seed + 1)
        // Non-zero biases so that every bias gradient is exercised.
        var p = p0
        for l in 0..<p.layerCount { p.biases[l] = rng.randn(p.biases[l].rows, 1).map { 0.1 * $0 } }
        return (X, Y, p)
    }

    private func cost(_ X: Matrix, _ Y: Matrix, _ p: Parameters, _ hidden: Activation) -> Double {
        computeCost(modelForward(X, p, hidden: hidden).AL, Y)
    }

    /// Compares every dW and db entry of `modelBackward` with a central difference.
    private func check(dims: [Int], hidden: Activation, seed: UInt32, file: StaticString = #filePath, line: UInt = #line) {
        let (X, Y, p) = problem(dims: dims, seed: seed)
        let (AL, caches) = modelForward(X, p, hidden: hidden)
        let grads = modelBackward(AL, Y, caches, hidden: hidden)
        for l in 0..<p.layerCount {
            for (isWeight, count) in [(true, p.weights[l].count), (false, p.biases[l].count)] {
                for k in 0..<count {
                    var plus = p, minus = p
                    if isWeight {
                        plus.weights[l].storage[k] += epsilon
                        minus.weights[l].storage[k] -= epsilon
                    } else {
                        plus.biases[l].storage[k] += epsilon
                        minus.biases[l].storage[k] -= epsilon
                    }
                    let numeric = (cost(X, Y, plus, hidden) - cost(X, Y, minus, hidden)) / (2 * epsilon)
                    let analytic = isWeight ? grads.dW[l].storage[k] : grads.db[l].storage[k]
                    let scale = max(1, abs(numeric), abs(analytic))
                    XCTAssertLessThan(abs(numeric - analytic) / scale, tolerance,
                                      "\(hidden) \(isWeight ? "dW" : "db")\(l + 1)[\(k)]: analytic \(analytic), numeric \(numeric)",
                                      file: file, line: line)
                }
            }
        }
    }

    func testEveryHiddenActivationInATwoLayerNetwork() {
        for hidden in Activation.allCases {
            check(dims: [4, 3, 1], hidden: hidden, seed: 11)
        }
    }

    func testThreeLayerNetworkEndToEnd() {
        for hidden in Activation.allCases {
            check(dims: [5, 4, 3, 1], hidden: hidden, seed: 21)
        }
    }

    /// The elementwise derivative of each activation against a central difference.
    func testActivationDerivatives() {
        for g in Activation.allCases {
            for z in [-2.5, -0.7, -0.01, 0.02, 0.9, 3.1] {
                let numeric = (g.apply(z + epsilon) - g.apply(z - epsilon)) / (2 * epsilon)
                XCTAssertEqual(g.backward(1, z), numeric, accuracy: 1e-8, "\(g) at \(z)")
                XCTAssertEqual(g.backward(-2, z), -2 * numeric, accuracy: 2e-8, "\(g) scales with dA")
            }
        }
    }
}
