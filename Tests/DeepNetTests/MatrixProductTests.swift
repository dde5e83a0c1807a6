import CKernels
import XCTest

@testable import DeepNet

/// `Matrix.gemm` on DeepNet's kernel: the arithmetic kernels.c promises, bit for bit, in
/// both arithmetics (fma and kernel), on every instruction set (a test each: one the
/// processor lacks is reported skipped, not tested), both paths (plain and packed),
/// every transpose, and any number of threads.
final class MatrixProductTests: XCTestCase {
    /// c = alpha op(a) op(b) + beta c as kernels.c defines it: for each block of 256
    /// along k, ab summed in order from 0 (ab + x * y, or with `fused` fma(x, y, ab),
    /// Swift's `addingProduct`); the first block gives alpha ab (beta == 0) or
    /// beta c + alpha ab, every later block c + alpha ab.
    private func reference(
        _ a: Matrix, _ ta: Bool, _ b: Matrix, _ tb: Bool, alpha: Double, beta: Double, _ c: Matrix, fused: Bool
    ) -> Matrix {
        var c = c
        let k = ta ? a.rows : a.cols
        for i in 0..<c.rows {
            for j in 0..<c.cols {
                var value = c[i, j]
                for p0 in stride(from: 0, to: k, by: 256) {
                    var ab = 0.0
                    for p in p0..<min(p0 + 256, k) {
                        let x = ta ? a[p, i] : a[i, p], y = tb ? b[j, p] : b[p, j]
                        ab = fused ? ab.addingProduct(x, y) : ab + x * y
                    }
                    let scaled = alpha * ab
                    if p0 > 0 { value = value + scaled } else if beta == 0 { value = scaled } else { value = beta * value + scaled }
                }
                c[i, j] = value
            }
        }
        return c
    }

    // (m, k, n): around the tile (8 x 24), the panels (240 and 2400 columns), k past and
    // between blocks of 256 and of 8; small ones take the plain path, those of 2^20
    // multiply-adds or more (and every transposed B) the packed one.
    private let shapes = [
        (2, 3, 2), (8, 16, 24), (9, 17, 25), (20, 209, 209), (37, 301, 77),
        (7, 515, 250), (13, 40, 2500), (64, 9, 530), (3, 1030, 90), (29, 300, 130), (9, 600, 250),
        // One row or one column: the output layer's products, on the kernel with fma.
        (1, 209, 20), (20, 209, 1), (1, 1300, 900), (5, 1, 209),
    ]

    func testTheScalarPathSumsAsTheKernelPromises() throws { try checkPath("scalar") }
    func testTheAVX2PathSumsAsTheKernelPromises() throws { try checkPath("avx2") }
    func testTheAVX512PathSumsAsTheKernelPromises() throws { try checkPath("avx512f") }

    private func checkPath(_ isa: String) throws {
        let usual = String(cString: dnn_gemm_isa())
        let usualThreads = BLAS.threads, usualArithmetic = Arithmetic.current
        defer {
            _ = dnn_gemm_use_isa(usual)
            BLAS.threads = usualThreads
            Arithmetic.current = usualArithmetic
        }
        guard dnn_gemm_use_isa(isa) != 0 else {
            throw XCTSkip("NOT TESTED here: this processor lacks \(isa); its path is tested only on one that has it")
        }
        for arithmetic in [Arithmetic.fma, .kernel] {
            Arithmetic.current = arithmetic
            try checkShapes(isa, fused: arithmetic == .fma)
        }
    }

    private func checkShapes(_ isa: String, fused: Bool) throws {
        var rng = NumpyRandom(seed: 11)
        for (m, k, n) in shapes where fused || (m > 1 && n > 1) {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = ta ? rng.randn(k, m) : rng.randn(m, k)
                let b = tb ? rng.randn(n, k) : rng.randn(k, n)
                let c0 = rng.randn(m, n)
                for (alpha, beta) in [(1.0, 0.0), (0.3, 1.0), (-1.7, 0.5)] {
                    let expected = reference(a, ta, b, tb, alpha: alpha, beta: beta, c0, fused: fused).storage.map(\.bitPattern)
                    for threads in [1, 2, 3] {
                        BLAS.threads = threads
                        var c = c0
                        Matrix.gemm(a, transposeA: ta, b, transposeB: tb, alpha: alpha, beta: beta, into: &c)
                        assertSameBits(
                            c, expected,
                            "\(isa), \(fused ? "fma" : "kernel"): (\(m) x \(k)) (\(k) x \(n)), ta \(ta) tb \(tb), alpha \(alpha) beta \(beta), \(threads) threads")
                    }
                }
            }
        }
    }

    /// Large products split over threads by their columns, or by their rows when there
    /// are few columns: every split gives the same bits.
    func testThreadsDoNotChangeTheResult() {
        let usualThreads = BLAS.threads
        defer { BLAS.threads = usualThreads }
        var rng = NumpyRandom(seed: 12)
        for (m, k, n) in [(96, 300, 4000), (300, 520, 20), (5, 2000, 700)] {
            let a = rng.randn(m, k), b = rng.randn(n, k)
            var one = Matrix(rows: m, cols: n)
            BLAS.threads = 1
            Matrix.gemm(a, b, transposeB: true, into: &one)
            for threads in [2, 3, 4, 7] {
                BLAS.threads = threads
                var many = Matrix(rows: m, cols: n)
                Matrix.gemm(a, b, transposeB: true, into: &many)
                assertSameBits(many, one.storage.map(\.bitPattern), "\(m) x \(k) x \(n), \(threads) threads")
            }
        }
    }

    /// Fails with the number of differing elements and the first of them, not the arrays.
    private func assertSameBits(_ c: Matrix, _ expected: [UInt64], _ message: String, line: UInt = #line) {
        let bits = c.storage.map(\.bitPattern)
        let differing = bits.indices.filter { bits[$0] != expected[$0] }
        if let first = differing.first {
            XCTFail("\(message): \(differing.count) of \(bits.count) elements differ, first (\(first / c.cols), \(first % c.cols)): "
                    + "\(c.storage[first]) instead of \(Double(bitPattern: expected[first]))", line: line)
        }
    }
}
