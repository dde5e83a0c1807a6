import Glibc

/// How a gradient becomes a step (`training.optimizer`), as the course's second part
/// defines each, per update, for every W and b (DESIGN.md, "Training techniques"):
///
///     gd:        W = W - α dW
///     momentum:  v = β v + (1 - β) dW;  W = W - α v
///     adam:      v = β1 v + (1 - β1) dW;  s = β2 s + (1 - β2) dW²   (t counts updates from 1)
///                W = W - α (v / (1 - β1^t)) / (sqrt(s / (1 - β2^t)) + ε)
///
/// v and s start at 0. Each element is computed with the operations of the course's numpy
/// lines, in their order, so that the steps agree with numpy's to the last bit.
public enum Optimizer: Equatable, Sendable {
    case gd
    case momentum(beta: Double)
    case adam(beta1: Double, beta2: Double, epsilon: Double)

    /// The course's defaults: β = 0.9; β1 = 0.9, β2 = 0.999, ε = 1e-8.
    public static let defaultBeta = 0.9
    public static let defaultAdam = (beta1: 0.9, beta2: 0.999, epsilon: 1e-8)

    /// `gd`, `momentum` or `adam`.
    public var name: String {
        switch self {
        case .gd: return "gd"
        case .momentum: return "momentum"
        case .adam: return "adam"
        }
    }

    /// Whether it keeps a velocity v, and a second moment s.
    var keepsVelocity: Bool { self != .gd }
    var keepsSecondMoment: Bool { if case .adam = self { return true } else { return false } }
}

/// What an optimizer keeps between updates for one parameter matrix: v and s of its shape
/// (empty when the optimizer keeps none).
struct OptimizerSlot {
    var v: [Double]
    var s: [Double]

    init(count: Int, optimizer: Optimizer) {
        v = optimizer.keepsVelocity ? [Double](repeating: 0, count: count) : []
        s = optimizer.keepsSecondMoment ? [Double](repeating: 0, count: count) : []
    }
}

/// The bias corrections of Adam's update number t: 1 - β1^t and 1 - β2^t, with `pow` as
/// Python's `beta1 ** t` computes them.
struct AdamCorrection {
    let first: Double
    let second: Double
    init(beta1: Double, beta2: Double, t: Int) {
        first = 1 - pow(beta1, Double(t))
        second = 1 - pow(beta2, Double(t))
    }
}

extension Optimizer {
    /// One update of `p` along its gradient `d` (same count), with its slot; `t` is the
    /// update's number from 1 (Adam's bias correction).
    @inline(__always)
    func step(
        _ p: UnsafeMutableBufferPointer<Double>, along d: UnsafeBufferPointer<Double>, slot: inout OptimizerSlot,
        learningRate lr: Double, t: Int
    ) {
        switch self {
        case .gd:
            for k in 0..<p.count { p[k] = p[k] - lr * d[k] }
        case .momentum(let beta):
            slot.v.withUnsafeMutableBufferPointer { v in
                for k in 0..<p.count {
                    v[k] = beta * v[k] + (1 - beta) * d[k]
                    p[k] = p[k] - lr * v[k]
                }
            }
        case .adam(let beta1, let beta2, let epsilon):
            let c = AdamCorrection(beta1: beta1, beta2: beta2, t: t)
            slot.v.withUnsafeMutableBufferPointer { v in
                slot.s.withUnsafeMutableBufferPointer { s in
                    for k in 0..<p.count {
                        v[k] = beta1 * v[k] + (1 - beta1) * d[k]
                        let corrected = v[k] / c.first
                        s[k] = beta2 * s[k] + (1 - beta2) * (d[k] * d[k])
                        let correctedS = s[k] / c.second
                        p[k] = p[k] - lr * corrected / (correctedS.squareRoot() + epsilon)
                    }
                }
            }
        }
    }

    /// `step` on a matrix and its gradient.
    @inline(__always)
    func step(_ p: inout Matrix, along d: Matrix, slot: inout OptimizerSlot, learningRate: Double, t: Int) {
        precondition(p.count == d.count, "a gradient of another shape")
        p.storage.withUnsafeMutableBufferPointer { w in
            d.storage.withUnsafeBufferPointer { g in step(w, along: g, slot: &slot, learningRate: learningRate, t: t) }
        }
    }
}

/// The learning rate of each pass (`training.decay`), as the course's loop: passes 0 and 1
/// use the initial rate α0; after pass e (from 0) the rate becomes
///
///     inverse_time:  α0 / (1 + decay_rate * e)
///     staircase:     α0 / (1 + decay_rate * floor(e / decay_interval))
///
/// so pass e ≥ 1 uses the rate computed after pass e - 1.
public enum LearningRateDecay: Equatable, Sendable {
    case none
    case inverseTime(rate: Double)
    case staircase(rate: Double, interval: Int)

    public static let defaultRate = 1.0
    public static let defaultInterval = 1000

    /// The rate after pass `e` (counted from 0), which pass e + 1 uses: what the course
    /// prints as "learning rate after epoch e".
    public func rate(after e: Int, initial lr0: Double) -> Double {
        switch self {
        case .none: return lr0
        case .inverseTime(let rate): return lr0 / (1 + rate * Double(e))
        case .staircase(let rate, let interval): return lr0 / (1 + rate * Double(e / interval))
        }
    }

    /// The rate pass `e` (from 0) trains with.
    public func rate(forPass e: Int, initial lr0: Double) -> Double {
        e == 0 ? lr0 : rate(after: e - 1, initial: lr0)
    }
}
