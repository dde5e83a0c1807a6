import Glibc

/// The nonlinearity g of a layer: A = g(Z), and its backward dZ = dA * g'(Z).
///
/// Hidden layers share one activation; the output layer is `sigmoid`, whose
/// cross-entropy cost the course uses. Each backward sits beside its forward and
/// repeats numpy's arithmetic (`1 / (1 + np.exp(-Z))`, `dA * s * (1 - s)`), so results
/// agree with the course's `dnn_utils` to the last bit.
public enum Activation: String, CaseIterable, Sendable, Codable {
    case relu
    case sigmoid
    case tanh
    /// max(0.01 z, z): slope 0.01 below zero.
    case leakyRelu = "leaky_relu"

    /// g(z).
    @inlinable public func apply(_ z: Double) -> Double {
        switch self {
        case .relu: return z > 0 ? z : 0  // np.maximum(0, Z)
        case .sigmoid: return 1 / (1 + exp(-z))
        case .tanh: return _tanh(z)
        case .leakyRelu: return z > 0 ? z : 0.01 * z
        }
    }

    /// dA * g'(z), computed as the course's `*_backward(dA, cache)` computes it.
    @inlinable public func backward(_ dA: Double, _ z: Double) -> Double {
        switch self {
        case .relu: return z <= 0 ? 0 : dA  // dZ = dA; dZ[Z <= 0] = 0
        case .sigmoid:
            let s = 1 / (1 + exp(-z))
            return dA * s * (1 - s)
        case .tanh:
            let t = _tanh(z)
            return dA * (1 - t * t)
        case .leakyRelu: return z > 0 ? dA : 0.01 * dA
        }
    }

    /// dA * g'(z) from the output a = g(z) instead of z: the same value, bit for bit, as
    /// `backward(dA, z)`, since each g' is a function of g(z) computed as the course
    /// computes it (relu and leaky_relu: a > 0 exactly when z > 0; sigmoid: s = a; tanh:
    /// t = a). The engines keep A and not Z.
    @inlinable public func backward(_ dA: Double, output a: Double) -> Double {
        switch self {
        case .relu: return a > 0 ? dA : 0
        case .sigmoid: return dA * a * (1 - a)
        case .tanh: return dA * (1 - a * a)
        case .leakyRelu: return a > 0 ? dA : 0.01 * dA
        }
    }

    /// A = g(Z), elementwise (the course's `sigmoid(Z)` / `relu(Z)` without the cache).
    public func forward(_ z: Matrix) -> Matrix { z.map(apply) }

    /// dZ = dA * g'(Z), elementwise (the course's `sigmoid_backward` / `relu_backward`).
    public func backward(_ dA: Matrix, _ z: Matrix) -> Matrix { dA.zip(z) { backward($0, $1) } }
}

@usableFromInline func _tanh(_ x: Double) -> Double { tanh(x) }
