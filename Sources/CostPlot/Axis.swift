import FoundationEssentials
import Glibc

/// One axis: its range in plotted units (log10 of the cost on a log axis), ticks and labels.
struct Axis {
    var lo: Double
    var hi: Double
    var ticks: [Double]
    var labels: [String]
    var minorTicks: [Double] = []

    /// Where `v` falls in `lo...hi`, from 0 to 1; halves first so ±1e308 does not overflow.
    func fraction(_ v: Double) -> Double {
        let span = hi / 2 - lo / 2
        guard span > 0, span.isFinite else { return 0.5 }
        let t = (v / 2 - lo / 2) / span
        return t.isFinite ? t : 0.5
    }

    /// The 1-2-5 step closest to `rough` (a positive finite number).
    static func niceStep(_ rough: Double) -> Double {
        let exponent = floor(log10(rough))
        let base = pow(10, exponent)
        let fraction = rough / base
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * base
    }

    /// Ticks every 1, 2 or 5 × 10ⁿ, the range widened to whole steps, at most `maxTicks`
    /// of them (or 2 when a single step already spans the data).
    static func linear(lo: Double, hi: Double, maxTicks: Int, integral: Bool) -> Axis {
        // Keep the span finite: a cost beyond ±1e300 is clipped rather than overflowing
        // (both ends, so that a range wholly above 1e300 does not turn upside down).
        let limit = 1e300
        var lo = min(max(lo, -limit), limit)
        var hi = min(max(hi, -limit), limit)
        if !(hi - lo > max(abs(lo), abs(hi)) * 1e-12) {
            // A flat range: open it up around the value.
            if integral {
                // One iteration: a single tick in the middle rather than a made-up -1.
                return Axis(lo: lo - 1, hi: lo + 1, ticks: [lo], labels: TickFormat.labels([lo]))
            } else {
                let pad = lo == 0 ? 1 : abs(lo) * 0.1
                (lo, hi) = (lo - pad, hi + pad)
            }
        }
        let intervals = Double(max(1, maxTicks - 1))
        var step = niceStep(max(hi / intervals - lo / intervals, Double.leastNormalMagnitude))
        if integral { step = max(step, 1) }
        var axisLo = (lo / step).rounded(.down) * step
        var axisHi = (hi / step).rounded(.up) * step
        // Widening by whole steps can add ticks; coarsen until they fit.
        while ((axisHi - axisLo) / step).rounded() + 1 > Double(max(2, maxTicks)) {
            step = niceStep(step * 1.5)
            axisLo = (lo / step).rounded(.down) * step
            axisHi = (hi / step).rounded(.up) * step
        }
        if !axisLo.isFinite { axisLo = lo }
        if !axisHi.isFinite { axisHi = hi }
        var ticks: [Double] = []
        let steps = ((axisHi - axisLo) / step).rounded()
        let count = steps.isFinite ? Int(min(max(steps, 0), 1000)) : 0
        for k in 0...max(count, 0) {
            var t = axisLo + Double(k) * step
            if abs(t) < step * 1e-9 { t = 0 }
            if t.isFinite { ticks.append(t) }
        }
        return Axis(lo: axisLo, hi: axisHi, ticks: ticks, labels: TickFormat.labels(ticks))
    }

    /// A log10 axis over log10(cost) in `lo...hi`; ticks and labels are in cost units.
    static func logarithmic(lo: Double, hi: Double, maxTicks: Int) -> Axis {
        var a = lo
        var b = hi
        if b - a < 1e-9 {
            a -= 0.15
            b += 0.15
        }
        if b - a >= 2 {
            // Decades, every k-th when there are many.
            let first = a.rounded(.down)
            let last = b.rounded(.up)
            var k = 1.0
            for candidate in [1.0, 2, 3, 5, 10, 20, 50, 100] {
                k = candidate
                if ((last / k).rounded(.up) - (first / k).rounded(.down)) + 1 <= Double(max(3, maxTicks)) {
                    break
                }
            }
            let d0 = (first / k).rounded(.down) * k
            let d1 = (last / k).rounded(.up) * k
            let exponents = stride(from: d0, through: d1, by: k).map { $0 }
            var minor: [Double] = []
            if k == 1 && d1 - d0 <= 8 {
                for e in exponents.dropLast() {
                    for m in 2...9 { minor.append(e + log10(Double(m))) }
                }
            }
            return Axis(
                lo: d0, hi: d1, ticks: exponents, labels: TickFormat.labels(log10Values: exponents, decades: true),
                minorTicks: minor)
        }
        // Narrow: a ladder of m × 10ⁿ, widened to the ladder values around the data.
        for mantissas in [[1.0, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] {
            var ladder: [Double] = []
            for e in Int(a.rounded(.down)) - 1...Int(b.rounded(.up)) + 1 {
                for m in mantissas { ladder.append(log10(m) + Double(e)) }
            }
            let eps = 1e-9
            guard let below = ladder.last(where: { $0 <= a + eps }),
                let above = ladder.first(where: { $0 >= b - eps })
            else { continue }
            let ticks = ladder.filter { $0 >= below - eps && $0 <= above + eps }
            if ticks.count >= 3 && ticks.count <= max(3, maxTicks) {
                return Axis(lo: below, hi: above, ticks: ticks, labels: TickFormat.labels(log10Values: ticks, decades: false))
            }
        }
        // Very narrow: linear ticks placed on the log axis.
        let linear = Axis.linear(lo: pow(10, a), hi: pow(10, b), maxTicks: maxTicks, integral: false)
        let positive = zip(linear.ticks, linear.labels).filter { $0.0 > 0 }
        let axisLo = linear.lo > 0 ? log10(linear.lo) : a
        return Axis(lo: axisLo, hi: log10(linear.hi), ticks: positive.map { log10($0.0) }, labels: positive.map(\.1))
    }
}
