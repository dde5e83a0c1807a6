import Dispatch
import DeepNet
import FoundationEssentials
import Glibc
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
        _ file: DataFile, _ contents: [UInt8], x: String?, y: String?, scale: Double, memoryLimit: MemoryLimit,
        progress: LoadProgress? = nil
    ) throws(Diagnostic) -> (X: Matrix, Y: Matrix) {
        // libhdf5 reads `contents` in place: everything opened from it is closed before
        // this closure returns.
        let result = contents.withUnsafeBytes { bytes -> Result<(X: Matrix, Y: Matrix), Diagnostic> in
            do throws(Diagnostic) {
                return .success(try withHDF5 { () throws(Diagnostic) -> (X: Matrix, Y: Matrix) in
                    let reader = try HDF5SplitReader(file, bytes: bytes, memoryLimit: memoryLimit)
                    let (xName, yName) = try reader.datasetNames(x: x, y: y)
                    let features = try reader.featuresDataset(xName)
                    let Y = try reader.readLabels(yName, examples: features.examples, xName: xName)
                    // The class names a run records (ExampleLayout): refused here, with the
                    // spec's location, when kept outside the file.
                    _ = try reader.classNames()
                    let X = try reader.readFeatures(features, scale: scale, progress: progress)
                    return (X, Y)
                })
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// Reads one split from an open HDF5 file, turning every failure into a diagnostic that
/// names the file and the dataset. Used only while holding the libhdf5 lock.
struct HDF5SplitReader {
    let file: DataFile
    let hdf5: HDF5File
    /// Bytes of the file, all held in memory while it is read.
    let fileBytes: Int
    let memoryLimit: MemoryLimit
    /// The datasets of the root group, for defaults and for listings in errors.
    let rootDatasets: [String]
    /// The external links of the root group, which a default could name.
    let rootExternalLinks: [String]

    init(_ file: DataFile, bytes: UnsafeRawBufferPointer, memoryLimit: MemoryLimit) throws(Diagnostic) {
        self.file = file
        self.memoryLimit = memoryLimit
        fileBytes = bytes.count
        guard HDF5File.hasSignature(bytes) else {
            throw file.error(
                "is not an HDF5 file",
                hint: "HDF5 files begin with the bytes \\x89HDF; a CSV file needs a .csv extension")
        }
        do throws(HDF5Error) {
            hdf5 = try HDF5File(bytes: bytes, name: file.path)
            var datasets: [String] = []
            var externalLinks: [String] = []
            for name in try hdf5.rootLinkNames() {
                switch hdf5.objectKind(at: name) {
                case .dataset: datasets.append(name)
                case .externalLink: externalLinks.append(name)
                case .missing, .other: break
                }
            }
            rootDatasets = datasets
            rootExternalLinks = externalLinks
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
    func checkedName(_ name: String) throws(Diagnostic) -> String {
        switch hdf5.objectKind(at: name) {
        case .dataset:
            return name
        case .externalLink(let link, let target, let object):
            throw file.error(
                "'\(link)' is an external link to '\(object)' in '\(target)'; dnn-run reads only the data file itself, "
                    + "so that what it hashes is all it reads",
                hint: "copy the linked dataset into this file (h5py: f.copy(...) or h5copy), or name the other file as the data")
        case .other:
            throw file.error("'\(name)' is not a dataset (a group?); \(listing())")
        case .missing:
            throw file.error(
                "has no dataset '\(name)'; \(listing())",
                hint: Suggestion.nearest(to: name, among: rootDatasets, ignoringCase: true).map { "did you mean '\($0)'?" })
        }
    }

    /// The one root dataset named `x` or `…_x` ignoring case (for `suffix` "x"), else an
    /// error listing the datasets there are.
    func defaultName(suffix: String, role: String) throws(Diagnostic) -> String {
        let candidates = (rootDatasets + rootExternalLinks).sorted().filter {
            $0.lowercased() == suffix || $0.lowercased().hasSuffix("_" + suffix)
        }
        if candidates.count == 1 { return try checkedName(candidates[0]) }
        let problem = candidates.isEmpty
            ? "has no dataset named '*_\(suffix)' to take the \(role) from"
            : "has several datasets that could hold the \(role) (\(quotedList(candidates)))"
        throw file.error(
            "\(problem); \(listing())",
            hint: "name the datasets in the spec: {path: ..., x: EXAMPLES_DATASET, y: LABELS_DATASET}")
    }

    /// "its datasets: 'a' (209, 64, 64, 3) uint8, 'b' (209,) int64", for error messages.
    func listing() -> String {
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
        /// Examples read at a time: whole chunks along the first dimension, when chunked.
        let blockExamples: Int
        var examples: Int { shape[0] }
        var features: Int { shape.dropFirst().reduce(1, *) }
    }

    /// Bytes of examples read at a time into a buffer before they are converted into the
    /// float64 matrix (rounded up to whole chunks): the features are held once, as the
    /// matrix, not twice.
    static let blockBytes = 16 << 20

    /// Opens the examples dataset and checks it can be read: numeric, at least one example
    /// and one feature, no more features than any model takes, values written and in the
    /// file, and a size the file and memory can hold. A compressed dataset is judged by
    /// its decompressed size before anything is decompressed.
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
        guard n <= Dataset.maximumFeatures else {
            throw file.error(
                "dataset '\(name)' of shape \(shapeText(shape)) has \(n) features per example, more than any model "
                    + "takes (at most \(Dataset.maximumFeatures))",
                hint: "the first dimension must count the examples: check that the dataset is not transposed")
        }
        let (elements, overflow) = m.multipliedReportingOverflow(by: n)
        guard !overflow, elements <= maximumFeatureBytes / 8 else { throw tooLarge(name, shape) }
        try checkWritten(dataset, shape)
        let storedBytes = elements * datatype.size
        let filters: [String]
        let chunk: Int?
        do throws(HDF5Error) {
            filters = try dataset.filters()
            chunk = try dataset.chunkExamples(rank: shape.count)
        } catch {
            throw file.corrupt(error)
        }
        if filters.isEmpty && storedBytes > file.size {
            throw file.error(
                "dataset '\(name)' of shape \(shapeText(shape)) claims \(byteCountText(Double(storedBytes))) "
                    + "but the whole file holds \(byteCountText(Double(file.size))); it is truncated or corrupt",
                hint: "download or export the file again")
        }

        // Memory: the float64 matrix, one block of examples at the file's width, the
        // labels, and the file's bytes (held while it is read).
        var block = max(1, HDF5SplitReader.blockBytes / max(1, n * elementType.size))
        if let chunk { block = (block + chunk - 1) / chunk * chunk }
        block = min(block, m)
        let needed = 8 * Double(elements) + Double(block * n * elementType.size) + 8 * Double(m) + Double(fileBytes)
        if needed > memoryLimit.bytes {
            let stored = filters.isEmpty
                ? ""
                : " (\(filters.joined(separator: "+"))-compressed, \(byteCountText(Double(storedBytes))) decompressed)"
            throw file.error(
                "dataset '\(name)' of shape \(shapeText(shape)) \(datatype.typeName)\(stored): reading it needs about "
                    + "\(byteCountText(needed)) (the features as float64, a block being converted and the file), "
                    + "but \(memoryLimit.describe { byteCountText($0) })",
                hint: "train on a smaller sample of the data, or raise the limit")
        }
        return FeaturesDataset(dataset: dataset, elementType: elementType, shape: shape, blockExamples: block)
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
    func readFeatures(_ features: FeaturesDataset, scale: Double, progress: LoadProgress? = nil) throws(Diagnostic) -> Matrix {
        let (m, n) = (features.examples, features.features)
        let type = features.elementType
        let block = features.blockExamples
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: block * n * type.size, alignment: 8)
        defer { raw.deallocate() }

        // Each block is converted on every core, a slice of its examples each.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        func fill<Element: FeatureElement>(
            _: Element.Type, _ destination: UnsafeMutablePointer<Double>, _ examples: Range<Int>
        ) -> Bool {
            let elements = raw.bindMemory(to: Element.self).baseAddress!
            let pieces = max(1, min(4 * cores, examples.count * n / (1 << 16)))
            var finite = [Bool](repeating: true, count: pieces)
            finite.withUnsafeMutableBufferPointer { finite in
                DispatchQueue.concurrentPerform(iterations: pieces) { k in
                    let slice = examples.lowerBound + examples.count * k / pieces
                        ..< examples.lowerBound + examples.count * (k + 1) / pieces
                    finite[k] = fillFeatures(
                        destination, examples: m, features: n, block: slice,
                        from: elements + (slice.lowerBound - examples.lowerBound) * n, scale: scale)
                }
            }
            return !finite.contains(false)
        }
        var failure: HDF5Error?
        var allFinite = true
        progress?.begin(.converting, total: m)
        let storage = [Double](unsafeUninitializedCapacity: n * m) { destination, initialized in
            initialized = n * m  // Double needs no initialization to be released
            prepareLargeBuffer(destination)
            let out = destination.baseAddress!
            for first in stride(from: 0, to: m, by: block) {
                let examples = first..<min(first + block, m)
                do throws(HDF5Error) {
                    try features.dataset.read(
                        as: type.memoryType, examples: first, count: examples.count, shape: features.shape,
                        into: raw.baseAddress!)
                } catch {
                    failure = error
                    return
                }
                let finite = switch type {
                case .int8: fill(Int8.self, out, examples)
                case .uint8: fill(UInt8.self, out, examples)
                case .int16: fill(Int16.self, out, examples)
                case .uint16: fill(UInt16.self, out, examples)
                case .int32: fill(Int32.self, out, examples)
                case .uint32: fill(UInt32.self, out, examples)
                case .int64: fill(Int64.self, out, examples)
                case .uint64: fill(UInt64.self, out, examples)
                case .float32: fill(Float.self, out, examples)
                case .float64: fill(Double.self, out, examples)
                }
                allFinite = allFinite && finite
                progress?.advance(by: examples.count)
            }
        }
        if let failure { throw file.corrupt(failure) }
        let X = Matrix(rows: n, cols: m, storage: storage)
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
        try checkWritten(dataset, shape)
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
        let dataset = try openChecked(name)
        let datatype: HDF5Datatype, shape: [Int]?
        do throws(HDF5Error) {
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

extension HDF5SplitReader {
    /// Opens the dataset `name` to read its values: the one opener of every dataset
    /// dnn-run reads (examples, labels, class names). Refused: values kept outside this
    /// file (external storage, a virtual dataset) and a filter this libhdf5 lacks.
    func openChecked(_ name: String) throws(Diagnostic) -> HDF5Dataset {
        let dataset: HDF5Dataset
        let missing: [String]
        do throws(HDF5Error) {
            dataset = try hdf5.openDataset(name)
            missing = try dataset.missingFilters()
        } catch {
            throw file.corrupt(error)
        }
        try checkStorage(dataset)
        guard missing.isEmpty else {
            throw file.error(
                "dataset '\(name)' is compressed with \(missing.joined(separator: " and ")), which dnn-run cannot decompress: "
                    + "its libhdf5 has gzip, szip, shuffle, fletcher32, nbit and scaleoffset, and it loads no filter plugins",
                hint: "write the dataset again with gzip or without compression "
                    + "(h5py: create_dataset(name, data=array, compression='gzip'))")
        }
        return dataset
    }

    /// Refuses a dataset whose values are kept outside this file (external storage, a
    /// virtual dataset), naming where they are: reading them would read files the spec
    /// does not name and the manifest does not hash (or hang, on a FIFO).
    fileprivate func checkStorage(_ dataset: HDF5Dataset) throws(Diagnostic) {
        let storage: HDF5Dataset.Storage
        do throws(HDF5Error) { storage = try dataset.storage() } catch { throw file.corrupt(error) }
        let hint = "store the values inside the file (h5py: create the dataset from the array itself, "
            + "without external= or a VirtualLayout)"
        switch storage {
        case .inFile:
            return
        case .external(let files):
            throw file.error(
                "dataset '\(dataset.name)' keeps its values outside this file, in \(quotedList(files)) "
                    + "(external storage); dnn-run reads only the data file itself, so that what it hashes is all it reads",
                hint: hint)
        case .virtual(let sources):
            let described = sources.prefix(3).map { "'\($0.dataset)' in '\($0.file == "." ? file.path : $0.file)'" }
            throw file.error(
                "dataset '\(dataset.name)' is a virtual dataset whose values come from "
                    + described.joined(separator: ", ") + (sources.count > 3 ? " and \(sources.count - 3) more" : "")
                    + "; dnn-run reads only the data file itself, so that what it hashes is all it reads",
                hint: hint)
        }
    }

    /// Refuses a dataset that was declared but never written: reading it would give
    /// nothing but its fill value.
    fileprivate func checkWritten(_ dataset: HDF5Dataset, _ shape: [Int]) throws(Diagnostic) {
        let written: Bool
        do throws(HDF5Error) { written = try dataset.hasStorage() } catch { throw file.corrupt(error) }
        guard !written else { return }
        throw file.error(
            "dataset '\(dataset.name)' has no data written: its shape \(shapeText(shape)) is declared but no values "
                + "were ever stored in the file",
            hint: "write the values (h5py: f['\(dataset.name)'][...] = array) and close the file, or export it again")
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
func shapeText(_ shape: [Int]?) -> String {
    guard let shape else { return "()" }
    return shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
}

/// "'a', 'b', 'c'".
private func quotedList(_ names: [String]) -> String {
    names.map { "'\($0)'" }.joined(separator: ", ")
}

