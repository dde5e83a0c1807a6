import Support
import Data

extension ExperimentSpec {
    /// The spec as a run folder's `spec.yaml`, whose data paths are relative to `folder`
    /// (the run folder, absolute): `../../datasets/train_catvnoncat.h5`. Loading the file
    /// resolves them against its own folder, so the run folder reruns wherever its data
    /// sits beside it, whatever the absolute paths.
    ///
    /// Every default is filled in and there is no sweep, so the file alone reruns the
    /// experiment (`dnn-run verify`). The text is byte-stable: keys in schema order
    /// (`SpecSchema.keys`), two-space indents, `Double`s in Swift's shortest round-trip
    /// form (parsing gives back the same bits), strings plain when that reads back as the
    /// same string and double-quoted otherwise. Loading it gives back an equal spec.
    ///
    ///     name: cat_5layer
    ///     data:
    ///       train: ../../datasets/train_catvnoncat.h5
    ///       scale: 255.0
    ///     model:
    ///       layer_dims: [12288, 20, 7, 5, 1]
    ///       ...
    public func resolvedYAML(dataPathsRelativeTo folder: String) -> String {
        resolvedYAML { PathNames.relative($0.path, from: folder) }
    }

    /// The resolved spec with absolute data paths, as 0.1.0 wrote `spec.yaml`; its
    /// SHA-256 is `specSHA256`.
    public var resolvedYAML: String { resolvedYAML(paths: \.path) }

    /// 0.1.0's identity of a run, a manifest's `spec_sha256` then: the SHA-256 of
    /// `resolvedYAML` (absolute paths, the description) in lowercase hex. It changes when
    /// the data moves; `identity(dataHashes:)` does not.
    public var specSHA256: String {
        SHA256.hex(of: resolvedYAML)
    }

    private func resolvedYAML(paths: DataPaths) -> String {
        var lines: [String] = []
        for section in SpecSchema.sections {
            let indent = section.isEmpty ? "" : "  "
            if !section.isEmpty { lines.append("\(section):") }
            for key in SpecSchema.keys where key.section == section {
                switch key.resolved(self, paths) {
                case nil: continue
                case .inline(let text)?: lines.append("\(indent)\(key.name): \(text)")
                case .mapping(let pairs)?:
                    lines.append("\(indent)\(key.name):")
                    lines += pairs.map { "\(indent)  \($0): \($1)" }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
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
