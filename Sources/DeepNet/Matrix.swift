import CBLAS
import CKernels

/// A dense, row-major matrix of `Double`, shaped like a 2-D numpy array.
///
/// The course's shapes carry over: a weight matrix `W` is (n_l, n_{l-1}), a bias `b`
/// is (n_l, 1), data `X` is (n_x, m) with one example per column, and labels `Y`
/// are (1, m). Element (i, j) lives at `storage[i * cols + j]`.
///
///     let w = Matrix([[1, 2], [3, 4]])   // 2 x 2
///     w[1, 0]                            // 3.0
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    /// Row-major elements; `count == rows * cols`.
    public var storage: [Double]

    /// A matrix of `rows` x `cols` filled with `value` (numpy's `np.full`; zeros by default).
    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && cols >= 0, "negative shape \(rows) x \(cols)")
        self.rows = rows
        self.cols = cols
        storage = [Double](repeating: value, count: rows * cols)
    }

    /// A matrix over row-major `storage`, which must hold `rows * cols` elements.
    public init(rows: Int, cols: Int, storage: [Double]) {
        precondition(storage.count == rows * cols, "\(storage.count) elements for \(rows) x \(cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A matrix from nested rows, as `np.array([[...], ...])`; every row the same length.
    public init(_ nested: [[Double]]) {
        let cols = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == cols }, "ragged rows")
        self.init(rows: nested.count, cols: cols, storage: nested.flatMap { $0 })
    }

    public var shape: (rows: Int, cols: Int) { (rows, cols) }
    public var count: Int { storage.count }

    @inlinable public subscript(row: Int, col: Int) -> Double {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// Elementwise map, as a numpy ufunc.
    @inlinable public func map(_ f: (Double) -> Double) -> Matrix {
        Matrix(rows: rows, cols: cols, storage: storage.map(f))
    }

    /// Elementwise combination of two matrices of the same shape.
    @inlinable public func zip(_ other: Matrix, _ f: (Double, Double) -> Double) -> Matrix {
        precondition(rows == other.rows && cols == other.cols,
                     "shapes (\(rows), \(cols)) and (\(other.rows), \(other.cols)) differ")
        var out = self
        out.storage.withUnsafeMutableBufferPointer { o in
            other.storage.withUnsafeBufferPointer { b in
                for k in 0..<o.count { o[k] = f(o[k], b[k]) }
            }
        }
        return out
    }

    /// `np.sum(self, axis=1, keepdims=True)`: the (rows, 1) column of row sums.
    public func sumRows() -> Matrix {
        var out = Matrix(rows: rows, cols: 1)
        storage.withUnsafeBufferPointer { s in
            for i in 0..<rows { out.storage[i] = pairwiseSum(s, from: i * cols, count: cols) }
        }
        return out
    }

    /// `np.sum(self)`: the sum of every element, in numpy's pairwise order.
    public func sum() -> Double {
        storage.withUnsafeBufferPointer { pairwiseSum($0, from: 0, count: $0.count) }
    }
}

// MARK: - Arithmetic with numpy's broadcasting for the shapes training uses

extension Matrix {
    /// `a + b`, where `b` is the same shape as `a` or a (rows, 1) column broadcast over columns.
    public static func + (a: Matrix, b: Matrix) -> Matrix {
        if b.cols == 1 && a.cols != 1 {
            precondition(a.rows == b.rows, "cannot broadcast (\(b.rows), 1) over (\(a.rows), \(a.cols))")
            var out = a
            for i in 0..<a.rows {
                let bi = b.storage[i]
                for j in 0..<a.cols { out.storage[i * a.cols + j] += bi }
            }
            return out
        }
        return a.zip(b, +)
    }
    public static func - (a: Matrix, b: Matrix) -> Matrix { a.zip(b, -) }
    /// Elementwise (Hadamard) product, numpy's `*`.
    public static func * (a: Matrix, b: Matrix) -> Matrix { a.zip(b, *) }
    public static func * (s: Double, a: Matrix) -> Matrix { a.map { s * $0 } }
    public static prefix func - (a: Matrix) -> Matrix { a.map { -$0 } }
}

