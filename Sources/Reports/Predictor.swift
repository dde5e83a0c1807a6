import Data
import DeepNet
import FoundationEssentials
import Glibc
import Images
import Support

/// `dnn-run predict RUN_DIR INPUT...`: a completed run applied to new examples, as the
/// course's "test with your own image" does: HDF5 and CSV sets (read as training reads a
/// split, labels optional) and PNG/JPEG images (decoded, converted to RGB and resized to
/// the training examples' height and width as Pillow's `Image.resize` does, flattened
/// row, column, channel and divided by `data.scale`), through DeepNet's `modelForward`
/// and `classify` (AL > 0.5).
///
///     let model = try TrainedModel(folder: "results/cat_5layer/default")
///     let report = try Predictor.predict(["my_cat.jpg", "datasets/test_catvnoncat.h5"], with: model)
///     report.rows[0]   // name "my_cat.jpg", probability 0.97..., prediction 1
public enum Predictor {
    /// How an input is read, from its extension or, for other names, its first bytes.
    public enum InputKind: Equatable, Sendable {
        case image, hdf5, csv
    }

    /// Every input is read and checked before anything is computed, so that one bad input
    /// fails the whole call (nothing is printed or written).
    ///
    /// - Parameter inputs: paths as the user gave them; examples are named by them
    ///   (`photo.jpg`, `test.h5[7]`).
    /// - Throws: `Diagnostic` naming the input and what was expected (exit status 2).
    public static func predict(
        _ inputs: [String], with model: TrainedModel, observer: (any DataLoadObserver)? = nil
    ) throws -> PredictionReport {
        enum Loaded {
            case image(Int)
            case set(ExampleSet)
        }
        var loaded: [Loaded] = []
        var images: [[UInt8]] = []
        for input in inputs {
            switch kind(of: input) {
            case .image:
                loaded.append(.image(images.count))
                images.append(try loadImage(input, for: model))
            case .hdf5, .csv:
                loaded.append(.set(try loadSet(input, for: model, observer: observer)))
            }
        }

        func forward(_ X: Matrix) -> (AL: Matrix, predictions: Matrix) {
            let AL = modelForward(X, model.parameters, hidden: model.hidden, output: model.output).AL
            return (AL, classify(AL))
        }
        // Every image in one (n_x, m) matrix, one image per column, in the order given.
        let imageResults = images.isEmpty ? nil : forward(Matrix(
            rows: model.inputShape.reduce(1, *), cols: images.count,
            storage: ImageInput.featureColumns(images, scale: model.scale)))

        var report = PredictionReport(
            run: model.folder, classNames: [model.className(0), model.className(1)], rows: [], scores: [])
        for (input, item) in zip(inputs, loaded) {
            switch item {
            case .image(let k):
                let (AL, predictions) = imageResults!
                report.rows.append(PredictionReport.Row(
                    name: input, probability: AL.storage[k], prediction: Int(predictions.storage[k]), label: nil))
            case .set(let examples):
                let (AL, predictions) = forward(examples.X)
                for k in 0..<examples.examples {
                    report.rows.append(PredictionReport.Row(
                        name: "\(input)[\(k)]", probability: AL.storage[k], prediction: Int(predictions.storage[k]),
                        label: examples.Y.map { Int($0.storage[k]) }))
                }
                if let Y = examples.Y {
                    report.scores.append(PredictionReport.Score(input: input, predictions: predictions, labels: Y))
                }
            }
        }
        return report
    }

    /// Images by extension (PNG, JPEG and the formats Images names in its errors), HDF5 by
    /// extension (.h5, .hdf5, .he5), anything else by its first bytes: a PNG, JPEG or
    /// HDF5 signature, or else CSV (as in a spec).
    public static func kind(of path: String) -> InputKind {
        let lower = path.lowercased()
        let imageExtensions = ["png", "jpg", "jpeg", "jpe", "jfif", "gif", "bmp", "webp", "tif", "tiff"]
        if let dot = lower.lastIndex(of: "."), imageExtensions.contains(String(lower[lower.index(after: dot)...])) {
            return .image
        }
        if DataSplit.format(ofPath: path) == .hdf5 { return .hdf5 }
        guard let head = FileSystem.firstBytes(of: path, count: 8) else { return .csv }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) || head.starts(with: [0xFF, 0xD8, 0xFF]) { return .image }
        if head.starts(with: [0x89, 0x48, 0x44, 0x46]) { return .hdf5 }
        return .csv
    }

    /// The image's RGB bytes at the training examples' height and width.
    private static func loadImage(_ path: String, for model: TrainedModel) throws -> [UInt8] {
        let shape = model.inputShape
        guard shape.count == 3, shape[2] == 3 else {
            throw Diagnostic(
                "\(path): the model of '\(model.folder)' was trained on examples of \(describe(shape)), not on "
                    + "RGB images (height, width, 3); it takes HDF5 or CSV sets of \(shape.reduce(1, *)) features",
                hint: "give it a set shaped as its training data")
        }
        do {
            return try ImageInput.load(path: path, width: shape[1], height: shape[0])
        } catch {
            throw Diagnostic(error.description)
        }
    }

    /// An HDF5 or CSV set, read as training read its data.
    private static func loadSet(
        _ path: String, for model: TrainedModel, observer: (any DataLoadObserver)?
    ) throws -> ExampleSet {
        guard FileSystem.exists(path) else {
            throw Diagnostic(
                "\(path): no such file; expected an HDF5 or CSV set, or a PNG or JPEG image",
                hint: "relative paths start at the working directory")
        }
        let format: DataSplit.Format = kind(of: path) == .hdf5 ? .hdf5 : .csv
        let labelColumn = model.trainSplit.format == .csv ? model.trainSplit.labelColumn : -1
        let split = DataSplit(path: PathNames.absolute(path), format: format, labelColumn: labelColumn)
        return try ExampleSet(contentsOf: split, scale: model.scale, shape: model.inputShape, observer: observer)
    }

    /// "shape (64, 64, 3)" or "12288 features".
    static func describe(_ shape: [Int]) -> String {
        shape.count == 1 ? "\(shape[0]) features" : "shape (" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}
