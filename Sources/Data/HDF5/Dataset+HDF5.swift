import DeepNet
import Support

extension Dataset {
    /// Reads the examples and labels of an HDF5 file.
    ///
    /// `x` and `y` name the datasets (paths from the root group); nil means the one root
    /// dataset whose name ends in `_x` or is `x` (ignoring case), and likewise `_y`. Examples are the
    /// first dimension of `x`, of any numeric type and rank; labels are (m,), (1, m) or
    /// (m, 1), each 0 or 1. Shapes, types and sizes are all checked before the features
    /// are read in one pass into the (n_x, m) layout.
    static func readHDF5(
        _ file: DataFile, x: String?, y: String?, scale: Double
    ) throws(Diagnostic) -> (X: Matrix, Y: Matrix) {
        try withHDF5 { () throws(Diagnostic) -> (X: Matrix, Y: Matrix) in
            let reader = try HDF5SplitReader(file)
            let (xName, yName) = try reader.datasetNames(x: x, y: y)
            let features = try reader.featuresDataset(xName)
            let Y = try reader.readLabels(yName, examples: features.examples, xName: xName)
            let X = try reader.readFeatures(features, scale: scale)
            return (X, Y)
        }
    }
}

/// Reads one split from an open HDF5 file, turning every failure into a diagnostic that
/// names the file and the dataset. Used only while holding the libhdf5 lock.
private struct HDF5SplitReader {
    let file: DataFile
    let hdf5: HDF5File
    /// The datasets of the root group, for defaults and for listings in errors.
    let rootDatasets: [String]

    init(_ file: DataFile) throws(Diagnostic) {
        self.file = file
        guard HDF5File.hasSignature(atPath: file.path) else {
            throw file.error(
                "is not an HDF5 file",
                hint: "HDF5 files begin with the bytes \\x89HDF; a CSV file needs a .csv extension")
        }
        do throws(HDF5Error) {
            hdf5 = try HDF5File(readingAtPath: file.path)
            rootDatasets = try hdf5.rootDatasetNames()
        } catch {
            throw file.corrupt(error)
        }
    }

    // MARK: Which datasets

    /// The names of the examples and labels datasets: as given, or the defaults.
    func datasetNames(x: String?, y: String?) throws(Diagnostic) -> (x: String, y: String) {
        let xName = if let x { try checkedName(x) } else { try defaultName(suffix: "x", role: "examples") }
        let yName = if let y { try checkedName(y) } else { try defaultName(suffix: "y", role: "labels") }
        return (xName, yName)
    }

    /// `name`, once it is known to name a dataset.
    private func checkedName(_ name: String) throws(Diagnostic) -> String {
        switch hdf5.objectKind(at: name) {
        case .dataset:
            return name
        case .other:
            throw file.error("'\(name)' is not a dataset (a group?); \(listing())")
        case .missing:
            throw file.error(
                "has no dataset '\(name)'; \(listing())",
                hint: nearest(to: name, in: rootDatasets).map { "did you mean '\($0)'?" })
        }
    }

    /// The one root dataset named `x` or `…_x` ignoring case (for `suffix` "x"), else an
    /// error listing the datasets there are.
    private func defaultName(suffix: String, role: String) throws(Diagnostic) -> String {
        let candidates = rootDatasets.filter {
            $0.lowercased() == suffix || $0.lowercased().hasSuffix("_" + suffix)
        }
        if candidates.count == 1 { return candidates[0] }
        let problem = candidates.isEmpty
            ? "has no dataset named '*_\(suffix)' to take the \(role) from"
            : "has several datasets that could hold the \(role) (\(quotedList(candidates)))"
        throw file.error(
            "\(problem); \(listing())",
            hint: "name the datasets in the spec: {path: ..., x: EXAMPLES_DATASET, y: LABELS_DATASET}")
    }

