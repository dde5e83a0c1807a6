/// The gradients of the cost, as the course's `grads` dictionary.
public struct Gradients: Sendable {
    /// dW1 ... dWL at indices 0 ... L-1, each shaped like its W.
    public var dW: [Matrix]
    /// db1 ... dbL at indices 0 ... L-1, each (n_l, 1).
    public var db: [Matrix]
    /// The gradient with respect to each layer's input: index l-1 holds dA_prev of layer
    /// l, shaped like A_{l-1}. The notebook stores it as `grads["dA" + str(l)]`, so
    /// `dAPrev[0]` is its `dA1`, the gradient with respect to X.
    public var dAPrev: [Matrix]

    public init(dW: [Matrix], db: [Matrix], dAPrev: [Matrix]) {
        self.dW = dW
        self.db = db
        self.dAPrev = dAPrev
    }
}

/// `linear_backward`: from dZ of layer l and its cache (A_prev, W, b),
/// dW = 1/m dZ A_prev^T, db = 1/m sum(dZ, axis=1), dA_prev = W^T dZ.
public func linearBackward(
    _ dZ: Matrix, _ cache: LinearCache
) -> (dAPrev: Matrix, dW: Matrix, db: Matrix) {
    let m = Double(cache.aPrev.cols)
    var dW = Matrix(rows: dZ.rows, cols: cache.aPrev.rows)
    Matrix.gemm(dZ, cache.aPrev, transposeB: true, into: &dW)
    var dAPrev = Matrix(rows: cache.W.cols, cols: dZ.cols)
    Matrix.gemm(cache.W, transposeA: true, dZ, into: &dAPrev)
    return (dAPrev, 1 / m * dW, 1 / m * dZ.sumRows())
}

/// `linear_activation_backward`: dZ = dA * g'(Z), then `linear_backward`.
public func linearActivationBackward(
    _ dA: Matrix, _ cache: LayerCache, activation: Activation
) -> (dAPrev: Matrix, dW: Matrix, db: Matrix) {
    linearBackward(activation.backward(dA, cache.Z), cache.linear)
}

/// `L_model_backward`: starts from dAL = -(Y / AL - (1 - Y) / (1 - AL)) and runs the
/// layers backwards, the output layer with `output`, the others with `hidden`.
public func modelBackward(
    _ AL: Matrix, _ Y: Matrix, _ caches: [LayerCache],
    hidden: Activation = .relu, output: Activation = .sigmoid
) -> Gradients {
    let L = caches.count
    var dA = AL.zip(Y) { a, y in -(y / a - (1 - y) / (1 - a)) }
    var dW = [Matrix](), db = [Matrix](), dAPrev = [Matrix]()
    for l in stride(from: L, through: 1, by: -1) {
        let step = linearActivationBackward(dA, caches[l - 1], activation: l == L ? output : hidden)
        dW.append(step.dW)
        db.append(step.db)
        dAPrev.append(step.dAPrev)
        dA = step.dAPrev
    }
    return Gradients(dW: dW.reversed(), db: db.reversed(), dAPrev: dAPrev.reversed())
}
