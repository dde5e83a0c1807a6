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
}
