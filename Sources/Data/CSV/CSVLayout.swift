import Support

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
