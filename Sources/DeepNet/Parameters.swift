/// The weights and biases of an L-layer network: `W[l]` is (n_l, n_{l-1}) and `b[l]` is
/// (n_l, 1) for l = 1 ... L, as the course's dictionary `{"W1": ..., "b1": ..., ...}`.
public struct Parameters: Equatable, Sendable {
    /// W1 ... WL, stored at indices 0 ... L-1.
    public var weights: [Matrix]
    /// b1 ... bL, stored at indices 0 ... L-1.
    public var biases: [Matrix]

    public init(weights: [Matrix], biases: [Matrix]) {
        precondition(weights.count == biases.count, "\(weights.count) weights, \(biases.count) biases")
        for (w, b) in Swift.zip(weights, biases) {
            precondition(b.rows == w.rows && b.cols == 1, "bias (\(b.rows), \(b.cols)) for W (\(w.rows), \(w.cols))")
        }
        self.weights = weights
        self.biases = biases
    }

    /// L, the number of layers with parameters (the course's `len(parameters) // 2`).
    public var layerCount: Int { weights.count }

    /// `layer_dims`: [n_0, n_1, ..., n_L].
    public var layerDims: [Int] { [weights.first?.cols ?? 0] + weights.map(\.rows) }

    /// `parameters["W" + str(l)]`, with l from 1.
    public func W(_ l: Int) -> Matrix { weights[l - 1] }
    /// `parameters["b" + str(l)]`, with l from 1.
    public func b(_ l: Int) -> Matrix { biases[l - 1] }

    /// The course's keys in order, W1, b1, W2, b2, ..., with their matrices.
    public var named: [(name: String, value: Matrix)] {
        (1...max(layerCount, 1)).prefix(layerCount).flatMap { l in
            [("W\(l)", W(l)), ("b\(l)", b(l))]
        }
    }
}

/// The course's `initialize_parameters(n_x, n_h, n_y)`: a 2-layer network with
/// `np.random.seed(1)` and weights `randn * 0.01`, biases zero.
public func initializeParameters(nx: Int, nh: Int, ny: Int) -> Parameters {
    initializeParametersDeep([nx, nh, ny], initializer: .scaled(0.01), seed: 1)
}

/// The course's `initialize_parameters_deep(layer_dims)`, generalized to every
/// initializer: seeds the stream once, then draws `randn(n_l, n_{l-1})` per layer in
/// order and scales it. The notebook's version is `.scaled(0.01)` with seed 3; the cat
/// model's is `.lecun` with seed 1.
///
///     initializeParametersDeep([5, 4, 3], initializer: .scaled(0.01), seed: 3)
public func initializeParametersDeep(
    _ layerDims: [Int], initializer: Initializer = .lecun, seed: UInt32 = 1
) -> Parameters {
    var rng = NumpyRandom(seed: seed)
    var weights: [Matrix] = [], biases: [Matrix] = []
    for l in layerDims.indices.dropFirst() {
        var w = rng.randn(layerDims[l], layerDims[l - 1])
        initializer.scale(&w)
        weights.append(w)
        biases.append(Matrix(rows: layerDims[l], cols: 1))
    }
    return Parameters(weights: weights, biases: biases)
}
