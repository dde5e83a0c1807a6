import Support
/// One data split of a spec (`data.train` or `data.test`), resolved: an absolute path and
/// how to read it, or a generated set (`format` `.generated`, no file: `path` is empty).
public struct DataSplit: Equatable, Hashable, Sendable {
    public enum Format: String, Sendable, Equatable, Hashable {
        case hdf5
        case csv
        /// Made in memory by `generated`'s generator; there is no file.
        case generated
    }

    /// Absolute path of the file; empty for a generated set.
    public var path: String
    public var format: Format
    /// HDF5: the dataset holding the examples; nil means the one whose name ends in `_x`.
    public var x: String?
    /// HDF5: the dataset holding the labels; nil means the one whose name ends in `_y`.
    public var y: String?
    /// CSV: the column holding the label, 0-based; negative counts from the end (-1, the
    /// default, is the last column).
    public var labelColumn: Int
    /// CSV: whether the first row is a header to skip (default true).
    public var header: Bool
    /// The generator and its arguments when `format` is `.generated`, else nil.
    public var generated: GeneratedSet?
    /// Where the split was written in the spec, for errors about its file.
    public var location: SourceLocation?

    public init(
        path: String, format: Format, x: String? = nil, y: String? = nil,
        labelColumn: Int = -1, header: Bool = true, location: SourceLocation? = nil
    ) {
        self.path = path
        self.format = format
        self.x = x
        self.y = y
        self.labelColumn = labelColumn
        self.header = header
        self.location = location
    }

    /// A generated set: no file, its points made by `generated.make()`.
    public init(generated: GeneratedSet, location: SourceLocation? = nil) {
        self.init(path: "", format: .generated, location: location)
        self.generated = generated
    }

    /// The format a path's extension implies: .h5, .hdf5 and .he5 are HDF5, everything
    /// else is read as CSV.
    public static func format(ofPath path: String) -> Format {
        let lower = path.lowercased()
        return [".h5", ".hdf5", ".he5"].contains { lower.hasSuffix($0) } ? .hdf5 : .csv
    }
}

extension DataSplit {
    /// The split without where it was written: what it reads, for comparing and as a key
    /// (two specs naming one file share its data).
    public var withoutLocation: DataSplit {
        var split = self
        split.location = nil
        return split
    }
}
