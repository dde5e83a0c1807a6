import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

// Numbers, sizes, times and names as the results files and messages write them, each
// in one place.

/// The shortest decimal that reads back as `x`, as JSON allows it: Swift prints
/// `1e-05`, `0.0075`, `12288.0`; JSON accepts all three.
public func shortestDecimal(_ x: Double) -> String { x.description }

/// `x` through a C format with one floating-point conversion (`"%.6f"`, `"%.4g"`,
/// `"%.2f%%"`), as `printf` writes it in the C locale.
public func cFormat(_ format: String, _ x: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    let n = withVaList([x]) { vsnprintf(&buffer, buffer.count, format, $0) }
    if n >= buffer.count {
        buffer = [CChar](repeating: 0, count: Int(n) + 1)
        _ = withVaList([x]) { vsnprintf(&buffer, buffer.count, format, $0) }
    }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension StringProtocol {
    /// The text with spaces after it up to `width` characters (as it is when longer).
    public func padded(to width: Int) -> String {
        String(self) + String(repeating: " ", count: Swift.max(0, width - count))
    }

    /// `%XX` sequences turned back into their bytes; nil when one is malformed or the
    /// bytes are not UTF-8 (as Foundation's `removingPercentEncoding`).
    public var percentDecoded: String? {
        var bytes: [UInt8] = []
        var input = Array(utf8)[...]
        while let byte = input.popFirst() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard input.count >= 2, let high = hexValue(input.removeFirst()), let low = hexValue(input.removeFirst())
            else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The text without leading and trailing spaces, tabs, and (with `newlines`) line breaks.
    public func trimmed(newlines: Bool = true) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || (newlines && $0.isNewline) }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

/// A number as a user wrote it: integral values without a fraction ("2", not "2.0").
public func displayText(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return String(value)
}

/// The units of `byteCountText`.
public enum ByteUnits: Sendable {
    /// Powers of 1024: KiB, MiB, GiB... (sizes of files and arrays).
    case binary
    /// Powers of 1000: kB, MB, GB... (memory as a machine is sold).
    case decimal

    fileprivate var base: Double { self == .binary ? 1024 : 1000 }
    fileprivate var names: [String] {
        self == .binary
            ? ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
            : ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
    }
}

/// Describes a byte count for a person, with one decimal: "1.5 GiB", "12.0 MiB",
/// "700 bytes"; with `.decimal` units, "32.0 TB".
public func byteCountText(_ bytes: Double, units: ByteUnits = .binary) -> String {
    let names = units.names
    var value = bytes
    var unit = 0
    while value >= units.base, unit < names.count - 1 {
        value /= units.base
        unit += 1
    }
    if unit == 0 { return "\(Int(value)) bytes" }
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10) \(names[unit])"
}

/// A time span for a progress display: "42s", "3m05s", "1h02m"; "?" when unknown.
public func durationText(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    if s < 60 { return "\(s)s" }
    if s < 3600 { return "\(s / 60)m" + twoDigits(s % 60) + "s" }
    return "\(s / 3600)h" + twoDigits((s % 3600) / 60) + "m"
}

/// A CSV field, quoted when it holds a comma, a quote or a newline (RFC 4180).
public func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
    return "\"" + s.replacing("\"", with: "\"\"") + "\""
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

/// Bytes as hex digits.
public enum Hex {
    /// Two lowercase hex digits per byte: [0xab, 0x01] -> "ab01".
    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Now, in UTC as ISO 8601 (2026-11-29T17:04:11Z). Formatted with the C library rather
/// than Foundation's date formatters, which load ICU's calendar data (megabytes of memory).
public func timestamp() -> String {
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    var buffer = [CChar](repeating: 0, count: 32)
    let n = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
    return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// The machine's name, as `hostname` prints it.
public func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
