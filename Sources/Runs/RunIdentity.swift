import Data
import Spec
import Support

/// Whether a completed run folder was made by a given spec: the rule of "up to date" and
/// of "a different spec", by content (`ExperimentSpec.identity`), so that checkouts at
/// other paths and results trees copied elsewhere agree.
public enum RunIdentity {
    /// The identity `spec` has with the data hashes a manifest recorded (by split); nil
    /// when the manifest's splits are not the spec's (then it was another spec): other
    /// split names, or a file where the spec generates its data or the other way round.
    /// A generated split's identity is its arguments as the spec has them.
    public static func identity(of spec: ExperimentSpec, recorded: [DatasetRecord]) -> String? {
        let bySplit = Dictionary(recorded.map { ($0.split, $0) }, uniquingKeysWith: { a, _ in a })
        let splits = [("train", spec.train)] + (spec.test.map { [("test", $0)] } ?? [])
        guard Set(bySplit.keys) == Set(splits.map(\.0)) else { return nil }
        var hashes: [String: String] = [:]
        for (name, split) in splits {
            guard let record = bySplit[name], (record.generated == nil) == (split.generated == nil) else { return nil }
            if let sha256 = record.sha256 { hashes[split.path] = sha256 }
        }
        return spec.identity(dataHashes: hashes)
    }

    /// Whether the completed run in `folder`, described by `manifest`, was made by `spec`
    /// (with whatever data it recorded: whether that data is still the same is another
    /// question). A manifest of results format 2 holds the identity; one written by
    /// dnn-run 0.1.0 hashed its resolved spec with absolute paths, so its own `spec.yaml`
    /// is read (without looking at data files, which may be elsewhere now) and its
    /// identity computed by today's rule.
    public static func madeBy(_ spec: ExperimentSpec, folder: String, manifest: Manifest) -> Bool {
        guard let expected = identity(of: spec, recorded: manifest.datasets) else { return false }
        if manifest.resultsFormat != nil { return manifest.specSHA256 == expected }
        guard let old = try? SpecLoader.load(path: folder + "/" + RunFile.spec, checksDataFiles: false).base,
              let oldIdentity = identity(of: old, recorded: manifest.datasets)
        else { return false }
        return oldIdentity == expected
    }
}
