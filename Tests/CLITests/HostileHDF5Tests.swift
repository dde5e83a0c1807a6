import Foundation
import TestSupport
import XCTest

/// HDF5 files crafted at test time with h5py (issue 22, items 7 and 16): every dataset
/// dnn-run reads goes through one checked opener, the class names too, and a filter it
/// lacks is named, never called a damaged download. Nothing binary is committed.
final class HostileHDF5Tests: XCTestCase {
    private func python() throws -> String {
        guard let python = testPython() else {
            throw XCTSkip("the files are written by h5py: run `make test-venv` (make test does) or set DNN_RUN_TEST_PYTHON")
        }
        return python
    }

    /// Writes `name`.h5 (4 examples of 8 x 8 x 3 pixels, compressible: h5py's LZF is an
    /// optional filter, skipped for a chunk it cannot shrink) with `classes` as the h5py
    /// statement that adds list_classes, and `name`.yaml training on it.
    private func craft(_ name: String, in dir: URL, features: String = "f['train_set_x'] = x", classes: String) throws -> URL {
        let script = """
            import h5py, numpy as np
            x = (np.arange(4 * 8 * 8 * 3) % 7).astype('uint8').reshape(4, 8, 8, 3)
            with h5py.File('\(name).h5', 'w') as f:
                \(features)
                f['train_set_y'] = np.array([0, 1, 0, 1], dtype='int64')
                \(classes)

            """
        let result = try runProgram(try python(), ["-c", script], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let spec = dir.appendingPathComponent("\(name).yaml")
        try """
            name: \(name)
            data:
              train: {path: \(name).h5, x: train_set_x, y: train_set_y}
              scale: 255
            model:
              layer_dims: [192, 1]
            training:
              learning_rate: 0.01
              iterations: 10

            """.write(to: spec, atomically: true, encoding: .utf8)
        return spec
    }

    /// list_classes kept in another local file: read into manifest.json and predict's
    /// output before; now refused at planning, the file it names never read.
    func testClassNamesStoredInAnotherFileAreRefused() throws {
        let dir = try temporaryDirectory(for: self)
        try "secret-of-this-machine".write(to: dir.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        let spec = try craft("external", in: dir, classes: "f.create_dataset('list_classes', shape=(2,), dtype='S11', external=[('secret.txt', 0, 22)])")
        let result = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("external.yaml:3:10: error: data file '\(dir.path)/external.h5': dataset 'list_classes' "
            + "keeps its values outside this file, in 'secret.txt' (external storage)"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results").path), "nothing written")

        // In the file itself, they are the run's class names, as before.
        let inside = try craft("inside", in: dir, classes: "f['list_classes'] = np.array([b'non-cat', b'cat'])")
        XCTAssertEqual(try runDnnRun([inside.path, "--quiet"], in: dir).status, 0)
        let manifest = try String(contentsOf: dir.appendingPathComponent("results/inside/default/manifest.json"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("\"non-cat\""), manifest)
    }

    /// LZF (h5py's own filter, a plugin for libhdf5) said "truncated or corrupt ...
    /// download again"; it is named, and no plugin folder is looked at.
    func testAFilterDnnRunLacksIsNamedNotCalledCorrupt() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try craft("lzf", in: dir, features: "f.create_dataset('train_set_x', data=x, compression='lzf')",
                             classes: "pass")
        // A plugin folder that would be searched if plugins were loaded: it must not matter.
        let plugins = dir.appendingPathComponent("plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        try "not a library".write(to: plugins.appendingPathComponent("libh5lzf.so"), atomically: true, encoding: .utf8)
        let result = try runDnnRun([spec.path, "--quiet"], in: dir, environment: ["HDF5_PLUGIN_PATH": plugins.path])
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains(
            "dataset 'train_set_x' is compressed with 'lzf' (filter 32000), which dnn-run cannot decompress"), result.stderr)
        XCTAssertTrue(result.stderr.contains("it loads no filter plugins"), result.stderr)
        XCTAssertTrue(result.stderr.contains("compression='gzip'"), result.stderr)
        XCTAssertFalse(result.stderr.contains("download"), result.stderr)
        XCTAssertFalse(result.stderr.contains("truncated or corrupt"), result.stderr)

        // gzip, which libhdf5 has, reads.
        let gzip = try craft("gzip", in: dir, features: "f.create_dataset('train_set_x', data=x, compression='gzip')", classes: "pass")
        let read = try runDnnRun([gzip.path, "--quiet"], in: dir)
        XCTAssertEqual(read.status, 0, read.stderr)
    }
}
