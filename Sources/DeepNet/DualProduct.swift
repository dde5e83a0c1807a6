import CKernels

/// The dual engine's product Z_1 = P + C G, (n_1, m) = (n_1, m) + (n_1, m) (m, m),
/// computed by DeepNet's own kernel (Sources/CKernels/rows.c) from G laid out once in
/// `basis`, with P added as each tile is stored (`P` may be `Z`).
///
/// Its arithmetic is `Arithmetic.current`'s, as for `Matrix.gemm` (the bits of
/// `gemm(C, G, alpha: 1, beta: 1)` over a copy of P; through BLIS for `.blis`): every
/// element is summed over k in order, in blocks of 256, on every processor the same, and
/// row i depends only on row i of C: the product of many runs' C stacked into one matrix
/// (`trainBatch`) is, row for row, that of each run alone. Large products use `BLAS.threads`
/// threads (the same bits), with AVX-512 or AVX2 where the processor has them.
///
/// - Parameters:
///   - rows: the rows of C, P and Z.
///   - basis: G and its layout, (m, m).
///   - C, P, Z: (rows, m), row-major.
func dualProduct(rows: Int, basis: DualBasis, C: UnsafePointer<Double>, P: UnsafePointer<Double>, Z: UnsafeMutablePointer<Double>) {
    let m = basis.X.cols
    let threads = rows * m * m < BLAS.parallelThreshold ? 1 : BLAS.threads
    basis.withOperands { g, panels in
        if Arithmetic.current == .blis, let g {
            if Z != UnsafeMutablePointer(mutating: P) { Z.update(from: P, count: rows * m) }
            BLAS.blisProduct(transposeA: false, transposeB: false, m: rows, n: m, k: m, alpha: 1,
                             C, lda: m, g, ldb: m, beta: 1, Z, ldc: m)
            return
        }
        dnn_dual_product(rows, m, C, g, panels, P, Z, Int32(threads))
    }
}

/// The instruction set the dual product uses here: "avx512f", "avx2" or "scalar".
public var dualProductInstructionSet: String { String(cString: dnn_gemm_isa()) }
