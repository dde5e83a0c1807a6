import Support
import Data

extension ExperimentSpec {
    /// The spec as YAML: `spec.yaml` of a run folder.
    ///
    /// Every default is filled in, data paths are absolute and there is no sweep, so the
    /// file alone reruns the experiment (`dnn-run verify`). The text is byte-stable: keys
    /// in schema order, two-space indents, `Double`s in Swift's shortest round-trip form
    /// (parsing gives back the same bits), strings plain when that reads back as the same
    /// string and double-quoted otherwise. Loading it gives back an equal spec.
    ///
    ///     name: cat_5layer
    ///     data:
    ///       train: /work/datasets/train_catvnoncat.h5
    ///       scale: 255.0
    ///     model:
    ///       layer_dims: [12288, 20, 7, 5, 1]
    ///       ...
    public var resolvedYAML: String {
        var lines = ["name: \(Self.yamlString(name))"]
        if let description { lines.append("description: \(Self.yamlString(description))") }
        lines.append("data:")
        lines += Self.splitLines("train", train)
        if let test { lines += Self.splitLines("test", test) }
        lines.append("  scale: \(scale)")
        lines.append("model:")
        lines.append("  layer_dims: [\(layerDims.map(String.init).joined(separator: ", "))]")
        lines.append("  hidden_activation: \(hiddenActivation.rawValue)")
        lines.append("  output_activation: \(outputActivation.rawValue)")
        if case .scaled(let scale) = initializer {
            lines += ["  init:", "    scheme: scaled", "    scale: \(scale)"]
        } else {
            lines.append("  init: \(initializer.name)")
        }
        lines.append("training:")
        lines.append("  learning_rate: \(learningRate)")
        lines.append("  iterations: \(iterations)")
        lines.append("  seed: \(seed)")
        lines.append("  record_every: \(recordEvery)")
        lines.append("  engine: \(engine.rawValue)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The text that identifies the experiment: the resolved YAML. Two specs with the
    /// same identity train the same network on the same files.
    public var identityText: String { resolvedYAML }

    /// The SHA-256 of `identityText` in lowercase hex: a manifest's `spec_sha256`.
    public var specSHA256: String {
        SHA256.hex(of: identityText)
    }

    /// A split as a path when nothing else needs saying (HDF5 with datasets found by
    /// name), or as a mapping with every CSV default written out.
    private static func splitLines(_ key: String, _ split: DataSplit) -> [String] {
        let path = yamlString(split.path)
        switch split.format {
        case .hdf5 where split.x == nil && split.y == nil:
            return ["  \(key): \(path)"]
        case .hdf5:
            var lines = ["  \(key):", "    path: \(path)"]
            if let x = split.x { lines.append("    x: \(yamlString(x))") }
            if let y = split.y { lines.append("    y: \(yamlString(y))") }
            return lines
        case .csv:
            return ["  \(key):", "    path: \(path)", "    label_column: \(split.labelColumn)", "    header: \(split.header)"]
        }
    }

    /// `text` as a YAML scalar: plain when it is made of safe characters and reads back as
    /// the same string, double-quoted with escapes otherwise.
    static func yamlString(_ text: String) -> String {
        let isSafe = text.wholeMatch(of: #/[A-Za-z0-9_./][A-Za-z0-9_./+-]*/#) != nil
        if isSafe, YAMLScalar(text, isPlain: true).value == .string(text) { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            case _ where scalar.properties.generalCategory == .control || scalar.value == 0x2028
                || scalar.value == 0x2029 || scalar.value == 0xFEFF:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                quoted += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}
