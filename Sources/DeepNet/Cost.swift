import Glibc

/// `compute_cost`: the cross-entropy cost
/// J = -1/m * sum(Y log(AL) + (1 - Y) log(1 - AL)), with AL and Y of shape (1, m).
///
/// The terms are summed in numpy's pairwise order, and `-1 / m` is formed first as in
/// the course, so the value agrees with numpy's to the last bit or nearly.
public func computeCost(_ AL: Matrix, _ Y: Matrix) -> Double {
    precondition(AL.rows == Y.rows && AL.cols == Y.cols, "AL and Y differ in shape")
    return AL.storage.withUnsafeBufferPointer { a in
        Y.storage.withUnsafeBufferPointer { y in
            var terms = [Double](repeating: 0, count: a.count)
            return terms.withUnsafeMutableBufferPointer { crossEntropy(a, y, scratch: $0) }
        }
    }
}

/// The cost over raw buffers, shared by `computeCost` and the engines; `scratch` holds
/// the m terms, so that the engines' loop allocates nothing.
func crossEntropy(
    _ a: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>,
    scratch terms: UnsafeMutableBufferPointer<Double>
) -> Double {
    let m = a.count
    for k in 0..<m {
        terms[k] = y[k] * log(a[k]) + (1 - y[k]) * log(1 - a[k])
    }
    return -1 / Double(m) * pairwiseSum(UnsafeBufferPointer(terms), from: 0, count: m)
}

/// The cross-entropy of each example summed, not averaged: -log(a) for a label 1 and
/// -log(1 - a) otherwise, in numpy's pairwise order (the course's mini-batch loop adds
/// each batch's sum and divides the pass's total by m). `scratch` holds the terms.
func crossEntropySum(
    _ a: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>,
    scratch terms: UnsafeMutableBufferPointer<Double>
) -> Double {
    let m = a.count
    for k in 0..<m { terms[k] = y[k] == 1 ? -log(a[k]) : -log(1 - a[k]) }
    return pairwiseSum(UnsafeBufferPointer(terms), from: 0, count: m)
}
