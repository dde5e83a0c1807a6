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

        // At most one example per line: the (n_x, m) matrix is filled in place, column by
        // column as the rows come, so the features are held once (no example-major copy).
        let lines = contents.withUnsafeBytes { bytes in bytes.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 } }
        var table = CSVTable(
            file: file, labelColumn: labelColumn, header: header, capacity: max(1, lines - (header ? 1 : 0)),
            scale: scale)
        if !header { try table.append(first) }
        while let row = rows.next() { try table.append(row) }
        guard table.examples > 0 else {
            throw file.error("has a header row but no examples; expected one example per row")
        }
        if let bad = table.firstNonFinite {
            throw file.error(
                "example \(bad.example), feature \(bad.feature) is \(bad.value) after dividing by \(displayText(scale))",
                hint: "choose a data.scale that keeps the features finite")
        }
        return (table.featureMatrix(), Matrix(rows: 1, cols: table.examples, storage: table.labels))
    }
}

/// The rows of a CSV file gathered as they are checked: the features straight into the
/// (n_x, m) layout, divided by the scale, and the labels. The first row fixes the width and
/// where the label is.
private struct CSVTable {
    let file: DataFile
    let labelColumn: Int
    let header: Bool
    /// The most examples the file can hold (its lines): the stride of `storage`'s rows.
    let capacity: Int
    let scale: Double
    /// Feature j of example i at `j * capacity + i`, divided by the scale; allocated when the
    /// first row gives n_x.
    private var storage: [Double] = []
    var labels: [Double] = []
    /// The first feature (in file order) that is not finite once divided by the scale.
    private(set) var firstNonFinite: (example: Int, feature: Int, value: Double)?
    /// Columns per row and the 0-based label column, once the first row has been seen.
    private(set) var width = 0
    private var labelIndex = 0

    init(file: DataFile, labelColumn: Int, header: Bool, capacity: Int, scale: Double) {
        self.file = file
        self.labelColumn = labelColumn
        self.header = header
        self.capacity = capacity
        self.scale = scale
    }

    var examples: Int { labels.count }

    /// The (n_x, m) feature matrix: the filled columns of `storage`, moved together when
    /// fewer examples than lines came (blank lines).
    mutating func featureMatrix() -> Matrix {
        let n = width - 1, m = examples
        if m < capacity {
            storage.withUnsafeMutableBufferPointer { s in
                for j in 1..<max(n, 1) {
                    for i in 0..<m { s[j * m + i] = s[j * capacity + i] }  // forward: j m < j capacity
                }
            }
            storage.removeLast(storage.count - n * m)
        }
        return Matrix(rows: n, cols: m, storage: storage)
    }

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
        let example = examples
        var label = 0.0
        try CSVCells.read(
            row, labelIndex: labelIndex, in: file,
            labelHint: "map the two classes to 0 and 1",
            numberHint: !header && example == 0 ? "if the first row is a header, set `header: true` on the split" : nil
        ) { feature, value in
            guard let feature else { label = value; return }
            let x = value / scale
            if !x.isFinite, firstNonFinite == nil { firstNonFinite = (example, feature, x) }
            storage[feature * capacity + example] = x
        }
        labels.append(label)
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
        try CSVCells.checkSize(features: (count - 1) * capacity, at: row, in: file)
        storage = [Double](repeating: 0, count: (count - 1) * capacity)
    }
}
