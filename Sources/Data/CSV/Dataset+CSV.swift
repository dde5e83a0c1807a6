import DeepNet
import Foundation
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
        guard let firstExample = header ? rows.next() : first else {
            throw file.error("has a header row but no examples; expected one example per row")
        }
        let start = min(rows.offset, contents.count)
        let rest = CSVRows(contents, from: start, line: firstExample.line + 1)
        // The most examples the file could hold (its lines), for the size check.
        let lines = contents.withUnsafeBufferPointer { newlineCount(in: UnsafeBufferPointer(rebasing: $0[..<start])) }
            + rest.newlines + 1
        let layout = try CSVLayout(
            file: file, row: firstExample, labelColumn: labelColumn, header: header,
            capacity: max(1, lines - (header ? 1 : 0)))
        let m = 1 + rest.examples
        let n = layout.features

        var failure: Diagnostic?
        var allFinite = true
        var labels = [Double](repeating: 0, count: m)
        let storage = [Double](unsafeUninitializedCapacity: n * m) { destination, initialized in
            initialized = n * m  // Double needs no initialization to be released
            prepareLargeBuffer(destination)
            let out = destination.baseAddress!
            labels.withUnsafeMutableBufferPointer { labels in
                do throws(Diagnostic) {
                    try layout.read(firstExample, example: 0) { feature, value in
                        if let feature {
                            let x = value / scale
                            allFinite = allFinite && x.isFinite
                            out[feature * m] = x
                        } else {
                            labels[0] = value
                        }
                    }
                    allFinite = try rest.parse(
                        into: out, labels: labels.baseAddress, examples: m, firstExample: 1, layout: layout,
                        scale: scale, progress: progress) && allFinite
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        let X = Matrix(rows: n, cols: m, storage: storage)
        if !allFinite, let bad = firstNonFiniteFeature(in: X) {
            throw file.error(
                "example \(bad.example), feature \(bad.feature) is \(bad.value) after dividing by \(displayText(scale))",
                hint: "choose a data.scale that keeps the features finite")
        }
        return (X, Matrix(rows: 1, cols: m, storage: labels))
    }
}

/// What the first example row fixes: the width of every row and which column, if any, is
/// the label; and the one place a row is checked cell by cell, with the messages for every
/// problem (`CSVRows` parses the common rows faster and hands every other row here).
struct CSVLayout {
    let file: DataFile
    /// Columns per row.
    let width: Int
    /// The label's column, 0-based; nil when the rows hold only features (predict's input).
    let labelIndex: Int?
    /// What to say about a label other than 0 or 1.
    let labelHint: String
    /// What to say about a cell of the first example that is not a number.
    let firstRowNumberHint: String?
    /// The error for a row of another width than `width`.
    let widthError: (CSVReader.Record) -> Diagnostic

    /// n_x, the features of each row.
    var features: Int { labelIndex == nil ? width : width - 1 }

    init(
        file: DataFile, width: Int, labelIndex: Int?, labelHint: String, firstRowNumberHint: String? = nil,
        widthError: @escaping (CSVReader.Record) -> Diagnostic
    ) {
        self.file = file
        self.width = width
        self.labelIndex = labelIndex
        self.labelHint = labelHint
        self.firstRowNumberHint = firstRowNumberHint
        self.widthError = widthError
    }

    /// A training split's layout: takes the width and the label's place from `row`, the
    /// first example, checking that a model can take its features and that `capacity` rows
    /// of them fit in memory.
    init(file: DataFile, row: CSVReader.Record, labelColumn: Int, header: Bool, capacity: Int) throws(Diagnostic) {
        let count = row.fields.count
        guard count >= 2 else {
            throw file.error(
                line: row.line, column: 1, "a row needs at least two columns (features and a label), this one has 1")
        }
        let index = labelColumn < 0 ? count + labelColumn : labelColumn
        guard (0..<count).contains(index) else {
            throw file.error(
                line: row.line, column: 1, "label_column \(labelColumn) is out of range for rows of \(count) columns",
                hint: "use 0 to \(count - 1), or -1 to -\(count) counting from the end")
        }
        guard count - 1 <= Dataset.maximumFeatures else {
            throw file.error(
                line: row.line, column: row.fields[Dataset.maximumFeatures + 1].column,
                "rows of \(count) columns: \(count - 1) features, more than any model takes "
                    + "(at most \(Dataset.maximumFeatures))",
                hint: "check label_column and header, and that the file is one example per row "
                    + "(a transposed table has one row per feature)")
        }
        try CSVCells.checkSize(features: (count - 1) * capacity, at: row, in: file)
        self.init(
            file: file, width: count, labelIndex: index, labelHint: "map the two classes to 0 and 1",
            firstRowNumberHint: header ? nil : "if the first row is a header, set `header: true` on the split"
        ) { row in
            let column = row.fields.count > count ? row.fields[count].column : row.endColumn
            return file.error(
                line: row.line, column: column,
                "this row has \(row.fields.count) columns but the first one has \(count)",
                hint: "every row needs the same columns: the features and one label")
        }
    }

    /// Checks one row, example `example` (from 0) of the file, and hands each cell to
    /// `store`: its feature index (nil for the label) and its value, not yet scaled.
    func read(
        _ row: CSVReader.Record, example: Int, store: (_ feature: Int?, _ value: Double) -> Void
    ) throws(Diagnostic) {
        guard row.fields.count == width else { throw widthError(row) }
        try CSVCells.read(
            row, labelIndex: labelIndex, in: file, labelHint: labelHint,
            numberHint: example == 0 ? firstRowNumberHint : nil, store: store)
    }
}

/// The number of line feeds in `bytes`.
func newlineCount(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
    guard let base = bytes.baseAddress else { return 0 }
    var count = 0
    var p = 0
    while p < bytes.count {
        p = CSVRows.lineEnd(base, p, bytes.count)
        if p < bytes.count { count += 1 }
        p += 1
    }
    return count
}
