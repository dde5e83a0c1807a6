import DeepNet
import FoundationEssentials
import Glibc
import Support

/// One axis of a sweep: keys that take their values together, one row per position.
///
/// A grid key (a list or a range) is an axis of one key, a `paired` group an axis of its
/// keys, the `random` block an axis of its keys with one row per drawn point. The sweep
/// is the product of its axes, in the order written, the last varying fastest.
struct SweepAxis {
    enum Kind { case list, range, paired, random }
    var kind: Kind
    var keys: [String]
    /// `rows[i][j]` is `keys[j]`'s value at position `i`.
    var rows: [[YAMLNode]]
    /// Where position `i` was written: a list's element, the element of a paired
    /// group's first key, a range's or the random block's mapping.
    var rowLocations: [SourceLocation]

    var count: Int { rows.count }

    /// The axis without `key` (which `--set` gives one value), nil when no key is left.
    /// A random block keeps its other keys' draws: every key is drawn before any is removed.
    func removing(key: String) -> SweepAxis? {
        guard let column = keys.firstIndex(of: key) else { return self }
        guard keys.count > 1 else { return nil }
        var axis = self
        axis.keys.remove(at: column)
        axis.rows = rows.map { row in
            var row = row
            row.remove(at: column)
            return row
        }
        return axis
    }

    /// Only the first position: what is validated of a sweep too large to expand.
    var first: SweepAxis {
        SweepAxis(kind: kind, keys: keys, rows: [rows[0]], rowLocations: [rowLocations[0]])
    }

    /// The problem of position `index` repeating position `first`, whose canonical values
    /// of `keys` are `values`: two points would share one folder.
    /// A random block reports its first repeat and how many there are (`repeats`).
    func duplicate(_ index: Int, of first: Int, values: [String], repeats: Int = 1) -> Diagnostic {
        let pairs = zip(keys, values).map { "\($0)=\($1)" }.joined(separator: ", ")
        switch kind {
        case .list:
            return Diagnostic(
                "sweep.\(keys[0]): the value \(values[0]) is listed twice (first at \(rowLocations[first]))",
                at: rowLocations[index], key: "sweep.\(keys[0])", hint: "remove one of them")
        case .range:
            return Diagnostic(
                "sweep.\(keys[0]): the range gives the value \(values[0]) twice (positions \(first + 1) and \(index + 1))",
                at: rowLocations[index], key: "sweep.\(keys[0])",
                hint: "ask for fewer values (num), or endpoints further apart")
        case .paired:
            return Diagnostic(
                "sweep.paired: position \(index + 1) (\(pairs)) repeats position \(first + 1) (first at \(rowLocations[first]))",
                at: rowLocations[index], key: "sweep.paired", hint: "remove one of them from every list of the group")
        case .random:
            return Diagnostic(
                "sweep.random: point \(index + 1) draws the same values as point \(first + 1) (\(pairs))"
                    + (repeats > 1 ? "; \(repeats) points in all repeat earlier ones" : ""),
                at: rowLocations[index], key: "sweep.random",
                hint: "draw fewer points, widen the distributions, or sweep these keys as a grid")
        }
    }
}

/// Reads `sweep:` into axes; see the README's Sweeps section for the grammar.
///
///     sweep:
///       training.seed: [1, 2, 3]                              # a list: a grid axis
///       training.learning_rate: {geomspace: [1e-4, 1e-1], num: 7}   # a range: a grid axis
///       paired: {model.layer_dims: [...], training.learning_rate: [...]}   # one axis
///       random: {count: 20, seed: 0, training.learning_rate: {loguniform: [1e-4, 1e-1]}}
///
/// Every form is named after the Python or numpy function it equals and means what it
/// means there: `range` (stop excluded), `linspace`, `geomspace` (endpoints included, and
/// values, not exponents), and numpy's legacy `uniform`, `randint` (high excluded),
/// `choice`, with `loguniform` as scipy's. Problems are collected, never thrown, each at
/// the place that causes it.
struct SweepGrammar {
    static let gridForms = ["range", "linspace", "geomspace"]
    static let distributions = ["uniform", "loguniform", "randint", "choice"]
    static let blocks = ["paired", "random"]

