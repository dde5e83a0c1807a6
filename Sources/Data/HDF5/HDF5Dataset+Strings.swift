import CHDF5

extension HDF5Dataset {
    /// Reads a one-dimensional dataset of strings, fixed-length (numpy's `S7`, which h5py
    /// writes for `np.array([b'non-cat', b'cat'])`) or variable-length (h5py's `str`), as
    /// UTF-8 text with trailing NULs and spaces removed; nil when the dataset holds
    /// something else or more than `limit` strings.
    func readStrings(limit: Int) throws(HDF5Error) -> [String]? {
        let type = try datatype()
        guard H5Tget_class(type.id) == H5T_STRING, let shape = try shape(), shape.count == 1, shape[0] <= limit
        else { return nil }
        let count = shape[0]
        guard count > 0 else { return [] }
        // The file's own string type as the memory type: libhdf5 converts nothing.
        let memory = try HDF5Handle(H5Tcopy(type.id), .datatype, orThrow: "cannot copy the type of dataset '\(name)'")
        if H5Tis_variable_str(type.id) > 0 {
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            let status = pointers.withUnsafeMutableBytes { bytes in
                H5Dread(id, memory.id, dnn_h5s_all(), dnn_h5s_all(), dnn_h5p_default(), bytes.baseAddress)
            }
            defer { for pointer in pointers where pointer != nil { H5free_memory(pointer) } }
            guard status >= 0 else { throw HDF5Error("cannot read dataset '\(name)'") }
            return pointers.map { $0.map { trimmed(String(cString: $0)) } ?? "" }
        }
        let size = H5Tget_size(type.id)
        guard size > 0, size <= 4096 else { return nil }
        var bytes = [UInt8](repeating: 0, count: count * size)
        let status = bytes.withUnsafeMutableBytes { buffer in
            H5Dread(id, memory.id, dnn_h5s_all(), dnn_h5s_all(), dnn_h5p_default(), buffer.baseAddress)
        }
        guard status >= 0 else { throw HDF5Error("cannot read dataset '\(name)'") }
        return (0..<count).map { k in
            let field = bytes[(k * size)..<((k + 1) * size)]
            let text = field.firstIndex(of: 0).map { field[field.startIndex..<$0] } ?? field
            return trimmed(String(decoding: text, as: UTF8.self))
        }
    }
}

/// Without the padding fixed-length strings may carry (spaces, for `H5T_STR_SPACEPAD`).
private func trimmed(_ text: String) -> String {
    var text = Substring(text)
    while text.last == " " || text.last == "\0" { text = text.dropLast() }
    return String(text)
}
