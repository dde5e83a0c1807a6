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
/// Then the optimizer steps every W_l and b_l (`Optimizer`).
///
/// With mini-batches, each batch's columns of X and Y are gathered into buffers of the
/// batch's width (`Engine+Batches.swift`), m above is the batch's m_b, and one
/// update follows each batch.
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
        /// instead of 4 n_1 n_x m. A batch selects its columns of P and G, and its update
        /// changes C's columns of its examples; momentum's velocity of W_1 is V X^T, with V
        /// kept beside C and updated as C would be by gradient descent.
        case dual(basis: DualBasis, P: Matrix)
        /// The dual form as one run of a batch (`trainBatch`): C lives in the batch's
        /// stacked matrix, which computes P + C G for all its runs in one product; the
        /// engine reads its rows of that product and updates its rows of C.
        case stacked(basis: DualBasis, P: Matrix)
    }

    let first: FirstLayer
    /// The dual coefficients C, (n_1, m); empty in the primal form and in a batch's run.
    var C: Matrix
    let hidden: Activation
    let outputActivation: Activation
    /// W_l and b_l at index l-1. In the dual form W[0] stays W_1(0) until `parameters()`.
    var W: [Matrix]
    var b: [Matrix]
    /// dW_l at index l-1; dW_1 is unused (empty) in the dual form.
    var dW: [Matrix]
    var db: [Matrix]
    /// The buffers of the examples the engine is on: every example in file order, or a
    /// batch's (`select(examples:)`).
    var work: Workspace
    /// The buffers of other batch widths, by width, kept for the next batch of theirs.
    var spareWorkspaces: [Int: Workspace] = [:]
    /// The labels of every example, (1, m).
    let allY: Matrix
    /// G = X^T X as a matrix, for the dual form's batches; made at the first batch.
    var gram: Matrix?

    let optimizer: Optimizer
    /// The optimizer's v and s of each W_l and b_l, and of C in the dual form (momentum's V).
    var weightSlots: [OptimizerSlot]
    var biasSlots: [OptimizerSlot]
    var coefficientSlot: OptimizerSlot
    /// The updates made so far: Adam's t of the next is this + 1.
    var updates = 0

    init(first: FirstLayer, Y: Matrix, parameters: Parameters, hidden: Activation, output: Activation, optimizer: Optimizer = .gd) {
        self.first = first
        self.allY = Y
        self.hidden = hidden
        self.outputActivation = output
        self.optimizer = optimizer
        W = parameters.weights
        b = parameters.biases
        dW = W.map { Matrix(rows: $0.rows, cols: $0.cols) }
        C = Matrix(rows: 0, cols: 0)
        let m = Y.cols
        switch first {
        case .primal: break
        case .dual:
            dW[0] = C
            C = Matrix(rows: W[0].rows, cols: m)
        case .stacked:
            dW[0] = C
        }
        db = b
        work = Workspace(widths: W.map(\.rows), Y: Y, examples: nil)
        weightSlots = W.map { OptimizerSlot(count: $0.count, optimizer: optimizer) }
        biasSlots = b.map { OptimizerSlot(count: $0.count, optimizer: optimizer) }
        coefficientSlot = OptimizerSlot(count: C.count, optimizer: optimizer)
        if case .dual = first, case .adam = optimizer { preconditionFailure("the dual form has no Adam") }
    }

    /// The primal engine over X.
    static func primal(
        X: Matrix, Y: Matrix, parameters: Parameters, hidden: Activation, output: Activation, optimizer: Optimizer = .gd
    ) -> Engine {
        Engine(first: .primal(X: X), Y: Y, parameters: parameters, hidden: hidden, output: output, optimizer: optimizer)
    }

    /// The dual engine over a basis of X; computes P = W_1(0) X once.
    static func dual(
        basis: DualBasis, Y: Matrix, parameters: Parameters, hidden: Activation, output: Activation, optimizer: Optimizer = .gd
    ) -> Engine {
        let P = Matrix.dot(parameters.weights[0], basis.X)
        return Engine(
            first: .dual(basis: basis, P: P), Y: Y, parameters: parameters, hidden: hidden, output: output,
            optimizer: optimizer)
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

    /// AL of the last forward, (1, m) of the examples it was on.
    var output: Matrix { work.A[work.A.count - 1] }

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
        let C = Matrix(rows: W[0].rows, cols: allY.cols, storage: Array(c))
        var weights = W
        Matrix.gemm(C, basis.X, transposeB: true, beta: 1, into: &weights[0])
        return Parameters(weights: weights, biases: b)
    }

    /// Forward propagation with the current parameters; returns the cost J when
    /// `costWanted`, or when J is not finite. Otherwise J is finite (see
    /// `outputGivesFiniteCost`) and not computed: nil, and the output is kept for `keptCost()`.
    mutating func forward(costWanted: Bool = true) -> Double? {
        firstLayerForward()
        return forwardFromZ1(costWanted: costWanted)
    }

    /// Forward propagation of a mini-batch: returns the sum of its examples' cross-entropy
    /// terms (`crossEntropySum`) when `costWanted` or when it is not finite; nil otherwise.
    mutating func forwardBatch(costWanted: Bool) -> Double? {
        firstLayerForward()
        propagateFromZ1()
        guard costWanted || !outputGivesFiniteCost() else { return nil }
        return work.crossEntropySum()
    }

    /// Z_1 = W_1 X (before its bias) into A_1's buffer, for the examples the engine is on.
    private mutating func firstLayerForward() {
        switch first {
        case .primal(let X):
            if let batchX = work.X {
                Matrix.gemm(W[0], batchX, into: &work.A[0])
            } else {
                Matrix.gemm(W[0], X, into: &work.A[0])
            }
        case .dual(let basis, let P):
            if let batchP = work.P, let batchG = work.G {
                // P and G's columns of the batch: Z_1 = P_b + C G_b.
                work.A[0].storage.withUnsafeMutableBufferPointer { z in
                    batchP.storage.withUnsafeBufferPointer { p in _ = z.update(fromContentsOf: p) }
                }
                Matrix.gemm(C, batchG, beta: 1, into: &work.A[0])
                return
            }
            let rows = C.rows
            C.storage.withUnsafeBufferPointer { c in
                P.storage.withUnsafeBufferPointer { p in
                    work.A[0].storage.withUnsafeMutableBufferPointer { z in
                        dualProduct(rows: rows, basis: basis, C: c.baseAddress!, P: p.baseAddress!, Z: z.baseAddress!)
                    }
                }
            }
        case .stacked:
            preconditionFailure("a batch's run: use forward(stackedZ1:)")
        }
    }

    /// Forward propagation of a batch's run: `z1`, (n_1, m), holds this run's rows of the
    /// batch's product P + C G, which is Z_1 before its bias; they are refilled with P for
    /// the batch's next product. Returns the cost J as `forward(costWanted:)` does.
    mutating func forward(stackedZ1 z1: UnsafeMutableBufferPointer<Double>, costWanted: Bool = true) -> Double? {
        guard case .stacked(_, let P) = first else { preconditionFailure("not a batch's run") }
        work.A[0].storage.withUnsafeMutableBufferPointer { z in
            _ = z.update(fromContentsOf: UnsafeBufferPointer(z1))
        }
        P.storage.withUnsafeBufferPointer { p in _ = z1.update(fromContentsOf: p) }
        return forwardFromZ1(costWanted: costWanted)
    }

    /// Forward from Z_1 = W_1 X (before its bias) through the cost, when wanted or not
    /// known to be finite.
    private mutating func forwardFromZ1(costWanted: Bool) -> Double? {
        propagateFromZ1()
        if costWanted || !outputGivesFiniteCost() { return work.cost() }
        work.keepOutput()
        return nil
    }

    /// A_1 ... A_L from Z_1 (before its bias).
    private mutating func propagateFromZ1() {
        let L = W.count
        addBiasAndActivate(layer: 0, activation: L == 1 ? outputActivation : hidden)
        for l in 1..<L {
            Matrix.gemm(W[l], work.A[l - 1], into: &work.A[l])
            addBiasAndActivate(layer: l, activation: l == L - 1 ? outputActivation : hidden)
        }
    }

    /// Whether J of the current output is finite, without a logarithm: with every label 0
    /// or 1, J is finite exactly when every a of AL lies strictly between 0 and 1 (then
    /// log a and log(1 - a) are finite, as 1 - a >= 2^-53, and so is their sum over m
    /// examples; a = 0, a = 1, a NaN or a outside [0, 1] makes a term -inf or NaN).
    /// Always false with other labels, so that J is computed.
    private func outputGivesFiniteCost() -> Bool {
        guard work.labelsAreBinary else { return false }
        return work.A[work.A.count - 1].storage.withUnsafeBufferPointer { a in
            var outside = false
            for x in a { outside = outside || !(x > 0 && x < 1) }
            return !outside
        }
    }

    /// J of the output the last `forward` kept instead of computing its cost.
    func keptCost() -> Double { work.keptCost() }

    /// Backward propagation from the last forward, then the optimizer's update.
    mutating func backwardAndUpdate(learningRate: Double) {
        backward()
        updates += 1
        switch first {
        case .primal(let X):
            let invM = 1 / Double(work.Y.cols)
            if let batchX = work.X {
                Matrix.gemm(work.dZ[0], batchX, transposeB: true, alpha: invM, into: &dW[0])
            } else {
                Matrix.gemm(work.dZ[0], X, transposeB: true, alpha: invM, into: &dW[0])
            }
            optimizer.step(&W[0], along: dW[0], slot: &weightSlots[0], learningRate: learningRate, t: updates)
        case .dual:
            updateCoefficients(learningRate: learningRate)
        case .stacked:
            preconditionFailure("a batch's run: use backwardAndUpdate(learningRate:stackedC:)")
        }
        updateBiasesAndDeeperWeights(learningRate: learningRate)
    }

    /// Backward propagation and update of a batch's run, whose C is `c`, (n_1, m).
    mutating func backwardAndUpdate(learningRate: Double, stackedC c: UnsafeMutableBufferPointer<Double>) {
        guard case .stacked = first else { preconditionFailure("not a batch's run") }
        precondition(optimizer == .gd, "a batch's runs descend by gradient descent")
        backward()
        updates += 1
        descendCoefficients(c, along: work.dZ[0], learningRate: learningRate)
        updateBiasesAndDeeperWeights(learningRate: learningRate)
    }

    /// Every dZ_l, db_l and dW_l (l >= 2) from the last forward; dW_1 is left to the caller.
    private mutating func backward() {
        let L = W.count
        let invM = 1 / Double(work.Y.cols)
        outputGradient(scale: invM)
        for l in stride(from: L - 1, through: 1, by: -1) {
            Matrix.gemm(work.dZ[l], work.A[l - 1], transposeB: true, alpha: invM, into: &dW[l])
            Matrix.gemm(W[l], transposeA: true, work.dZ[l], into: &work.dZ[l - 1])  // dA_{l-1}
            hiddenGradient(layer: l - 1, scale: invM)
        }
    }

    /// b_l for every layer and W_l for l >= 2, each by the optimizer.
    private mutating func updateBiasesAndDeeperWeights(learningRate: Double) {
        optimizer.step(&b[0], along: db[0], slot: &biasSlots[0], learningRate: learningRate, t: updates)
        for l in 1..<W.count {
            optimizer.step(&W[l], along: dW[l], slot: &weightSlots[l], learningRate: learningRate, t: updates)
            optimizer.step(&b[l], along: db[l], slot: &biasSlots[l], learningRate: learningRate, t: updates)
        }
    }
}
