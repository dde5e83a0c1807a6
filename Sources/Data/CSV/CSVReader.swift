import Support
/// Reads the numeric CSV that dnn-run accepts, record by record, keeping each field's
/// line and column for error messages.
///
/// One record per line; fields separated by commas, spaces and tabs around them ignored;
/// no quoting (numbers need none). Blank lines are skipped; `\r\n` line ends and a UTF-8
/// byte order mark are accepted.
///
///     var reader = CSVReader(Array("a,b\n1, 2\n".utf8))
///     reader.next()?.fields.map(\.text)   // ["a", "b"]
///     reader.next()?.fields[1].column     // 4, where "2" starts
struct CSVReader: IteratorProtocol, Sequence {
    /// One field: its text, trimmed, and the 1-based column where it starts.
    struct Field {
        var text: String
        var column: Int
    }

    /// The fields of one line, with its 1-based line number and the column just past its
    /// last character (where a missing field would have been).
    struct Record {
        var line: Int
        var fields: [Field]
        var endColumn: Int
    }

    private let bytes: [UInt8]
    /// Where the next line starts: just past the line ending of the last record read.
    private(set) var offset = 0
    private var line = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    }

    /// The next non-blank line's record; nil at the end of the input.
    mutating func next() -> Record? {
        while offset < bytes.count {
            line += 1
            let start = offset
            var end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            offset = end + 1
            if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let text = bytes[start..<end]
            if text.allSatisfy(CSVReader.isSpace) { continue }
            return CSVReader.record(text, line: line)
        }
        return nil
    }

    /// The record of one line, `text` without its line ending, as `next()` gives it: for
    /// readers that find the lines themselves.
    static func record(_ text: ArraySlice<UInt8>, line: Int) -> Record {
        Record(line: line, fields: fields(of: text), endColumn: text.count + 1)
    }

    /// Splits a line at commas, trimming spaces and tabs around each field.
    private static func fields(of line: ArraySlice<UInt8>) -> [Field] {
        var fields: [Field] = []
        var fieldStart = line.startIndex
        while true {
            let fieldEnd = line[fieldStart...].firstIndex(of: UInt8(ascii: ",")) ?? line.endIndex
            var first = fieldStart
            var last = fieldEnd
            while first < last, isSpace(line[first]) { first += 1 }
            while last > first, isSpace(line[last - 1]) { last -= 1 }
            fields.append(Field(
                text: String(decoding: line[first..<last], as: UTF8.self),
                column: first - line.startIndex + 1))
            guard fieldEnd < line.endIndex else { return fields }
            fieldStart = fieldEnd + 1
        }
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }
}
