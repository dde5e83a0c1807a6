import CHDF5
import Support

/// A dataset of an open HDF5 file; closed when released.
final class HDF5Dataset {
    private let handle: HDF5Handle
    var id: hid_t { handle.id }
    let name: String
    /// Keeps the file open at least as long as the dataset.
    private let file: HDF5File

    init(in file: HDF5File, named name: String) throws(HDF5Error) {
        handle = try HDF5Handle(H5Dopen2(file.id, name, file.access.id), .dataset, orThrow: "cannot open dataset '\(name)'")
        self.name = name
        self.file = file
    }

    /// The dataset's shape, e.g. [209, 64, 64, 3]; nil for a scalar or empty (null) dataspace.
    /// A dimension beyond `Int.max` (only a corrupt file claims one) is an error.
    func shape() throws(HDF5Error) -> [Int]? {
        let space = try HDF5Handle(H5Dget_space(id), .dataspace, orThrow: "cannot read the shape of dataset '\(name)'")
        guard H5Sget_simple_extent_type(space.id) == H5S_SIMPLE else { return nil }
        let rank = H5Sget_simple_extent_ndims(space.id)
        guard rank >= 0 else { throw HDF5Error("cannot read a dataset's rank") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        guard H5Sget_simple_extent_dims(space.id, &dims, nil) >= 0 else { throw HDF5Error("cannot read a dataset's shape") }
        var shape: [Int] = []
        for dim in dims {
            guard let size = Int(exactly: dim) else { throw HDF5Error("dimension \(dim) is out of range") }
            shape.append(size)
        }
        return shape
    }

    /// The dataset's element type, as stored in the file.
    func datatype() throws(HDF5Error) -> HDF5Datatype {
        try HDF5Datatype(of: self)
    }

    /// The dataset's creation properties: layout, filters, external files.
    private func creationProperties() throws(HDF5Error) -> HDF5Handle {
        try HDF5Handle(
            H5Dget_create_plist(id), .propertyList, orThrow: "cannot read the properties of dataset '\(name)'")
    }

    /// Where a dataset's values are kept.
    enum Storage: Equatable {
        /// In this file (contiguous, chunked or compact).
        case inFile
        /// In other files, by name (HDF5 external raw storage, h5py's `external=`).
        case external(files: [String])
        /// Mapped from datasets of (possibly) other files: (file, dataset) pairs, the file
        /// "." meaning this one.
        case virtual(sources: [(file: String, dataset: String)])

        static func == (a: Storage, b: Storage) -> Bool {
            switch (a, b) {
            case (.inFile, .inFile): return true
            case (.external(let x), .external(let y)): return x == y
            case (.virtual(let x), .virtual(let y)): return x.map { [$0.file, $0.dataset] } == y.map { [$0.file, $0.dataset] }
            default: return false
            }
        }
    }

    /// Where the values are kept, read from the creation properties only (nothing of the
    /// values is touched).
    func storage() throws(HDF5Error) -> Storage {
        let properties = try creationProperties()
        let externalCount = H5Pget_external_count(properties.id)
        guard externalCount >= 0 else { throw HDF5Error("cannot read the storage of dataset '\(name)'") }
        if externalCount > 0 {
            var files: [String] = []
            for index in 0..<UInt32(externalCount) {
                var buffer = [CChar](repeating: 0, count: 4097)
                var offset: off_t = 0
                var size: hsize_t = 0
                let ok = H5Pget_external(properties.id, index, buffer.count - 1, &buffer, &offset, &size) >= 0
                files.append(ok ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?")
            }
            H5Eclear2(dnn_h5e_default())
            return .external(files: files)
        }
        if H5Pget_layout(properties.id) == H5D_VIRTUAL {
            var count = 0
            guard H5Pget_virtual_count(properties.id, &count) >= 0 else {
                throw HDF5Error("cannot read the mappings of virtual dataset '\(name)'")
            }
            var sources: [(file: String, dataset: String)] = []
            for index in 0..<count {
                func text(_ get: (UnsafeMutablePointer<CChar>?, Int) -> Int) -> String {
                    let length = get(nil, 0)
                    guard length >= 0 else { return "?" }
                    var buffer = [CChar](repeating: 0, count: length + 1)
                    _ = get(&buffer, buffer.count)
                    return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                }
                sources.append((
                    file: text { H5Pget_virtual_filename(properties.id, index, $0, $1) },
                    dataset: text { H5Pget_virtual_dsetname(properties.id, index, $0, $1) }))
            }
            H5Eclear2(dnn_h5e_default())
            return .virtual(sources: sources)
        }
        return .inFile
    }

    /// Whether any storage was ever allocated for the values: false for a dataset that
    /// was declared (a shape and a type) but never written.
    func hasStorage() throws(HDF5Error) -> Bool {
        var status = H5D_SPACE_STATUS_ERROR
        guard H5Dget_space_status(id, &status) >= 0 else {
            throw HDF5Error("cannot read the allocation of dataset '\(name)'")
        }
        return status != H5D_SPACE_STATUS_NOT_ALLOCATED
    }

    /// The filters the data passes through on its way to disk (compression, checksums),
    /// by name: "gzip", "szip", "shuffle", "fletcher32", "scaleoffset", "nbit", or
    /// "filter N" for a third-party one. With any, the bytes a dataset holds in the file
    /// may be far fewer than its elements' bytes.
    func filters() throws(HDF5Error) -> [String] {
        let properties = try creationProperties()
        let count = H5Pget_nfilters(properties.id)
        guard count >= 0 else { throw HDF5Error("cannot read the filters of dataset '\(name)'") }
        return (0..<UInt32(count)).map { index in
            var flags: UInt32 = 0
            var elements = 0
            var config: UInt32 = 0
            let filter = H5Pget_filter2(properties.id, index, &flags, &elements, nil, 0, nil, &config)
            switch filter {
            case H5Z_FILTER_DEFLATE: return "gzip"
            case H5Z_FILTER_SZIP: return "szip"
            case H5Z_FILTER_SHUFFLE: return "shuffle"
            case H5Z_FILTER_FLETCHER32: return "fletcher32"
            case H5Z_FILTER_NBIT: return "nbit"
            case H5Z_FILTER_SCALEOFFSET: return "scaleoffset"
            default: return "filter \(filter)"
            }
        }
    }

    /// The filters of `filters()` that this libhdf5 cannot apply, by the name the file
    /// gives ("'lzf' (filter 32000)"): a third-party filter needs a plugin, and dnn-run
    /// loads none (a plugin is code from a folder, run on the data).
    func missingFilters() throws(HDF5Error) -> [String] {
        let properties = try creationProperties()
        let count = H5Pget_nfilters(properties.id)
        guard count >= 0 else { throw HDF5Error("cannot read the filters of dataset '\(name)'") }
        return (0..<UInt32(count)).compactMap { (index: UInt32) -> String? in
            var flags: UInt32 = 0
            var elements = 0
            var config: UInt32 = 0
            var buffer = [CChar](repeating: 0, count: 256)
            let filter = H5Pget_filter2(properties.id, index, &flags, &elements, nil, buffer.count - 1, &buffer, &config)
            guard filter >= 0, H5Zfilter_avail(filter) <= 0 else { return nil }
            let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return name.isEmpty ? "filter \(filter)" : "'\(name)' (filter \(filter))"
        }
    }

    /// For a chunked dataset, the chunk's extent along the first dimension (examples);
    /// nil for contiguous and compact ones.
    func chunkExamples(rank: Int) throws(HDF5Error) -> Int? {
        let properties = try creationProperties()
        guard H5Pget_layout(properties.id) == H5D_CHUNKED, rank > 0 else { return nil }
        var dims = [hsize_t](repeating: 0, count: rank)
        guard H5Pget_chunk(properties.id, Int32(rank), &dims) == rank, let first = Int(exactly: dims[0]), first > 0 else {
            throw HDF5Error("cannot read the chunks of dataset '\(name)'")
        }
        return first
    }

    /// Reads every element converted to float64; the dataset must hold `count` elements.
    func readAsDoubles(count: Int) throws(HDF5Error) -> [Double] {
        var values = [Double](repeating: 0, count: count)
        let status = values.withUnsafeMutableBytes { bytes in
            H5Dread(id, dnn_h5t_native_double(), dnn_h5s_all(), dnn_h5s_all(), dnn_h5p_default(), bytes.baseAddress)
        }
        guard status >= 0 else { throw HDF5Error("cannot read dataset '\(name)'") }
        return values
    }

    /// Reads `count` examples from `first` on (whole slices along the first dimension,
    /// of `shape`), converted by libhdf5 to `memoryType`, into `buffer`, which must hold
    /// that many elements of the memory type.
    func read(
        as memoryType: hid_t, examples first: Int, count: Int, shape: [Int], into buffer: UnsafeMutableRawPointer
    ) throws(HDF5Error) {
        let fileSpace = try HDF5Handle(H5Dget_space(id), .dataspace, orThrow: "cannot read the shape of dataset '\(name)'")
        var start = [hsize_t](repeating: 0, count: shape.count)
        var extent = shape.map { hsize_t($0) }
        start[0] = hsize_t(first)
        extent[0] = hsize_t(count)
        guard H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, extent, nil) >= 0 else {
            throw HDF5Error("cannot select examples of dataset '\(name)'")
        }
        // The memory space has the selection's own shape, so that libhdf5 copies whole
        // runs rather than mapping element by element between two shapes.
        let memorySpace = try HDF5Handle(
            H5Screate_simple(Int32(extent.count), extent, nil), .dataspace, orThrow: "cannot make a dataspace")
        guard H5Dread(id, memoryType, memorySpace.id, fileSpace.id, dnn_h5p_default(), buffer) >= 0 else {
            throw HDF5Error("cannot read dataset '\(name)'")
        }
    }
}

/// The element type of a dataset as stored in the file; closed when released.
final class HDF5Datatype {
    private let handle: HDF5Handle
    var id: hid_t { handle.id }

