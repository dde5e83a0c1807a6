import CHDF5
import Foundation

/// The hostile-input corpus: data files crafted the way a hostile (or unlucky) user could
/// hand them to dnn-run, written at test time through libhdf5 (nothing binary is
/// committed). Each HDF5 file holds a default pair `data_x` (examples) and `data_y`
/// (labels), so a spec naming the file needs no `x:`/`y:`; only `data_x` is crafted.
///
///     HostileFiles.externalStorage(at: dir + "/passwd.h5", target: "/etc/passwd")
///     // data_x's elements live in /etc/passwd, not in passwd.h5
public enum HostileFiles {
    /// A plain, valid file: `data_x` (examples, features) uint8 counting up, `data_y`
    /// alternating 0 and 1.
    public static func plain(at path: String, examples: Int = 4, features: Int = 3) {
        withNewFile(path) { file in
            writeLabels(file, examples: examples)
            let bytes = (0..<(examples * features)).map { UInt8($0 % 256) }
            let dataset = create(file, "data_x", [examples, features], dnn_h5t_native_uint8())
            defer { H5Dclose(dataset) }
            write(dataset, dnn_h5t_native_uint8(), bytes)
        }
    }

    /// `data_x` keeps its elements outside the file, in `target` (HDF5 "external raw
    /// storage", h5py's `external=`): e.g. /etc/passwd, or a FIFO. Nothing is written to
    /// `target`.
    public static func externalStorage(at path: String, target: String, examples: Int = 4, features: Int = 3) {
        withNewFile(path) { file in
            writeLabels(file, examples: examples)
            let properties = H5Pcreate(dnn_h5p_dataset_create())
            defer { H5Pclose(properties) }
            check(H5Pset_external(properties, target, 0, hsize_t(examples * features)), "H5Pset_external")
            H5Dclose(create(file, "data_x", [examples, features], dnn_h5t_native_uint8(), properties))
        }
    }

    /// `data_x` is an external link to `/data_x` of `other` (which is written too, as a
    /// plain file): reading it would read `other`.
    public static func externalLink(at path: String, other: String, examples: Int = 4, features: Int = 3) {
        plain(at: other, examples: examples, features: features)
        withNewFile(path) { file in
            writeLabels(file, examples: examples)
            check(H5Lcreate_external(other, "/data_x", file, "data_x", dnn_h5p_default(), dnn_h5p_default()),
                  "H5Lcreate_external")
        }
    }

    /// `data_x` is a virtual dataset whose elements come from `/data_x` of `source` (which
    /// is written too, as a plain file).
    public static func virtualDataset(at path: String, source: String, examples: Int = 4, features: Int = 3) {
        plain(at: source, examples: examples, features: features)
        withNewFile(path) { file in
            writeLabels(file, examples: examples)
            let dims = [hsize_t(examples), hsize_t(features)]
            let space = H5Screate_simple(2, dims, nil)
            defer { H5Sclose(space) }
            let properties = H5Pcreate(dnn_h5p_dataset_create())
            defer { H5Pclose(properties) }
            check(H5Pset_virtual(properties, space, source, "/data_x", space), "H5Pset_virtual")
            let dataset = H5Dcreate2(file, "data_x", dnn_h5t_native_uint8(), space, dnn_h5p_default(), properties,
                                     dnn_h5p_default())
            check(dataset, "H5Dcreate2 (virtual)")
            H5Dclose(dataset)
        }
    }