// MARK: - Products

extension Matrix {
    /// `np.dot(a, b)`: the matrix product (a.rows, b.cols), through BLAS dgemm.
    public static func dot(_ a: Matrix, _ b: Matrix) -> Matrix {
        var c = Matrix(rows: a.rows, cols: b.cols)
        gemm(a, b, into: &c)
        return c
    }

    /// `c = alpha * op(a) * op(b) + beta * c`, with `op` the transpose when asked.
    /// Shapes are checked; `c` must already have the product's shape.
    ///
    /// The arithmetic is `Arithmetic.current`'s: with `.fma` (the default) every product
    /// runs on DeepNet's own kernel (Sources/CKernels), every element summed over k in
    /// order, in blocks of 256, with fused multiply-adds, so results are the same bits on
    /// every processor and with every number of threads; `.kernel` sums the same order
    /// with a multiply then an add but sends products of one row or one column to BLIS;
    /// `.blis` sends every product to BLIS. Products of at least
    /// `BLAS.parallelThreshold` multiply-adds use `BLAS.threads` threads.
    public static func gemm(
        _ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
        alpha: Double = 1, beta: Double = 0, into c: inout Matrix
    ) {
        let (m, k) = transposeA ? (a.cols, a.rows) : (a.rows, a.cols)
        let (kb, n) = transposeB ? (b.cols, b.rows) : (b.rows, b.cols)
        precondition(k == kb, "inner dimensions differ: \(k) and \(kb)")
        precondition(c.rows == m && c.cols == n, "output is (\(c.rows), \(c.cols)), product is (\(m), \(n))")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<c.count { c.storage[i] *= beta }
            return
        }
        let arithmetic = Arithmetic.current
        let onKernel = arithmetic == .fma || (arithmetic == .kernel && m > 1 && n > 1)
        let threads = m * n * k < BLAS.parallelThreshold ? 1 : BLAS.threads
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    if onKernel {
                        dnn_gemm_threaded(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha,
                                          pa.baseAddress, max(a.cols, 1), pb.baseAddress, max(b.cols, 1),
                                          beta, pc.baseAddress, max(c.cols, 1), Int32(threads))
                    } else {
                        BLAS.blisProduct(
                            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                            pa.baseAddress, lda: max(a.cols, 1), pb.baseAddress, ldb: max(b.cols, 1),
                            beta: beta, pc.baseAddress, ldc: max(c.cols, 1))
                    }
                }
            }
        }
    }
}

/// numpy's pairwise summation (`pairwise_sum` in loops_utils.h): blocks of up to 8
/// accumulators below 128 elements, split in halves above. Matching its order keeps
/// sums such as the cost equal to numpy's to the last bit more often than a plain loop.
@usableFromInline
func pairwiseSum(_ a: UnsafeBufferPointer<Double>, from start: Int, count n: Int) -> Double {
    if n < 8 {
        var res = 0.0
        for i in 0..<n { res += a[start + i] }
        return res
    } else if n <= 128 {
        // numpy's r[0] ... r[7] as the lanes of one vector: lane j sums a[start + j + 8t].
        precondition(start >= 0 && start + n <= a.count, "pairwiseSum out of bounds")
        let base = UnsafeRawPointer(a.baseAddress! + start)
        func eight(_ i: Int) -> SIMD8<Double> {
            base.loadUnaligned(fromByteOffset: i * MemoryLayout<Double>.stride, as: SIMD8<Double>.self)
        }
        var r = eight(0)
        var i = 8
        while i < n - (n % 8) {
            r += eight(i)
            i += 8
        }
        var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n { res += a[start + i]; i += 1 }
        return res
    } else {
        var n2 = n / 2
        n2 -= n2 % 8
        return pairwiseSum(a, from: start, count: n2) + pairwiseSum(a, from: start + n2, count: n - n2)
    }
}
