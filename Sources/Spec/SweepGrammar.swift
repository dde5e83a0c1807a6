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

    private(set) var axes: [SweepAxis] = []
    private(set) var diagnostics: [Diagnostic] = []
    /// Where each swept key was first written, to refuse a key swept twice.
    private var claimed: [String: SourceLocation] = [:]

    /// The axes of `sweep` (nil or null: none), in the order written.
    static func axes(of sweep: YAMLNode?, into diagnostics: inout [Diagnostic]) -> [SweepAxis] {
        guard let sweep, !sweep.isNull else { return [] }
        var grammar = SweepGrammar()
        grammar.read(sweep)
        diagnostics += grammar.diagnostics
        return grammar.axes
    }

    private mutating func read(_ sweep: YAMLNode) {
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
    private mutating func accept(_ pair: YAMLPair, context: String) -> Bool {
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
    private enum Numbers { case integers, numbers }

    /// From the schema's type column: `integer ...` keys take integers, `number ...` keys
    /// any number (integers included); other keys take names, lists or paths.
    private static func numbers(for key: String) -> Numbers? {
        guard let type = SpecSchema.key(key)?.type else { return nil }
        if type.hasPrefix("integer") { return .integers }
        if type.hasPrefix("number") { return .numbers }
        return nil
    }

    // MARK: Grid values

    /// The values of a grid key or a paired key: a non-empty list, or a range.
    private mutating func gridValues(of node: YAMLNode, key: String, context: String) -> [YAMLNode]? {
        if let values = node.sequence, !values.isEmpty { return values }
        if let pairs = node.mapping, !pairs.isEmpty { return range(pairs, of: node, key: key, context: context) }
        fail(
            "\(context): expected a non-empty list of values\(node.sequence == nil ? " or a range" : ""), "
                + "got \(node.summary)", at: node.location,
            key: context, hint: "write e.g. '\(key): [first, second]' or '\(key): {range: [1, 4]}'")
        return nil
    }

    /// The values of `{range: [start, stop], step: s}`, `{linspace: [a, b], num: n}` or
    /// `{geomspace: [a, b], num: n}`, as plain scalars located at the mapping.
    private mutating func range(_ pairs: [YAMLPair], of node: YAMLNode, key: String, context: String) -> [YAMLNode]? {
        let forms = pairs.filter { Self.gridForms.contains($0.key) }
        guard let form = forms.first else {
            unknownGridForm(pairs, key: key, context: context)
            return nil
        }
        if forms.count > 1 {
            fail(
                "\(context): a range is one of range, linspace or geomspace, not both \(form.key) and \(forms[1].key)",
                at: forms[1].keyLocation, key: context, hint: "keep one of them")
            return nil
        }
        let fields = form.key == "range" ? ["step"] : ["num"]
        var valid = true
        for pair in pairs where pair.key != form.key && !fields.contains(pair.key) {
            fail(
                "unknown key '\(pair.key)' in \(context)'s \(form.key)", at: pair.keyLocation, key: context,
                hint: "\(form.key) takes [start, stop] and \(fields[0]), e.g. \(Self.example(form.key))")
            valid = false
        }
        guard let numbers = Self.numbers(for: key) else {
            fail(
                "\(context): \(form.key) gives numbers, but \(key) takes \(SpecSchema.key(key)?.type ?? "other values")",
                at: node.location, key: context, hint: "list its values instead: '\(key): [first, second]'")
            return nil
        }
        if numbers == .integers, form.key != "range" {
            fail(
                "\(context): \(key) takes integers, but \(form.key) gives fractional numbers", at: form.keyLocation,
                key: context, hint: "count with range and a step instead, e.g. {range: [1000, 5001], step: 1000}")
            return nil
        }
        guard let ends = form.value.sequence, ends.count == 2 else {
            fail(
                "\(context).\(form.key): expected [start, stop], got \(form.value.summary)", at: form.value.location,
                key: context, hint: "write e.g. \(Self.example(form.key))")
            return nil
        }
        let field = pairs.first { $0.key == fields[0] }?.value
        guard valid else { return nil }
        if form.key == "range" {
            return integerRange(ends, step: field, at: node.location, context: context)
        }
        return spacedRange(form.key, ends, num: field, at: node.location, context: context)
    }

    private mutating func unknownGridForm(_ pairs: [YAMLPair], key: String, context: String) {
        let written = pairs[0]
        if let distribution = pairs.first(where: { Self.distributions.contains($0.key) }) {
            fail(
                "\(context): \(distribution.key) draws random values, so it belongs in sweep.random",
                at: distribution.keyLocation, key: context,
                hint: "write it under 'random: {count: 20, seed: 0, \(key): {\(distribution.key): ...}}' in sweep, "
                    + "or use a grid range: linspace, geomspace or range")
        } else if let logspace = pairs.first(where: { $0.key == "logspace" }) {
            fail(
                "\(context): there is no logspace; use geomspace, whose endpoints are the values themselves",
                at: logspace.keyLocation, key: context,
                hint: "write e.g. {geomspace: [1e-4, 1e-1], num: 7}, as numpy.geomspace (numpy.logspace's endpoints "
                    + "are exponents, a common source of mistakes)")
        } else {
            fail(
                "unknown range '\(written.key)' in \(context)", at: written.keyLocation, key: context,
                hint: Suggestion.nearest(to: written.key, among: Self.gridForms).map { "did you mean '\($0)'?" }
                    ?? "write a list [a, b] or one of \(Self.gridForms.map(Self.example).joined(separator: ", "))")
        }
    }

    static func example(_ form: String) -> String {
        switch form {
        case "range": return "{range: [1, 11]}"
        case "linspace": return "{linspace: [0.001, 0.01], num: 10}"
        case "geomspace": return "{geomspace: [1e-4, 1e-1], num: 7}"
        case "uniform": return "{uniform: [0.001, 0.01]}"
        case "loguniform": return "{loguniform: [1e-4, 1e-1]}"
        case "randint": return "{randint: [1, 1000]}"
        default: return "{choice: [relu, tanh]}"
        }
    }

    /// Python's `range(start, stop, step)`: the stop excluded, the step 1 unless given.
    private mutating func integerRange(
        _ ends: [YAMLNode], step stepNode: YAMLNode?, at location: SourceLocation, context: String
    ) -> [YAMLNode]? {
        let start = integer(ends[0], context: "\(context).range")
        let stop = integer(ends[1], context: "\(context).range")
        var step = 1
        if let stepNode {
            guard let given = integer(stepNode, context: "\(context).step"), given != 0 else {
                if case .int(0)? = stepNode.scalar?.value {
                    fail(
                        "\(context).step: the step is 0, so the range would never end", at: stepNode.location,
                        key: context, hint: "write a step of 1 or more to count up, -1 or less to count down")
                }
                return nil
            }
            step = given
        }
        guard let start, let stop else { return nil }
        // The distance as an unsigned magnitude never overflows, whatever the ends.
        let ascending = step > 0
        let distance =
            ascending
            ? (stop > start ? UInt(bitPattern: stop &- start) : 0) : (start > stop ? UInt(bitPattern: start &- stop) : 0)
        guard distance > 0 else {
            let fix =
                ascending
                ? "the stop is excluded, as in Python's range: write e.g. {range: [\(start), \(start &+ 1)]} for the one value \(start)"
                : "counting down (a negative step) needs a stop less than the start"
            fail(
                "\(context): the range from \(start) to \(stop) with step \(step) is empty", at: location, key: context,
                hint: fix)
            return nil
        }
        let count = (distance - 1) / step.magnitude + 1
        guard count <= UInt(SpecLoader.maxPoints) else {
            fail(
                "\(context): the range has \(count) values; a sweep has at most \(SpecLoader.maxPoints) points",
                at: location, key: context, hint: "use a larger step or a shorter range")
            return nil
        }
        return (0..<Int(count)).map { index in Self.scalar("\(start &+ index &* step)", at: location) }
    }

    /// numpy's `linspace(a, b, num)` or `geomspace(a, b, num)`: `num` values, both ends
    /// included, computed as numpy computes them.
    private mutating func spacedRange(
        _ form: String, _ ends: [YAMLNode], num numNode: YAMLNode?, at location: SourceLocation, context: String
    ) -> [YAMLNode]? {
        let start = number(ends[0], context: "\(context).\(form)")
        let stop = number(ends[1], context: "\(context).\(form)")
        guard let numNode else {
            fail(
                "\(context): \(form) needs num, how many values to give (the endpoints included)", at: location,
                key: context, hint: "write e.g. \(Self.example(form))")
            return nil
        }
        guard case .int(let num)? = numNode.scalar?.value, (1...SpecLoader.maxPoints).contains(num) else {
            fail(
                "\(context).num: expected an integer from 1 to \(SpecLoader.maxPoints), got \(numNode.summary)",
                at: numNode.location, key: context,
                hint: "num is how many values \(form) gives, the endpoints included, as in numpy.\(form)")
            return nil
        }
        guard let start, let stop else { return nil }
        if form == "geomspace" {
            var positive = true
            for (end, value) in zip(ends, [start, stop]) where value <= 0 {
                fail(
                    "\(context).geomspace: expected endpoints greater than 0, got \(end.summary): a geometric "
                        + "sequence cannot reach or cross 0", at: end.location, key: context,
                    hint: "for a range through 0 use linspace; for learning rates e.g. {geomspace: [1e-4, 1e-1], num: 7}")
                positive = false
            }
            guard positive else { return nil }
        }
        if num > 1, start == stop {
            fail(
                "\(context): \(form) from \(start) to \(start) gives the same value \(num) times", at: location,
                key: context, hint: "make the endpoints differ, or list the one value: [\(start)]")
            return nil
        }
        let values =
            form == "linspace"
            ? Self.linspace(start, stop, num)
            : Self.linspace(log10(start), log10(stop), num).map { pow(10, $0) }
        return values.enumerated().map { index, value in
            // numpy.geomspace sets both ends to the values given, as linspace does.
            let exact = index == 0 ? start : index == num - 1 ? stop : value
            return Self.scalar("\(exact)", at: location)
        }
    }

    /// `numpy.linspace(start, stop, num)` bit for bit: `i * step + start` with
    /// `step = (stop - start) / (num - 1)`, the last value `stop`.
    static func linspace(_ start: Double, _ stop: Double, _ num: Int) -> [Double] {
        guard num > 1 else { return num == 1 ? [start] : [] }
        let delta = stop - start
        let divisions = Double(num - 1)
        let step = delta / divisions
        var values = (0..<num).map { index in
            step == 0 ? Double(index) / divisions * delta + start : Double(index) * step + start
        }
        values[num - 1] = stop
        return values
    }

    // MARK: Paired

    /// `paired: {key: values, ...}` (one group) or a list of such mappings (one axis each).
    private mutating func paired(_ pair: YAMLPair) {
        let node = pair.value
        let groups: [YAMLNode]
        if node.mapping != nil {
            groups = [node]
        } else if let list = node.sequence, !list.isEmpty, list.allSatisfy({ $0.mapping != nil }) {
            groups = list
        } else {
            return fail(
                "sweep.paired: expected a mapping of keys that vary together, each to a list of the same length, "
                    + "got \(node.summary)", at: node.location, key: "sweep.paired",
                hint: "write e.g. 'paired: {model.layer_dims: [[12288, 20, 1], [12288, 7, 1]], "
                    + "training.learning_rate: [0.0075, 0.01]}'")
        }
        for group in groups { pairedGroup(group) }
    }

    private mutating func pairedGroup(_ group: YAMLNode) {
        let pairs = group.mapping ?? []
        guard !pairs.isEmpty else {
            return fail(
                "sweep.paired: the group has no keys", at: group.location, key: "sweep.paired",
                hint: "list the keys that vary together, each with its values")
        }
        var columns: [(key: String, values: [YAMLNode], node: YAMLNode)] = []
        var valid = true
        for pair in pairs {
            guard accept(pair, context: "sweep.paired"),
                let values = gridValues(of: pair.value, key: pair.key, context: "sweep.paired.\(pair.key)")
            else {
                valid = false
                continue
            }
            columns.append((pair.key, values, pair.value))
        }
        guard valid, let first = columns.first else { return }
        for column in columns.dropFirst() where column.values.count != first.values.count {
            let shorter = column.values.count < first.values.count ? column : first
            fail(
                "sweep.paired: \(first.key) has \(first.values.count) values but \(column.key) has "
                    + "\(column.values.count); keys that vary together need as many values each",
                at: shorter.node.location, key: "sweep.paired",
                hint: "add or remove values so that the lists have the same length, or sweep the keys as a grid "
                    + "(outside paired) to run every combination")
            valid = false
        }
        guard valid else { return }
        let rows = (0..<first.values.count).map { index in columns.map { $0.values[index] } }
        axes.append(
            SweepAxis(kind: .paired, keys: columns.map(\.key), rows: rows, rowLocations: first.values.map(\.location)))
    }

    // MARK: Random

    private enum Distribution {
        case uniform(Double, Double)
        case loguniform(Double, Double)
        case randint(Int, Int)
        case choice([YAMLNode])
    }

    /// `random: {count: N, seed: S, key: distribution, ...}`: N points, drawn one after
    /// the other from one `NumpyRandom(seed: S)` stream, each point's keys in the order
    /// written; so a larger N keeps the first points.
    private mutating func random(_ pair: YAMLPair) {
        let node = pair.value
        let example = "'random: {count: 20, seed: 0, training.learning_rate: {loguniform: [1e-4, 1e-1]}}'"
        guard let pairs = node.mapping else {
            return fail(
                "sweep.random: expected a mapping of count, seed and a distribution per key, got \(node.summary)",
                at: node.location, key: "sweep.random", hint: "write e.g. \(example)")
        }
        var count: Int?
        var seed: UInt32 = 0
        var draws: [(key: String, distribution: Distribution, node: YAMLNode)] = []
        var valid = true
        for entry in pairs {
            switch entry.key {
            case "count":
                if case .int(let n)? = entry.value.scalar?.value, (1...SpecLoader.maxPoints).contains(n) {
                    count = n
                } else {
                    fail(
                        "sweep.random.count: expected an integer from 1 to \(SpecLoader.maxPoints), got "
                            + "\(entry.value.summary)", at: entry.value.location, key: "sweep.random.count",
                        hint: "count is how many points to draw; a sweep has at most \(SpecLoader.maxPoints)")
                    valid = false
                }
            case "seed":
                if case .int(let n)? = entry.value.scalar?.value, (0...Int(UInt32.max)).contains(n) {
                    seed = UInt32(n)
                } else {
                    fail(
                        "sweep.random.seed: expected an integer from 0 to \(UInt32.max), got \(entry.value.summary)",
                        at: entry.value.location, key: "sweep.random.seed",
                        hint: "the seed of the draws (np.random.seed); the same seed draws the same points")
                    valid = false
                }
            case let key where !key.contains("."):
                fail(
                    "unknown key '\(key)' in sweep.random", at: entry.keyLocation, key: "sweep.random",
                    hint: Suggestion.nearest(to: key, among: ["count", "seed"]).map { "did you mean '\($0)'?" }
                        ?? "sweep.random holds count, seed, and dotted keys with their distributions")
                valid = false
            default:
                guard accept(entry, context: "sweep.random"), let distribution = distribution(entry) else {
                    valid = false
                    continue
                }
                draws.append((entry.key, distribution, entry.value))
            }
        }
        if pairs.first(where: { $0.key == "count" }) == nil {
            fail(
                "sweep.random: missing count, how many points to draw", at: node.location, key: "sweep.random",
                hint: "write e.g. \(example)")
            valid = false
        }
        if draws.isEmpty, valid {
            fail(
                "sweep.random: no key to draw", at: node.location, key: "sweep.random",
                hint: "add a dotted key and its distribution, e.g. training.learning_rate: {loguniform: [1e-4, 1e-1]}")
            valid = false
        }
        guard valid, let count else { return }
        var generator = NumpyRandom(seed: seed)
        let rows = (0..<count).map { _ in
            draws.map { draw in Self.draw(draw.distribution, at: draw.node.location, from: &generator) }
        }
        axes.append(
            SweepAxis(
                kind: .random, keys: draws.map(\.key), rows: rows,
                rowLocations: Array(repeating: node.location, count: count)))
    }

    private mutating func distribution(_ entry: YAMLPair) -> Distribution? {
        let key = entry.key
        let context = "sweep.random.\(key)"
        let names = Self.distributions.map(Self.example).joined(separator: ", ")
        guard let pairs = entry.value.mapping, let first = pairs.first else {
            fail(
                "\(context): expected a distribution, got \(entry.value.summary)", at: entry.value.location,
                key: context, hint: "write one of \(names)")
            return nil
        }
        let (name, arguments) = (first.key, first.value)
        guard Self.distributions.contains(name) else {
            let hint: String
            if Self.gridForms.contains(name) {
                hint = "\(name) is a grid range: sweep \(key) outside random, or draw it with one of \(names)"
            } else {
                hint =
                    Suggestion.nearest(to: name, among: Self.distributions).map { "did you mean '\($0)'?" }
                    ?? "expected one of \(names)"
            }
            fail("unknown distribution '\(name)' in \(context)", at: first.keyLocation, key: context, hint: hint)
            return nil
        }
        if pairs.count > 1 {
            fail(
                "\(context): a distribution has one key, got \(first.key) and \(pairs[1].key)",
                at: pairs[1].keyLocation, key: context, hint: "write e.g. \(Self.example(name))")
            return nil
        }
        if name == "choice" {
            guard let values = arguments.sequence, !values.isEmpty else {
                fail(
                    "\(context).choice: expected a non-empty list of values, got \(arguments.summary)",
                    at: arguments.location, key: context, hint: "write e.g. \(Self.example("choice"))")
                return nil
            }
            return .choice(values)
        }
        guard let numbers = Self.numbers(for: key) else {
            fail(
                "\(context): \(name) draws numbers, but \(key) takes \(SpecSchema.key(key)?.type ?? "other values")",
                at: first.keyLocation, key: context, hint: "draw its values with {choice: [first, second]}")
            return nil
        }
        if numbers == .integers, name != "randint" {
            fail(
                "\(context): \(key) takes integers, but \(name) draws fractional numbers", at: first.keyLocation,
                key: context, hint: "draw integers with {randint: [low, high]} (high excluded, as numpy.random.randint)")
            return nil
        }
        guard let bounds = arguments.sequence, bounds.count == 2 else {
            fail(
                "\(context).\(name): expected [low, high], got \(arguments.summary)", at: arguments.location,
                key: context, hint: "write e.g. \(Self.example(name))")
            return nil
        }
        if name == "randint" {
            guard let low = integer(bounds[0], context: "\(context).randint"),
                let high = integer(bounds[1], context: "\(context).randint")
            else { return nil }
            guard low < high else {
                fail(
                    "\(context).randint: the interval from \(low) up to \(high) is empty", at: arguments.location,
                    key: context,
                    hint: "high is excluded, as in numpy.random.randint: write e.g. [\(low), \(low &+ 10)]")
                return nil
            }
            return .randint(low, high)
        }
        guard let low = number(bounds[0], context: "\(context).\(name)"),
            let high = number(bounds[1], context: "\(context).\(name)")
        else { return nil }
        if name == "loguniform" {
            var positive = true
            for (bound, value) in zip(bounds, [low, high]) where value <= 0 {
                fail(
                    "\(context).loguniform: expected bounds greater than 0, got \(bound.summary): the logarithm "
                        + "is drawn uniformly", at: bound.location, key: context,
                    hint: "for a range through 0 use uniform; e.g. \(Self.example("loguniform"))")
                positive = false
            }
            guard positive else { return nil }
        }
        guard low < high else {
            fail(
                "\(context).\(name): expected low < high, got [\(low), \(high)]", at: arguments.location, key: context,
                hint: "write the smaller bound first, e.g. \(Self.example(name))")
            return nil
        }
        return name == "uniform" ? .uniform(low, high) : .loguniform(low, high)
    }

    /// One draw, as numpy's legacy generator after `np.random.seed(seed)` would:
    /// `uniform(low, high)`, `math.exp(uniform(math.log(low), math.log(high)))`,
    /// `randint(low, high)`, and `values[randint(len(values))]` for a choice.
    private static func draw(
        _ distribution: Distribution, at location: SourceLocation, from generator: inout NumpyRandom
    ) -> YAMLNode {
        switch distribution {
        case .uniform(let low, let high):
            return scalar("\(low + (high - low) * generator.nextDouble())", at: location)
        case .loguniform(let low, let high):
            let (a, b) = (log(low), log(high))
            return scalar("\(exp(a + (b - a) * generator.nextDouble()))", at: location)
        case .randint(let low, let high):
            return scalar("\(generator.randint(low, high))", at: location)
        case .choice(let values):
            return values[generator.randint(0, values.count)]
        }
    }

    // MARK: Scalars

    private static func scalar(_ text: String, at location: SourceLocation) -> YAMLNode {
        YAMLNode(.scalar(YAMLScalar(text, isPlain: true)), at: location)
    }

    private mutating func integer(_ node: YAMLNode, context: String) -> Int? {
        if case .int(let value)? = node.scalar?.value { return value }
        fail("\(context): expected an integer, got \(node.summary)", at: node.location, key: context, hint: nil)
        return nil
    }

    private mutating func number(_ node: YAMLNode, context: String) -> Double? {
        switch node.scalar?.value {
        case .int(let value)?: return Double(value)
        case .float(let value)? where value.isFinite: return value
        default:
            fail("\(context): expected a finite number, got \(node.summary)", at: node.location, key: context, hint: nil)
            return nil
        }
    }

    private mutating func fail(_ message: String, at location: SourceLocation, key: String, hint: String?) {
        diagnostics.append(Diagnostic(message, at: location, key: key, hint: hint))
    }
}

extension NumpyRandom {
    /// `np.random.randint(low, high)` of numpy's legacy generator: `high` excluded, drawn
    /// by masked rejection from 32-bit outputs (64-bit ones for ranges over 2^32).
    mutating func randint(_ low: Int, _ high: Int) -> Int {
        let range = UInt64(bitPattern: Int64(high &- low &- 1))
        guard range > 0 else { return low }
        var mask = range
        for shift in [1, 2, 4, 8, 16, 32] as [UInt64] { mask |= mask >> shift }
        var value: UInt64
        if range <= 0xFFFF_FFFF {
            repeat { value = UInt64(nextUInt32()) & mask } while value > range
        } else {
            repeat {
                let high = UInt64(nextUInt32())
                value = (high << 32 | UInt64(nextUInt32())) & mask
            } while value > range
        }
        return low &+ Int(bitPattern: UInt(value))
    }
}
