import Support
import Data
/// A node of a parsed YAML document and where it starts.
///
/// The tree is what a spec's reader needs and no more: scalars keep their raw text and
/// whether they were plain (so `"0.01"` stays a string while `0.01` is a number), mappings
/// keep their keys in the order written. Aliases are already expanded.
///
///     let root = try YAMLParser.parse(Array("seed: 1".utf8), file: "cat.yaml")
///     root?["seed"]?.scalar?.value   // .int(1)
public struct YAMLNode: Equatable, Sendable {
    public enum Content: Equatable, Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    /// Where the node starts: its first character, or its `[`/`{`/`-` for collections.
    public var location: SourceLocation

    public init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
    }
}

/// A scalar's text as written (after YAML's unquoting and folding) and its style.
public struct YAMLScalar: Equatable, Sendable {
    public var text: String
    /// Plain scalars are typed by their text (`1`, `true`, `~`); quoted and block scalars
    /// are always strings.
    public var isPlain: Bool

    public init(_ text: String, isPlain: Bool) {
        self.text = text
        self.isPlain = isPlain
    }
}

/// One `key: value` entry of a mapping. Keys are scalars, unique within their mapping.
public struct YAMLPair: Equatable, Sendable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: YAMLNode

    public init(key: String, keyLocation: SourceLocation, value: YAMLNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}

/// The typed value of a scalar under YAML 1.2's core schema.
public enum YAMLValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
}

extension YAMLScalar {
    /// The scalar's value under YAML 1.2's core schema; quoted scalars are strings.
    ///
    /// * null: `~`, `null`, `Null`, `NULL` and the empty plain scalar.
    /// * bool: `true`/`false` (also capitalized or upper case). YAML 1.1's `yes`/`no`/`on`/
    ///   `off` are strings, so a validator rejects them where a bool is expected.
    /// * int: decimal with an optional sign, `0x` hexadecimal, `0o` octal. A decimal with a
    ///   leading zero (`010`) is octal in YAML 1.1 and decimal in 1.2; it is a string, so
    ///   a validator rejects it rather than guess.
    /// * float: `1.5`, `.5`, `1e-3`, `-2.5E+4`, `.inf`, `-.inf`, `.nan`. Integers too large
    ///   for `Int` are floats.
    public var value: YAMLValue {
        guard isPlain else { return .string(text) }
        return Self.coreValue(of: text)
    }

    private static func coreValue(of text: String) -> YAMLValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        let bytes = Array(text.utf8)
        if NumberSyntax.isDecimalInteger(bytes) {
            return Int(text).map(YAMLValue.int) ?? .float(Double(text)!)
        }
        if let digits = NumberSyntax.digits(after: "0x", in: bytes, where: \.isHexDigit), let n = Int(digits, radix: 16) {
            return .int(n)
        }
        if let digits = NumberSyntax.digits(after: "0o", in: bytes, where: { $0 >= 0x30 && $0 <= 0x37 }),
            let n = Int(digits, radix: 8)
        {
            return .int(n)
        }
        if !NumberSyntax.isLeadingZeroInteger(bytes), NumberSyntax.isFloat(bytes), let number = Double(text) {
            return .float(number)
        }
        return .string(text)
    }

    /// Whether `text` is a plain integer written with leading zeros (`010`, `-007`),
    /// octal in YAML 1.1 and decimal in 1.2.
    static func isLeadingZeroInteger(_ text: String) -> Bool { NumberSyntax.isLeadingZeroInteger(Array(text.utf8)) }
}

/// The core schema's number patterns, matched by one linear scan of the UTF-8 bytes. (The
/// equivalent `Regex`es took about a second per MiB of scalar, each time a value was
/// typed, so a 4 MiB spec of long digit strings took 15 s to be refused.)
private enum NumberSyntax {
    /// `[-+]?(0|[1-9][0-9]*)`
    static func isDecimalInteger(_ bytes: [UInt8]) -> Bool {
        let start = signEnd(bytes)
        let end = digitsEnd(bytes, from: start)
        return end == bytes.count && end > start && (bytes[start] != zero || end == start + 1)
    }

