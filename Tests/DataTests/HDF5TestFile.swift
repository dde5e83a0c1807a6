import CHDF5
import Foundation

/// One dataset of a test HDF5 file: its name, shape, element type and raw native bytes.
struct TestArray {
    var name: String
    var shape: [Int]
    /// The element type in the file (and in memory; the bytes are native).
    var type: TestType
    /// The elements' bytes, or nil to declare the dataset without ever writing it.
    var bytes: [UInt8]?
    /// Whether to store it in chunks through the deflate filter.
    var compressed = false

    enum TestType {
        case native(hid_t)
        case bigEndianInt32
        case string(length: Int)
        case compoundOfTwoDoubles
        /// numpy's bool as h5py writes it: an enum {FALSE = 0, TRUE = 1} over int8.
        case bool
    }

    static func uint8(_ name: String, _ shape: [Int], _ values: [UInt8]) -> TestArray {
        TestArray(name: name, shape: shape, type: .native(dnn_h5t_native_uint8()), bytes: values)
    }
    static func int8(_ name: String, _ shape: [Int], _ values: [Int8]) -> TestArray {
        TestArray(name: name, shape: shape, type: .native(dnn_h5t_native_int8()), bytes: rawBytes(values))
    }
    static func int64(_ name: String, _ shape: [Int], _ values: [Int64]) -> TestArray {
        TestArray(name: name, shape: shape, type: .native(dnn_h5t_native_int64()), bytes: rawBytes(values))
    }
    static func float32(_ name: String, _ shape: [Int], _ values: [Float]) -> TestArray {
        TestArray(name: name, shape: shape, type: .native(dnn_h5t_native_float()), bytes: rawBytes(values))
    }
    static func float64(_ name: String, _ shape: [Int], _ values: [Double]) -> TestArray {
        TestArray(name: name, shape: shape, type: .native(dnn_h5t_native_double()), bytes: rawBytes(values))
    }
    /// Big-endian in the file, written from native Int32 values (libhdf5 swaps the bytes).
    static func bigEndianInt32(_ name: String, _ shape: [Int], _ values: [Int32]) -> TestArray {
        TestArray(name: name, shape: shape, type: .bigEndianInt32, bytes: rawBytes(values))
    }
    /// Fixed-length strings of up to 8 bytes.
    static func strings(_ name: String, _ values: [String]) -> TestArray {
        let bytes = values.flatMap { Array($0.utf8.prefix(8)) + [UInt8](repeating: 0, count: 8 - min($0.utf8.count, 8)) }
        return TestArray(name: name, shape: [values.count], type: .string(length: 8), bytes: bytes)
    }
    static func bools(_ name: String, _ shape: [Int], _ values: [Bool]) -> TestArray {
        TestArray(name: name, shape: shape, type: .bool, bytes: values.map { $0 ? 1 : 0 })
    }
    static func compound(_ name: String, count: Int) -> TestArray {
        TestArray(name: name, shape: [count], type: .compoundOfTwoDoubles, bytes: rawBytes([Double](repeating: 1, count: 2 * count)))
    }
    /// A uint8 dataset of `shape` that is declared but never written: the file stays tiny.
    static func declared(_ name: String, _ shape: [Int], compressed: Bool = false) -> TestArray {
        TestArray(name: name, shape: shape, type: .native(dnn_h5t_native_uint8()), bytes: nil, compressed: compressed)
    }

    private static func rawBytes<T>(_ values: [T]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }
}

/// Writes `arrays` as datasets of a new HDF5 file at `path` (rank 0 shape: a scalar),
/// after creating `groups` (so arrays may be named `group/name`); fails the process on any
/// libhdf5 error, since tests rely on the file being right.
func writeHDF5(_ path: String, _ arrays: [TestArray], groups: [String] = []) {
    let file = H5Fcreate(path, dnn_h5f_acc_trunc(), dnn_h5p_default(), dnn_h5p_default())
    precondition(file >= 0, "cannot create \(path)")
    defer { H5Fclose(file) }
    for name in groups {
        let group = H5Gcreate2(file, name, dnn_h5p_default(), dnn_h5p_default(), dnn_h5p_default())
        precondition(group >= 0, "cannot create group \(name)")
        H5Gclose(group)
    }
    for array in arrays {
        let dims = array.shape.map { hsize_t($0) }
        let space = array.shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(dims.count), dims, nil)
        defer { H5Sclose(space) }

        var ownedType: hid_t = -1
        let (fileType, memoryType): (hid_t, hid_t)
        switch array.type {
        case .native(let type):
            (fileType, memoryType) = (type, type)
        case .bigEndianInt32:
            (fileType, memoryType) = (dnn_h5t_std_i32be(), dnn_h5t_native_int32())
        case .string(let length):
            ownedType = H5Tcopy(dnn_h5t_c_s1())
            H5Tset_size(ownedType, length)
            (fileType, memoryType) = (ownedType, ownedType)
        case .compoundOfTwoDoubles:
            ownedType = H5Tcreate(H5T_COMPOUND, 16)
            H5Tinsert(ownedType, "a", 0, dnn_h5t_native_double())
            H5Tinsert(ownedType, "b", 8, dnn_h5t_native_double())
            (fileType, memoryType) = (ownedType, ownedType)
        case .bool:
            ownedType = H5Tenum_create(dnn_h5t_native_int8())
            var (no, yes): (Int8, Int8) = (0, 1)
            H5Tenum_insert(ownedType, "FALSE", &no)
            H5Tenum_insert(ownedType, "TRUE", &yes)
            (fileType, memoryType) = (ownedType, ownedType)
        }
        defer { if ownedType >= 0 { H5Tclose(ownedType) } }

        let properties = H5Pcreate(dnn_h5p_dataset_create())
        defer { H5Pclose(properties) }
        if array.compressed {
            let chunk = dims.map { min($0, 1024) }
            H5Pset_chunk(properties, Int32(chunk.count), chunk)
            H5Pset_deflate(properties, 6)
        }
        let dataset = H5Dcreate2(file, array.name, fileType, space, dnn_h5p_default(), properties, dnn_h5p_default())
        precondition(dataset >= 0, "cannot create dataset \(array.name)")
        defer { H5Dclose(dataset) }
        if let bytes = array.bytes, !bytes.isEmpty {
            let status = bytes.withUnsafeBytes {
                H5Dwrite(dataset, memoryType, dnn_h5s_all(), dnn_h5s_all(), dnn_h5p_default(), $0.baseAddress)
            }
            precondition(status >= 0, "cannot write dataset \(array.name)")
        }
    }
}
