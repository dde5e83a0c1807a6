import DeepNet
import Glibc

/// The generators, drawing from numpy's legacy global generator exactly as scikit-learn
/// 1.9.1 and the course do after `np.random.seed(seed)`: the same draws bit for bit, and
/// the same points to the last bit where numpy's sin and cos are the C library's (Glibc's
/// here; numpy on AVX-512 machines may use its own, within 1 ulp of them).
///
/// Each returns the points row by row, `[x_0, y_0, x_1, y_1, ...]` (numpy's (m, 2) array
/// in C order, which is also the order its noise is drawn in), and the labels.
extension GeneratedSet {
    /// `sklearn.datasets.make_moons(n, noise=noise)`: the upper half circle (label 0,
    /// `n // 2` points) and the lower one shifted by (1, -0.5) (label 1), shuffled, then
    /// `X += normal(scale=noise, size=(n, 2))` (nothing is drawn for noise 0, whose
    /// points are the same either way).
    static func moons(_ n: Int, noise: Double, seed: UInt32) -> ([Double], [Int]) {
        let outer = linspace(0, .pi, n / 2, endpoint: true)
        let inner = linspace(0, .pi, n - n / 2, endpoint: true)
        let points = outer.flatMap { [cos($0), sin($0)] } + inner.flatMap { [1 - cos($0), 1 - sin($0) - 0.5] }
        var rng = NumpyRandom(seed: seed)
        return shuffledWithNoise(points, outer: outer.count, noise: noise, rng: &rng)
    }

    /// `sklearn.datasets.make_circles(n, noise=noise, factor=factor)`: the unit circle
    /// (label 0, `n // 2` points, `linspace(0, 2 pi, n // 2, endpoint=False)`) and one of
    /// radius `factor` (label 1, the other points), shuffled, then the noise as moons'.
    static func circles(_ n: Int, noise: Double, factor: Double, seed: UInt32) -> ([Double], [Int]) {
        let outer = linspace(0, 2 * .pi, n / 2, endpoint: false)
        let inner = linspace(0, 2 * .pi, n - n / 2, endpoint: false)
        let points = outer.flatMap { [cos($0), sin($0)] } + inner.flatMap { [cos($0) * factor, sin($0) * factor] }
        var rng = NumpyRandom(seed: seed)
        return shuffledWithNoise(points, outer: outer.count, noise: noise, rng: &rng)
    }

    /// The course's `load_planar_dataset` (week 3) for `n` points: for petal j = 0, 1,
    /// `t = linspace(3.12 j, 3.12 (j + 1), n / 2) + randn(n / 2) * 0.2`,
    /// `r = 4 sin(4 t) + randn(n / 2) * 0.2`, the points `(r sin t, r cos t)` with label j.
    /// Unshuffled; the course's 400 points are `planar(400, seed: 1)`.
    static func planar(_ n: Int, seed: UInt32) -> ([Double], [Int]) {
        let half = n / 2
        var rng = NumpyRandom(seed: seed)
        var points: [Double] = []
        points.reserveCapacity(2 * half * 2)
        for j in 0..<2 {
            let start = Double(j) * 3.12, stop = Double(j + 1) * 3.12
            let t = zip(linspace(start, stop, half, endpoint: true), rng.randn(half)).map { $0 + $1 * 0.2 }
            let r = zip(t, rng.randn(half)).map { 4 * sin(4 * $0) + $1 * 0.2 }
            for (t, r) in zip(t, r) { points += [r * sin(t), r * cos(t)] }
        }
        return (points, Array(repeating: 0, count: half) + Array(repeating: 1, count: half))
    }

    /// scikit-learn's `shuffle(X, y)` (a permutation of `arange(n)` by numpy's legacy
    /// `shuffle`, the rows taken in that order), then the Gaussian noise in C order.
    private static func shuffledWithNoise(
        _ points: [Double], outer: Int, noise: Double, rng: inout NumpyRandom
    ) -> ([Double], [Int]) {
        let n = points.count / 2
        let order = rng.permutation(n)
        var shuffled = order.flatMap { [points[2 * $0], points[2 * $0 + 1]] }
        if noise != 0 {
            for (k, draw) in rng.normal(scale: noise, count: 2 * n).enumerated() { shuffled[k] += draw }
        }
        return (shuffled, order.map { $0 < outer ? 0 : 1 })
    }

    /// `numpy.linspace(start, stop, num, endpoint=endpoint)` bit for bit: `i * step +
    /// start` with `step = (stop - start) / div` (div `num - 1` with the endpoint, which
    /// is then `stop` itself, else `num`); `i / div * delta + start` when the step
    /// underflows to 0; `[start]` for one value with the endpoint.
    static func linspace(_ start: Double, _ stop: Double, _ num: Int, endpoint: Bool) -> [Double] {
        let div = endpoint ? num - 1 : num
        let delta = stop - start
        guard div > 0 else { return (0..<num).map { Double($0) * delta + start } }
        let step = delta / Double(div)
        var values = (0..<num).map { i in
            step == 0 ? Double(i) / Double(div) * delta + start : Double(i) * step + start
        }
        if endpoint, num > 1 { values[num - 1] = stop }
        return values
    }
}
