/// Which implementation of gradient descent trains the network. Both compute the
/// course's algorithm and agree with it to 1e-9; they differ in cost.
public enum EngineKind: String, CaseIterable, Sendable, Codable {
    /// The textbook algorithm: forward, backward and update every layer, with BLAS products.
    case primal
    /// Full-batch descent in the span of the data: W1 = W1_0 + C X^T, so the first
    /// layer needs the Gram matrix X^T X instead of products with X. Cheaper when there
    /// are fewer examples than input features.
    case dual
}
