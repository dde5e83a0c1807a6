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

    static func power(_ v: Double, decade: Bool) -> String {
        if v == 0 { return "0" }
        var exponent = Int(log10(abs(v)).rounded(.down))
        var mantissa = v / pow(10, Double(exponent))
        if abs(mantissa) >= 9.9999999 {
            mantissa /= 10
            exponent += 1
        }
        let power = "10" + superscript(exponent)
        if decade || abs(abs(mantissa) - 1) < 1e-9 {
            return (mantissa < 0 ? "−" : "") + power
        }
        let digits = min(decimalsNeeded(mantissa), 3)
        return fixed(mantissa, decimals: digits) + "×" + power
    }

    static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let body = String(abs(n)).compactMap { $0.wholeNumberValue.map { digits[$0] } }
        return (n < 0 ? "⁻" : "") + String(body)
    }
}
