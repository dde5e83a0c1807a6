import DeepNet

import Support
import Data
import Glibc

/// Turns a spec's YAML tree (sweep removed, one value per key) into an `ExperimentSpec`,
/// collecting every problem rather than stopping at the first.
///
/// Each problem names where the value was written, its dotted key, what was expected and
/// how to fix it.
final class SpecValidator {
    /// The absolute path of the spec file; relative data paths in it start at its folder.
    let specPath: String
    /// Where relative data paths given with `--set` start.
    let workingDirectory: String
    private(set) var diagnostics: [Diagnostic] = []
    private var locations: [String: SourceLocation] = [:]
    /// Keys suggested for typos; their absence is not reported again as missing.
    private var suggestedKeys: Set<String> = []

    init(specPath: String, workingDirectory: String) {
        self.specPath = specPath
        self.workingDirectory = workingDirectory
    }

    /// The spec `root` describes, or nil when `diagnostics` says why not.
    func spec(from root: YAMLNode) -> ExperimentSpec? {
        locations = [:]
        suggestedKeys = []
        let errorsBefore = diagnostics.count
        guard let top = entries(of: root, key: "", allowed: SpecSchema.topLevel) else { return nil }
        let name = required("name", in: top, of: root, key: "").flatMap(name)
        let description = optional("description", in: top).flatMap { text($0, key: "description") }
        let data = required("data", in: top, of: root, key: "").flatMap(data)
        let model = required("model", in: top, of: root, key: "").flatMap(model)
        let training = required("training", in: top, of: root, key: "").flatMap(training)
        guard diagnostics.count == errorsBefore, let name, let data, let model, let training else { return nil }
        return ExperimentSpec(
            name: name, description: description, train: data.train, test: data.test, scale: data.scale,
            layerDims: model.layerDims, hiddenActivation: model.hidden, outputActivation: model.output,
            initializer: model.initializer, learningRate: training.learningRate,
            iterations: training.iterations, seed: training.seed, recordEvery: training.recordEvery,
            engine: training.engine, specPath: specPath, locations: locations)
    }

    // MARK: Sections

