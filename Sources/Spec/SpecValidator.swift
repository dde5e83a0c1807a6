import Support
import Data

/// Turns a spec's YAML tree (sweep removed, one value per key) into an `ExperimentSpec`,
/// collecting every problem rather than stopping at the first.
///
/// The keys, their types and defaults come from `SpecSchema.keys`: this walks the
/// sections in table order and lets each key read its node. Each problem names where the
/// value was written, its dotted key, what was expected and how to fix it.
final class SpecValidator {
    /// The absolute path of the spec file; relative data paths in it start at its folder.
    let specPath: String
    /// Where relative data paths given on the command line start.
    let workingDirectory: String
    /// Whether data files must exist; false to read a run's `spec.yaml` for its values.
    let checksDataFiles: Bool
    var diagnostics: [Diagnostic] = []
    private var locations: [String: SourceLocation] = [:]
    /// Keys suggested for typos; their absence is not reported again as missing.
    private var suggestedKeys: Set<String> = []

    init(specPath: String, workingDirectory: String, checksDataFiles: Bool = true) {
        self.specPath = specPath
        self.workingDirectory = workingDirectory
        self.checksDataFiles = checksDataFiles
    }

    /// The spec `root` describes, or nil when `diagnostics` says why not.
    func spec(from root: YAMLNode) -> ExperimentSpec? {
        locations = [:]
        suggestedKeys = []
        let errorsBefore = diagnostics.count
        guard let top = entries(of: root, key: "", allowed: SpecSchema.names(in: "")) else { return nil }
        var spec = ExperimentSpec(specPath: specPath)
        for section in SpecSchema.sections {
            var parent = root
            var fields = top
            if !section.isEmpty {
                guard let node = required(section, in: top, of: root, key: ""),
                    let sectionFields = entries(of: node, key: section, allowed: SpecSchema.names(in: section))
                else { continue }
                (parent, fields) = (node, sectionFields)
            }
            for key in SpecSchema.keys where key.section == section {
                let node =
                    key.isRequired
                    ? required(key.name, in: fields, of: parent, key: section) : optional(key.name, in: fields)
                key.read(self, node, &spec)
            }
        }
        guard diagnostics.count == errorsBefore else { return nil }
        checkTechniques(spec)
        guard diagnostics.count == errorsBefore else { return nil }
        spec.locations = locations
        return spec
    }

    /// What no single key can tell: the dual engine has no Adam, and every pass's shuffle
    /// seed (shuffle_seed + pass) must be one `np.random.seed` takes.
    private func checkTechniques(_ spec: ExperimentSpec) {
        if spec.engine == .dual, spec.optimizer == .adam {
            diagnostics.append(Diagnostic(
                "training.engine: the dual engine cannot train with adam (Adam's per-element step leaves "
                    + "the span of X that the dual form keeps W_1 in)",
                at: locations["training.engine"] ?? locations["training.optimizer"], key: "training.engine",
                hint: "write 'engine: primal' or 'engine: auto' (which never picks dual for adam), or use gd or momentum"))
        }
        if spec.miniBatchSize != nil, Int(spec.shuffleSeed) + spec.iterations > Int(UInt32.max) {
            diagnostics.append(Diagnostic(
                "training.shuffle_seed: pass e shuffles after np.random.seed(shuffle_seed + e), and "
                    + "\(spec.shuffleSeed) + \(spec.iterations) is above \(UInt32.max)",
                at: locations["training.shuffle_seed"], key: "training.shuffle_seed",
                hint: "use a shuffle_seed of at most \(Int(UInt32.max) - spec.iterations)"))
        }
    }

    // MARK: Mappings and keys

    /// The entries of a mapping by key, after reporting every key not in `allowed`; nil
    /// (reported) when the node is not a mapping. Records where each value was written.
    func entries(of node: YAMLNode, key: String, allowed: [String]) -> [String: YAMLNode]? {
        guard let pairs = node.mapping else {
            let keys = allowed.joined(separator: ", ")
            if key.isEmpty {
                fail(node, key: key, message: "the spec must be a mapping of \(keys)", hint: nil)
            } else {
                fail(node, key: key, expected: "a mapping of \(keys)")
            }
            return nil
        }
        var fields: [String: YAMLNode] = [:]
        for pair in pairs {
            let dotted = Self.join(key, pair.key)
            guard allowed.contains(pair.key) else {
                let place = key.isEmpty ? "at the top level" : "in \(key)"
                diagnostics.append(
                    Diagnostic(
                        "unknown key '\(pair.key)' \(place)", at: pair.keyLocation, key: dotted,
                        hint: Suggestion.hint(for: pair.key, among: allowed)))
                if let nearest = Suggestion.nearest(to: pair.key, among: allowed) {
                    suggestedKeys.insert(Self.join(key, nearest))
                }
                continue
            }
            fields[pair.key] = pair.value
            locations[dotted] = pair.value.location
        }
        return fields
    }

