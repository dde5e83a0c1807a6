import Support

extension HDF5SplitReader {
    /// Reads `file` once (bounded by `memoryLimit`), opens its bytes with libhdf5 and runs
    /// `body` on the reader; everything opened is closed before this returns. For readers
    /// that need no hash of the bytes (predict's inputs, the examples' shape).
    static func reading<T>(
        _ file: DataFile, memoryLimit: MemoryLimit = .current(), progress: LoadProgress? = nil,
        _ body: (HDF5SplitReader) throws(Diagnostic) -> T
    ) throws(Diagnostic) -> T {
        let contents = try file.read(memoryLimit: memoryLimit, progress: progress)
        let result = contents.withUnsafeBytes { bytes -> Result<T, Diagnostic> in
            do throws(Diagnostic) {
                return .success(try withHDF5 { () throws(Diagnostic) -> T in
                    try body(try HDF5SplitReader(file, bytes: bytes, memoryLimit: memoryLimit))
                })
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
