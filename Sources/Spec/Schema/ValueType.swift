import DeepNet
import Data
import Support

/// A kind of value a spec key holds, with everything the stages need to know of it: how
/// the README describes it, how a YAML node is read and checked, and how a value is
/// written back, canonically (folder names, compare, identity) and in `spec.yaml`.
///
/// `parse` reports through the validator and returns nil when the node is not a valid
/// value; the validator never sees a half-read value.
struct ValueType<Value> {
    /// The README's type column: "integer 1 ... 10000000".
    var summary: String
    var parse: (SpecValidator, YAMLNode, _ key: String) -> Value?
    /// The canonical text: equal values give equal text, and the text gives back the
    /// value (`0.0075`, `1e-05`, `255.0`, `12288x20x1`, `scaled-0.01`).
    var canonical: (Value) -> String
    /// As `spec.yaml` writes it: a scalar or flow list, or a block mapping.
    var yaml: (Value, DataPaths) -> ResolvedValue
    var same: (Value, Value) -> Bool
    /// The text a run's identity holds for the value: the canonical text, except for data
    /// splits, which are their file's SHA-256 and the options that read it.
    var identity: ((Value, DataHashes) -> String)? = nil
    /// Whether folder names show the value as written rather than canonically: data
    /// splits, whose canonical text holds an absolute path that differs between machines.
    var namesFoldersAsWritten = false
}

/// A data file's SHA-256 in lowercase hex, by its split.
typealias DataHashes = (DataSplit) -> String

/// How `spec.yaml` writes a data split's path: absolute, or relative to the run folder.
typealias DataPaths = (DataSplit) -> String

/// A value in `spec.yaml`: after `key: ` on one line, or as `key:` and indented pairs.
enum ResolvedValue {
    case inline(String)
    case mapping([(String, String)])
}

extension ValueType where Value: Equatable {
    init(
        summary: String, parse: @escaping (SpecValidator, YAMLNode, String) -> Value?,
        canonical: @escaping (Value) -> String, yaml: ((Value) -> String)? = nil
    ) {
        self.init(
            summary: summary, parse: parse, canonical: canonical,
            yaml: { value, _ in .inline(yaml?(value) ?? canonical(value)) }, same: ==)
    }
}

extension ValueType where Value == Double {
    /// A finite number greater than zero; integers are accepted. Written as Swift's
    /// shortest round-trip decimal, so parsing gives back the same bits.
    static var positiveNumber: ValueType {
        .init(summary: "number > 0", parse: { $0.positiveNumber($1, key: $2) }, canonical: { "\($0)" })
    }
}

extension ValueType where Value == Double {
    /// A number from 0 to below 1 (a moment's decay, β).
    static var fraction: ValueType {
        .init(summary: "number 0 ... < 1", parse: { $0.fraction($1, key: $2) }, canonical: { "\($0)" })
    }
}

extension ValueType where Value == Int {
    /// An integer in `range`; `Int.max` as the upper bound means none.
    static func integer(_ range: ClosedRange<Int>) -> ValueType {
        let summary =
            range.upperBound == Int.max
            ? "integer >= \(range.lowerBound)" : "integer \(range.lowerBound) ... \(range.upperBound)"
        return .init(summary: summary, parse: { $0.integer($1, key: $2, in: range) }, canonical: { "\($0)" })
    }
}

extension ValueType where Value == UInt32 {
    /// `np.random.seed`'s range.
    static var seed: ValueType {
        let range = 0...Int(UInt32.max)
        return .init(
            summary: "integer 0 ... \(UInt32.max)",
            parse: { validator, node, key in validator.integer(node, key: key, in: range).map(UInt32.init) },
            canonical: { "\($0)" })
    }
}

extension ValueType where Value == String {
    /// Any scalar's text (`name: 2layer` and `name: 123` are both names), quoted in
    /// `spec.yaml` when it would read back as something else.
    static var text: ValueType<String> {
        .init(
            summary: "text", parse: { $0.text($1, key: $2) }, canonical: { $0 }, yaml: ExperimentSpec.yamlString)
    }

    /// The results folder's name.
    static var folderName: ValueType<String> {
        .init(
            summary: "text of `A-Z a-z 0-9 . _ -` (not `.` or `..`), at most 100",
            parse: { validator, node, _ in validator.name(node) }, canonical: { $0 }, yaml: ExperimentSpec.yamlString)
    }
}

