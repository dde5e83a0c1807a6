import DeepNet
import XCTest

/// Each initializer draws from one stream seeded once and scales as numpy does; the
/// expected values are numpy's arithmetic on the same draws, so they agree bit for bit.
final class InitializerTests: XCTestCase {
    let dims = [6, 4, 3, 1]

    private func draws(seed: UInt32) -> [Matrix] {
        var rng = NumpyRandom(seed: seed)
        return dims.indices.dropFirst().map { rng.randn(dims[$0], dims[$0 - 1]) }
    }

    func testEachSchemeScalesTheSameDraws() {
        let raw = draws(seed: 7)
        let cases: [(Initializer, (Double, Int, Int) -> Double)] = [
            (.scaled(0.05), { w, _, _ in w * 0.05 }),
            (.lecun, { w, nIn, _ in w / Double(nIn).squareRoot() }),
            (.he, { w, nIn, _ in w * (2.0 / Double(nIn)).squareRoot() }),
            (.glorot, { w, nIn, nOut in w * (2.0 / Double(nIn + nOut)).squareRoot() }),
        ]
        for (initializer, formula) in cases {
            let p = initializeParametersDeep(dims, initializer: initializer, seed: 7)
            XCTAssertEqual(p.layerDims, dims)
            for (l, w) in raw.enumerated() {
                XCTAssertEqual(p.weights[l], w.map { formula($0, w.cols, w.rows) }, "\(initializer) layer \(l + 1)")
                XCTAssertEqual(p.biases[l], Matrix(rows: w.rows, cols: 1), "\(initializer) biases are zeros")
            }
        }
    }

    /// The cat model's first weight, W1[0, 0] = randn / sqrt(12288) with seed 1, as numpy prints it.
    func testLecunMatchesNumpyOnTheCatModel() {
        let p = initializeParametersDeep([12288, 20, 7, 5, 1], initializer: .lecun, seed: 1)
        XCTAssertEqual(p.W(1)[0, 0], 1.6243453636632417 / 12288.0.squareRoot())
        XCTAssertEqual(p.W(1)[0, 0], 0.014653378640123331)
    }
}
