/// The buffers of the examples an engine is on, for one width m_b: every example in file
/// order (the engine's X, P and G are read in place), or a mini-batch's, whose columns of
/// X (primal) or of P and G (dual) are gathered here.
struct Workspace {
    /// The labels of these examples, (1, m_b).
    var Y: Matrix
    /// The examples' indices in the data set; nil: every example in file order.
    var examples: [Int]?
    /// The primal form's columns of X, (n_x, m_b); nil for every example in file order.
    var X: Matrix?
    /// The dual form's columns of P, (n_1, m_b), and of G, (m, m_b), of a batch.
    var P: Matrix?
    var G: Matrix?
    /// A_l at index l-1 (Z_l = W_l A_{l-1} + b_l until `addBiasAndActivate`), (n_l, m_b).
    var A: [Matrix]
    /// dZ_l at index l-1 (for a hidden layer, dA_l until `hiddenGradient` turns it into dZ_l).
    var dZ: [Matrix]
    var costTerms: [Double]
    /// AL of the last forward whose cost was not computed, (1, m_b).
    var keptOutput: [Double]
    /// Every label is 0 or 1 (see `Engine.outputGivesFiniteCost`).
    var labelsAreBinary: Bool

    /// Buffers for layers of `widths` units over the examples whose labels are `Y`.
    init(widths: [Int], Y: Matrix, examples: [Int]?) {
        self.Y = Y
        self.examples = examples
        let m = Y.cols
        A = widths.map { Matrix(rows: $0, cols: m) }
        dZ = A
        costTerms = [Double](repeating: 0, count: m)
        keptOutput = costTerms
        labelsAreBinary = Y.storage.allSatisfy { $0 == 0 || $0 == 1 }
    }

    /// The width m_b.
    var columns: Int { Y.cols }

    /// J of the last output, its m_b terms summed in `costTerms`.
    mutating func cost() -> Double {
        let output = A[A.count - 1]
        return Workspace.cost(of: output.storage, Y, scratch: &costTerms)
    }

    /// The sum of the last output's cross-entropy terms (`crossEntropySum`).
    mutating func crossEntropySum() -> Double {
        let output = A[A.count - 1]
        return output.storage.withUnsafeBufferPointer { a in
            Y.storage.withUnsafeBufferPointer { y in
                costTerms.withUnsafeMutableBufferPointer { t in DeepNet.crossEntropySum(a, y, scratch: t) }
            }
        }
    }

    /// Keeps AL of the last forward for `keptCost()`.
    mutating func keepOutput() {
        let output = A[A.count - 1]
        keptOutput.withUnsafeMutableBufferPointer { kept in
            output.storage.withUnsafeBufferPointer { a in _ = kept.update(fromContentsOf: a) }
        }
    }

    /// J of the output `keepOutput` kept.
    func keptCost() -> Double {
        var scratch = costTerms
        return Workspace.cost(of: keptOutput, Y, scratch: &scratch)
    }

    /// J of an output AL, its m terms summed in `scratch`.
    static func cost(of output: [Double], _ Y: Matrix, scratch: inout [Double]) -> Double {
        output.withUnsafeBufferPointer { a in
            Y.storage.withUnsafeBufferPointer { y in
                scratch.withUnsafeMutableBufferPointer { t in crossEntropy(a, y, scratch: t) }
            }
        }
    }
}

