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

    public init(_ X: Matrix) {
        self.X = X
        var g = Matrix(rows: X.cols, cols: X.cols)
        Matrix.gemm(X, transposeA: true, X, into: &g)
        gram = g
    }
}
