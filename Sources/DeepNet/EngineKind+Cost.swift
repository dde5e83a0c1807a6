/// What each engine costs, in operations and memory: how `engine: auto` chooses, and how
/// a model too large for the machine is refused before anything is allocated.
extension EngineKind {
    /// The engine that needs fewer floating-point operations for this training, with the
    /// counts behind the choice. Layers 2 ... L cost the same in both and are left out.
    ///
    /// primal: iterations * 4 n_1 n_x m (W_1 X forwards, dZ_1 X^T backwards).
    /// dual: 2 n_x m^2 (G, unless shared) + 2 n_1 n_x m (P) + iterations * 2 n_1 m^2
    ///       + 2 n_1 m n_x (forming W_1 at the end).
    public static func cheaper(
        layerDims: [Int], examples m: Int, iterations: Int, gramIsShared: Bool = false
    ) -> (engine: EngineKind, reason: String) {
        guard layerDims.count >= 2 else { return (.primal, "no layers") }
        let nx = Double(layerDims[0]), n1 = Double(layerDims[1]), m = Double(m), it = Double(iterations)
        let primal = it * 4 * n1 * nx * m
        let dual = (gramIsShared ? 0 : 2 * nx * m * m) + 4 * n1 * nx * m + it * 2 * n1 * m * m
        let engine: EngineKind = dual < primal ? .dual : .primal
        let reason = "first-layer FLOPs: primal \(formatFlops(primal)), dual \(formatFlops(dual))"
            + " (n_x=\(Int(nx)), n_1=\(Int(n1)), m=\(Int(m)), iterations=\(Int(it)))"
        return (engine, reason)
    }
}

/// "1.3 G", "86.0 M": an operation count with one decimal.
private func formatFlops(_ x: Double) -> String {
    for (scale, unit) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] where x >= scale {
        let tenths = Int((x / scale * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(unit)"
    }
    return String(Int(x))
}

extension EngineKind {
    /// Bytes of memory training with this engine allocates besides the data, an upper
    /// bound: the parameters four times (initial, current, gradient, final), and A and
    /// dZ of every layer over m examples (8 bytes a number; Z_l becomes A_l in place, and
    /// dA_l is computed where dZ_l goes):
    ///
    ///     primal: 8 (4 sum_l n_l (n_{l-1} + 1) + 2 m sum_l n_l)
    ///     dual:   primal + 8 (m m' + b m + 2 n_1 m)   (G = X^T X, laid out for the kernel
    ///             with m' = m rounded up to a multiple of 24; the b = `gramBlockRows(m)`
    ///             rows of G computed at a time while laying it out; P, C of layer 1)
    ///
    /// Used to refuse, before allocating, a model the machine cannot hold, and to keep
    /// `auto` from choosing the dual engine when its Gram matrix would not fit.
    public func memoryEstimate(layerDims: [Int], examples m: Int) -> Double {
        guard layerDims.count >= 2 else { return 0 }
        var parameters = 0.0, activations = 0.0
        for l in 1..<layerDims.count {
            parameters += Double(layerDims[l]) * Double(layerDims[l - 1] + 1)
            activations += Double(layerDims[l]) * Double(m)
        }
        let padded = Double((m + 23) / 24 * 24), block = Double(DualBasis.gramBlockRows(m))
        let gram = self == .dual ? Double(m) * (padded + block) + 2 * Double(layerDims[1]) * Double(m) : 0
        return 8 * (4 * parameters + 2 * activations + gram)
    }
}
