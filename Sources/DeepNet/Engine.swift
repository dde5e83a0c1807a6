/// The course's iteration over a workspace allocated once: every A, dZ, dW and db
/// of every layer lives in a buffer made at start, so the loop allocates nothing.
///
/// Per iteration, for l = 1 ... L: W_l A_{l-1} (dgemm), then one pass adds b_l and
/// applies g, in place: Z_l becomes A_l in one buffer. Backwards: dW_l = 1/m dZ_l A_{l-1}^T
/// and dA_{l-1} = W_l^T dZ_l (dgemm; skipped for l = 1, where nobody needs dA_0), written
/// where dZ_{l-1} goes; one pass turns it into dZ_{l-1} in place and sums each row into
/// db_{l-1} = 1/m sum(dZ_{l-1}) while the row is in cache. g'(Z_l) is computed from A_l
/// (`Activation.backward(_:output:)`), which gives the course's value bit for bit, so Z_l
/// is not kept. The arithmetic of each element is the course's. The elementwise passes over
/// large layers are split over `BLAS.threads` threads, which does not change any element.
///
/// Layers 2 ... L are the same in both engines; they differ in how layer 1 meets X (see
/// `FirstLayer`).
struct Engine {
    /// How layer 1 computes Z_1 = W_1 X and its update.
    enum FirstLayer {
        /// The textbook: W_1 itself, multiplied by X forwards and by X^T backwards.
        case primal(X: Matrix)
        /// The dual form: W_1 = W_1(0) + C X^T is never formed while training. With
        /// P = W_1(0) X and G = X^T X computed once, Z_1 = P + C G (`dualProduct`), and the update
        /// W_1 -= α/m dZ_1 X^T becomes C -= α/m dZ_1, costing n_1 m^2 per iteration
        /// instead of 4 n_1 n_x m.
        case dual(basis: DualBasis, P: Matrix)
        /// The dual form as one run of a batch (`trainBatch`): C lives in the batch's
        /// stacked matrix, which computes P + C G for all its runs in one product; the
        /// engine reads its rows of that product and updates its rows of C.
        case stacked(basis: DualBasis, P: Matrix)
    }

    private let first: FirstLayer
    /// The dual coefficients C, (n_1, m); empty in the primal form and in a batch's run.
    private var C: Matrix
    private let Y: Matrix
    private let hidden: Activation
    private let outputActivation: Activation
    /// W_l and b_l at index l-1. In the dual form W[0] stays W_1(0) until `parameters()`.
    private var W: [Matrix]
    private var b: [Matrix]
    /// A_l at index l-1 (Z_l = W_l A_{l-1} + b_l until `addBiasAndActivate`).
    private var A: [Matrix]
    /// dZ_l at index l-1 (for a hidden layer, dA_l until `hiddenGradient` turns it into dZ_l).
    private var dZ: [Matrix]
    /// dW_l at index l-1; dW_1 is unused (empty) in the dual form.
    private var dW: [Matrix]
    private var db: [Matrix]
    private var costTerms: [Double]
    /// AL of the last forward whose cost was not computed, (1, m).
    private var keptOutput: [Double]
    /// Every label is 0 or 1 (see `outputGivesFiniteCost`).
    private let labelsAreBinary: Bool

    init(first: FirstLayer, Y: Matrix, parameters: Parameters, hidden: Activation, output: Activation) {
        self.first = first
        self.Y = Y
        self.hidden = hidden
        self.outputActivation = output
        W = parameters.weights
        b = parameters.biases
        let m = Y.cols
        A = W.map { Matrix(rows: $0.rows, cols: m) }
        dZ = A
        dW = W.map { Matrix(rows: $0.rows, cols: $0.cols) }
        C = Matrix(rows: 0, cols: 0)
        switch first {
        case .primal: break
        case .dual:
            dW[0] = C
            C = Matrix(rows: W[0].rows, cols: m)
        case .stacked:
            dW[0] = C
        }
        db = b
        costTerms = [Double](repeating: 0, count: m)
        keptOutput = costTerms
        labelsAreBinary = Y.storage.allSatisfy { $0 == 0 || $0 == 1 }
    }

    /// The primal engine over X.
    static func primal(X: Matrix, Y: Matrix, parameters: Parameters, hidden: Activation, output: Activation) -> Engine {
        Engine(first: .primal(X: X), Y: Y, parameters: parameters, hidden: hidden, output: output)
    }

