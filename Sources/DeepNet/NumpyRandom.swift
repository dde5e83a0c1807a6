import Glibc

/// numpy's legacy global generator, bit for bit: `np.random.seed(n)` followed by
/// `np.random.randn(...)`, `normal`, `shuffle` and `permutation`.
///
/// The state is MT19937 seeded by `init_genrand` (what `RandomState.seed` does with an
/// integer), doubles are built from two 32-bit draws as 53-bit fractions, and `randn`
/// is the Marsaglia polar method that caches its second value, as numpy's
/// `legacy_gauss`.
///
///     var rng = NumpyRandom(seed: 1)
///     rng.randn(2, 3)   // equals np.random.seed(1); np.random.randn(2, 3)
public struct NumpyRandom: Sendable {
    private var key = [UInt32](repeating: 0, count: 624)
    private var position = 624
    private var cachedGaussian: Double?

    /// Seeds like `np.random.seed(seed)`; numpy accepts 0 ... 2^32 - 1.
    public init(seed: UInt32) {
        var s = seed
        for i in 0..<624 {
            key[i] = s
            s = 1_812_433_253 &* (s ^ (s >> 30)) &+ UInt32(i + 1)
        }
    }

    /// The next 32-bit output of MT19937 (`genrand_int32`).
    public mutating func nextUInt32() -> UInt32 {
        if position >= 624 { regenerate() }
        var y = key[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// A uniform double in [0, 1) with 53 random bits (`random_sample`).
    public mutating func nextDouble() -> Double {
        let a = Double(nextUInt32() >> 5)
        let b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// One standard normal draw (`legacy_gauss`).
    public mutating func nextGaussian() -> Double {
        if let cached = cachedGaussian {
            cachedGaussian = nil
            return cached
        }
        var x1 = 0.0, x2 = 0.0, r2 = 0.0
        repeat {
            x1 = 2.0 * nextDouble() - 1.0
            x2 = 2.0 * nextDouble() - 1.0
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1.0 || r2 == 0.0
        let f = sqrt(-2.0 * log(r2) / r2)
        cachedGaussian = f * x1
        return f * x2
    }

    /// `np.random.randn(count)` as a flat array.
    public mutating func randn(_ count: Int) -> [Double] {
        (0..<count).map { _ in nextGaussian() }
    }

    /// `np.random.randn(rows, cols)`, filled in row-major order as numpy fills it.
    public mutating func randn(_ rows: Int, _ cols: Int) -> Matrix {
        Matrix(rows: rows, cols: cols, storage: randn(rows * cols))
    }

    /// `np.random.normal(scale=scale, size=count)` as a flat array: `loc + scale * gauss`
    /// per draw (numpy's `legacy_normal`), so a shape (n, 2) is filled in C order.
    public mutating func normal(loc: Double = 0, scale: Double, count: Int) -> [Double] {
        (0..<count).map { _ in loc + scale * nextGaussian() }
    }

    /// `np.random.permutation(n)`: `np.arange(n)` shuffled by `shuffle(_:)`.
    public mutating func permutation(_ n: Int) -> [Int] {
        var indices = Array(0..<n)
        shuffle(&indices)
        return indices
    }

    /// `np.random.shuffle(x)` of a one-dimensional array, in place: Fisher-Yates from the
    /// last element down, each `j` in `0...i` drawn by `interval(i)` (numpy's
    /// `_shuffle_raw`). Draws nothing for fewer than two elements.
    public mutating func shuffle<Element>(_ elements: inout [Element]) {
        var i = elements.count - 1
        while i >= 1 {
            elements.swapAt(i, Int(interval(UInt64(i))))
            i -= 1
        }
    }

    /// A uniform integer in `0...max` (numpy's `random_interval`): outputs masked to the
    /// smallest all-ones bit mask covering `max` and rejected until one is at most `max`,
    /// from 32-bit outputs when `max` fits in 32 bits, else from 64-bit ones (high word first).
    public mutating func interval(_ max: UInt64) -> UInt64 {
        guard max > 0 else { return 0 }
        var mask = max
        for shift in [1, 2, 4, 8, 16, 32] as [UInt64] { mask |= mask >> shift }
        var value: UInt64
        if max <= 0xFFFF_FFFF {
            repeat { value = UInt64(nextUInt32()) & mask } while value > max
        } else {
            repeat {
                let high = UInt64(nextUInt32())
                value = (high << 32 | UInt64(nextUInt32())) & mask
            } while value > max
        }
        return value
    }

    private mutating func regenerate() {
        let upper: UInt32 = 0x8000_0000, lower: UInt32 = 0x7fff_ffff, matrixA: UInt32 = 0x9908_b0df
        for i in 0..<624 {
            let y = (key[i] & upper) | (key[(i + 1) % 624] & lower)
            key[i] = key[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrixA)
        }
        position = 0
    }
}