extension Engine {
    /// Puts the engine on `examples` (indices into the data set, a mini-batch), or on every
    /// example in file order (nil): the next forward, backward and update use only them.
    /// A batch's columns of X (primal) or of P and G (dual) are copied into buffers of its
    /// width, kept for the next batch of the same width.
    mutating func select(examples: ArraySlice<Int>?) {
        let width = examples?.count ?? allY.cols
        if work.columns != width {
            let old = work
            work = spareWorkspaces.removeValue(forKey: width)
                ?? Workspace(widths: W.map(\.rows), Y: Matrix(rows: 1, cols: width), examples: [])
            spareWorkspaces[old.columns] = old
        }
        guard let examples else {
            precondition(work.examples == nil || width == allY.cols, "the full set's buffers")
            if work.examples != nil {
                work.Y = allY
                work.examples = nil
                work.X = nil
                work.P = nil
                work.G = nil
                work.labelsAreBinary = allY.storage.allSatisfy { $0 == 0 || $0 == 1 }
            }
            return
        }
        let indices = Array(examples)
        work.examples = indices
        allY.gatherColumns(indices, into: &work.Y)
        work.labelsAreBinary = work.Y.storage.allSatisfy { $0 == 0 || $0 == 1 }
        switch first {
        case .primal(let X):
            X.gatherColumns(indices, into: &work.X)
        case .dual(let basis, let P):
            if gram == nil { gram = basis.gram }
            P.gatherColumns(indices, into: &work.P)
            gram!.gatherColumns(indices, into: &work.G)
        case .stacked:
            preconditionFailure("a batch's run trains on every example")
        }
    }

    /// The dual form's update of W_1 through C, for the examples the engine is on: by
    /// gradient descent, C -= α/m_b dZ_1 in their columns; by momentum, V = β V + (1 - β)
    /// (1/m_b) dZ_1 (zero in the other columns), then C -= α V.
    mutating func updateCoefficients(learningRate lr: Double) {
        let invM = 1 / Double(work.Y.cols)
        let m = allY.cols
        let dz = work.dZ[0]
        let examples = work.examples
        switch optimizer {
        case .gd:
            guard let examples else {
                return C.storage.withUnsafeMutableBufferPointer { c in descendCoefficients(c, along: dz, learningRate: lr) }
            }
            C.storage.withUnsafeMutableBufferPointer { c in
                dz.storage.withUnsafeBufferPointer { d in
                    for i in 0..<dz.rows {
                        for (j, column) in examples.enumerated() {
                            c[i * m + column] = c[i * m + column] - lr * (invM * d[i * dz.cols + j])
                        }
                    }
                }
            }
        case .momentum(let beta):
            C.storage.withUnsafeMutableBufferPointer { c in
                coefficientSlot.v.withUnsafeMutableBufferPointer { v in
                    dz.storage.withUnsafeBufferPointer { d in
                        if let examples {
                            for k in 0..<v.count { v[k] = beta * v[k] }
                            for i in 0..<dz.rows {
                                for (j, column) in examples.enumerated() {
                                    let k = i * m + column
                                    v[k] = v[k] + (1 - beta) * (invM * d[i * dz.cols + j])
                                }
                            }
                        } else {
                            for k in 0..<v.count { v[k] = beta * v[k] + (1 - beta) * (invM * d[k]) }
                        }
                        for k in 0..<c.count { c[k] = c[k] - lr * v[k] }
                    }
                }
            }
        case .adam:
            preconditionFailure("the dual form has no Adam")
        }
    }
}

extension Matrix {
    /// Writes the columns `indices` of this matrix, in that order, into `out`, made
    /// (rows, indices.count) first when it is nil or of another shape.
    func gatherColumns(_ indices: [Int], into out: inout Matrix?) {
        if out?.rows != rows || out?.cols != indices.count { out = Matrix(rows: rows, cols: indices.count) }
        gatherColumns(indices, into: &out!)
    }

    /// Writes the columns `indices` of this matrix, in that order, into `out`, of shape
    /// (rows, indices.count) or made so.
    func gatherColumns(_ indices: [Int], into out: inout Matrix) {
        if out.rows != rows || out.cols != indices.count { out = Matrix(rows: rows, cols: indices.count) }
        let n = indices.count, stride = cols
        storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                indices.withUnsafeBufferPointer { idx in
                    for r in 0..<rows {
                        let from = r * stride, to = r * n
                        for j in 0..<n { dst[to + j] = src[from + idx[j]] }
                    }
                }
            }
        }
    }
}
