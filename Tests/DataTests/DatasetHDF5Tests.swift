import DeepNet
import Data
import Support
import TestSupport
import Foundation
import XCTest

final class DatasetHDF5Tests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUp() { directory = TemporaryDirectory() }
    override func tearDown() { directory = nil }

    /// Writes `arrays` to `data.h5` in the test's directory and returns its path.
    private func h5(_ arrays: [TestArray]) -> String { h5("data.h5", arrays) }

    /// Writes `arrays` to `name` in the test's directory and returns its path.
    private func h5(_ name: String, _ arrays: [TestArray]) -> String {
        let path = directory.file(name)
        writeHDF5(path, arrays)
        return path
    }

    // MARK: Good loads

    func testImagesAreFlattenedPerExampleLikeNumpyReshapeTransposed() throws {
        // 3 images of 2 x 2 pixels x 3 channels: element (i, h, w, c) = 12 i + 6 h + 3 w + c.
        let pixels = (0..<36).map { UInt8($0 * 7) }
        let path = h5([.uint8("images_x", [3, 2, 2, 3], pixels), .int64("images_y", [3], [1, 0, 1])])
        let data = try load(path, scale: 255)
        XCTAssertEqual(data.features, 12)
        XCTAssertEqual(data.examples, 3)
        for example in 0..<3 {
            for feature in 0..<12 {
                XCTAssertEqual(data.X[feature, example], Double(pixels[12 * example + feature]) / 255)
            }
        }
        XCTAssertEqual(data.Y, Matrix([[1, 0, 1]]))
        XCTAssertEqual(data.path, path)
    }

    func testTransposeIsExactAcrossTileBoundaries() throws {
        // 70 examples of 45 features: neither is a multiple of the 32-element tile.
        let values = (0..<(70 * 45)).map { Double($0) * 0.5 - 100 }
        let path = h5([.float64("x", [70, 45], values), .uint8("y", [70], [UInt8](repeating: 1, count: 70))])
        let data = try load(path, scale: 3)
        XCTAssertEqual(data.X.shape.rows, 45)
        XCTAssertEqual(data.X.shape.cols, 70)
        for example in 0..<70 {
            for feature in 0..<45 { XCTAssertEqual(data.X[feature, example], values[example * 45 + feature] / 3) }
        }
    }

    func testLargeBlocksConvertedOnEveryCoreAreExact() throws {
        // 2003 examples of 301 features: 600,000 elements, converted in slices at once.
        let (m, n) = (2003, 301)
        let values = (0..<(m * n)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) }
        let path = h5("wide.h5", [.uint8("x", [m, n], values), .uint8("y", [m], [UInt8](repeating: 0, count: m))])
        let data = try load(path, scale: 255)
        var mismatches = 0
        for example in 0..<m {
            for feature in 0..<n where data.X[feature, example].bitPattern
                != (Double(values[example * n + feature]) / 255).bitPattern {
                mismatches += 1
            }
        }
        XCTAssertEqual(mismatches, 0)
    }

    func testIntegerAndFloatTypesConvertExactly() throws {
        let labels = TestArray.int8("y", [2], [0, 1])
        let int64 = try load(h5("i64.h5", [.int64("x", [2, 2], [-5, 1 << 40, 7, 0]), labels]))
        XCTAssertEqual(int64.X, Matrix([[-5, 7], [Double(1 << 40), 0]]))

        let bigEndian = try load(h5("be.h5", [.bigEndianInt32("x", [2, 2], [-3, 300_000, 1, 2]), labels]))
        XCTAssertEqual(bigEndian.X, Matrix([[-3, 1], [300_000, 2]]))

        let float32 = try load(h5("f32.h5", [.float32("x", [2, 1], [0.1, -2.5]), labels]), scale: 10)
        XCTAssertEqual(float32.X, Matrix([[Double(Float(0.1)) / 10, -0.25]]))
    }

    func testBooleansAreZeroOrOne() throws {
        let data = try load(h5([.bools("x", [2, 2], [true, false, false, true]), .bools("y", [2], [false, true])]))
        XCTAssertEqual(data.X, Matrix([[1, 0], [0, 1]]))
        XCTAssertEqual(data.Y, Matrix([[0, 1]]))
    }

    func testOneDimensionalFeaturesAreOneFeaturePerExample() throws {
        let data = try load(h5([.float64("x", [3], [1, 2, 3]), .float64("y", [3], [0, 1, 0])]))
        XCTAssertEqual(data.X, Matrix([[1, 2, 3]]))
    }

    func testLabelsMayBeRowsOrColumns() throws {
        let x = TestArray.uint8("x", [3, 1], [1, 2, 3])
        let row = try load(h5("row.h5", [x, .float64("y", [1, 3], [1, 1, 0])]))
        XCTAssertEqual(row.Y, Matrix([[1, 1, 0]]))
        let column = try load(h5("column.h5", [x, .float64("y", [3, 1], [0, 1, 0])]))
        XCTAssertEqual(column.Y, Matrix([[0, 1, 0]]))
    }

    func testNamedDatasetsOverrideTheDefaults() throws {
        let path = h5([
            .uint8("pixels", [2, 1], [10, 20]), .uint8("labels", [2], [1, 0]),
            .uint8("other_x", [2, 1], [0, 0]), .uint8("other_y", [2], [0, 0]),
        ])
        let data = try load(path, x: "pixels", y: "labels")
        XCTAssertEqual(data.X, Matrix([[10, 20]]))
        XCTAssertEqual(data.Y, Matrix([[1, 0]]))
    }

    func testDatasetsInGroups() throws {
        let path = directory.file("groups.h5")
        writeHDF5(path, [.uint8("train/x", [2, 1], [3, 4]), .uint8("train/y", [2], [0, 1])], groups: ["train"])
        let data = try load(path, x: "train/x", y: "/train/y")
        XCTAssertEqual(data.X, Matrix([[3, 4]]))
        assertDiagnostic({ () throws(Diagnostic) in try load(path, x: "train", y: "train/y") },
                         contains: ["'train' is not a dataset (a group?); it has no datasets at its root"])
    }

    func testDatasetsNamedXAndYAreTheDefaults() throws {
        let data = try load(h5([.uint8("X", [1, 2], [4, 5]), .uint8("Y", [1], [1])]))
        XCTAssertEqual(data.X, Matrix([[4], [5]]))
    }

    func testHashIsTheFilesSHA256() throws {
        let path = h5([.uint8("x", [1, 1], [4]), .uint8("y", [1], [1])])
        XCTAssertEqual(try load(path).sha256, try sha256OfFile(atPath: path))
    }

    // MARK: The file itself

    func testMissingFile() {
        assertDiagnostic({ () throws(Diagnostic) in try load(directory.file("nope.h5")) },
                         contains: ["cat.yaml:4:10: error: data file '", "nope.h5': does not exist", "relative to the spec"])
    }

    func testDirectory() throws {
        let path = directory.file("folder.h5")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        assertDiagnostic({ () throws(Diagnostic) in try load(path) }, contains: ["folder.h5': is a directory"])
    }

    /// As root (CI), this thread's file-system identity becomes the nobody user while
    /// it loads (`setfsuid` is per thread and drops root's override of permissions), so
    /// the check is made as a user without the permission, not skipped.
    func testUnreadableFile() throws {
        let path = h5([.uint8("x", [1, 1], [4]), .uint8("y", [1], [1])])
        chmod(path, 0)
        // glibc's setfsuid (sys/fsuid.h, which Swift's Glibc module leaves out).
        typealias SetFSUID = @convention(c) (uid_t) -> Int32
        let setfsuid = unsafeBitCast(dlsym(nil, "setfsuid"), to: SetFSUID.self)
        let previous = getuid() == 0 ? setfsuid(65534) : -1
        defer { if previous >= 0 { _ = setfsuid(uid_t(previous)) } }
        assertDiagnostic({ () throws(Diagnostic) in try load(path) }, contains: ["cannot be read", "Permission denied"])
    }

    func testTextFileNamedH5IsNotHDF5() {
        let path = directory.write("table.h5", "1,2,0\n3,4,1\n")
        assertDiagnostic({ () throws(Diagnostic) in try load(path) },
                         contains: ["table.h5': is not an HDF5 file", "hint: HDF5 files begin with"])
        let empty = directory.write("empty.h5", "")
        assertDiagnostic({ () throws(Diagnostic) in try load(empty) }, contains: ["is not an HDF5 file"])
    }

    func testTruncatedFile() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: courseDataset("train_catvnoncat.h5")))
        for length in [800, 4096, whole.count / 2, whole.count - 1] {
            let path = directory.file("cut\(length).h5")
            try whole.prefix(length).write(to: URL(fileURLWithPath: path))
            assertDiagnostic({ () throws(Diagnostic) in try load(path) }, contains: ["truncated or corrupt"])
        }
    }

    func testCorruptFile() throws {
        let path = h5([.uint8("train_x", [4, 3], Array(0..<12)), .uint8("train_y", [4], [0, 1, 0, 1])])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // Keep the superblock (the first 96 bytes), scramble the object headers behind it.
        for offset in stride(from: 96, to: min(bytes.count, 1500), by: 1) { bytes[offset] = UInt8(offset % 251) }
        try bytes.write(to: URL(fileURLWithPath: path))
        assertDiagnostic({ () throws(Diagnostic) in try load(path) }, contains: ["data.h5': ", "the file is truncated or corrupt", "download or export the file again"])
    }

    // MARK: Shapes and sizes

    /// A dataset declared with a shape larger than the file but never written is valid
    /// HDF5, not a corrupt file: the message says what it is (issue 14, item 10).
    func testDeclaredButNeverWrittenIsNotCalledCorrupt() {
        let path = h5([.declared("big_x", [100_000, 1_000]), .declared("big_y", [100_000])])
        let error = assertDiagnostic({ () throws(Diagnostic) in try load(path) }, contains: [
            "dataset 'big_x' has no data written: its shape (100000, 1000) is declared but no values were ever stored",
        ])
        XCTAssertFalse(error?.description.contains("corrupt") ?? true)
        // The labels likewise, once the examples are there.
        let labels = h5("labels.h5", [.uint8("a_x", [2, 1], [1, 2]), .declared("a_y", [2])])
        assertDiagnostic({ () throws(Diagnostic) in try load(labels) }, contains: ["dataset 'a_y' has no data written"])
    }

    func testShapeBeyondTheMemoryLimit() {
        let path = h5([.declared("huge_x", [1_000_000, 1_000_000], compressed: true), .uint8("huge_y", [1], [1])])
        assertDiagnostic({ () throws(Diagnostic) in try load(path) },
                         contains: ["dataset 'huge_x' of shape (1000000, 1000000) would take 7.3 TiB as float64",
                                    "the limit is 8.0 GiB"])
    }

    func testZeroExamples() {
        let path = h5([.float64("x", [0, 4], []), .float64("y", [0], [])])
        assertDiagnostic({ () throws(Diagnostic) in try load(path) }, contains: ["dataset 'x' has 0 examples (shape (0, 4))"])
    }

    func testScalarDataset() {
        let path = h5([.float64("x", [], [1]), .float64("y", [1], [1])])
        assertDiagnostic({ () throws(Diagnostic) in try load(path) }, contains: ["dataset 'x' is a scalar"])
    }

    func testLabelCountMustEqualExampleCount() {
        let path = h5([.uint8("a_x", [3, 2], [1, 2, 3, 4, 5, 6]), .uint8("a_y", [2], [0, 1])])
        assertDiagnostic({ () throws(Diagnostic) in try load(path) },
                         contains: ["dataset 'a_y' has 2 labels but dataset 'a_x' has 3 examples"])
    }

    func testLabelsOfAnotherShape() {
        let path = h5([.uint8("a_x", [4, 1], [1, 2, 3, 4]), .uint8("a_y", [2, 2], [0, 1, 0, 1])])
        assertDiagnostic({ () throws(Diagnostic) in try load(path) },
                         contains: ["dataset 'a_y' has shape (2, 2); labels must be (m,), (1, m) or (m, 1)"])
    }

    // MARK: Values

    func testNaNAndInfiniteFeatures() {
        let nan = h5("nan.h5", [.float64("x", [2, 3], [1, 2, 3, 4, 5, .nan]), .uint8("y", [2], [0, 1])])
        assertDiagnostic({ () throws(Diagnostic) in try load(nan) },
                         contains: ["dataset 'x' has nan at example 1, feature 2", "finite"])
        let inf = h5("inf.h5", [.float32("x", [2, 1], [-.infinity, 0]), .uint8("y", [2], [0, 1])])
        assertDiagnostic({ () throws(Diagnostic) in try load(inf) }, contains: ["dataset 'x' has -inf at example 0, feature 0"])
    }

    func testLabelsOtherThanZeroOrOne() {
        var labels = [Int64](repeating: 1, count: 20)
        labels[17] = 2
        let two = h5("two.h5", [.uint8("train_set_x", [20, 1], [UInt8](repeating: 0, count: 20)),
                                .int64("train_set_y", [20], labels)])
        let diagnostic = assertDiagnostic({ () throws(Diagnostic) in try load(two) },
                                          contains: ["dataset 'train_set_y' has label 2 at example 17; labels must be 0 or 1"])
        XCTAssertEqual(
            diagnostic?.description,
            "cat.yaml:4:10: error: data file '\(two)': dataset 'train_set_y' has label 2 at example 17; "
                + "labels must be 0 or 1\n  hint: map the two classes to 0 and 1")

        let minusOne = h5("minus.h5", [.uint8("x", [2, 1], [0, 0]), .int8("y", [2], [0, -1])])
        assertDiagnostic({ () throws(Diagnostic) in try load(minusOne) }, contains: ["has label -1 at example 1"])
        let half = h5("half.h5", [.uint8("x", [2, 1], [0, 0]), .float64("y", [2], [0.5, 1])])
        assertDiagnostic({ () throws(Diagnostic) in try load(half) }, contains: ["has label 0.5 at example 0"])
    }

    func testNonNumericDatasets() {
        let strings = h5("s.h5", [.strings("names_x", ["cat", "dog"]), .uint8("names_y", [2], [0, 1])])
        assertDiagnostic({ () throws(Diagnostic) in try load(strings) },
                         contains: ["dataset 'names_x' holds string values; expected a numeric dataset"])
        let compound = h5("c.h5", [.uint8("a_x", [2, 1], [0, 0]), .compound("a_y", count: 2)])
        assertDiagnostic({ () throws(Diagnostic) in try load(compound) },
                         contains: ["dataset 'a_y' holds compound values; expected a numeric dataset"])
    }

    // MARK: Which datasets

    func testMissingDefaultDatasetListsWhatTheFileHas() {
        let path = h5([.uint8("images", [2, 1], [0, 0]), .int64("classes_y", [2], [0, 1])])
        assertDiagnostic({ () throws(Diagnostic) in try load(path) },
                         contains: ["has no dataset named '*_x' to take the examples from",
                                    "its datasets: 'classes_y' (2,) int64, 'images' (2, 1) uint8",
                                    "hint: name the datasets in the spec: {path: ..., x: "])
    }

    func testAmbiguousDefaultDatasets() {
        let path = h5([.uint8("a_x", [1, 1], [0]), .uint8("b_x", [1, 1], [0]), .uint8("a_y", [1], [0])])
        assertDiagnostic({ () throws(Diagnostic) in try load(path) },
                         contains: ["several datasets that could hold the examples ('a_x', 'b_x')"])
    }

    func testMisspelledDatasetSuggestsTheNearestName() {
        let path = h5([.uint8("train_set_x", [1, 1], [0]), .uint8("train_set_y", [1], [0])])
        assertDiagnostic({ () throws(Diagnostic) in try load(path, x: "train_setx") },
                         contains: ["has no dataset 'train_setx'", "'train_set_x' (1, 1) uint8",
                                    "hint: did you mean 'train_set_x'?"])
        let unrelated = assertDiagnostic({ () throws(Diagnostic) in try load(path, y: "labels") },
                                         contains: ["has no dataset 'labels'"])
        XCTAssertNil(unrelated?.hint)
        assertDiagnostic({ () throws(Diagnostic) in try load(path, y: "/missing/group/y") },
                         contains: ["has no dataset '/missing/group/y'"])
    }

    // MARK: The course's data

    func testCourseTrainingSet() throws {
        let path = courseDataset("train_catvnoncat.h5")
        let data = try load(path, scale: 255)
        XCTAssertEqual(data.features, 12288)
        XCTAssertEqual(data.examples, 209)
        // h5dump -d /train_set_x -s 0,0,0,0 -c 1,1,1,3: the first pixel is (17, 31, 56).
        XCTAssertEqual(data.X[0, 0], 17.0 / 255)
        XCTAssertEqual(data.X[1, 0], 31.0 / 255)   // channel 1 of pixel (0, 0) of example 0
        XCTAssertEqual(data.X[2, 0], 56.0 / 255)
        XCTAssertEqual(data.X[3, 0], 22.0 / 255)   // channel 0 of pixel (0, 1)
        XCTAssertEqual(data.X[5000, 100], 134.0 / 255)
        XCTAssertEqual(data.X[0, 0], 0.06666666666666667)   // numpy's repr of X[0, 0] / 255
        XCTAssertEqual(data.Y.sum(), 72)
        XCTAssertEqual(data.Y[0, 2], 1)
        XCTAssertEqual(data.sha256, "fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242")
    }

    func testCourseFileListsItsDatasetsWhenANameIsWrong() {
        assertDiagnostic({ () throws(Diagnostic) in try load(courseDataset("train_catvnoncat.h5"), y: "train_set_Y") },
                         contains: ["has no dataset 'train_set_Y'; its datasets: 'list_classes' (2,) string, "
                                        + "'train_set_x' (209, 64, 64, 3) uint8, 'train_set_y' (209,) int64",
                                    "hint: did you mean 'train_set_y'?"])
    }

    func testConcurrentLoadsAgree() throws {
        // Runs of a sweep load their data from several threads; libhdf5 calls are serialized.
        let path = courseDataset("test_catvnoncat.h5")
        let expected = try load(path, scale: 255)
        let results = Results(count: 4)
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            results.set(index, try? load(path, scale: 255))
        }
        for index in 0..<4 { XCTAssertEqual(results.get(index), expected) }
    }

    func testCourseTestSet() throws {
        let data = try load(courseDataset("test_catvnoncat.h5"), scale: 255)
        XCTAssertEqual(data.features, 12288)
        XCTAssertEqual(data.examples, 50)
        XCTAssertEqual(data.Y.sum(), 33)
        XCTAssertEqual(data.sha256, "6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951")
    }
}

/// The path of one of the course's data files in the package's `datasets` folder.
func courseDataset(_ name: String, filePath: String = #filePath) -> String {
    URL(fileURLWithPath: filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("datasets").appendingPathComponent(name).path
}

/// Datasets loaded from several threads, one slot per thread.
private final class Results: @unchecked Sendable {
    private var slots: [Dataset?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Dataset?) { lock.withLock { slots[index] = value } }
    func get(_ index: Int) -> Dataset? { lock.withLock { slots[index] } }
}
