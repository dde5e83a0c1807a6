import FoundationEssentials
import Glibc
import Support

/// Tick labels: fixed decimals shared by the whole axis, or m×10ⁿ for tiny or huge values.
enum TickFormat {
    /// Linear axes share one number of decimals (0.0, 0.2, 0.4); log axes write each value
    /// as short as it goes (0.05, 0.1, 0.2).
    static func labels(_ values: [Double], decades: Bool = false, logarithmic: Bool = false) -> [String] {
        let scientific = values.contains { $0 != 0 && (abs($0) < 0.99999e-4 || abs($0) >= 0.99999e6) }
        if scientific {
            return values.map { power($0, decade: decades) }
        }
        if logarithmic {
            return values.map { fixed($0, decimals: decimalsNeeded($0)) }
        }
        let decimals = values.map(decimalsNeeded).max() ?? 0
        return values.map { fixed($0, decimals: decimals) }
    }

    /// The fewest decimals (up to 10) that write `v` exactly enough.
    static func decimalsNeeded(_ v: Double) -> Int {
        for d in 0...10 {
            let scale = pow(10, Double(d))
            if abs((v * scale).rounded() / scale - v) <= abs(v) * 1e-9 { return d }
        }
        return 10
    }

    static func fixed(_ v: Double, decimals: Int) -> String {
        let s = cFormat("%.\(decimals)f", v)
        return s.hasPrefix("-") && s.allSatisfy({ "-0.".contains($0) }) ? String(s.dropFirst()) : s
    }

    /// `v` as m×10ⁿ (10ⁿ alone for a decade); any Double, subnormals and the largest
    /// finite values included (∞ and NaN as themselves).
    static func power(_ v: Double, decade: Bool) -> String {
        if v == 0 { return "0" }
        guard v.isFinite else { return v.isNaN ? "NaN" : v > 0 ? "∞" : "−∞" }
        return (v < 0 ? "−" : "") + power(log10: log10(abs(v)), decade: decade)
    }

    /// 10ᵗ as m×10ⁿ, computed from `t` itself, so that it never overflows or underflows
    /// (10³⁰⁹ is a tick a log axis can have, and no Double).
    static func power(log10 t: Double, decade: Bool) -> String {
        guard t.isFinite else { return t.isNaN ? "NaN" : t > 0 ? "∞" : "0" }
        var exponent = t.rounded(.down)
        var mantissa = pow(10, t - exponent)
        if mantissa >= 9.9999999 {
            mantissa /= 10
            exponent += 1
        }
        let power = "10" + superscript(Int(exponent))
        if decade || abs(mantissa - 1) < 1e-9 {
            return power
        }
        let digits = min(decimalsNeeded(mantissa), 3)
        return fixed(mantissa, decimals: digits) + "×" + power
    }

    /// The labels of log-axis ticks given as log10 of their values: as `labels` writes
    /// the values when Double holds them all as normal numbers, else each as m×10ⁿ.
    static func labels(log10Values ticks: [Double], decades: Bool) -> [String] {
        let values = ticks.map { pow(10, $0) }
        if values.allSatisfy(\.isNormal) {
            return labels(values, decades: decades, logarithmic: true)
        }
        return ticks.map { power(log10: $0, decade: decades) }
    }

    static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let body = String(abs(n)).compactMap { $0.wholeNumberValue.map { digits[$0] } }
        return (n < 0 ? "⁻" : "") + String(body)
    }
}
