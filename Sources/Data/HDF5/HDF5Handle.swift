import CHDF5

/// An owned libhdf5 identifier, closed by the close function of its kind when released:
/// the one place the wrapper's ids are closed.
///
///     let access = try HDF5Handle(H5Pcreate(dnn_h5p_file_access()), .propertyList,
///                                 orThrow: "cannot create file access properties")
///     H5Pset_file_locking(access.id, true, true)   // H5Pclose(access.id) when released
final class HDF5Handle {
    /// What an identifier names, and so which function closes it.
    enum Kind {
        case file, dataset, dataspace, datatype, propertyList, object

        fileprivate func close(_ id: hid_t) {
            switch self {
            case .file: H5Fclose(id)
            case .dataset: H5Dclose(id)
            case .dataspace: H5Sclose(id)
            case .datatype: H5Tclose(id)
            case .propertyList: H5Pclose(id)
            case .object: H5Oclose(id)
            }
        }
    }

    let id: hid_t
    let kind: Kind

    /// Takes ownership of `id`, the result of a libhdf5 call that opens or creates
    /// something; a negative `id` (the call failed) throws `HDF5Error(operation)`.
    init(_ id: hid_t, _ kind: Kind, orThrow operation: @autoclosure () -> String) throws(HDF5Error) {
        guard id >= 0 else { throw HDF5Error(operation()) }
        self.id = id
        self.kind = kind
    }

    deinit { kind.close(id) }
}
