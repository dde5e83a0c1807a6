import FoundationEssentials

/// Where a value came from: a spec file's line and column (1-based), or a command-line flag.
public enum SourceLocation: Equatable, Hashable, Sendable, CustomStringConvertible {
    case file(path: String, line: Int, column: Int)
    /// A flag and its argument, as the user typed it, e.g. `--set training.seed=x`.
    case flag(String)

    public var description: String {
        switch self {
        case .file(let path, let line, let column): return "\(path):\(line):\(column)"
        case .flag(let text): return text
        }
    }

    /// The flag of a `.flag` location, its text up to the first space (`--set`); nil for a
    /// file. Lets a lower stage word a message after the flag it is given without knowing it.
    public var flagName: String? {
        guard case .flag(let text) = self else { return nil }
        return String(text.prefix { $0 != " " })
    }
}

/// One problem a user can fix: what is wrong, where, what was expected and how to fix it.
///
/// Rendered as `FILE:LINE:COL: error: MESSAGE` followed by an indented hint, like a
/// compiler's diagnostics, so editors can jump to the place.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation?
    /// The dotted key the problem is about, e.g. `training.learning_rate`; nil for none.
    public var key: String?
    public var message: String
    /// How to fix it, e.g. "did you mean 'learning_rate'?".
    public var hint: String?

    public init(_ message: String, at location: SourceLocation? = nil, key: String? = nil, hint: String? = nil) {
        self.location = location
        self.key = key
        self.message = message
        self.hint = hint
    }

    /// Control characters from the input (a spec's values are quoted in messages) are
    /// written as escapes, `\u{1B}`, so that no input can move the cursor, recolour or
    /// retitle the user's terminal.
    public var description: String { rendered(as: "error") }

    /// As `description`, for something that is not an error: "FILE:LINE:COL: note: ...".
    public var noteDescription: String { rendered(as: "note") }

    private func rendered(as kind: String) -> String {
        var text = location.map { "\(terminalSafe($0.description)): \(kind): " } ?? "\(kind): "
        text += terminalSafe(FrontEndOption.render(message), keepingLineBreaks: true)
        if let hint { text += "\n  hint: \(terminalSafe(FrontEndOption.render(hint), keepingLineBreaks: true))" }
        return text
    }
}

/// `text` with every control character escaped as `\u{XX}` (the line break too, unless
/// `keepingLineBreaks`): text from an input (a spec's value, a file name, a class name
/// in a data file) printed this way cannot move the cursor, recolour or retitle the
/// user's terminal. So are the characters that reorder or break what is shown without
/// being seen: the bidirectional marks, embeddings, overrides and isolates (U+061C,
/// U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) and the line and paragraph
/// separators (U+2028, U+2029), which make `x\u{202E}vsc.exe` read as `xexe.csv`.
public func terminalSafe(_ text: String, keepingLineBreaks: Bool = false) -> String {
    func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A: return !keepingLineBreaks
        case 0..<0x20, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: return true
        default: return false
        }
    }
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        if isControl(scalar) {
            out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// Every problem found in one pass over an input, reported together (exit status 2).
public struct Diagnostics: Error, Equatable, Sendable, CustomStringConvertible {
    public var items: [Diagnostic]
    public init(_ items: [Diagnostic]) { self.items = items }
    public var description: String { items.map(\.description).joined(separator: "\n") }
}

extension Array where Element == Diagnostic {
    /// Without repeats, first occurrences in order: a problem shared by several sweep
    /// points (the same place, key, message and hint) is reported once.
    public func uniqued() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return filter { seen.insert($0).inserted }
    }
}

/// Why an operation failed, in words for a message: a diagnostic's message, where in a
/// JSON document decoding stopped and why, what reading a file met, or the error itself.
public func reasonText(_ error: any Error) -> String {
    switch error {
    case let diagnostic as Diagnostic:
        return diagnostic.message
    case let decoding as DecodingError:
        let context: DecodingError.Context
        switch decoding {
        case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c): context = c
        @unknown default: return "\(decoding)"
        }
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return path.isEmpty ? context.debugDescription : "at \(path): \(context.debugDescription)"
    case let cocoa as CocoaError:
        switch cocoa.code {
        case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file"
        case .fileReadNoPermission: return "permission denied"
        default: return "it cannot be read (error \(cocoa.code.rawValue))"
        }
    default:
        return "\(error)"
    }
}