    /// "its datasets: 'a' (209, 64, 64, 3) uint8, 'b' (209,) int64", for error messages.
    private func listing() -> String {
        if rootDatasets.isEmpty { return "it has no datasets at its root" }
        let described = rootDatasets.map { name in
            guard let dataset = try? hdf5.openDataset(name),
                  let type = try? dataset.datatype(),
                  let shape = try? dataset.shape()
            else { return "'\(name)'" }
            return "'\(name)' \(shapeText(shape)) \(type.typeName)"
        }
        return "its datasets: " + described.joined(separator: ", ")
    }

    // MARK: Features

    /// An examples dataset whose shape and size have been checked, not yet read.
    struct FeaturesDataset {
        let dataset: HDF5Dataset
        let elementType: HDF5ElementType
        let shape: [Int]
        var examples: Int { shape[0] }
        var features: Int { shape.dropFirst().reduce(1, *) }
    }

    /// Opens the examples dataset and checks it can be read: numeric, at least one example
    /// and one feature, and a size the file and memory can hold.
    func featuresDataset(_ name: String) throws(Diagnostic) -> FeaturesDataset {
        let (dataset, datatype, elementType, shape) = try openNumeric(name)
        let m = shape[0]
        guard m > 0 else { throw file.error("dataset '\(name)' has 0 examples (shape \(shapeText(shape)))") }
        var n = 1
        for dimension in shape.dropFirst() {
            let (product, overflow) = n.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw tooLarge(name, shape) }
            n = product
        }
        guard n > 0 else { throw file.error("dataset '\(name)' has 0 features (shape \(shapeText(shape)))") }
        let (elements, overflow) = m.multipliedReportingOverflow(by: n)
        guard !overflow, elements <= maximumFeatureBytes / 8 else { throw tooLarge(name, shape) }
        let storedBytes = elements * datatype.size
        let filtered: Bool
        do throws(HDF5Error) { filtered = try dataset.isFiltered() } catch { throw file.corrupt(error) }
        if !filtered && storedBytes > file.size {
            throw file.error(
                "dataset '\(name)' of shape \(shapeText(shape)) claims \(byteCountText(Double(storedBytes))) "
                    + "but the whole file holds \(byteCountText(Double(file.size))); it is truncated or corrupt",
                hint: "download or export the file again")
        }
        return FeaturesDataset(dataset: dataset, elementType: elementType, shape: shape)
    }

    /// The error for a shape whose features would not fit in `maximumFeatureBytes`.
    private func tooLarge(_ name: String, _ shape: [Int]) -> Diagnostic {
        let bytes = shape.reduce(8.0) { $0 * Double($1) }
        return file.error(
            "dataset '\(name)' of shape \(shapeText(shape)) would take \(byteCountText(bytes)) as float64; "
                + "the limit is \(byteCountText(Double(maximumFeatureBytes)))",
            hint: "train on a smaller sample of the data")
    }

    /// Reads the features into the (n_x, m) layout, divided by `scale`: the file's bytes
    /// are read once at their own width, then converted, scaled and transposed in one pass.
    func readFeatures(_ features: FeaturesDataset, scale: Double) throws(Diagnostic) -> Matrix {
        let (m, n) = (features.examples, features.features)
        let type = features.elementType
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: m * n * type.size, alignment: 8)
        defer { raw.deallocate() }
        do throws(HDF5Error) {
            try features.dataset.read(as: type.memoryType, into: raw.baseAddress!)
        } catch {
            throw file.corrupt(error)
        }

        func convert<Element>(_: Element.Type, _ toDouble: (Element) -> Double) -> (matrix: Matrix, allFinite: Bool) {
            let elements = raw.bindMemory(to: Element.self)
            return featureMatrix(examples: m, features: n, from: elements.baseAddress!, scale: scale, toDouble: toDouble)
        }
        let (X, allFinite) = switch type {
        case .int8: convert(Int8.self) { Double($0) }
        case .uint8: convert(UInt8.self) { Double($0) }
        case .int16: convert(Int16.self) { Double($0) }
        case .uint16: convert(UInt16.self) { Double($0) }
        case .int32: convert(Int32.self) { Double($0) }
        case .uint32: convert(UInt32.self) { Double($0) }
        case .int64: convert(Int64.self) { Double($0) }
        case .uint64: convert(UInt64.self) { Double($0) }
        case .float32: convert(Float.self) { Double($0) }
        case .float64: convert(Double.self) { $0 }
        }
        if !allFinite, let bad = firstNonFiniteFeature(in: X) {
            throw file.error(
                "dataset '\(features.dataset.name)' has \(bad.value) at example \(bad.example), feature \(bad.feature)"
                    + (scale == 1 ? "" : " (after dividing by \(displayText(scale)))"),
                hint: "features must be finite numbers: fill in or drop missing values")
        }
        return X
    }

    // MARK: Labels

    /// Reads the labels as a (1, m) row, checking their shape, their count against the
    /// examples of `xName` and that each is 0 or 1.
    func readLabels(_ name: String, examples m: Int, xName: String) throws(Diagnostic) -> Matrix {
        let (dataset, _, _, shape) = try openNumeric(name)
        guard shape.count == 1 || (shape.count == 2 && (shape[0] == 1 || shape[1] == 1)) else {
            throw file.error("dataset '\(name)' has shape \(shapeText(shape)); labels must be (m,), (1, m) or (m, 1)")
        }
        let count = shape.count == 1 ? shape[0] : max(shape[0], shape[1])
        guard count == m else {
            throw file.error(
                "dataset '\(name)' has \(count) labels but dataset '\(xName)' has \(m) examples",
                hint: "take the examples and labels from the same split")
        }
        let labels: [Double]
        do throws(HDF5Error) { labels = try dataset.readAsDoubles(count: m) } catch { throw file.corrupt(error) }
        if let example = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw file.error(
                "dataset '\(name)' has label \(displayText(labels[example])) at example \(example); labels must be 0 or 1",
                hint: "map the two classes to 0 and 1")
        }
        return Matrix(rows: 1, cols: m, storage: labels)
    }

    // MARK: Helpers

    /// Opens `name` and checks that it holds numbers in a simple dataspace of rank >= 1.
    private func openNumeric(
        _ name: String
    ) throws(Diagnostic) -> (HDF5Dataset, HDF5Datatype, HDF5ElementType, [Int]) {
        let dataset: HDF5Dataset, datatype: HDF5Datatype, shape: [Int]?
        do throws(HDF5Error) {
            dataset = try hdf5.openDataset(name)
            datatype = try dataset.datatype()
            shape = try dataset.shape()
        } catch {
            throw file.corrupt(error)
        }
        guard let elementType = datatype.elementType else {
            throw file.error(
                "dataset '\(name)' holds \(datatype.typeName) values; expected a numeric dataset",
                hint: "store the data as integers or floats")
        }
        guard let shape, !shape.isEmpty else {
            throw file.error("dataset '\(name)' is a scalar; expected an array with one entry per example")
        }
        return (dataset, datatype, elementType, shape)
    }
}

extension DataFile {
    /// A libhdf5 failure on a file that has the HDF5 signature: damaged or cut short.
    fileprivate func corrupt(_ error: HDF5Error) -> Diagnostic {
        self.error(
            "\(error); the file is truncated or corrupt",
            hint: "download or export the file again")
    }
}

/// A shape as numpy prints it: (209, 64, 64, 3), or (209,) for one dimension.
private func shapeText(_ shape: [Int]?) -> String {
    guard let shape else { return "()" }
    return shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
}

/// "'a', 'b', 'c'".
private func quotedList(_ names: [String]) -> String {
    names.map { "'\($0)'" }.joined(separator: ", ")
}

/// The candidate closest to `name` by edit distance (ignoring case), when it is close
/// enough to be a plausible typo: at most a third of the longer name's characters differ.
private func nearest(to name: String, in candidates: [String]) -> String? {
    let target = name.lowercased()
    return candidates
        .map { (name: $0, distance: Suggestion.editDistance(target, $0.lowercased())) }
        .filter { $0.distance * 3 <= max(target.count, $0.name.count) }
        .min { $0.distance < $1.distance }?
        .name
}
