import CKernels

/// The data-dependent part of the dual engine: X and its Gram matrix G = X^T X (m x m).
///
/// G costs 2 n_x m^2 operations once; build one `DualBasis` per dataset and pass it to
/// every run on that data (a sweep over learning rates and seeds shares it). A class,
/// so that runs share one copy instead of duplicating m^2 doubles.
public final class DualBasis: @unchecked Sendable {
    /// The training data, (n_x, m).
    public let X: Matrix
    /// X^T X, (m, m).
    public let gram: Matrix
    /// G laid out once in the order `dualProduct`'s kernel reads it (`dnn_dual_pack`):
    /// about m^2 doubles more, read by every iteration of every run instead of G.
    let panels: UnsafeMutableRawPointer

    public init(_ X: Matrix) {
        self.X = X
        var g = Matrix(rows: X.cols, cols: X.cols)
        Matrix.gemm(X, transposeA: true, X, into: &g)
        gram = g
        let m = X.cols
        panels = UnsafeMutableRawPointer.allocate(
            byteCount: max(1, dnn_dual_panel_size(m)) * MemoryLayout<Double>.stride, alignment: 64)
        g.storage.withUnsafeBufferPointer { g in
            dnn_dual_pack(m, g.baseAddress, panels.assumingMemoryBound(to: Double.self))
        }
    }

    deinit { panels.deallocate() }
}