    var axes: [SweepAxis] = []
    var diagnostics: [Diagnostic] = []
    /// Where each swept key was first written, to refuse a key swept twice.
    var claimed: [String: SourceLocation] = [:]

    /// The axes of `sweep` (nil or null: none), in the order written.
    static func axes(of sweep: YAMLNode?, into diagnostics: inout [Diagnostic]) -> [SweepAxis] {
        guard let sweep, !sweep.isNull else { return [] }
        var grammar = SweepGrammar()
        grammar.read(sweep)
        diagnostics += grammar.diagnostics
        return grammar.axes
    }

    mutating func read(_ sweep: YAMLNode) {
        guard let pairs = sweep.mapping else {
            return fail(
                "sweep: expected a mapping of dotted keys to lists of values or ranges (and paired, random), "
                    + "got \(sweep.summary)", at: sweep.location, key: "sweep", hint: SpecSchema.exampleHint(for: "sweep"))
        }
        for pair in pairs {
            switch pair.key {
            case "paired": paired(pair)
            case "random": random(pair)
            default:
                guard accept(pair, context: "sweep") else { continue }
                guard let values = gridValues(of: pair.value, key: pair.key, context: "sweep.\(pair.key)") else {
                    continue
                }
                let kind: SweepAxis.Kind = pair.value.sequence != nil ? .list : .range
                axes.append(
                    SweepAxis(
                        kind: kind, keys: [pair.key], rows: values.map { [$0] },
                        rowLocations: values.map(\.location)))
            }
        }
    }

    // MARK: Keys

    /// Whether `pair.key` is a key a sweep may assign and not swept already; reports why not.
    mutating func accept(_ pair: YAMLPair, context: String) -> Bool {
        let key = pair.key
        guard SpecSchema.assignableKeys.contains(key) else {
            if context == "sweep", !key.contains("."), let block = Suggestion.nearest(to: key, among: Self.blocks) {
                fail("unknown key '\(key)' for sweep", at: pair.keyLocation, key: key, hint: "did you mean '\(block)'?")
            } else {
                diagnostics.append(SpecLoader.unknownAssignableKey(key, at: pair.keyLocation, context: context))
            }
            return false
        }
        if let first = claimed[key] {
            fail(
                "\(context): \(key) is swept twice (first at \(first))", at: pair.keyLocation, key: "sweep.\(key)",
                hint: "sweep each key in one place: as a grid key, in one paired group, or in random")
            return false
        }
        claimed[key] = pair.keyLocation
        return true
    }

    /// What a range or a distribution can give `key`: integers, numbers, or neither.
    enum Numbers { case integers, numbers }

    /// From the schema's type column: `integer ...` keys take integers, `number ...` keys
    /// any number (integers included); other keys take names, lists or paths.
    static func numbers(for key: String) -> Numbers? {
        guard let type = SpecSchema.key(key)?.type else { return nil }
        if type.hasPrefix("integer") { return .integers }
        if type.hasPrefix("number") { return .numbers }
        return nil
    }

    // MARK: Scalars

    static func scalar(_ text: String, at location: SourceLocation) -> YAMLNode {
        YAMLNode(.scalar(YAMLScalar(text, isPlain: true)), at: location)
    }

    mutating func integer(_ node: YAMLNode, context: String) -> Int? {
        if case .int(let value)? = node.scalar?.value { return value }
        fail("\(context): expected an integer, got \(node.summary)", at: node.location, key: context, hint: nil)
        return nil
    }

    mutating func number(_ node: YAMLNode, context: String) -> Double? {
        switch node.scalar?.value {
        case .int(let value)?: return Double(value)
        case .float(let value)? where value.isFinite: return value
        default:
            fail("\(context): expected a finite number, got \(node.summary)", at: node.location, key: context, hint: nil)
            return nil
        }
    }

    mutating func fail(_ message: String, at location: SourceLocation, key: String, hint: String?) {
        diagnostics.append(Diagnostic(message, at: location, key: key, hint: hint))
    }
}
