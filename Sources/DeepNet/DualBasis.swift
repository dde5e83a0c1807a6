import CKernels

/// The data-dependent part of the dual engine: X and its Gram matrix G = X^T X (m x m).
///
/// G costs 2 n_x m^2 operations once; build one `DualBasis` per dataset and pass it to
/// every run on that data (a sweep over learning rates and seeds shares it). A class,
/// so that runs share one copy instead of duplicating m^2 doubles.
///
/// Where the dual product runs on AVX-512, G is kept only as the layout its kernel reads
/// (`dnn_dual_pack_rows`: strips of 24 columns, m rounded up to a multiple of 24), made
/// block by block of `gramBlockRows(m)` rows so that G never exists whole beside it;
/// elsewhere G is kept as it is.
public final class DualBasis: @unchecked Sendable {
    /// The training data, (n_x, m).
    public let X: Matrix
    /// G as a matrix, where the product reads it so (no AVX-512).
    private let matrix: Matrix?
    /// G's layout for the AVX-512 product, `dnn_dual_panel_size(m)` doubles.
    let panels: UnsafeMutableRawPointer?

    public init(_ X: Matrix) {
        self.X = X
        let m = X.cols
        // One example: G is 1 x 1, a matrix-vector product (BLIS for the kernel
        // arithmetic) as it always was; with BLIS, G is made and kept by BLIS.
        guard dualProductInstructionSet == "avx512f", m > 1, Arithmetic.current != .blis else {
            var g = Matrix(rows: m, cols: m)
            Matrix.gemm(X, transposeA: true, X, into: &g)
            matrix = g
            panels = nil
            return
        }
        let layout = UnsafeMutableRawPointer.allocate(
            byteCount: dnn_dual_panel_size(m) * MemoryLayout<Double>.stride, alignment: 64)
        // Rows r0 ..< r1 of G are X[:, r0 ..< r1]^T X: op(A) read from X's columns in place.
        let blockRows = DualBasis.gramBlockRows(m)
        var block = Matrix(rows: blockRows, cols: m)
        for r0 in stride(from: 0, to: m, by: blockRows) {
            let r1 = min(m, r0 + blockRows)
            if r1 - r0 != block.rows { block = Matrix(rows: r1 - r0, cols: m) }
            X.storage.withUnsafeBufferPointer { x in
                block.storage.withUnsafeMutableBufferPointer { g in
                    dnn_gemm_threaded(1, 0, r1 - r0, m, X.rows, 1, x.baseAddress! + r0, m, x.baseAddress, m,
                                      0, g.baseAddress, m, Int32(BLAS.threads))
                }
            }
            block.storage.withUnsafeBufferPointer { g in
                dnn_dual_pack_rows(m, r0, r1, g.baseAddress, layout.assumingMemoryBound(to: Double.self))
            }
        }
        matrix = nil
        panels = layout
    }

    deinit { panels?.deallocate() }

    /// X^T X, (m, m) (formed from the layout where only that is kept).
    public var gram: Matrix {
        if let matrix { return matrix }
        let m = X.cols
        var g = Matrix(rows: m, cols: m)
        g.storage.withUnsafeMutableBufferPointer { g in
            dnn_dual_unpack(m, panels!.assumingMemoryBound(to: Double.self), g.baseAddress)
        }
        return g
    }

    /// G as the product takes it: the matrix or null, the layout or null.
    func withOperands<R>(_ body: (UnsafePointer<Double>?, UnsafePointer<Double>?) -> R) -> R {
        let layout = panels.map { UnsafePointer($0.assumingMemoryBound(to: Double.self)) }
        guard let matrix else { return body(nil, layout) }
        return matrix.storage.withUnsafeBufferPointer { body($0.baseAddress, layout) }
    }

    /// The rows of G computed at a time while laying it out: all of them up to 1024 x m
    /// (8 MB at m = 1024), else an eighth of m rounded up to 24, so that the block beside
    /// the layout is at most 1/8 of G (X is packed once per block by the product).
    static func gramBlockRows(_ m: Int) -> Int {
        m <= 1024 ? max(m, 1) : ((m + 7) / 8 + 23) / 24 * 24
    }
}