    /// The dual engine over a basis of X; computes P = W_1(0) X once.
    static func dual(basis: DualBasis, Y: Matrix, parameters: Parameters, hidden: Activation, output: Activation) -> Engine {
        let P = Matrix.dot(parameters.weights[0], basis.X)
        return Engine(first: .dual(basis: basis, P: P), Y: Y, parameters: parameters, hidden: hidden, output: output)
    }

    /// One run of a batch over a basis of X; computes P = W_1(0) X once. Its C, (n_1, m),
    /// is rows of the batch's stacked C, passed to `forward(stackedZ1:)`,
    /// `backwardAndUpdate(learningRate:stackedC:)` and `parameters(stackedC:)`.
    static func stacked(basis: DualBasis, Y: Matrix, parameters: Parameters, hidden: Activation, output: Activation) -> Engine {
        let P = Matrix.dot(parameters.weights[0], basis.X)
        return Engine(first: .stacked(basis: basis, P: P), Y: Y, parameters: parameters, hidden: hidden, output: output)
    }

    /// P = W_1(0) X, (n_1, m), in the dual forms.
    var P: Matrix? {
        switch first {
        case .primal: return nil
        case .dual(_, let P), .stacked(_, let P): return P
        }
    }

    /// n_1, the rows this run has in a stacked C.
    var firstLayerWidth: Int { W[0].rows }

    /// AL of the last forward, (1, m).
    var output: Matrix { A[A.count - 1] }

    /// The current parameters; in the dual form W_1 = W_1(0) + C X^T is formed here.
    func parameters() -> Parameters {
        var weights = W
        switch first {
        case .primal: break
        case .dual(let basis, _): Matrix.gemm(C, basis.X, transposeB: true, beta: 1, into: &weights[0])
        case .stacked: preconditionFailure("a batch's run: use parameters(stackedC:)")
        }
        return Parameters(weights: weights, biases: b)
    }

    /// The parameters of a batch's run whose C is `c`, (n_1, m) row-major:
    /// W_1 = W_1(0) + C X^T, as `parameters()` forms it.
    func parameters(stackedC c: UnsafeBufferPointer<Double>) -> Parameters {
        guard case .stacked(let basis, _) = first else { preconditionFailure("not a batch's run") }
        let C = Matrix(rows: W[0].rows, cols: Y.cols, storage: Array(c))
        var weights = W
        Matrix.gemm(C, basis.X, transposeB: true, beta: 1, into: &weights[0])
        return Parameters(weights: weights, biases: b)
    }

    /// Forward propagation with the current parameters; returns the cost J when
    /// `costWanted`, or when J is not finite. Otherwise J is finite (see
    /// `outputGivesFiniteCost`) and not computed: nil, and the output is kept for `keptCost()`.
    mutating func forward(costWanted: Bool = true) -> Double? {
        switch first {
        case .primal(let X):
            Matrix.gemm(W[0], X, into: &A[0])
        case .dual(let basis, let P):
            let rows = C.rows
            C.storage.withUnsafeBufferPointer { c in
                P.storage.withUnsafeBufferPointer { p in
                    A[0].storage.withUnsafeMutableBufferPointer { z in
                        dualProduct(rows: rows, basis: basis, C: c.baseAddress!, P: p.baseAddress!, Z: z.baseAddress!)
                    }
                }
            }
        case .stacked:
            preconditionFailure("a batch's run: use forward(stackedZ1:)")
        }
        return forwardFromZ1(costWanted: costWanted)
    }

    /// Forward propagation of a batch's run: `z1`, (n_1, m), holds this run's rows of the
    /// batch's product P + C G, which is Z_1 before its bias; they are refilled with P for
    /// the batch's next product. Returns the cost J as `forward(costWanted:)` does.
    mutating func forward(stackedZ1 z1: UnsafeMutableBufferPointer<Double>, costWanted: Bool = true) -> Double? {
        guard case .stacked(_, let P) = first else { preconditionFailure("not a batch's run") }
        A[0].storage.withUnsafeMutableBufferPointer { z in
            _ = z.update(fromContentsOf: UnsafeBufferPointer(z1))
        }
        P.storage.withUnsafeBufferPointer { p in _ = z1.update(fromContentsOf: p) }
        return forwardFromZ1(costWanted: costWanted)
    }

