import Data
import Support

/// One `KEY=VALUE` override of a spec's key, and where it was given.
///
/// VALUE is YAML (`[12288, 7, 1]`, `{scheme: he}`); KEY is any dotted key but `name`,
/// `description` and `sweep`. Problems with it are reported at `location`, which the
/// caller makes: the command line passes `.flag("--set training.seed=2")`, and messages
/// name the flag through it ("--set expects KEY=VALUE"), so the spec stage knows no
/// flag. A relative data path in VALUE starts at the loader's working directory.
public struct SpecOverride: Equatable, Sendable {
    public var text: String
    public var location: SourceLocation

    public init(_ text: String, at location: SourceLocation) {
        self.text = text
        self.location = location
    }
}

extension SpecLoader {
    /// The values of a run folder's resolved `spec.yaml`, canonical by dotted key
    /// (`ExperimentSpec.canonicalValues`): what compare shows. The YAML is parsed and
    /// validated, but data files are not looked at, so runs whose data moved still compare.
    public static func values(ofResolvedSpecAt path: String) throws(Diagnostics) -> [String: String] {
        try load(path: path, checksDataFiles: false).base.canonicalValues
    }

    /// The values of a run folder's resolved `spec.yaml` as compare and plot show them
    /// (`ExperimentSpec.shownValues`): canonical, but a data split is its path as a
    /// person reads it rather than its canonical `"/abs/path"+-1+true`.
    public static func shownValues(ofResolvedSpecAt path: String) throws(Diagnostics) -> [String: String] {
        try load(path: path, checksDataFiles: false).base.shownValues
    }
}

extension ExperimentSpec {
    /// `canonicalValues`, with each data split as a person reads it: its path relative to
    /// the working directory, then each option that is not the default
    /// (`train.csv`, `data/train.csv label_column=0 header=false`, `train.h5 x=train_x`),
    /// or a generated set's generator and arguments (`moons samples=300 noise=0.2 seed=3`).
    /// Two splits read differently show differently.
    public var shownValues: [String: String] {
        var values = canonicalValues
        for (key, split) in [("data.train", train), ("data.test", test)] {
            if let split { values[key] = Self.shownText(of: split) }
        }
        return values
    }

    private static func shownText(of split: DataSplit) -> String {
        if let generated = split.generated {
            return generated.pairs.map { $0.0 == "generate" ? $0.1 : "\($0.0)=\($0.1)" }.joined(separator: " ")
        }
        var text = PathNames.relativeToWorkingDirectory(split.path)
        switch split.format {
        case .hdf5:
            for (key, name) in [("x", split.x), ("y", split.y)] {
                if let name { text += " \(key)=\(name)" }
            }
        case .csv:
            if split.labelColumn != -1 { text += " label_column=\(split.labelColumn)" }
            if !split.header { text += " header=false" }
        case .generated:
            break
        }
        return text
    }
}
