import CYAML
import Support
import Data

/// Bounds on what a YAML document may cost, so hostile input cannot crash, hang or
/// exhaust memory. The defaults are far above any real spec.
public struct YAMLLimits: Equatable, Sendable {
    /// Inputs larger than this are refused before parsing (default 4 MiB).
    public var maxInputBytes = 4 << 20
    /// The longest scalar accepted, in bytes (default 1 MiB).
    public var maxScalarBytes = 1 << 20
    /// The deepest nesting of sequences and mappings (default 64).
    public var maxDepth = 64
    /// The most nodes a document may produce (default 200 000: a sweep list of 100 000
    /// values, the most points a sweep may have, fits; the 4 MiB input limit bounds it too).
    public var maxNodes = 200_000
    /// The most nodes a document may produce once it uses aliases, counting every node an
    /// alias repeats (default 10 000); this stops "billion laughs" alias bombs.
    public var maxNodesWithAliases = 10_000

    public init() {}
}

/// Parses YAML text into a `YAMLNode` tree with libyaml's event API, enforcing
/// `YAMLLimits` as events arrive.
public enum YAMLParser {
    /// Parses the single document of `bytes`; nil when the input holds no document
    /// (empty, or only comments).
    ///
    /// - Parameter file: the path named in locations and errors.
    /// - Throws: a `Diagnostic` at the offending line and column for malformed YAML
    ///   (libyaml's own message), invalid UTF-8, duplicate keys, unknown aliases,
    ///   unsupported tags, several documents, or a limit exceeded.
    public static func parse(
        _ bytes: [UInt8], file: String, limits: YAMLLimits = YAMLLimits()
    ) throws(Diagnostic) -> YAMLNode? {
        let start = SourceLocation.file(path: file, line: 1, column: 1)
        guard bytes.count <= limits.maxInputBytes else {
            throw Diagnostic(
                "the file is \(byteCount(bytes.count)); at most \(byteCount(limits.maxInputBytes)) is accepted",
                at: start, hint: "a spec is a few lines of YAML; check that this is the right file")
        }
        if let offset = firstInvalidUTF8Offset(bytes) {
            let (line, column) = lineAndColumn(ofOffset: offset, in: bytes)
            throw Diagnostic(
                "the file is not valid UTF-8 text (byte 0x\(hex(bytes[offset])) is not UTF-8)",
                at: .file(path: file, line: line, column: column),
                hint: "save the file as UTF-8")
        }
        var builder = try DocumentBuilder(bytes: bytes, file: file, limits: limits)
        return try builder.document()
    }

    /// The offset of the first byte that is not part of valid UTF-8, if any.
    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    static func lineAndColumn(ofOffset offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        let before = bytes[..<min(offset, bytes.count)]
        let line = before.count { $0 == UInt8(ascii: "\n") } + 1
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let column = String(decoding: bytes[lineStart..<before.endIndex], as: UTF8.self).count + 1
        return (line, column)
    }

    private static func byteCount(_ count: Int) -> String {
        count >= 1 << 20 ? "\(count >> 20) MiB" : count >= 1 << 10 ? "\(count >> 10) KiB" : "\(count) bytes"
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return byte < 16 ? "0" + digits : digits
    }
}

/// One libyaml event, copied out of C memory.
struct YAMLEvent {
    enum Kind {
        case streamStart, streamEnd, documentStart, documentEnd
        case alias(anchor: String)
        case scalar(YAMLScalar)
        case sequenceStart, sequenceEnd, mappingStart, mappingEnd
    }

    var kind: Kind
    var anchor: String?
    var tag: String?
    var location: SourceLocation
}

