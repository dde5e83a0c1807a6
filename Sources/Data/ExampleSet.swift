import DeepNet
import Support

/// Examples to give a trained model: features read exactly as training reads a split
/// (`Dataset`), labels only when the file has them.
///
/// `X` is (n_x, m), divided by `scale` as training divided it; `Y` is (1, m) of 0s and 1s
/// or nil. HDF5: the examples dataset as `Dataset` picks it (the one ending in `_x`), the
/// labels from the one ending in `_y` when there is one. CSV: a header row when the first
/// row has a cell that is not a number; each row n_x features (no labels) or n_x + 1
/// columns (a label in `split.labelColumn`).
///
///     let test = try ExampleSet(contentsOf: DataSplit(path: "/abs/test_catvnoncat.h5", format: .hdf5),
///                               scale: 255, shape: [64, 64, 3])
///     test.X   // (12288, 50)
///     test.Y   // (1, 50): test_set_y
public struct ExampleSet: Equatable, Sendable {
    /// The features, (n_x, m), float64, divided by the scale.
    public var X: Matrix
    /// The labels, (1, m), each 0 or 1; nil when the file has none.
    public var Y: Matrix?
    /// The shape of one example as stored: `[64, 64, 3]`, or `[n_x]` for CSV.
    public var shape: [Int]
    /// Absolute path of the file.
    public var path: String

    /// m, the number of examples.
    public var examples: Int { X.cols }

    public init(X: Matrix, Y: Matrix?, shape: [Int], path: String) {
        precondition(Y.map { $0.rows == 1 && $0.cols == X.cols } ?? true, "labels do not match the examples")
        self.X = X
        self.Y = Y
        self.shape = shape
        self.path = path
    }

    /// Reads the examples of `split` for a model whose examples have shape `shape`.
    ///
    /// A model trained on flat examples (`shape` of one dimension, n_x) takes any
    /// examples of n_x features; one trained on images (`[64, 64, 3]`) takes HDF5
    /// examples of exactly that shape, and CSV rows of its n_x features.
    ///
    /// - Parameter observer: told how the loading of a large file advances (a progress
    ///   line), as for training data.
    /// - Throws: a `Diagnostic` naming the file for everything `Dataset` refuses, and for
    ///   examples of another shape or feature count than `shape`, saying which was expected.
    public init(
        contentsOf split: DataSplit, scale: Double, shape: [Int], observer: (any DataLoadObserver)? = nil
    ) throws(Diagnostic) {
        let file = try DataFile(split)
        guard scale.isFinite, scale > 0 else {
            throw Diagnostic("data.scale must be a positive finite number, not \(displayText(scale))", key: "data.scale")
        }
        let progress = LoadProgress(observer, path: file.path, size: file.size)
        defer { progress.end() }
        switch split.format {
        case .hdf5: self = try ExampleSet.readHDF5(file, split: split, scale: scale, shape: shape, progress: progress)
        case .csv:
            self = try ExampleSet.readCSV(
                file, labelColumn: split.labelColumn, scale: scale, shape: shape, progress: progress)
        case .generated:
            preconditionFailure("predict's inputs are files; a generated split has no file to read")
        }
    }

    /// "(64, 64, 3) (12288 features)" or "(12288,)", for errors.
    static func shapeDescription(_ shape: [Int]) -> String {
        shape.count == 1 ? shapeText(shape) : "\(shapeText(shape)) (\(shape.reduce(1, *)) features)"
    }

    private static func readHDF5(
        _ file: DataFile, split: DataSplit, scale: Double, shape expected: [Int], progress: LoadProgress
    ) throws(Diagnostic) -> ExampleSet {
        try HDF5SplitReader.reading(file, progress: progress) { reader throws(Diagnostic) -> ExampleSet in
            let xName = if let x = split.x { try reader.checkedName(x) } else {
                try reader.defaultName(suffix: "x", role: "examples")
            }
            let yName = if let y = split.y { try reader.checkedName(y) } else { try defaultLabels(reader) }
            let features = try reader.featuresDataset(xName)
            let shape = Array(features.shape.dropFirst())
            let fits = expected.count == 1 ? features.features == expected[0] : shape == expected
            guard fits else {
                throw file.error(
                    "dataset '\(xName)' holds examples of shape \(shapeDescription(shape)); the model takes "
                        + "examples of shape \(shapeDescription(expected)), as it was trained on",
                    hint: "give it examples shaped as its training set's: (m, "
                        + expected.map(String.init).joined(separator: ", ") + ")")
            }
            let Y = try yName.map { name throws(Diagnostic) in
                try reader.readLabels(name, examples: features.examples, xName: xName)
            }
            let X = try reader.readFeatures(features, scale: scale, progress: progress)
            return ExampleSet(X: X, Y: Y, shape: shape, path: file.path)
        }
    }

    /// The labels dataset when the file has one (the one root dataset named `y` or
    /// `…_y`), nil when it has none; several candidates are an error, as for training.
    private static func defaultLabels(_ reader: HDF5SplitReader) throws(Diagnostic) -> String? {
        let candidates = reader.rootDatasets.filter { $0.lowercased() == "y" || $0.lowercased().hasSuffix("_y") }
        return candidates.isEmpty ? nil : try reader.defaultName(suffix: "y", role: "labels")
    }
}