    /// Forward from Z_1 = W_1 X (before its bias) through the cost, when wanted or not
    /// known to be finite.
    private mutating func forwardFromZ1(costWanted: Bool) -> Double? {
        let L = W.count
        addBiasAndActivate(layer: 0, activation: L == 1 ? outputActivation : hidden)
        for l in 1..<L {
            Matrix.gemm(W[l], A[l - 1], into: &A[l])
            addBiasAndActivate(layer: l, activation: l == L - 1 ? outputActivation : hidden)
        }
        if costWanted || !outputGivesFiniteCost() { return cost() }
        keptOutput.withUnsafeMutableBufferPointer { kept in
            A[L - 1].storage.withUnsafeBufferPointer { a in _ = kept.update(fromContentsOf: a) }
        }
        return nil
    }

    /// Whether J of the current output is finite, without a logarithm: with every label 0
    /// or 1, J is finite exactly when every a of AL lies strictly between 0 and 1 (then
    /// log a and log(1 - a) are finite, as 1 - a >= 2^-53, and so is their sum over m
    /// examples; a = 0, a = 1, a NaN or a outside [0, 1] makes a term -inf or NaN).
    /// Always false with other labels, so that J is computed.
    private func outputGivesFiniteCost() -> Bool {
        guard labelsAreBinary else { return false }
        return A[A.count - 1].storage.withUnsafeBufferPointer { a in
            var outside = false
            for x in a { outside = outside || !(x > 0 && x < 1) }
            return !outside
        }
    }

    /// J of the output the last `forward` kept instead of computing its cost.
    func keptCost() -> Double {
        var scratch = costTerms
        return Engine.cost(of: keptOutput, Y, scratch: &scratch)
    }

    /// Backward propagation from the last forward, then the gradient-descent update.
    mutating func backwardAndUpdate(learningRate: Double) {
        backward()
        switch first {
        case .primal(let X):
            Matrix.gemm(dZ[0], X, transposeB: true, alpha: 1 / Double(Y.cols), into: &dW[0])
            descend(&W[0], along: dW[0], learningRate: learningRate)
        case .dual:
            C.storage.withUnsafeMutableBufferPointer { c in
                descendCoefficients(c, along: dZ[0], learningRate: learningRate)
            }
        case .stacked:
            preconditionFailure("a batch's run: use backwardAndUpdate(learningRate:stackedC:)")
        }
        descendBiasesAndDeeperWeights(learningRate: learningRate)
    }

    /// Backward propagation and update of a batch's run, whose C is `c`, (n_1, m).
    mutating func backwardAndUpdate(learningRate: Double, stackedC c: UnsafeMutableBufferPointer<Double>) {
        guard case .stacked = first else { preconditionFailure("not a batch's run") }
        backward()
        descendCoefficients(c, along: dZ[0], learningRate: learningRate)
        descendBiasesAndDeeperWeights(learningRate: learningRate)
    }

    /// Every dZ_l, db_l and dW_l (l >= 2) from the last forward; dW_1 is left to the caller.
    private mutating func backward() {
        let L = W.count
        let invM = 1 / Double(Y.cols)
        outputGradient(scale: invM)
        for l in stride(from: L - 1, through: 1, by: -1) {
            Matrix.gemm(dZ[l], A[l - 1], transposeB: true, alpha: invM, into: &dW[l])
            Matrix.gemm(W[l], transposeA: true, dZ[l], into: &dZ[l - 1])  // dA_{l-1}
            hiddenGradient(layer: l - 1, scale: invM)
        }
    }


    /// b_l -= α db_l for every layer, W_l -= α dW_l for l >= 2.
    private mutating func descendBiasesAndDeeperWeights(learningRate: Double) {
        descend(&b[0], along: db[0], learningRate: learningRate)
        for l in 1..<W.count {
            descend(&W[l], along: dW[l], learningRate: learningRate)
            descend(&b[l], along: db[l], learningRate: learningRate)
        }
    }

    // MARK: - Fused elementwise passes

    /// A_l = g(Z_l + b_l) (b_l broadcast over examples), in one pass, in place: A_l's
    /// buffer holds W_l A_{l-1}.
    private mutating func addBiasAndActivate(layer l: Int, activation: Activation) {
        let cols = A[l].cols
        b[l].storage.withUnsafeBufferPointer { bias in
            A[l].storage.withUnsafeMutableBufferPointer { a in
                inParallel(rows: bias.count, of: cols) { rows in
                    // One loop per activation, so that each is a plain loop the compiler
                    // vectorizes (the same operations per element as `apply`).
                    switch activation {
                    case .relu: forEachRow(rows, cols) { i, k in a[k] = Activation.relu.apply(a[k] + bias[i]) }
                    case .sigmoid: forEachRow(rows, cols) { i, k in a[k] = Activation.sigmoid.apply(a[k] + bias[i]) }
                    case .tanh: forEachRow(rows, cols) { i, k in a[k] = Activation.tanh.apply(a[k] + bias[i]) }
                    case .leakyRelu: forEachRow(rows, cols) { i, k in a[k] = Activation.leakyRelu.apply(a[k] + bias[i]) }
                    }
                }
            }
        }
    }