/// Owns a libyaml parser and a copy of its input; frees both in `deinit`.
final class LibYAMLParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let file: String
    private let limits: YAMLLimits

    init(bytes: [UInt8], file: String, limits: YAMLLimits) throws(Diagnostic) {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            throw Diagnostic("out of memory while starting the YAML parser")
        }
        let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
        self.parser = parser
        self.input = input
        self.file = file
        self.limits = limits
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event, or the parser's error as a `Diagnostic`.
    func next() throws(Diagnostic) -> YAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw parserError() }
        defer { yaml_event_delete(&event) }
        return try YAMLEvent(
            kind: kind(of: event), anchor: anchor(of: event), tag: tag(of: event),
            location: location(of: event.start_mark))
    }

    private func kind(of event: yaml_event_t) throws(Diagnostic) -> YAMLEvent.Kind {
        switch event.type {
        case YAML_STREAM_START_EVENT: return .streamStart
        case YAML_STREAM_END_EVENT: return .streamEnd
        case YAML_DOCUMENT_START_EVENT: return .documentStart
        case YAML_DOCUMENT_END_EVENT: return .documentEnd
        case YAML_ALIAS_EVENT: return .alias(anchor: String(cString: event.data.alias.anchor))
        case YAML_SEQUENCE_START_EVENT: return .sequenceStart
        case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
        case YAML_MAPPING_START_EVENT: return .mappingStart
        case YAML_MAPPING_END_EVENT: return .mappingEnd
        case YAML_SCALAR_EVENT: return .scalar(try scalar(of: event))
        default: throw Diagnostic("the YAML parser produced an unexpected event", at: location(of: event.start_mark))
        }
    }

    private func scalar(of event: yaml_event_t) throws(Diagnostic) -> YAMLScalar {
        let data = event.data.scalar
        guard data.length <= limits.maxScalarBytes else {
            throw Diagnostic(
                "a value of \(data.length) bytes is longer than the \(limits.maxScalarBytes) bytes accepted",
                at: location(of: event.start_mark), hint: "a spec's values are short; check this value")
        }
        let text = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
        return YAMLScalar(text, isPlain: data.style == YAML_PLAIN_SCALAR_STYLE)
    }

    private func anchor(of event: yaml_event_t) -> String? {
        switch event.type {
        case YAML_SCALAR_EVENT: return event.data.scalar.anchor.map { String(cString: $0) }
        case YAML_SEQUENCE_START_EVENT: return event.data.sequence_start.anchor.map { String(cString: $0) }
        case YAML_MAPPING_START_EVENT: return event.data.mapping_start.anchor.map { String(cString: $0) }
        default: return nil
        }
    }

    private func tag(of event: yaml_event_t) -> String? {
        switch event.type {
        case YAML_SCALAR_EVENT: return event.data.scalar.tag.map { String(cString: $0) }
        case YAML_SEQUENCE_START_EVENT: return event.data.sequence_start.tag.map { String(cString: $0) }
        case YAML_MAPPING_START_EVENT: return event.data.mapping_start.tag.map { String(cString: $0) }
        default: return nil
        }
    }

    private func location(of mark: yaml_mark_t) -> SourceLocation {
        .file(path: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    /// libyaml's problem, context and position as a `Diagnostic`.
    private func parserError() -> Diagnostic {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown error"
        guard state.error != YAML_MEMORY_ERROR else {
            return Diagnostic("out of memory while parsing YAML", at: location(of: state.problem_mark))
        }
        if state.error == YAML_READER_ERROR {
            let (line, column) = YAMLParser.lineAndColumn(ofOffset: state.problem_offset, in: Array(input))
            return Diagnostic(
                "the file cannot be read as YAML text: \(problem)",
                at: .file(path: file, line: line, column: column),
                hint: "save the file as UTF-8 text without control characters")
        }
        let offset = state.problem_mark.index
        if offset < input.count, input[offset] == UInt8(ascii: "\t") {
            return Diagnostic(
                "invalid YAML: found character '\\t' that cannot start any token",
                at: location(of: state.problem_mark),
                hint: "YAML indents with spaces only; replace the tab with spaces")
        }
        var message = "invalid YAML: \(problem)"
        if let context = state.context.map({ String(cString: $0) }) {
            let mark = state.context_mark
            message += " \(context) started at line \(mark.line + 1), column \(mark.column + 1)"
        }
        return Diagnostic(
            message, at: location(of: state.problem_mark),
            hint: "check the indentation, brackets and quotes around this place")
    }
}

/// Builds the node tree from events, expanding aliases and enforcing the limits.
struct DocumentBuilder {
    private let parser: LibYAMLParser
    private let limits: YAMLLimits
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var nodeCount = 0
    /// Whether an alias has been expanded: then a document over the limit is called an alias bomb.
    private var aliasesExpanded = false

    init(bytes: [UInt8], file: String, limits: YAMLLimits) throws(Diagnostic) {
        parser = try LibYAMLParser(bytes: bytes, file: file, limits: limits)
        self.limits = limits
    }

    /// The stream's only document, or nil for an empty stream.
    mutating func document() throws(Diagnostic) -> YAMLNode? {
        _ = try parser.next()  // stream start
        let first = try parser.next()
        guard case .documentStart = first.kind else { return nil }
        let root = try node(from: parser.next(), depth: 1)
        _ = try parser.next()  // document end
        let after = try parser.next()
        if case .documentStart = after.kind {
            throw Diagnostic(
                "the file holds more than one YAML document", at: after.location,
                hint: "remove the '---' line and everything after it")
        }
        return root
    }

    private mutating func node(from event: YAMLEvent, depth: Int) throws(Diagnostic) -> YAMLNode {
        let countBefore = nodeCount
        let built: YAMLNode
        switch event.kind {
        case .alias(let anchor):
            return try expand(alias: anchor, at: event.location)
        case .scalar(var scalar):
            try checkTag(event)
            if event.tag != nil { scalar.isPlain = false }  // `!!str 1`, `! 1`: strings
            built = YAMLNode(.scalar(scalar), at: event.location)
        case .sequenceStart:
            try checkCollection(event, depth: depth)
            built = try sequence(at: event.location, depth: depth)
        case .mappingStart:
            try checkCollection(event, depth: depth)
            built = try mapping(at: event.location, depth: depth)
        default:
            throw Diagnostic("invalid YAML: unexpected structure", at: event.location)
        }
        try count(1, at: event.location)
        if let anchor = event.anchor { anchors[anchor] = (built, nodeCount - countBefore) }
        return built
    }

    private mutating func sequence(at location: SourceLocation, depth: Int) throws(Diagnostic) -> YAMLNode {
        var elements: [YAMLNode] = []
        while true {
            let event = try parser.next()
            if case .sequenceEnd = event.kind { return YAMLNode(.sequence(elements), at: location) }
            elements.append(try node(from: event, depth: depth + 1))
        }
    }

    private mutating func mapping(at location: SourceLocation, depth: Int) throws(Diagnostic) -> YAMLNode {
        var pairs: [YAMLPair] = []
        var seen: [String: SourceLocation] = [:]
        while true {
            let keyEvent = try parser.next()
            if case .mappingEnd = keyEvent.kind { return YAMLNode(.mapping(pairs), at: location) }
            let keyNode = try node(from: keyEvent, depth: depth + 1)
            guard let key = keyNode.scalar?.text else {
                throw Diagnostic(
                    "a mapping key must be a plain value, not \(keyNode.summary)", at: keyNode.location,
                    hint: "write keys as words, e.g. 'learning_rate: 0.01'")
            }
            if let first = seen[key] {
                throw Diagnostic(
                    "duplicate key '\(key)'; it was first written at \(first)", at: keyNode.location,
                    hint: "remove one of the two")
            }
            seen[key] = keyNode.location
            let value = try node(from: parser.next(), depth: depth + 1)
            pairs.append(YAMLPair(key: key, keyLocation: keyNode.location, value: value))
        }
    }

    /// The anchored node again, counting all of its nodes against the limit.
    private mutating func expand(alias anchor: String, at location: SourceLocation) throws(Diagnostic) -> YAMLNode {
        guard let (node, size) = anchors[anchor] else {
            throw Diagnostic(
                "unknown alias '*\(anchor)'", at: location,
                hint: "define the anchor '&\(anchor)' before using it")
        }
        try count(size, at: location, expandingAlias: true)
        return node
    }

    private mutating func count(_ nodes: Int, at location: SourceLocation, expandingAlias: Bool = false) throws(Diagnostic) {
        nodeCount += nodes
        aliasesExpanded = aliasesExpanded || expandingAlias
        if aliasesExpanded, nodeCount > limits.maxNodesWithAliases {
            throw Diagnostic(
                "the document expands to more than \(limits.maxNodesWithAliases) values (counting every alias)",
                at: location, hint: "aliases that repeat aliases grow exponentially; write the values out")
        }
        if nodeCount > limits.maxNodes {
            throw Diagnostic(
                "the document has more than \(limits.maxNodes) values; at most \(limits.maxNodes) are accepted",
                at: location, hint: "a sweep this large is better written as a range or a random search")
        }
    }

    private func checkCollection(_ event: YAMLEvent, depth: Int) throws(Diagnostic) {
        try checkTag(event)
        guard depth <= limits.maxDepth else {
            throw Diagnostic(
                "the document nests deeper than \(limits.maxDepth) levels", at: event.location,
                hint: "a spec nests three levels deep; check the brackets and indentation")
        }
    }

    /// Only the string tags (`!!str`, `!`) are understood.
    private func checkTag(_ event: YAMLEvent) throws(Diagnostic) {
        guard let tag = event.tag else { return }
        let isScalar = if case .scalar = event.kind { true } else { false }
        guard isScalar, tag == "tag:yaml.org,2002:str" || tag == "!" else {
            throw Diagnostic("the YAML tag '\(tag)' is not supported", at: event.location, hint: "remove the tag")
        }
    }
}
