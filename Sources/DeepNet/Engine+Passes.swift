/// The engine's fused elementwise passes: each reads and writes a layer's buffers once.
extension Engine {

    /// A_l = g(Z_l + b_l) (b_l broadcast over examples), in one pass, in place: A_l's
    /// buffer holds W_l A_{l-1}.
    mutating func addBiasAndActivate(layer l: Int, activation: Activation) {
        let cols = work.A[l].cols
        b[l].storage.withUnsafeBufferPointer { bias in
            work.A[l].storage.withUnsafeMutableBufferPointer { a in
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

    /// dZ_L = dAL * g'(Z_L) with dAL = -(Y / AL - (1 - Y) / (1 - AL)), in one pass, then
    /// db_L = scale * sum(dZ_L, axis=1).
    mutating func outputGradient(scale: Double) {
        let L = work.A.count
        let g = outputActivation
        work.A[L - 1].storage.withUnsafeBufferPointer { a in
            work.Y.storage.withUnsafeBufferPointer { y in
                work.dZ[L - 1].storage.withUnsafeMutableBufferPointer { dz in
                    for k in 0..<dz.count {
                        let dAL = -(y[k] / a[k] - (1 - y[k]) / (1 - a[k]))
                        dz[k] = g.backward(dAL, output: a[k])
                    }
                }
            }
        }
        let cols = work.dZ[L - 1].cols
        work.dZ[L - 1].storage.withUnsafeBufferPointer { dz in
            db[L - 1].storage.withUnsafeMutableBufferPointer { out in
                for i in 0..<out.count { out[i] = scale * pairwiseSum(dz, from: i * cols, count: cols) }
            }
        }
    }

    /// dZ_l = dA_l * g'(Z_l) for a hidden layer, in place (dZ_l holds dA_l), and
    /// db_l = scale * sum(dZ_l, axis=1) (numpy's pairwise order), a row at a time while
    /// it is in cache.
    mutating func hiddenGradient(layer l: Int, scale: Double) {
        let g = hidden
        let cols = work.A[l].cols
        work.A[l].storage.withUnsafeBufferPointer { a in
            work.dZ[l].storage.withUnsafeMutableBufferPointer { dz in
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
