import Glibc

/// How the weights are drawn. Every scheme draws `randn(n_l, n_{l-1})` for each layer in
/// order from one stream seeded once (`np.random.seed(seed)`), then scales it; biases
/// are zeros. The arithmetic is numpy's (`W * 0.01`, `W / np.sqrt(n)`), so parameters
/// agree with the course bit for bit.
public enum Initializer: Equatable, Sendable {
    /// W * scale; the notebook's `np.random.randn(...) * 0.01`.
    case scaled(Double)
    /// W / sqrt(n_{l-1}); the course's cat model (`initialize_parameters_deep` of week 4 part 2).
    case lecun
    /// W * sqrt(2 / n_{l-1}).
    case he
    /// W * sqrt(2 / (n_{l-1} + n_l)).
    case glorot

    /// The default scale of `scaled`, the course's 0.01.
    public static let defaultScale = 0.01

    /// The scheme's name in a spec: scaled, lecun, he or glorot.
    public var name: String {
        switch self {
        case .scaled: return "scaled"
        case .lecun: return "lecun"
        case .he: return "he"
        case .glorot: return "glorot"
        }
    }

    /// Scales a freshly drawn (n_l, n_{l-1}) matrix in place.
    func scale(_ w: inout Matrix) {
        let fanIn = Double(w.cols), fanOut = Double(w.rows)
        switch self {
        case .scaled(let s): for i in w.storage.indices { w.storage[i] = w.storage[i] * s }
        case .lecun:
            let d = sqrt(fanIn)
            for i in w.storage.indices { w.storage[i] = w.storage[i] / d }
        case .he:
            let f = sqrt(2.0 / fanIn)
            for i in w.storage.indices { w.storage[i] = w.storage[i] * f }
        case .glorot:
            let f = sqrt(2.0 / (fanIn + fanOut))
            for i in w.storage.indices { w.storage[i] = w.storage[i] * f }
        }
    }
}
