import Data
import DeepNet
import Foundation
import Support
import TestSupport
import XCTest

/// The hostile-input corpus (`HostileFiles`), file by file, through the data stage: each
/// crafted file is refused with a message naming the dataset (or the cell) and what is
/// wrong, before anything outside the data file is read and before a large allocation.
final class HostileInputTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUp() { directory = TemporaryDirectory() }
    override func tearDown() { directory = nil }

    // MARK: Reading outside the data file

    func testExternalStorageIsRefusedNamingTheFileItPointsTo() throws {
        let path = directory.file("passwd.h5")
        HostileFiles.externalStorage(at: path, target: "/etc/passwd")
        assertDiagnostic({ () throws(Diagnostic) in try load(path) }, contains: [
            "passwd.h5': dataset 'data_x' keeps its values outside this file, in '/etc/passwd' (external storage)",
            "hint: store the values inside the file",
        ])
    }

    func testExternalStorageInAFIFOIsRefusedWithoutOpeningIt() throws {
        let fifo = directory.file("pipe")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let path = directory.file("fifo.h5")
        HostileFiles.externalStorage(at: path, target: fifo)
        // Opening the FIFO would block this thread forever: load on another one.
        let done = expectation(description: "refused")
        let message = Box()
        Thread.detachNewThread {
            do throws(Diagnostic) { _ = try load(path) } catch { message.text = error.description }
            done.fulfill()
        }
        wait(for: [done], timeout: 20)
        XCTAssertTrue(message.text.contains("dataset 'data_x' keeps its values outside this file, in '\(fifo)'"),
                      message.text)
    }

    func testExternalLinkIsRefusedNamingItsTarget() throws {
        let path = directory.file("link.h5")
        let other = directory.file("other.h5")
        HostileFiles.externalLink(at: path, other: other)
        assertDiagnostic({ () throws(Diagnostic) in try load(path) }, contains: [
            "link.h5': 'data_x' is an external link to '/data_x' in '\(other)'",
            "dnn-run reads only the data file itself",
        ])
        // Named explicitly, or behind a group path: the same.
        assertDiagnostic({ () throws(Diagnostic) in try load(path, x: "data_x", y: "data_y") },
                         contains: ["'data_x' is an external link to '/data_x' in '\(other)'"])
        assertDiagnostic({ () throws(Diagnostic) in try load(path, x: "data_x/inner", y: "data_y") },
                         contains: ["'data_x' is an external link to '/data_x' in '\(other)'"])
    }

    func testVirtualDatasetIsRefusedNamingItsSources() throws {
        let path = directory.file("virtual.h5")
        let source = directory.file("source.h5")
        HostileFiles.virtualDataset(at: path, source: source)
        assertDiagnostic({ () throws(Diagnostic) in try load(path) }, contains: [
            "virtual.h5': dataset 'data_x' is a virtual dataset whose values come from '/data_x' in '\(source)'",
            "hint: store the values inside the file",
        ])
    }

    // MARK: Decompression

    func testGzipBombOverTheMemoryLimitIsRefusedBeforeDecompressing() throws {
        let path = directory.file("bomb.h5")
        // 100,000 x 1000 float64: 800 MB decompressed, from a file of a few hundred KB.
        HostileFiles.gzipBomb(at: path, examples: 100_000, features: 1000)
        let fileSize = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        XCTAssertLessThan(fileSize, 2 << 20)
        let limit = MemoryLimit(bytes: 500e6, source: .cgroup(file: "/sys/fs/cgroup/memory.max"))
        let clock = ContinuousClock()
        let start = clock.now
        assertDiagnostic({ () throws(Diagnostic) in try load(path, memoryLimit: limit) }, contains: [
            "dataset 'data_x' of shape (100000, 1000) float64 (gzip-compressed, 762.9 MiB decompressed)",
            "reading it needs about ",
            "the cgroup memory limit (/sys/fs/cgroup/memory.max) is 476.8 MiB",
        ])
        let elapsed = clock.now - start
        assertTiming(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, below: 2,
                     "refusing a gzip bomb before decompressing")
    }

    func testCompressedDataThatFitsIsReadWithOneCopy() throws {
        let path = directory.file("small-bomb.h5")
        HostileFiles.gzipBomb(at: path, examples: 3000, features: 100)
        let data = try load(path)
        XCTAssertEqual(data.features, 100)
        XCTAssertEqual(data.examples, 3000)
        XCTAssertTrue(data.X.storage.allSatisfy { $0 == 0 })
        // Exactly the matrix and a bounded block: a limit just above them is enough.
        let matrix = 8.0 * 3000 * 100
        let enough = MemoryLimit(bytes: matrix + 16.0 * 1024 * 1024 + 1e6, source: .physicalMemory)
        XCTAssertNoThrow(try load(path, memoryLimit: enough))
    }

    // MARK: Never written

    func testDatasetThatWasNeverWrittenSaysSo() {
        let path = directory.file("empty.h5")
        HostileFiles.neverWritten(at: path)
        let error = assertDiagnostic({ () throws(Diagnostic) in try load(path) }, contains: [
            "empty.h5': dataset 'data_x' has no data written: its shape (4, 3) is declared but no values were ever stored",
        ])
        XCTAssertFalse(error?.description.contains("corrupt") ?? true, "\(String(describing: error))")
    }

    // MARK: CSV

    func testNULInsideACSVCellIsRefusedAtItsColumn() {
        let path = directory.file("nul.csv")
        HostileFiles.csvWithNUL(at: path)
        assertDiagnostic({ () throws(Diagnostic) in try load(path) }, contains: [
            "nul.csv:3:4: a NUL byte inside a cell ('1\\u{0} 99'); expected a number",
        ])
    }

    func testACSVWiderThanAnyModelIsRefusedWithoutALayerDimsHint() {
        let path = directory.file("wide.csv")
        HostileFiles.wideCSV(at: path, columns: 1_000_002)
        let error = assertDiagnostic({ () throws(Diagnostic) in try load(path) }, contains: [
            "wide.csv:2:2000003: rows of 1000002 columns: 1000001 features, more than any model takes (at most 1000000)",
            "check label_column and header",
        ])
        XCTAssertFalse(error?.description.contains("layer_dims") ?? true)
        // The widest allowed still loads.
        let widest = directory.file("widest.csv")
        HostileFiles.wideCSV(at: widest, columns: 1_000_001)
        XCTAssertEqual(try load(widest).features, 1_000_000)
    }

    /// Names and cells from a data file are echoed with their control characters escaped
    /// (by `Diagnostic`): a crafted file cannot drive the terminal the message lands on.
    func testControlCharactersFromTheFileAreEscapedInMessages() {
        let csv = directory.write("escape.csv", "a,y\n\u{1B}[31mred,1\n")
        let error = assertDiagnostic({ () throws(Diagnostic) in try load(csv) },
                                     contains: [":2:1: expected a number, found '\\u{1B}[31mred'"])
        XCTAssertFalse(error?.description.contains("\u{1B}") ?? true)

        let h5 = directory.file("escape.h5")
        writeHDF5(h5, [.uint8("a\u{1B}[2J\u{9B}_x", [1, 1], [0]), .uint8("b_y", [1], [0])])
        let listed = assertDiagnostic({ () throws(Diagnostic) in try load(h5, x: "nothing") },
                                      contains: ["its datasets: 'a\\u{1B}[2J\\u{9B}_x' (1, 1) uint8"])
        XCTAssertFalse(listed?.description.contains("\u{1B}") ?? true)
    }

    // MARK: The hash is of the bytes used

    /// A test set read again after the file was replaced (or rewritten in place) comes with
    /// the hash of the bytes it was parsed from, never with the hash of the old file.
    func testAReloadAfterTheFileChangedCarriesTheNewBytesHash() throws {
        let path = directory.write("test.csv", "a,y\n1,0\n2,1\n")
        let split = DataSplit(path: path, format: .csv, location: specLocation)
        let store = DataStore()
        let summary = try store.summary(split, scale: 1)
        XCTAssertEqual(summary.sha256, try sha256OfFile(atPath: path))
        // Replaced (a new file renamed over it) between planning and evaluation.
        let replacement = directory.write("new.csv", "a,y\n5,1\n6,0\n")
        XCTAssertEqual(rename(replacement, path), 0)
        let reloaded = try store.dataset(split, scale: 1, keep: false)
        XCTAssertEqual(reloaded.X, Matrix([[5, 6]]))
        XCTAssertEqual(reloaded.sha256, try sha256OfFile(atPath: path))
        XCTAssertNotEqual(reloaded.sha256, summary.sha256)
        // Rewritten in place: likewise.
        directory.write("test.csv", "a,y\n7,1\n")
        let rewritten = try store.dataset(split, scale: 1, keep: false)
        XCTAssertEqual(rewritten.X, Matrix([[7]]))
        XCTAssertEqual(rewritten.sha256, try sha256OfFile(atPath: path))
    }

    func testTheHashIsOfTheBytesTheDataCameFrom() throws {
        let path = directory.file("plain.h5")
        HostileFiles.plain(at: path)
        let data = try load(path)
        XCTAssertEqual(data.sha256, try sha256OfFile(atPath: path))
        XCTAssertEqual(data.X[2, 1], 5)
    }

    /// Writes the corpus into $DNN_RUN_CORPUS, for trying it by hand (skipped otherwise).
    func testWriteCorpusForManualUse() throws {
        guard let folder = ProcessInfo.processInfo.environment["DNN_RUN_CORPUS"] else {
            throw XCTSkip("set DNN_RUN_CORPUS=FOLDER to write the corpus there")
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        HostileFiles.externalStorage(at: folder + "/passwd.h5", target: "/etc/passwd", examples: 10, features: 100)
        HostileFiles.externalLink(at: folder + "/link.h5", other: folder + "/other.h5")
        HostileFiles.virtualDataset(at: folder + "/virtual.h5", source: folder + "/source.h5")
        HostileFiles.gzipBomb(at: folder + "/bomb.h5", examples: 246_000, features: 1000)
        HostileFiles.neverWritten(at: folder + "/never.h5")
        HostileFiles.csvWithNUL(at: folder + "/nul.csv")
        HostileFiles.wideCSV(at: folder + "/wide.csv", columns: 2_000_000)
        // Not hostile: a 47 MB uint8 file of MNIST's shape, for measuring what reading costs.
        HostileFiles.plain(at: folder + "/mnist-like.h5", examples: 60000, features: 784)
    }
}

private final class Box: @unchecked Sendable {
    var text = ""
}