    init(of dataset: HDF5Dataset) throws(HDF5Error) {
        handle = try HDF5Handle(
            H5Dget_type(dataset.id), .datatype, orThrow: "cannot read the type of dataset '\(dataset.name)'")
    }

    /// Bytes per element in the file.
    var size: Int { H5Tget_size(id) }

    /// The numeric type to read the elements as, or nil when they are not numbers
    /// (strings, compounds, references...). Enums over integers, such as the booleans
    /// h5py writes for numpy's `bool` ({FALSE = 0, TRUE = 1} over int8), are read as their
    /// integer values.
    var elementType: HDF5ElementType? {
        switch H5Tget_class(id) {
        case H5T_INTEGER: return HDF5ElementType(integerOfSize: size, signed: H5Tget_sign(id) == H5T_SGN_2)
        case H5T_FLOAT: return HDF5ElementType(floatOfSize: size)
        case H5T_ENUM:
            guard let base = try? HDF5Handle(H5Tget_super(id), .datatype, orThrow: "cannot read an enum's base type") else {
                return nil
            }
            return HDF5ElementType(integerOfSize: H5Tget_size(base.id), signed: H5Tget_sign(base.id) == H5T_SGN_2)
        default: return nil
        }
    }

    /// A short name like numpy's: `uint8`, `int64`, `float32`, `string`, `compound`...
    var typeName: String {
        switch H5Tget_class(id) {
        case H5T_INTEGER: return (H5Tget_sign(id) == H5T_SGN_2 ? "int" : "uint") + "\(8 * size)"
        case H5T_FLOAT: return "float\(8 * size)"
        case H5T_STRING: return "string"
        case H5T_COMPOUND: return "compound"
        case H5T_ENUM: return "enum"
        case H5T_ARRAY: return "array"
        case H5T_VLEN: return "variable-length"
        case H5T_REFERENCE: return "reference"
        case H5T_OPAQUE: return "opaque"
        case H5T_BITFIELD: return "bitfield"
        case H5T_TIME: return "time"
        default: return "unknown type"
        }
    }
}

/// How the elements of a numeric dataset are held in memory: at the file's own width when
/// Swift has a matching type (one pass, no widening by libhdf5), as float64 otherwise
/// (e.g. a 16-bit float or an 80-bit long double, which libhdf5 converts while reading).
enum HDF5ElementType {
    case int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64

    init(integerOfSize size: Int, signed: Bool) {
        switch (size, signed) {
        case (1, true): self = .int8
        case (1, false): self = .uint8
        case (2, true): self = .int16
        case (2, false): self = .uint16
        case (4, true): self = .int32
        case (4, false): self = .uint32
        case (8, true): self = .int64
        case (8, false): self = .uint64
        default: self = .float64
        }
    }

    init(floatOfSize size: Int) {
        self = size == 4 ? .float32 : .float64
    }

    /// Bytes per element in memory.
    var size: Int {
        switch self {
        case .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// libhdf5's native memory type for `H5Dread`; byte order is converted while reading.
    var memoryType: hid_t {
        switch self {
        case .int8: return dnn_h5t_native_int8()
        case .uint8: return dnn_h5t_native_uint8()
        case .int16: return dnn_h5t_native_int16()
        case .uint16: return dnn_h5t_native_uint16()
        case .int32: return dnn_h5t_native_int32()
        case .uint32: return dnn_h5t_native_uint32()
        case .int64: return dnn_h5t_native_int64()
        case .uint64: return dnn_h5t_native_uint64()
        case .float32: return dnn_h5t_native_float()
        case .float64: return dnn_h5t_native_double()
        }
    }
}
