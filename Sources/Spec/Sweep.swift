import Support
import Data

/// What a spec asks to run: every point of its sweep, each validated, in a stable order.
///
/// A spec with no sweep and no override has one point with no assignments, whose results
/// go in `results/<name>/default/`; otherwise each point has a folder of its own inside `results/<name>/`.
public struct Sweep: Equatable, Sendable {
    public static func == (lhs: Sweep, rhs: Sweep) -> Bool { lhs.points == rhs.points }

    /// The points in the sweep's order: the product of its axes (a grid key, a paired
    /// group, the random block) in the order written, the last varying fastest; within an
    /// axis, its values in the order written, generated or drawn. Never empty.
    public var points: [SweepPoint]
    /// What validation noticed without refusing the spec: keys ignored for some points
    /// (`SpecLoader.applicability(of:)`); `validate` and a run print them.
    public var notes: [Diagnostic] = []

    public init(points: [SweepPoint]) {
        precondition(!points.isEmpty, "a plan has at least one point")
        self.points = points
    }

    /// The spec with overrides applied and every swept key at its first value: the first
    /// point's. All points share its `name` and `specPath`.
    public var base: ExperimentSpec { points[0].spec }

    /// The keys points assign (swept and overridden), sorted: the columns a summary adds.
    public var assignedKeys: [String] { points[0].assignments.map(\.key) }
}

/// One run of a plan: its spec and the keys that set it apart.
public struct SweepPoint: Equatable, Sendable {
    /// The swept and overridden keys with this point's values, sorted by key.
    public var assignments: [Assignment]
    public var spec: ExperimentSpec
    /// The folder inside `results/<name>/`, e.g. `training.learning_rate=0.01,training.seed=2`;
    /// nil when there are no assignments (the run uses `results/<name>/default/`).
    public var folderName: String?

    public init(assignments: [Assignment], spec: ExperimentSpec) {
        self.assignments = assignments
        self.spec = spec
        self.folderName = Self.folderName(for: assignments)
    }
}

/// A dotted key and its value as a folder name prints it.
///
/// Values are canonical, so equal values give equal folders however they were written:
/// integers as digits; `Double`s as Swift's shortest round-trip `description` (`0.0075`,
/// `1e-05`, `255.0`); names as written (`relu`, `auto`); `layer_dims` joined by `x`
/// (`12288x20x1`); `init` as its scheme, with its scale for scaled (`scaled-0.01`); data
/// splits as their path was written.
public struct Assignment: Equatable, Hashable, Sendable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

extension SweepPoint {
    /// Folder names are capped at this many bytes, well under the 255 of common file systems.
    public static let maxFolderNameBytes = 200

    /// `key=value` pairs joined by `,`, values percent-encoded outside `[A-Za-z0-9._+-]`
    /// (so `/` is `%2F` and a name never escapes its folder); nil for no assignments.
    /// A name over `maxFolderNameBytes` is cut and ends in `-` and 16 hex digits of the
    /// SHA-256 of the whole name, so it stays unique.
    static func folderName(for assignments: [Assignment]) -> String? {
        guard !assignments.isEmpty else { return nil }
        let full = assignments.map { "\($0.key)=\(percentEncoded($0.value))" }.joined(separator: ",")
        guard full.utf8.count > maxFolderNameBytes else { return full }
        let suffix = "-" + SHA256.hex(of: full).prefix(16)
        var prefix = Array(full.utf8.prefix(maxFolderNameBytes - suffix.utf8.count))
        if let percent = prefix.suffix(2).lastIndex(of: UInt8(ascii: "%")) {
            prefix.removeSubrange(percent...)  // never cut an escape in half
        }
        return String(decoding: prefix, as: UTF8.self) + suffix
    }

    private static func percentEncoded(_ value: String) -> String {
        var encoded = ""
        for byte in value.utf8 {
            let scalar = Unicode.Scalar(byte)
            let isSafe = ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar)
                || ("A"..."Z").contains(scalar) || "._+-".unicodeScalars.contains(scalar)
            if isSafe {
                encoded.unicodeScalars.append(scalar)
            } else {
                encoded += "%" + String(byte >> 4, radix: 16, uppercase: true)
                    + String(byte & 15, radix: 16, uppercase: true)
            }
        }
        return encoded
    }
}

extension ExperimentSpec {
    /// The canonical text of an assignable key's value (see `Assignment`); `written` is
    /// the node the value came from. Data splits print as written, so folder names never
    /// hold the absolute paths they resolve to.
    func canonicalValue(of key: String, written: YAMLNode?) -> String {
        guard let entry = SpecSchema.key(key), !entry.namesFoldersAsWritten else {
            return written.map(Self.writtenText) ?? "null"
        }
        return entry.canonical(self) ?? "null"
    }

    /// The canonical text of every key of `data`, `model` and `training` with a value, by
    /// dotted key: what compare shows of a run (`name` and `description` only label it).
    /// Data splits are their absolute path, with their options after `+`.
    public var canonicalValues: [String: String] {
        Dictionary(
            uniqueKeysWithValues: SpecSchema.keys.filter(\.isAssignable).compactMap { key in
                key.canonical(self).map { (key.key, $0) }
            })
    }

    /// A node as written: a scalar's text (`null` for nothing), a list's elements joined
    /// by `x`, a mapping's values joined by `+`.
    private static func writtenText(of node: YAMLNode) -> String {
        switch node.content {
        case .scalar(let scalar): return scalar.value == .null ? "null" : scalar.text
        case .sequence(let elements): return elements.map(writtenText).joined(separator: "x")
        case .mapping(let pairs): return pairs.map { writtenText(of: $0.value) }.joined(separator: "+")
        }
    }
}
