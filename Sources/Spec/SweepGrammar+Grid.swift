import DeepNet
import FoundationEssentials
import Glibc
import Support

/// The grid forms of a sweep key: a list, or range, linspace and geomspace.
extension SweepGrammar {
    // MARK: Grid values

    /// The values of a grid key or a paired key: a non-empty list, or a range.
    mutating func gridValues(of node: YAMLNode, key: String, context: String) -> [YAMLNode]? {
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
    mutating func range(_ pairs: [YAMLPair], of node: YAMLNode, key: String, context: String) -> [YAMLNode]? {
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

    mutating func unknownGridForm(_ pairs: [YAMLPair], key: String, context: String) {
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
    mutating func integerRange(
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
    mutating func spacedRange(
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
}
