import Support

/// What one example of a data split looks like and what its labels mean, read without
/// reading the examples: a run records it in its manifest when it trains, so that
/// `predict` can give the trained model new inputs in the same form (a photo resized to
/// 64 x 64 x 3) and name its classes.
///
///     let layout = try ExampleLayout(of: DataSplit(path: "/abs/train_catvnoncat.h5", format: .hdf5),
///                                    features: 12288)
///     layout.shape     // [64, 64, 3]: the examples dataset is (209, 64, 64, 3)
///     layout.classes   // ["non-cat", "cat"]: the file's list_classes, label 0 first
public struct ExampleLayout: Equatable, Sendable {
    /// The shape of one example: the examples dataset's shape without its first
    /// dimension for HDF5 (`[64, 64, 3]` for the cat files), `[n_x]` for CSV.
    public var shape: [Int]
    /// The name of each label, label 0 first: the HDF5 file's `list_classes` dataset when
    /// it holds exactly two strings (the cat files': `[b'non-cat', b'cat']`); nil otherwise.
    public var classes: [String]?

    /// n_x, the features of one example: the product of `shape`.
    public var features: Int { shape.reduce(1, *) }

    public init(shape: [Int], classes: [String]?) {
        self.shape = shape
        self.classes = classes
    }

    /// The layout of `split`'s examples. HDF5: the examples dataset (as `Dataset` picks
    /// it) and `list_classes` are looked at, not read in full; CSV: `[features]`, no
    /// class names (the file has none).
    ///
    /// - Parameter features: n_x, as the split's `Dataset` has it; the CSV shape.
    /// - Throws: the same diagnostics as `Dataset(contentsOf:scale:)` for a file that
    ///   cannot be read.
    public init(of split: DataSplit, features: Int) throws(Diagnostic) {
        switch split.format {
        case .csv, .generated:
            self.init(shape: [features], classes: nil)
        case .hdf5:
            let file = try DataFile(split)
            self = try HDF5SplitReader.reading(file) { reader throws(Diagnostic) -> ExampleLayout in
                let name = if let x = split.x { x } else { try reader.defaultName(suffix: "x", role: "examples") }
                let examples = try reader.featuresDataset(name)
                return ExampleLayout(shape: Array(examples.shape.dropFirst()), classes: try reader.classNames())
            }
        }
    }
}

extension HDF5SplitReader {
    /// The two strings of the root dataset `list_classes` (the course's name for the
    /// class names, label 0 first), or nil when there is no such dataset of two strings;
    /// an error when its values are kept outside the file (they are never read).
    func classNames() throws(Diagnostic) -> [String]? {
        guard rootDatasets.contains("list_classes") else { return nil }
        let dataset = try openChecked("list_classes")
        guard let names = try? dataset.readStrings(limit: 2),
              names.count == 2, names.allSatisfy({ !$0.isEmpty && $0.count <= 200 })
        else { return nil }
        return names
    }
}
