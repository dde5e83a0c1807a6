import DeepNet
import Support

extension ExampleSet {
    /// Reads a CSV file of examples for a model of n_x features: one example per row,
    /// either n_x features or n_x features and a label (in column `labelColumn`, 0-based,
    /// negative from the end, as in a spec). The first row is a header when one of its
    /// cells is not a number. Errors point at the offending cell as `PATH:LINE:COLUMN`.
    /// The rows are parsed as a training split's are (`CSVRows`), straight into the
    /// (n_x, m) matrix.
    static func readCSV(
        _ file: DataFile, labelColumn: Int, scale: Double, shape: [Int], progress: LoadProgress
    ) throws(Diagnostic) -> ExampleSet {
        let n = shape.reduce(1, *)
        guard file.size <= maximumFeatureBytes else {
            throw file.error(
                "is \(byteCountText(Double(file.size))); CSV files of up to "
                    + "\(byteCountText(Double(maximumFeatureBytes))) are read",
                hint: "split the examples into smaller files, or store them as HDF5")
        }
        let contents: [UInt8]
        do {
            contents = try DataFile.readRegularFile(at: file.path, atMost: maximumFeatureBytes, progress: progress)
        } catch {
            throw file.error("cannot be read: \(error)")
        }
        var rows = CSVReader(contents)
        guard var row = rows.next() else {
            throw file.error("is empty; expected one example per row, \(n) features each")
        }
        let expected = "the model takes examples of \(n) features: expected \(n) columns (the features) "
            + "or \(n + 1) (the features and a 0/1 label)"
        let headerRow = row.fields.contains { Double($0.text) == nil } ? row : nil
        if headerRow != nil {
            guard let first = rows.next() else { throw file.noExamples(contents) }
            row = first
        }
        let width = row.fields.count
        guard width == n || width == n + 1 else {
            throw file.error(line: row.line, column: 1, "this row has \(width) columns; \(expected)")
        }
        if let headerRow, headerRow.fields.count != width {
            throw file.error(
                line: headerRow.line, column: 1,
                "the header row has \(headerRow.fields.count) columns but the rows under it have \(width)")
        }
        let labelIndex: Int? = width == n ? nil : (labelColumn < 0 ? width + labelColumn : labelColumn)
        if let labelIndex, !(0..<width).contains(labelIndex) {
            throw file.error(
                line: row.line, column: 1, "label_column \(labelColumn) is out of range for rows of \(width) columns")
        }

        let layout = CSVLayout(
            file: file, width: width, labelIndex: labelIndex,
            labelHint: "a row of \(n + 1) columns holds a label; leave it out to only predict"
        ) { row in
            let column = row.fields.count > width ? row.fields[width].column : row.endColumn
            return file.error(
                line: row.line, column: column,
                "this row has \(row.fields.count) columns but the first example has \(width); \(expected)")
        }
        // The rows after the first, parsed into the matrix as training's reader parses them.
        let rest = CSVRows(contents, from: min(rows.offset, contents.count), line: row.line + 1)
        let m = 1 + rest.examples
        let (total, overflow) = n.multipliedReportingOverflow(by: m)
        if overflow || total > maximumFeatureBytes / 8 {
            // The example whose features pass the limit, after every row before it and its
            // own cells have been checked, as when the rows were read one by one.
            let passing = maximumFeatureBytes / 8 / n  // from 0; the first row is 0
            try layout.read(row, example: 0) { _, _ in }
            let tooMany = try rest.checkRows(count: passing, layout: layout)
            try CSVCells.checkSize(features: (passing + 1) * n, at: tooMany, in: file)
        }

        let (X, labels, allFinite) = try rest.matrix(after: row, layout: layout, scale: scale, progress: progress)
        if !allFinite, let bad = firstNonFiniteFeature(in: X) {
            throw file.error("example \(bad.example), feature \(bad.feature) is \(bad.value) after dividing by \(displayText(scale))")
        }
        let Y = labelIndex == nil ? nil : Matrix(rows: 1, cols: m, storage: labels)
        return ExampleSet(X: X, Y: Y, shape: [n], path: file.path)
    }
}
