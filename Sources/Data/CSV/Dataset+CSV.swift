import DeepNet
import FoundationEssentials
import Glibc
import Support

extension Dataset {
    /// Reads the examples and labels of a CSV file: one example per row, the label in
    /// column `labelColumn` (0-based; negative counts from the end), every other column a
    /// feature; the first row skipped when `header` is true.
    ///
    /// Errors point at the offending cell as `PATH:LINE:COLUMN`: a row of another length
    /// than the first, a cell that is not a number (or holds a NUL byte), a NaN or
    /// infinite feature, a label other than 0 or 1; and at the first row for a label
    /// column out of range or more features than any model takes. When several rows are
    /// wrong, the first of them in the file is reported.
    ///
    /// The rows are parsed straight into the (n_x, m) matrix, once (`CSVRows`): the
    /// features are held once, beside the file's bytes.
    static func readCSV(
        _ file: DataFile, _ contents: [UInt8], labelColumn: Int, header: Bool, scale: Double,
        progress: LoadProgress? = nil
    ) throws(Diagnostic) -> (X: Matrix, Y: Matrix) {
        var rows = CSVReader(contents)
        guard let first = rows.next() else { throw file.error("is empty; expected one example per row") }
        if header, first.fields.allSatisfy({ Double($0.text) != nil }) {
            throw file.error(
                line: first.line, column: 1, "the first row holds only numbers, but the split says it is a header",
                hint: "if the file has no header row, add `header: false` to the split: {path: ..., header: false}")
        }
        guard let firstExample = header ? rows.next() : first else { throw file.noExamples(contents) }
        let start = min(rows.offset, contents.count)
        let rest = CSVRows(contents, from: start, line: firstExample.line + 1)
        // The most examples the file could hold (its lines), for the size check.
        let lines = contents.withUnsafeBufferPointer { CSVRows.newlines(in: UnsafeBufferPointer(rebasing: $0[..<start])) }
            + rest.newlines + 1
        let layout = try CSVLayout(
            file: file, row: firstExample, labelColumn: labelColumn, header: header,
            capacity: max(1, lines - (header ? 1 : 0)))
        let m = 1 + rest.examples
        let (X, labels, allFinite) = try rest.matrix(after: firstExample, layout: layout, scale: scale, progress: progress)
        if !allFinite, let bad = firstNonFiniteFeature(in: X) {
            throw file.error(
                "example \(bad.example), feature \(bad.feature) is \(bad.value) after dividing by \(displayText(scale))",
                hint: "choose a data.scale that keeps the features finite")
        }
        return (X, Matrix(rows: 1, cols: m, storage: labels))
    }
}

extension DataFile {
    /// Why a CSV file whose first line is its only one has no examples: a file of NUL
    /// bytes (not text), line ends of a lone `\r` (classic Mac OS), or truly a header row
    /// alone.
    func noExamples(_ contents: [UInt8]) -> Diagnostic {
        if let nul = contents.firstIndex(of: 0) {
            return error(
                "is not a text file: byte \(nul) is a NUL (\(contents.count { $0 == 0 }) of its \(contents.count) bytes are); "
                    + "expected a CSV text file, one example per line",
                hint: "check that the path names the data file and that it was copied whole")
        }
        if contents.contains(UInt8(ascii: "\r")), !contents.contains(UInt8(ascii: "\n")) {
            let lines = contents.count { $0 == UInt8(ascii: "\r") }
            return error(
                "ends its \(lines) lines with a lone carriage return (\\r, classic Mac OS), which dnn-run does not read as "
                    + "a line end; expected lines ending in \\n or \\r\\n",
                hint: "convert it: tr '\\r' '\\n' < '\(path)' > fixed.csv, and name fixed.csv in the spec")
        }
        return error("has a header row but no examples; expected one example per row")
    }
}
