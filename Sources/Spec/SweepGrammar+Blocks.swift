import DeepNet
import FoundationEssentials
import Glibc
import Support

/// The `paired` and `random` blocks of a sweep.
extension SweepGrammar {
    // MARK: Paired

    /// `paired: {key: values, ...}` (one group) or a list of such mappings (one axis each).
    mutating func paired(_ pair: YAMLPair) {
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

    mutating func pairedGroup(_ group: YAMLNode) {
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

    enum Distribution {
        case uniform(Double, Double)
        case loguniform(Double, Double)
        case randint(Int, Int)
        case choice([YAMLNode])
    }

    /// `random: {count: N, seed: S, key: distribution, ...}`: N points, drawn one after
    /// the other from one `NumpyRandom(seed: S)` stream, each point's keys in the order
    /// written; so a larger N keeps the first points.
    mutating func random(_ pair: YAMLPair) {
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

    mutating func distribution(_ entry: YAMLPair) -> Distribution? {
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
    static func draw(
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
