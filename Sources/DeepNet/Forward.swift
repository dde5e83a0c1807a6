/// What a layer's forward pass keeps for its backward pass: the course's
/// `linear_cache = (A_prev, W, b)`.
public struct LinearCache: Sendable {
    public var aPrev: Matrix
    public var W: Matrix
    public var b: Matrix

    public init(aPrev: Matrix, W: Matrix, b: Matrix) {
        self.aPrev = aPrev
        self.W = W
        self.b = b
    }
}

/// The course's `cache = (linear_cache, activation_cache)`, the activation cache being Z.
public struct LayerCache: Sendable {
    public var linear: LinearCache
    public var Z: Matrix

    public init(linear: LinearCache, Z: Matrix) {
        self.linear = linear
        self.Z = Z
    }
}

/// `linear_forward`: Z = W A + b.
///
/// - Parameters: A (n_{l-1}, m), W (n_l, n_{l-1}), b (n_l, 1).
/// - Returns: Z (n_l, m) and the linear cache.
public func linearForward(_ A: Matrix, _ W: Matrix, _ b: Matrix) -> (Z: Matrix, cache: LinearCache) {
    let Z = Matrix.dot(W, A) + b
    return (Z, LinearCache(aPrev: A, W: W, b: b))
}

/// `linear_activation_forward`: A = g(W A_prev + b).
public func linearActivationForward(
    _ aPrev: Matrix, _ W: Matrix, _ b: Matrix, activation: Activation
) -> (A: Matrix, cache: LayerCache) {
    let (Z, linear) = linearForward(aPrev, W, b)
    return (activation.forward(Z), LayerCache(linear: linear, Z: Z))
}

/// `L_model_forward`: [LINEAR -> hidden]*(L-1) -> LINEAR -> output.
///
/// - Parameters: X (n_x, m); the course uses relu hidden layers and a sigmoid output.
/// - Returns: AL (1, m) and the L caches, layer 1 first.
public func modelForward(
    _ X: Matrix, _ parameters: Parameters,
    hidden: Activation = .relu, output: Activation = .sigmoid
) -> (AL: Matrix, caches: [LayerCache]) {
    var A = X
    var caches: [LayerCache] = []
    let L = parameters.layerCount
    for l in 1...L {
        let (next, cache) = linearActivationForward(
            A, parameters.W(l), parameters.b(l), activation: l == L ? output : hidden)
        caches.append(cache)
        A = next
    }
    return (A, caches)
}