    /// `[-+]?0[0-9]+`
    static func isLeadingZeroInteger(_ bytes: [UInt8]) -> Bool {
        let start = signEnd(bytes)
        return start < bytes.count && bytes[start] == zero && digitsEnd(bytes, from: start) == bytes.count
            && bytes.count - start >= 2
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    static func isFloat(_ bytes: [UInt8]) -> Bool {
        let integerStart = signEnd(bytes)
        var index = digitsEnd(bytes, from: integerStart)
        let hasIntegerDigits = index > integerStart
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            let fractionStart = index + 1
            index = digitsEnd(bytes, from: fractionStart)
            guard hasIntegerDigits || index > fractionStart else { return false }
        } else {
            guard hasIntegerDigits else { return false }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            let exponentStart = signEnd(bytes, from: index + 1)
            index = digitsEnd(bytes, from: exponentStart)
            guard index > exponentStart else { return false }
        }
        return index == bytes.count
    }

    /// The text after `prefix` when it is non-empty and all its bytes satisfy `isDigit`.
    static func digits(after prefix: String, in bytes: [UInt8], where isDigit: (UInt8) -> Bool) -> Substring? {
        let prefixBytes = Array(prefix.utf8)
        guard bytes.count > prefixBytes.count, bytes.starts(with: prefixBytes) else { return nil }
        var index = prefixBytes.count
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        guard index == bytes.count else { return nil }
        return Substring(decoding: bytes[prefixBytes.count...], as: UTF8.self)
    }

    private static let zero = UInt8(ascii: "0")

    private static func signEnd(_ bytes: [UInt8], from start: Int = 0) -> Int {
        start < bytes.count && (bytes[start] == UInt8(ascii: "-") || bytes[start] == UInt8(ascii: "+")) ? start + 1 : start
    }

    /// The end of the decimal digits from `start`. (A plain loop: generic slice methods
    /// are slow in debug builds, where the tests run.)
    private static func digitsEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] &- zero < 10 { index += 1 }
        return index
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}

extension YAMLNode {
    /// The scalar, if this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The elements, if this node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let elements) = content { return elements }
        return nil
    }

    /// The entries, if this node is a mapping.
    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// Whether this is a null scalar (`~`, `null` or nothing at all).
    public var isNull: Bool { scalar?.value == .null }

    /// The value of `key`, if this node is a mapping holding it.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key == key }?.value
    }

    /// A short description of the node for error messages: `'abc'`, `the quoted string
    /// '0.01'`, `a list of 3 values`, `an empty list`, `a mapping` or `nothing`.
    public var summary: String {
        switch content {
        case .sequence(let elements):
            return elements.isEmpty ? "an empty list" : "a list of \(elements.count) values"
        case .mapping: return "a mapping"
        case .scalar(let scalar):
            if scalar.value == .null { return "nothing" }
            return scalar.isPlain ? "'\(scalar.text)'" : "the quoted string '\(scalar.text)'"
        }
    }

    /// This node with every node in it, keys included, placed at `location`; for values
    /// that come from the command line rather than a file.
    public func relocated(to location: SourceLocation) -> YAMLNode {
        switch content {
        case .scalar: return YAMLNode(content, at: location)
        case .sequence(let elements):
            return YAMLNode(.sequence(elements.map { $0.relocated(to: location) }), at: location)
        case .mapping(let pairs):
            let moved = pairs.map {
                YAMLPair(key: $0.key, keyLocation: location, value: $0.value.relocated(to: location))
            }
            return YAMLNode(.mapping(moved), at: location)
        }
    }

    /// This mapping with `value` at the dotted `path` (e.g. `["training", "seed"]`),
    /// replacing what was there and creating missing mappings on the way. A node on the
    /// way that is not a mapping is left alone, for the validator to report.
    public func setting(_ value: YAMLNode, at path: ArraySlice<String>) -> YAMLNode {
        guard let key = path.first else { return value }
        guard var pairs = mapping else { return self }
        if let index = pairs.firstIndex(where: { $0.key == key }) {
            pairs[index].value = pairs[index].value.setting(value, at: path.dropFirst())
        } else {
            let empty = YAMLNode(.mapping([]), at: value.location)
            let child = empty.setting(value, at: path.dropFirst())
            pairs.append(YAMLPair(key: key, keyLocation: value.location, value: child))
        }
        return YAMLNode(.mapping(pairs), at: location)
    }

    /// This mapping without the entry for `key`.
    public func removing(key: String) -> YAMLNode {
        guard let pairs = mapping else { return self }
        return YAMLNode(.mapping(pairs.filter { $0.key != key }), at: location)
    }
}
