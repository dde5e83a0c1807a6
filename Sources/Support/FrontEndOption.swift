/// An option of the front end that a message may name: what the user can do about a
/// problem ("pass --force to replace it") depends on the front end, so the modules below
/// the command line write `\(option: .force)` into their texts and the front end says how
/// each option is spelled (`--force` for dnn-run). No module below dnn-run knows a flag.
public enum FrontEndOption: String, Sendable, CaseIterable {
    /// Retrain runs that are up to date and replace runs of a different spec.
    case force
    /// The results directory.
    case results
    /// More folders in which `verify` looks for data files by name.
    case data

    /// How the front end spells an option; set once at start-up, before any message is
    /// rendered. By default, "the force option".
    nonisolated(unsafe) public static var spelling: @Sendable (FrontEndOption) -> String = {
        "the \($0.rawValue) option"
    }

    /// `text` with every option written as the front end spells it.
    public static func render(_ text: String) -> String {
        guard text.contains(marker) else { return text }
        let parts = text.split(separator: marker, omittingEmptySubsequences: false)
        return parts.enumerated().map { index, part in
            index % 2 == 1 ? FrontEndOption(rawValue: String(part)).map(spelling) ?? String(part) : String(part)
        }.joined()
    }

    /// Brackets an option's name in a text until it is rendered.
    fileprivate static let marker: Character = "\u{1}"
}

extension String.StringInterpolation {
    /// `"pass \(option: .force) to replace it"`: the option as the front end spells it.
    public mutating func appendInterpolation(option: FrontEndOption) {
        appendLiteral("\(FrontEndOption.marker)\(option.rawValue)\(FrontEndOption.marker)")
    }
}