    /// The value of a required key, reported when missing or null.
    func required(
        _ name: String, in fields: [String: YAMLNode], of parent: YAMLNode, key: String
    ) -> YAMLNode? {
        let dotted = Self.join(key, name)
        guard let value = fields[name] else {
            guard !suggestedKeys.contains(dotted) else { return nil }  // reported as a typo
            let place = key.isEmpty ? "the spec" : key
            diagnostics.append(
                Diagnostic(
                    "missing required key '\(dotted)' in \(place)", at: parent.location, key: dotted,
                    hint: SpecSchema.exampleHint(for: dotted).map { "add it: \($0)" }))
            return nil
        }
        guard !value.isNull else {
            fail(value, key: dotted, message: "no value given", hint: SpecSchema.exampleHint(for: dotted))
            return nil
        }
        return value
    }

    /// The value of an optional key; a null value counts as absent (the default).
    func optional(_ name: String, in fields: [String: YAMLNode]) -> YAMLNode? {
        fields[name].flatMap { $0.isNull ? nil : $0 }
    }

    static func join(_ key: String, _ name: String) -> String {
        key.isEmpty ? name : "\(key).\(name)"
    }

    // MARK: Scalars

    /// Any scalar's text: `name: 2layer` and `name: 123` are both names.
    func text(_ node: YAMLNode, key: String) -> String? {
        guard let scalar = node.scalar, scalar.value != .null else {
            fail(node, key: key, expected: "a text value")
            return nil
        }
        return scalar.text
    }

    /// A finite number greater than zero; integers are accepted.
    func positiveNumber(_ node: YAMLNode, key: String) -> Double? {
        let number: Double
        switch node.scalar?.value {
        case .int(let value)?: number = Double(value)
        case .float(let value)?: number = value
        default:
            fail(node, key: key, expected: "a positive number")
            return nil
        }
        guard number.isFinite, number > 0 else {
            fail(node, key: key, expected: "a finite number greater than 0")
            return nil
        }
        return number
    }

    /// A finite number in [0, 1); integers are accepted.
    func fraction(_ node: YAMLNode, key: String) -> Double? {
        let number: Double
        switch node.scalar?.value {
        case .int(let value)?: number = Double(value)
        case .float(let value)?: number = value
        default:
            fail(node, key: key, expected: "a number from 0 to below 1")
            return nil
        }
        guard number >= 0, number < 1 else {
            fail(node, key: key, expected: "a number from 0 to below 1",
                 hint: "the course's values are 0.9 (beta, beta1) and 0.999 (beta2)")
            return nil
        }
        return number
    }

    func integer(_ node: YAMLNode, key: String, in range: ClosedRange<Int>) -> Int? {
        let expected =
            range.upperBound == Int.max
            ? "an integer of at least \(range.lowerBound)"
            : "an integer from \(range.lowerBound) to \(range.upperBound)"
        guard case .int(let value)? = node.scalar?.value, range.contains(value) else {
            fail(node, key: key, expected: expected)
            return nil
        }
        return value
    }

    func boolean(_ node: YAMLNode, key: String) -> Bool? {
        guard case .bool(let value)? = node.scalar?.value else {
            fail(node, key: key, expected: "true or false")
            return nil
        }
        return value
    }

    /// One of `options`, suggesting the nearest for a typo.
    func choice(_ node: YAMLNode, key: String, among options: [String]) -> String? {
        guard let text = node.scalar?.text, options.contains(text) else {
            let written = node.scalar?.text ?? ""
            fail(
                node, key: key, expected: options.map { "'\($0)'" }.joined(separator: ", ", last: " or "),
                hint: Suggestion.nearest(to: written, among: options).map { "did you mean '\($0)'?" })
            return nil
        }
        return text
    }

    // MARK: Reporting

    /// Reports "KEY: expected WHAT, got VALUE". The hint defaults to how the key is
    /// written, or to removing quotes from a quoted number.
    func fail(_ node: YAMLNode, key: String, expected: String, hint: String? = nil) {
        fail(node, key: key, message: "expected \(expected), got \(node.summary)", hint: hint ?? defaultHint(node, key))
    }

    func fail(_ node: YAMLNode, key: String, message: String, hint: String?) {
        let prefix = key.isEmpty ? "" : "\(key): "
        diagnostics.append(Diagnostic(prefix + message, at: node.location, key: key.isEmpty ? nil : key, hint: hint))
    }

    private func defaultHint(_ node: YAMLNode, _ key: String) -> String? {
        if let scalar = node.scalar {
            let plainValue = YAMLScalar(scalar.text, isPlain: true).value
            if !scalar.isPlain, plainValue != .string(scalar.text), plainValue != .null {
                return "remove the quotes around \(scalar.text)"
            }
            if scalar.isPlain, YAMLScalar.isLeadingZeroInteger(scalar.text) {
                return "remove the leading zeros (YAML 1.1 would read \(scalar.text) as octal)"
            }
        }
        return SpecSchema.exampleHint(for: key)
    }
}

extension Array where Element == String {
    /// "a, b or c".
    func joined(separator: String, last: String) -> String {
        guard count > 1 else { return joined() }
        return dropLast().joined(separator: separator) + last + self[count - 1]
    }
}
