import CHDF5
import Foundation
import Support

// A thin, read-only wrapper of libhdf5: owned ids in `HDF5Handle`s that close them when
// released, failures as `HDF5Error` values carrying libhdf5's own message. Only what the
// dataset stage needs; `Dataset+HDF5.swift` turns these errors into diagnostics.

/// A failed libhdf5 call: what was attempted and the innermost message of libhdf5's error
/// stack (e.g. "truncated file: eof = 1024, ..."), when it left one.
struct HDF5Error: Error, CustomStringConvertible {
    var operation: String
    var detail: String?

    /// Captures and clears the current thread's error stack for a failed `operation`.
    init(_ operation: String) {
        self.operation = operation
        detail = HDF5Error.innermostMessage()
        H5Eclear2(dnn_h5e_default())
    }

    var description: String { detail.map { "\(operation): \($0)" } ?? operation }

    /// The description of the deepest entry of the error stack, the most specific one.
    private static func innermostMessage() -> String? {
        var message: String?
        withUnsafeMutablePointer(to: &message) { context in
            _ = H5Ewalk2(dnn_h5e_default(), H5E_WALK_UPWARD, { depth, entry, context in
                guard depth == 0, let description = entry?.pointee.desc else { return 0 }
                context?.assumingMemoryBound(to: String?.self).pointee = String(cString: description)
                return 0
            }, context)
        }
        return message
    }
}

/// Serializes every use of libhdf5: builds without `--enable-threadsafe` (the default on
/// several platforms) must not be entered from two threads at once.
private let hdf5Lock = NSLock()

/// Runs `body` holding the libhdf5 lock, with libhdf5's automatic printing of errors to
/// stderr turned off (errors are reported through `HDF5Error` instead).
func withHDF5<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    H5Eset_auto2(dnn_h5e_default(), nil, nil)
    return try body()
}

/// An HDF5 file open for reading; closed when released.
final class HDF5File {
    private let handle: HDF5Handle
    var id: hid_t { handle.id }

    /// Whether the file at `path` starts with the HDF5 signature.
    static func hasSignature(atPath path: String) -> Bool {
        let result = H5Fis_hdf5(path)
        H5Eclear2(dnn_h5e_default())
        return result > 0
    }

    /// Opens the file at `path` read-only.
    ///
    /// File locking is best effort (as `HDF5_USE_FILE_LOCKING=BEST_EFFORT`): a shared lock
    /// where the file system supports one, and reading anyway where it does not (some NFS
    /// and cluster file systems), rather than failing with "unable to lock file".
    init(readingAtPath path: String) throws(HDF5Error) {
        let access = try HDF5Handle(
            H5Pcreate(dnn_h5p_file_access()), .propertyList, orThrow: "cannot create file access properties")
        H5Pset_file_locking(access.id, true, true)
        handle = try HDF5Handle(H5Fopen(path, dnn_h5f_acc_rdonly(), access.id), .file, orThrow: "cannot open the file")
    }

    /// The names of the datasets in the root group, in name order (groups and other
    /// objects left out).
    func rootDatasetNames() throws(HDF5Error) -> [String] {
        var info = H5G_info_t()
        guard H5Gget_info(id, &info) >= 0 else { throw HDF5Error("cannot read the root group") }
        var names: [String] = []
        for index in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, dnn_h5p_default())
            guard length >= 0 else { throw HDF5Error("cannot read the root group's links") }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            guard H5Lget_name_by_idx(
                id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, dnn_h5p_default()) >= 0
            else { throw HDF5Error("cannot read the root group's links") }
            let name = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if objectKind(at: name) == .dataset { names.append(name) }
        }
        return names
    }

    /// What the path `name` leads to: nothing, a dataset, or another kind of object.
    enum ObjectKind { case missing, dataset, other }

    /// What `name` (a path from the root, e.g. `train_set_x` or `/group/x`) names.
    func objectKind(at name: String) -> ObjectKind {
        // H5Lexists fails (rather than returning false) when an intermediate group is
        // missing; both mean "not there".
        guard !name.isEmpty, H5Lexists(id, name, dnn_h5p_default()) > 0 else {
            H5Eclear2(dnn_h5e_default())
            return .missing
        }
        guard let object = try? HDF5Handle(H5Oopen(id, name, dnn_h5p_default()), .object, orThrow: "") else {
            return .missing
        }
        return H5Iget_type(object.id) == H5I_DATASET ? .dataset : .other
    }

    /// Opens the dataset at `name`.
    func openDataset(_ name: String) throws(HDF5Error) -> HDF5Dataset {
        try HDF5Dataset(in: self, named: name)
    }
}
