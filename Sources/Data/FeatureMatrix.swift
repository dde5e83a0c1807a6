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
func featureMatrix<Element: FeatureElement>(
    examples m: Int, features n: Int, from source: UnsafePointer<Element>, scale: Double
) -> (matrix: Matrix, allFinite: Bool) {
    var allFinite = true
    let storage = [Double](unsafeUninitializedCapacity: n * m) { destination, initialized in
        adviseHugePages(destination)
        allFinite = fillFeatures(
            destination.baseAddress!, examples: m, features: n, block: 0..<m, from: source, scale: scale)
        initialized = n * m
    }
    return (Matrix(rows: n, cols: m, storage: storage), allFinite)
}

/// Fills the columns `block` of an (n, m) feature matrix at `destination` (column-major
/// storage: element (feature, example) at `feature * m + example`) from `source`, which
/// holds just those examples, example-major, as `featureMatrix` describes; for reading a
/// file a block of examples at a time into the one matrix. Returns whether every value
/// written is finite. Compiled for each element type a file can hold (a generic loop
/// reads every element through a witness table, a closure through a call per element:
/// several times the time).
@_specialize(where Element == Int8)
@_specialize(where Element == UInt8)
@_specialize(where Element == Int16)
@_specialize(where Element == UInt16)
@_specialize(where Element == Int32)
@_specialize(where Element == UInt32)
@_specialize(where Element == Int64)
@_specialize(where Element == UInt64)
@_specialize(where Element == Float)
@_specialize(where Element == Double)
func fillFeatures<Element: FeatureElement>(
    _ destination: UnsafeMutablePointer<Double>, examples m: Int, features n: Int, block: Range<Int>,
    from source: UnsafePointer<Element>, scale: Double
) -> Bool {
    let tile = 32
    var allFinite = true
    for exampleStart in stride(from: block.lowerBound, to: block.upperBound, by: tile) {
        let exampleEnd = min(exampleStart + tile, block.upperBound)
        for featureStart in stride(from: 0, to: n, by: tile) {
            let featureEnd = min(featureStart + tile, n)
            for feature in featureStart..<featureEnd {
                for example in exampleStart..<exampleEnd {
                    let value = source[(example - block.lowerBound) * n + feature].featureValue / scale
                    allFinite = allFinite && value.isFinite
                    destination[feature * m + example] = value
                }
            }
        }
    }
    return allFinite
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

/// A number type a data file can hold, as float64: `Double(_:)` of it, exact for every
/// type but 64-bit integers beyond 2^53, which round to nearest as numpy's `astype` does.
protocol FeatureElement {
    var featureValue: Double { get }
}

extension Int8: FeatureElement { @inline(__always) var featureValue: Double { Double(self) } }
extension UInt8: FeatureElement { @inline(__always) var featureValue: Double { Double(self) } }
extension Int16: FeatureElement { @inline(__always) var featureValue: Double { Double(self) } }
extension UInt16: FeatureElement { @inline(__always) var featureValue: Double { Double(self) } }
extension Int32: FeatureElement { @inline(__always) var featureValue: Double { Double(self) } }
extension UInt32: FeatureElement { @inline(__always) var featureValue: Double { Double(self) } }
extension Int64: FeatureElement { @inline(__always) var featureValue: Double { Double(self) } }
extension UInt64: FeatureElement { @inline(__always) var featureValue: Double { Double(self) } }
extension Float: FeatureElement { @inline(__always) var featureValue: Double { Double(self) } }
extension Double: FeatureElement { @inline(__always) var featureValue: Double { self } }