extension ValueType where Value: RawRepresentable & CaseIterable & Equatable, Value.RawValue == String {
    /// One of an enumeration's raw values, suggesting the nearest for a typo; `note`
    /// follows the list in the README.
    static func choice(note: String = "") -> ValueType {
        let names = Value.allCases.map(\.rawValue)
        return .init(
            summary: names.map { "`\($0)`" }.joined(separator: ", ") + note,
            parse: { validator, node, key in
                validator.choice(node, key: key, among: names).flatMap(Value.init(rawValue:))
            },
            canonical: \.rawValue)
    }
}

extension ValueType where Value == Activation {
    /// `model.output_activation`: an activation, and only sigmoid passes.
    static var outputActivation: ValueType {
        .init(
            summary: "`sigmoid`", parse: { validator, node, _ in validator.outputActivation(node) },
            canonical: \.rawValue)
    }
}

extension ValueType where Value == [Int] {
    /// `model.layer_dims`, joined by `x` in folder names.
    static var layerDims: ValueType {
        .init(
            summary: "list of integers 1 ... 1000000, at least 2, the last 1",
            parse: { validator, node, _ in validator.layerDims(node) },
            canonical: { $0.map(String.init).joined(separator: "x") },
            yaml: { "[\($0.map(String.init).joined(separator: ", "))]" })
    }
}

extension ValueType where Value == Initializer {
    /// `model.init`: a scheme's name, or scaled with its scale (`scaled-0.01`).
    static var initializer: ValueType {
        ValueType(
            summary: SpecSchema.initializerSchemes.map { "`\($0)`" }.joined(separator: ", ")
                + ", or `{scheme: scaled, scale: X}`",
            parse: { validator, node, _ in validator.initializer(node) },
            canonical: { initializer in
                if case .scaled(let scale) = initializer { return "scaled-\(scale)" }
                return initializer.name
            },
            yaml: { initializer, _ in
                if case .scaled(let scale) = initializer { return .mapping([("scheme", "scaled"), ("scale", "\(scale)")]) }
                return .inline(initializer.name)
            },
            same: ==)
    }
}

extension ValueType where Value == DataSplit {
    /// `data.train` and `data.test`: a path, `{path, x, y}` (HDF5), `{path,
    /// label_column, header}` (CSV) or a generated set (`{generate: moons, samples: 300,
    /// noise: 0.2, seed: 3}`). Canonically, what `spec.yaml` writes with absolute paths,
    /// its values joined by `+` (`moons+300+0.2+3`). A generated set's identity is its
    /// generator and every argument, resolved (`GeneratedSet.canonical`).
    static var dataSplit: ValueType {
        ValueType(
            summary: "path, or `{path, x, y}` (HDF5), or `{path, label_column, header}` (CSV), or "
                + "`{generate, samples, noise, factor, seed}` (moons, circles, planar)",
            parse: { validator, node, key in validator.split(node, key: key) },
            canonical: { split in
                switch splitYAML(split, path: split.path) {
                case .inline(let text): return text
                case .mapping(let pairs): return pairs.map(\.1).joined(separator: "+")
                }
            },
            yaml: { split, paths in splitYAML(split, path: split.generated == nil ? paths(split) : "") },
            same: { $0.withoutLocation == $1.withoutLocation },
            identity: { split, hashes in
                if let generated = split.generated { return generated.canonical }
                let name = { (dataset: String?) in dataset.map(ExperimentSpec.yamlString) ?? "(default)" }
                let options =
                    split.format == .hdf5
                    ? "x=\(name(split.x)) y=\(name(split.y))" : "label_column=\(split.labelColumn) header=\(split.header)"
                return "sha256=\(hashes(split)) format=\(split.format.rawValue) \(options)"
            },
            namesFoldersAsWritten: true)
    }

    /// A split as a path when nothing else needs saying (HDF5 with datasets found by
    /// name), or as a mapping with every CSV default written out, or a generated set's
    /// mapping with every argument its generator takes.
    private static func splitYAML(_ split: DataSplit, path: String) -> ResolvedValue {
        let path = ExperimentSpec.yamlString(path)
        switch split.format {
        case .hdf5 where split.x == nil && split.y == nil:
            return .inline(path)
        case .hdf5:
            return .mapping(
                [("path", path)] + [("x", split.x), ("y", split.y)].compactMap { key, name in
                    name.map { (key, ExperimentSpec.yamlString($0)) }
                })
        case .csv:
            return .mapping([("path", path), ("label_column", "\(split.labelColumn)"), ("header", "\(split.header)")])
        case .generated:
            return .mapping(split.generated?.pairs ?? [])
        }
    }
}