    private mutating func cost() -> Double {
        Engine.cost(of: A[A.count - 1].storage, Y, scratch: &costTerms)
    }

    /// J of an output AL, its m terms summed in `scratch`.
    private static func cost(of output: [Double], _ Y: Matrix, scratch: inout [Double]) -> Double {
        output.withUnsafeBufferPointer { a in
            Y.storage.withUnsafeBufferPointer { y in
                scratch.withUnsafeMutableBufferPointer { t in crossEntropy(a, y, scratch: t) }
            }
        }
    }

    /// dZ_L = dAL * g'(Z_L) with dAL = -(Y / AL - (1 - Y) / (1 - AL)), in one pass, then
    /// db_L = scale * sum(dZ_L, axis=1).
    private mutating func outputGradient(scale: Double) {
        let L = A.count
        let g = outputActivation
        A[L - 1].storage.withUnsafeBufferPointer { a in
            Y.storage.withUnsafeBufferPointer { y in
                dZ[L - 1].storage.withUnsafeMutableBufferPointer { dz in
                    for k in 0..<dz.count {
                        let dAL = -(y[k] / a[k] - (1 - y[k]) / (1 - a[k]))
                        dz[k] = g.backward(dAL, output: a[k])
                    }
                }
            }
        }
        let cols = dZ[L - 1].cols
        dZ[L - 1].storage.withUnsafeBufferPointer { dz in
            db[L - 1].storage.withUnsafeMutableBufferPointer { out in
                for i in 0..<out.count { out[i] = scale * pairwiseSum(dz, from: i * cols, count: cols) }
            }
        }
    }

    /// dZ_l = dA_l * g'(Z_l) for a hidden layer, in place (dZ_l holds dA_l), and
    /// db_l = scale * sum(dZ_l, axis=1) (numpy's pairwise order), a row at a time while
    /// it is in cache.
    private mutating func hiddenGradient(layer l: Int, scale: Double) {
        let g = hidden
        let cols = A[l].cols
        A[l].storage.withUnsafeBufferPointer { a in
            dZ[l].storage.withUnsafeMutableBufferPointer { dz in
                db[l].storage.withUnsafeMutableBufferPointer { out in
                    inParallel(rows: out.count, of: cols) { rows in
                        for i in rows {
                            let row = (i * cols)..<((i + 1) * cols)
                            switch g {
                            case .relu: for k in row { dz[k] = Activation.relu.backward(dz[k], output: a[k]) }
                            case .sigmoid: for k in row { dz[k] = Activation.sigmoid.backward(dz[k], output: a[k]) }
                            case .tanh: for k in row { dz[k] = Activation.tanh.backward(dz[k], output: a[k]) }
                            case .leakyRelu: for k in row { dz[k] = Activation.leakyRelu.backward(dz[k], output: a[k]) }
                            }
                            out[i] = scale * pairwiseSum(UnsafeBufferPointer(dz), from: i * cols, count: cols)
                        }
                    }
                }
            }
        }
    }
}

/// body(i, k) for every element k of rows `rows` of a matrix `cols` wide, row i.
@inline(__always)
private func forEachRow(_ rows: Range<Int>, _ cols: Int, _ body: (_ row: Int, _ element: Int) -> Void) {
    for i in rows {
        for k in (i * cols)..<((i + 1) * cols) { body(i, k) }
    }
}

/// The dual form's update of W_1: C -= α/m dZ_1, with C and dZ_1 (n_1, m).
@inline(__always)
func descendCoefficients(_ c: UnsafeMutableBufferPointer<Double>, along dZ1: Matrix, learningRate: Double) {
    let invM = 1 / Double(dZ1.cols)
    dZ1.storage.withUnsafeBufferPointer { dz in
        precondition(c.count == dz.count, "C is not (n_1, m)")
        for k in 0..<c.count { c[k] = c[k] - learningRate * (invM * dz[k]) }
    }
}

/// p = p - α dp, elementwise, in place.
@inline(__always)
func descend(_ p: inout Matrix, along d: Matrix, learningRate: Double) {
    p.storage.withUnsafeMutableBufferPointer { w in
        d.storage.withUnsafeBufferPointer { g in
            for k in 0..<w.count { w[k] = w[k] - learningRate * g[k] }
        }
    }
}