    /// `data_x`, float64 zeros of (examples, features) in gzip-compressed chunks of
    /// (`chunkExamples`, features): a file of a few KB per chunk that decompresses to
    /// 8 x examples x features bytes. One chunk is compressed by libhdf5; its bytes are
    /// then written for every other chunk directly (H5Dwrite_chunk), so making a bomb of
    /// gigabytes takes a fraction of a second.
    public static func gzipBomb(at path: String, examples: Int, features: Int, chunkExamples: Int = 1000) {
        precondition(examples % chunkExamples == 0, "whole chunks only")
        withNewFile(path) { file in
            writeLabels(file, examples: examples)
            let chunk = [hsize_t(chunkExamples), hsize_t(features)]
            let properties = H5Pcreate(dnn_h5p_dataset_create())
            defer { H5Pclose(properties) }
            check(H5Pset_chunk(properties, 2, chunk), "H5Pset_chunk")
            check(H5Pset_deflate(properties, 9), "H5Pset_deflate")

            // One chunk of zeros, compressed by libhdf5, read back raw.
            let seed = create(file, "seed", [chunkExamples, features], dnn_h5t_native_double(), properties)
            write(seed, dnn_h5t_native_double(), [UInt8](repeating: 0, count: 8 * chunkExamples * features))
            var size: hsize_t = 0
            let origin: [hsize_t] = [0, 0]
            check(H5Dget_chunk_storage_size(seed, origin, &size), "H5Dget_chunk_storage_size")
            var compressed = [UInt8](repeating: 0, count: Int(size))
            var filters: UInt32 = 0
            check(H5Dread_chunk(seed, dnn_h5p_default(), origin, &filters, &compressed), "H5Dread_chunk")
            H5Dclose(seed)
            check(H5Ldelete(file, "seed", dnn_h5p_default()), "H5Ldelete")

            let bomb = create(file, "data_x", [examples, features], dnn_h5t_native_double(), properties)
            defer { H5Dclose(bomb) }
            for start in stride(from: 0, to: examples, by: chunkExamples) {
                let offset: [hsize_t] = [hsize_t(start), 0]
                check(H5Dwrite_chunk(bomb, dnn_h5p_default(), filters, offset, compressed.count, compressed),
                      "H5Dwrite_chunk")
            }
        }
    }

    /// `data_x` declared with a shape but never written (h5py's `create_dataset(shape=...)`
    /// without data): no storage is ever allocated for it.
    public static func neverWritten(at path: String, examples: Int = 4, features: Int = 3) {
        withNewFile(path) { file in
            writeLabels(file, examples: examples)
            H5Dclose(create(file, "data_x", [examples, features], dnn_h5t_native_uint8()))
        }
    }

    // MARK: CSV

    /// A CSV with a header, `a,b,label`, and one row whose middle cell is `1\0 99`.
    public static func csvWithNUL(at path: String) {
        let text = "a,b,label\n3,4,0\n5,1\u{0} 99,1\n"
        precondition(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)), "cannot write \(path)")
    }

    /// A CSV with a header and `rows` rows of `columns` columns (the last one the label),
    /// every feature 0. 2,000,000 columns make about 4 MB per row.
    public static func wideCSV(at path: String, columns: Int, rows: Int = 2) {
        var text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
        let row = String(repeating: "0,", count: columns - 1)
        for index in 0..<rows { text += row + "\(index % 2)\n" }
        precondition(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)), "cannot write \(path)")
    }

    // MARK: Helpers

    private static func withNewFile(_ path: String, _ body: (hid_t) -> Void) {
        H5Eset_auto2(dnn_h5e_default(), nil, nil)
        let file = H5Fcreate(path, dnn_h5f_acc_trunc(), dnn_h5p_default(), dnn_h5p_default())
        check(file, "H5Fcreate \(path)")
        body(file)
        check(H5Fclose(file), "H5Fclose \(path)")
    }

    private static func writeLabels(_ file: hid_t, examples: Int) {
        let dataset = create(file, "data_y", [examples], dnn_h5t_native_uint8())
        defer { H5Dclose(dataset) }
        write(dataset, dnn_h5t_native_uint8(), (0..<examples).map { UInt8($0 % 2) })
    }

    private static func create(
        _ file: hid_t, _ name: String, _ shape: [Int], _ type: hid_t, _ properties: hid_t = dnn_h5p_default()
    ) -> hid_t {
        let dims = shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dims.count), dims, nil)
        defer { H5Sclose(space) }
        let dataset = H5Dcreate2(file, name, type, space, dnn_h5p_default(), properties, dnn_h5p_default())
        check(dataset, "H5Dcreate2 \(name)")
        return dataset
    }

    private static func write(_ dataset: hid_t, _ type: hid_t, _ bytes: [UInt8]) {
        let status = bytes.withUnsafeBytes {
            H5Dwrite(dataset, type, dnn_h5s_all(), dnn_h5s_all(), dnn_h5p_default(), $0.baseAddress)
        }
        check(status, "H5Dwrite")
    }

    /// Stops the test process on a failed libhdf5 call: the corpus must be what it claims.
    private static func check<T: BinaryInteger>(_ status: T, _ what: String) {
        precondition(status >= 0, "libhdf5 failed: \(what)")
    }
}
