import CHDF5
import FoundationEssentials
import Glibc
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
private let hdf5Lock = Lock()

/// Runs `body` holding the libhdf5 lock, with libhdf5's automatic printing of errors to
/// stderr turned off (errors are reported through `HDF5Error` instead).
func withHDF5<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    H5Eset_auto2(dnn_h5e_default(), nil, nil)
    // No filter plugins: they are code loaded from a folder (HDF5_PLUGIN_PATH, or the
    // default plugin folder) and run on the data; a dataset that needs one is refused.
    H5PLset_loading_state(0)
    return try body()
}

/// An HDF5 file open for reading from an image of its bytes in memory; closed when
/// released.
///
/// libhdf5 opens the bytes the caller read and hashed (the core driver over a file image,
/// without copying them), never the path: the data read and the hash recorded come from
/// the same bytes even if the file is replaced or rewritten meanwhile. External links are
/// never followed (every name is looked up through access properties that refuse them),
/// so nothing outside those bytes is read through a link.
final class HDF5File {
    private var handle: HDF5Handle!
    var id: hid_t { handle.id }
    /// Dataset (and link) access properties that refuse to traverse external links.
    let access: HDF5Handle
    /// The bytes libhdf5 reads, owned here so that they outlive the file.
    /// Where libhdf5 finds the bytes (the caller's), for the file-image callbacks.
    private let imageInfo: UnsafeMutablePointer<dnn_file_image>

    /// The offsets at which an HDF5 file may begin (after a user block): 0, 512, 1024,
    /// 2048, ... The signature is 8 bytes, `\x89HDF\r\n\x1a\n`.
    static func hasSignature(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
        var offset = 0
        while offset + signature.count <= bytes.count {
            if signature.indices.allSatisfy({ bytes[offset + $0] == signature[$0] }) { return true }
            offset = offset == 0 ? 512 : offset * 2
        }
        return false
    }

    /// Opens an HDF5 file from `bytes`, all of its contents, without copying them; `name`
    /// (its path, a regular file) is only a label for libhdf5. The bytes must stay alive and unchanged
    /// until the file and every dataset opened from it are released.
    init(bytes: UnsafeRawBufferPointer, name: String) throws(HDF5Error) {
        access = try HDF5Handle(
            dnn_dataset_access_without_external_links(), .propertyList,
            orThrow: "cannot create dataset access properties")
        imageInfo = .allocate(capacity: 1)
        imageInfo.initialize(to: dnn_file_image(buffer: UnsafeMutableRawPointer(mutating: bytes.baseAddress),
                                                size: bytes.count))
        // From here on a failure releases the object through deinit.
        let properties = try HDF5Handle(
            H5Pcreate(dnn_h5p_file_access()), .propertyList, orThrow: "cannot create file access properties")
        guard dnn_set_file_image(properties.id, imageInfo) >= 0 else {
            throw HDF5Error("cannot hand the file's bytes to libhdf5")
        }
        // libhdf5 refuses to open an image under a name that exists on disk (it guards a
        // backing store this reader does not use): a name inside the file, which the
        // file system cannot have, keeps the path readable in its messages.
        let label = name + "/in-memory-image"
        handle = try HDF5Handle(H5Fopen(label, dnn_h5f_acc_rdonly(), properties.id), .file, orThrow: "cannot open the file")
    }

    deinit {
        handle = nil  // closes the file before the callbacks' data goes
        imageInfo.deallocate()
    }

    /// The names of the datasets in the root group, in name order (groups, links to
    /// other files and other objects left out).
    func rootDatasetNames() throws(HDF5Error) -> [String] {
        try rootLinkNames().filter { objectKind(at: $0) == .dataset }
    }

    /// The names of every link in the root group, in name order.
    func rootLinkNames() throws(HDF5Error) -> [String] {
        var info = H5G_info_t()
        guard H5Gget_info(id, &info) >= 0 else { throw HDF5Error("cannot read the root group") }
        var names: [String] = []
        for index in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, access.id)
            guard length >= 0 else { throw HDF5Error("cannot read the root group's links") }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            guard H5Lget_name_by_idx(
                id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, access.id) >= 0
            else { throw HDF5Error("cannot read the root group's links") }
            names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    /// What the path `name` leads to: nothing, a dataset, another kind of object, or,
    /// at `link` (a prefix of the path), a link into another file.
    enum ObjectKind: Equatable {
        case missing, dataset, other
        /// An external link: the path up to it, and the file and object it names.
        case externalLink(link: String, file: String, object: String)
    }

    /// What `name` (a path from the root, e.g. `train_set_x` or `/group/x`) names. Each
    /// link along the path is looked at before it is followed: the first external link
    /// is reported, not traversed.
    func objectKind(at name: String) -> ObjectKind {
        let parts = name.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.isEmpty else { return .missing }
        var path = name.hasPrefix("/") ? "/" : ""
        for (index, part) in parts.enumerated() {
            path += (index == 0 ? "" : "/") + part
            // H5Lexists fails (rather than returning false) when an intermediate group is
            // missing; both mean "not there".
            guard H5Lexists(id, path, access.id) > 0 else {
                H5Eclear2(dnn_h5e_default())
                return .missing
            }
            var info = H5L_info_t()
            guard H5Lget_info(id, path, &info, access.id) >= 0 else {
                H5Eclear2(dnn_h5e_default())
                return .missing
            }
            if info.type == H5L_TYPE_EXTERNAL {
                let (file, object) = externalLinkTarget(path, size: info.u.val_size)
                return .externalLink(link: path, file: file, object: object)
            }
        }
        guard let object = try? HDF5Handle(H5Oopen(id, name, access.id), .object, orThrow: "") else {
            return .missing
        }
        return H5Iget_type(object.id) == H5I_DATASET ? .dataset : .other
    }

    /// The file and object an external link at `path` names ("?" where unreadable).
    private func externalLinkTarget(_ path: String, size: Int) -> (file: String, object: String) {
        var value = [UInt8](repeating: 0, count: size + 1)
        let target = value.withUnsafeMutableBytes { buffer -> (String, String)? in
            var flags: UInt32 = 0
            var file: UnsafePointer<CChar>?
            var object: UnsafePointer<CChar>?
            guard H5Lget_val(id, path, buffer.baseAddress, size, access.id) >= 0,
                  H5Lunpack_elink_val(buffer.baseAddress, size, &flags, &file, &object) >= 0
            else { return nil }
            return (file.map { String(cString: $0) } ?? "?", object.map { String(cString: $0) } ?? "?")
        }
        H5Eclear2(dnn_h5e_default())
        return target ?? ("?", "?")
    }

    /// Opens the dataset at `name`, for its metadata: what is read from it goes through
    /// `HDF5SplitReader.openChecked`, which refuses values kept outside the file.
    func openDataset(_ name: String) throws(HDF5Error) -> HDF5Dataset {
        try HDF5Dataset(in: self, named: name)
    }
}
