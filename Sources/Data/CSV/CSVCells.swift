import Support

/// The cells of one CSV row as an example: every cell a number (a NUL byte inside a cell,
/// which the number parser would stop at, is refused), the label 0 or 1, the features
/// finite. Shared by the training reader and predict's reader, so both say the same.
enum CSVCells {
    /// Checks `row`'s cells and hands each to `store` in order: its column's place among
    /// the features (0-based, the label column skipped) or nil for the label, and its value.
    /// - Parameters:
    ///   - labelHint: what to say about a bad label.
    ///   - numberHint: what to say about a cell that is not a number.
    static func read(
        _ row: CSVReader.Record, labelIndex: Int?, in file: DataFile,
        labelHint: String, numberHint: String? = nil,
        store: (_ feature: Int?, _ value: Double) -> Void
    ) throws(Diagnostic) {
        var feature = 0
        for (index, field) in row.fields.enumerated() {
            let value = try number(field, line: row.line, in: file, hint: numberHint)
            if index == labelIndex {
                guard value == 0 || value == 1 else {
                    throw file.error(
                        line: row.line, column: field.column, "label '\(field.text)'; labels must be 0 or 1",
                        hint: labelHint)
                }
                store(nil, value)
            } else {
                guard value.isFinite else {
                    throw file.error(
                        line: row.line, column: field.column, "feature '\(field.text)' is not a finite number",
                        hint: "features must be finite numbers: fill in or drop missing values")
                }
                store(feature, value)
                feature += 1
            }
        }
    }

    /// Refuses features beyond what one split may take as float64.
    static func checkSize(features count: Int, at row: CSVReader.Record, in file: DataFile) throws(Diagnostic) {
        guard count <= maximumFeatureBytes / 8 else {
            throw file.error(
                line: row.line, column: 1,
                "the features up to here already take \(byteCountText(Double(8 * count))) as float64; "
                    + "the limit is \(byteCountText(Double(maximumFeatureBytes)))",
                hint: "use a smaller sample of the data")
        }
    }

    /// The cell's number.
    static func number(_ field: CSVReader.Field, line: Int, in file: DataFile, hint: String?) throws(Diagnostic) -> Double {
        // Swift's parser, like strtod, stops at a NUL byte: "1\0 99" would read as 1.
        if let nul = field.text.utf8.firstIndex(of: 0) {
            let offset = field.text.utf8.distance(from: field.text.utf8.startIndex, to: nul)
            throw file.error(
                line: line, column: field.column + offset,
                "a NUL byte inside a cell ('\(field.text)'); expected a number",
                hint: "the file holds binary data: export it again as text")
        }
        if let value = Double(field.text) { return value }
        let what = field.text.isEmpty ? "an empty cell" : "'\(field.text)'"
        throw file.error(line: line, column: field.column, "expected a number, found \(what)", hint: hint)
    }
}
