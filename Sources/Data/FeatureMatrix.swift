import DeepNet
import Support

/// The (n_x, m) feature matrix of examples stored one after another, in one pass.
///
/// `source` holds m examples of n features each, example-major as in a file: element
/// (i, j), feature j of example i, is at `source[i * n + j]`. The result holds
/// `toDouble(element) / scale` at (j, i), numpy's `x.reshape(m, -1).T / scale`: the same
/// division, so the values agree bit for bit. Conversion, scaling and the transpose happen
/// together, tile by tile, so both the reads and the writes stay in cache and no
/// intermediate (m, n) copy of doubles is made.
///
/// - Returns: the matrix, and whether every value in it is finite (checked on the way, so
///   a caller looks for the culprit only when there is one).
func featureMatrix<Element>(
    examples m: Int, features n: Int, from source: UnsafePointer<Element>, scale: Double,
    toDouble: (Element) -> Double
) -> (matrix: Matrix, allFinite: Bool) {
    let tile = 32
    var allFinite = true
    let storage = [Double](unsafeUninitializedCapacity: n * m) { destination, initialized in
        for exampleStart in stride(from: 0, to: m, by: tile) {
            let exampleEnd = min(exampleStart + tile, m)
            for featureStart in stride(from: 0, to: n, by: tile) {
                let featureEnd = min(featureStart + tile, n)
                for feature in featureStart..<featureEnd {
                    for example in exampleStart..<exampleEnd {
                        let value = toDouble(source[example * n + feature]) / scale
                        allFinite = allFinite && value.isFinite
                        destination[feature * m + example] = value
                    }
                }
            }
        }
        initialized = n * m
    }
    return (Matrix(rows: n, cols: m, storage: storage), allFinite)
}

/// The first non-finite value of a feature matrix in file order (example by example), as
/// (example, feature, value); nil when every value is finite.
func firstNonFiniteFeature(in X: Matrix) -> (example: Int, feature: Int, value: Double)? {
    for example in 0..<X.cols {
        for feature in 0..<X.rows where !X[feature, example].isFinite {
            return (example, feature, X[feature, example])
        }
    }
    return nil
}
