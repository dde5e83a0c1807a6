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
    /// column out of range or more features than any model takes.
    static func readCSV(
        _ file: DataFile, _ contents: [UInt8], labelColumn: Int, header: Bool, scale: Double
    ) throws(Diagnostic) -> (X: Matrix, Y: Matrix) {
        var rows = CSVReader(contents)
        guard let first = rows.next() else { throw file.error("is empty; expected one example per row") }
        if header, first.fields.allSatisfy({ Double($0.text) != nil }) {
            throw file.error(
                line: first.line, column: 1, "the first row holds only numbers, but the split says it is a header",
                hint: "if the file has no header row, add `header: false` to the split: {path: ..., header: false}")
        }

        var table = CSVTable(file: file, labelColumn: labelColumn, header: header)
        if !header { try table.append(first) }
        while let row = rows.next() { try table.append(row) }
        guard table.examples > 0 else {
            throw file.error("has a header row but no examples; expected one example per row")
        }

        let (X, allFinite) = table.features.withUnsafeBufferPointer { features in
            featureMatrix(
                examples: table.examples, features: table.width - 1, from: features.baseAddress!, scale: scale
            ) { $0 }
        }
        if !allFinite, let bad = firstNonFiniteFeature(in: X) {
            throw file.error(
                "example \(bad.example), feature \(bad.feature) is \(bad.value) after dividing by \(displayText(scale))",
                hint: "choose a data.scale that keeps the features finite")
        }
        return (X, Matrix(rows: 1, cols: table.examples, storage: table.labels))
    }
}

/// The rows of a CSV file gathered as they are checked: features example by example, and
/// labels. The first row fixes the width and where the label is.
private struct CSVTable {
    let file: DataFile
    let labelColumn: Int
    let header: Bool
    /// Feature values, (m, n_x) row-major, as in the file.
    var features: [Double] = []
    var labels: [Double] = []
    /// Columns per row and the 0-based label column, once the first row has been seen.
    private(set) var width = 0
    private var labelIndex = 0

    init(file: DataFile, labelColumn: Int, header: Bool) {
        self.file = file
        self.labelColumn = labelColumn
        self.header = header
    }

    var examples: Int { labels.count }

    /// Checks one row and appends its features and label.
    mutating func append(_ row: CSVReader.Record) throws(Diagnostic) {
        if width == 0 { try setLayout(from: row) }
        guard row.fields.count == width else {
            let column = row.fields.count > width ? row.fields[width].column : row.endColumn
            throw file.error(
                line: row.line, column: column,
                "this row has \(row.fields.count) columns but the first one has \(width)",
                hint: "every row needs the same columns: the features and one label")
        }
        try CSVCells.append(
            row, labelIndex: labelIndex, in: file, features: &features, labels: &labels,
            labelHint: "map the two classes to 0 and 1",
            numberHint: !header && examples == 0 ? "if the first row is a header, set `header: true` on the split" : nil)
    }

    /// Takes the width and the label's place from the first row.
    private mutating func setLayout(from row: CSVReader.Record) throws(Diagnostic) {
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
        width = count
        labelIndex = index
    }
}