    private func name(_ node: YAMLNode) -> String? {
        guard let name = text(node, key: "name") else { return nil }
        let isSafe = name.wholeMatch(of: #/[A-Za-z0-9._-]+/#) != nil && name != "." && name != ".."
        guard isSafe, name.count <= 100 else {
            fail(
                node, key: "name", expected: "a name of at most 100 letters, digits, '.', '_' or '-'",
                hint: "the name becomes the results folder; write it as 'name: cat_5layer'")
            return nil
        }
        return name
    }

    private func data(_ node: YAMLNode) -> (train: DataSplit, test: DataSplit?, scale: Double)? {
        guard let fields = entries(of: node, key: "data", allowed: SpecSchema.data) else { return nil }
        let errorsBefore = diagnostics.count
        let train = required("train", in: fields, of: node, key: "data").flatMap { split($0, key: "data.train") }
        let test = optional("test", in: fields).flatMap { split($0, key: "data.test") }
        let scale = optional("scale", in: fields).map { positiveNumber($0, key: "data.scale") } ?? 1
        guard diagnostics.count == errorsBefore, let train, let scale else { return nil }
        return (train, test, scale)
    }

    private func model(
        _ node: YAMLNode
    ) -> (layerDims: [Int], hidden: Activation, output: Activation, initializer: Initializer)? {
        guard let fields = entries(of: node, key: "model", allowed: SpecSchema.model) else { return nil }
        let errorsBefore = diagnostics.count
        let layerDims = required("layer_dims", in: fields, of: node, key: "model").flatMap(layerDims)
        let hidden =
            optional("hidden_activation", in: fields).map { activation($0, key: "model.hidden_activation") }
            ?? .relu
        let output = optional("output_activation", in: fields).map(outputActivation) ?? .sigmoid
        let initializer = optional("init", in: fields).map(initializer) ?? .lecun
        guard diagnostics.count == errorsBefore, let layerDims, let hidden, let output, let initializer else {
            return nil
        }
        return (layerDims, hidden, output, initializer)
    }

    private func training(
        _ node: YAMLNode
    ) -> (learningRate: Double, iterations: Int, seed: UInt32, recordEvery: Int, engine: EngineChoice)? {
        guard let fields = entries(of: node, key: "training", allowed: SpecSchema.training) else { return nil }
        let errorsBefore = diagnostics.count
        let learningRate = required("learning_rate", in: fields, of: node, key: "training").flatMap {
            positiveNumber($0, key: "training.learning_rate")
        }
        let iterations = required("iterations", in: fields, of: node, key: "training").flatMap {
            integer($0, key: "training.iterations", in: 1...10_000_000)
        }
        let seed = optional("seed", in: fields).map { integer($0, key: "training.seed", in: 0...Int(UInt32.max)) } ?? 1
        let recordEvery =
            optional("record_every", in: fields).map { integer($0, key: "training.record_every", in: 1...Int.max) }
            ?? 100
        let engine =
            optional("engine", in: fields).map {
                choice($0, key: "training.engine", among: EngineChoice.allCases.map(\.rawValue))
                    .flatMap(EngineChoice.init(rawValue:))
            } ?? .auto
        guard diagnostics.count == errorsBefore, let learningRate, let iterations, let seed, let recordEvery,
            let engine
        else { return nil }
        return (learningRate, iterations, UInt32(seed), recordEvery, engine)
    }

    // MARK: Data splits

    /// A split: a path, or `{path, x, y}` for HDF5, or `{path, label_column, header}` for CSV.
    private func split(_ node: YAMLNode, key: String) -> DataSplit? {
        guard node.mapping != nil else {
            guard let written = text(node, key: key), let path = dataFile(written, at: node, key: key) else {
                return nil
            }
            return DataSplit(path: path, format: DataSplit.format(ofPath: path), location: node.location)
        }
        let allKeys = SpecSchema.hdf5Split + SpecSchema.csvSplit.dropFirst()
        guard let fields = entries(of: node, key: key, allowed: allKeys) else { return nil }
        let errorsBefore = diagnostics.count
        guard let pathNode = required("path", in: fields, of: node, key: key),
            let written = text(pathNode, key: "\(key).path")
        else { return nil }
        let format = DataSplit.format(ofPath: written)
        rejectForeignKeys(fields, of: format, path: written, key: key)
        let path = dataFile(written, at: pathNode, key: "\(key).path")
        let x = optional("x", in: fields).flatMap { text($0, key: "\(key).x") }
        let y = optional("y", in: fields).flatMap { text($0, key: "\(key).y") }
        let labelColumn =
            optional("label_column", in: fields).map {
                integer($0, key: "\(key).label_column", in: -1_000_000...1_000_000)
            } ?? -1
        let header = optional("header", in: fields).map { boolean($0, key: "\(key).header") } ?? true
        guard diagnostics.count == errorsBefore, let path, let labelColumn, let header else { return nil }
        return DataSplit(
            path: path, format: format, x: x, y: y, labelColumn: labelColumn, header: header,
            location: node.location)
    }

    /// Reports `x`/`y` on a CSV split and `label_column`/`header` on an HDF5 one.
    private func rejectForeignKeys(
        _ fields: [String: YAMLNode], of format: DataSplit.Format, path: String, key: String
    ) {
        let foreign = format == .hdf5 ? SpecSchema.csvSplit.dropFirst() : SpecSchema.hdf5Split.dropFirst()
        let other = format == .hdf5 ? "CSV" : "HDF5"
        for name in foreign {
            guard let node = fields[name] else { continue }
            diagnostics.append(
                Diagnostic(
                    "\(key).\(name) applies only to \(other) files, and '\(path)' is read as "
                        + "\(format == .hdf5 ? "HDF5" : "CSV") (by its extension)",
                    at: node.location, key: "\(key).\(name)",
                    hint: "remove '\(name)', or name a .\(format == .hdf5 ? "csv" : "h5") file"))
        }
    }

    /// The absolute path of a data file, if it is a readable regular file.
    private func dataFile(_ written: String, at node: YAMLNode, key: String) -> String? {
        let base: String
        if case .flag = node.location { base = workingDirectory } else { base = PathNames.directory(of: specPath) }
        let path = PathNames.normalized(written, relativeTo: base)
        let relativeHint = "relative paths start at \(base)"
        var info = stat()
        guard stat(path, &info) == 0 else {
            fail(node, key: key, message: "no such file: \(path)", hint: relativeHint)
            return nil
        }
        guard info.st_mode & S_IFMT != S_IFDIR else {
            fail(node, key: key, message: "\(path) is a directory; expected a data file (.h5 or .csv)", hint: relativeHint)
            return nil
        }
        guard info.st_mode & S_IFMT == S_IFREG, access(path, R_OK) == 0 else {
            fail(node, key: key, message: "\(path) is not a readable regular file", hint: "check its permissions")
            return nil
        }
        return path
    }

    // MARK: Model values

    private func layerDims(_ node: YAMLNode) -> [Int]? {
        let key = "model.layer_dims"
        guard let elements = node.sequence, elements.count >= 2 else {
            fail(node, key: key, expected: "a list of at least 2 layer sizes, input first and 1 output unit last")
            return nil
        }
        let dims = elements.enumerated().map { index, element in
            integer(element, key: "\(key)[\(index)]", in: 1...1_000_000)
        }
        if let last = dims[dims.count - 1], last != 1 {
            fail(
                elements[elements.count - 1], key: "\(key)[\(elements.count - 1)]",
                message: "the output layer must have 1 unit (a binary classifier with a sigmoid output)",
                hint: "end layer_dims with 1, e.g. [12288, 20, 1]")
            return nil
        }
        let valid = dims.compactMap { $0 }
        return valid.count == dims.count ? valid : nil
    }

    private func activation(_ node: YAMLNode, key: String) -> Activation? {
        choice(node, key: key, among: Activation.allCases.map(\.rawValue)).flatMap(Activation.init(rawValue:))
    }

    private func outputActivation(_ node: YAMLNode) -> Activation? {
        let key = "model.output_activation"
        guard let activation = activation(node, key: key) else { return nil }
        guard activation == .sigmoid else {
            fail(
                node, key: key, expected: "sigmoid",
                hint: "the cross-entropy cost -(y log a + (1 - y) log(1 - a)) needs outputs in (0, 1), "
                    + "which only sigmoid gives; remove the key or write 'output_activation: sigmoid'")
            return nil
        }
        return activation
    }

    /// `init: lecun` or `init: {scheme: scaled, scale: 0.01}`.
    private func initializer(_ node: YAMLNode) -> Initializer? {
        let key = "model.init"
        guard node.mapping != nil else {
            return choice(node, key: key, among: SpecSchema.initializerSchemes).flatMap { initializer(scheme: $0) }
        }
        guard let fields = entries(of: node, key: key, allowed: SpecSchema.initializer),
            let scheme = required("scheme", in: fields, of: node, key: key).flatMap({
                choice($0, key: "\(key).scheme", among: SpecSchema.initializerSchemes)
            })
        else { return nil }
        guard let scaleNode = optional("scale", in: fields) else { return initializer(scheme: scheme) }
        guard scheme == "scaled" else {
            fail(
                scaleNode, key: "\(key).scale", message: "a scale applies only to the scaled scheme, not \(scheme)",
                hint: "remove 'scale', or write 'init: {scheme: scaled, scale: 0.01}'")
            return nil
        }
        return positiveNumber(scaleNode, key: "\(key).scale").map(Initializer.scaled)
    }

    private func initializer(scheme: String) -> Initializer? {
        switch scheme {
        case "lecun": return .lecun
        case "he": return .he
        case "glorot": return .glorot
        case "scaled": return .scaled(Initializer.defaultScale)
        default: return nil
        }
    }

    // MARK: Mappings and keys

    /// The entries of a mapping by key, after reporting every key not in `allowed`; nil
    /// (reported) when the node is not a mapping. Records where each value was written.
    private func entries(of node: YAMLNode, key: String, allowed: [String]) -> [String: YAMLNode]? {
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
    private func required(
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
    private func optional(_ name: String, in fields: [String: YAMLNode]) -> YAMLNode? {
        fields[name].flatMap { $0.isNull ? nil : $0 }
    }

    private static func join(_ key: String, _ name: String) -> String {
        key.isEmpty ? name : "\(key).\(name)"
    }

    // MARK: Scalars

    /// Any scalar's text: `name: 2layer` and `name: 123` are both names.
    private func text(_ node: YAMLNode, key: String) -> String? {
        guard let scalar = node.scalar, scalar.value != .null else {
            fail(node, key: key, expected: "a text value")
            return nil
        }
        return scalar.text
    }

    /// A finite number greater than zero; integers are accepted.
    private func positiveNumber(_ node: YAMLNode, key: String) -> Double? {
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

    private func integer(_ node: YAMLNode, key: String, in range: ClosedRange<Int>) -> Int? {
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

    private func boolean(_ node: YAMLNode, key: String) -> Bool? {
        guard case .bool(let value)? = node.scalar?.value else {
            fail(node, key: key, expected: "true or false")
            return nil
        }
        return value
    }

    /// One of `options`, suggesting the nearest for a typo.
    private func choice(_ node: YAMLNode, key: String, among options: [String]) -> String? {
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
    private func fail(_ node: YAMLNode, key: String, expected: String, hint: String? = nil) {
        fail(node, key: key, message: "expected \(expected), got \(node.summary)", hint: hint ?? defaultHint(node, key))
    }

    private func fail(_ node: YAMLNode, key: String, message: String, hint: String?) {
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
    fileprivate func joined(separator: String, last: String) -> String {
        guard count > 1 else { return joined() }
        return dropLast().joined(separator: separator) + last + self[count - 1]
    }
}
