import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The hostile-input corpus (`HostileFiles`, written at test time) through the built
/// `dnn-run`: every crafted file is refused with exit status 2 and a message naming the
/// dataset or cell and what is wrong, quickly, and nothing is written.
final class HostileInputTests: XCTestCase {
    /// A spec training on `data` (relative to the spec), `features` wide.
    private func spec(in dir: URL, data: String, features: Int, extra: String = "") throws -> URL {
        let text = """
            name: hostile
            data:
              train: \(data)
            model:
              layer_dims: [\(features), 1]
            training:
              learning_rate: 0.1
              iterations: 10
            \(extra)
            """
        let url = dir.appendingPathComponent("hostile.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Runs `dnn-run SPEC` (training) and `dnn-run validate SPEC`, each stopped after
    /// `timeout` seconds if it has not ended; asserts exit 2, every fragment on stderr,
    /// and no results folder. Returns the training run's stderr.
    @discardableResult
    private func assertRefused(
        _ spec: URL, in dir: URL, contains fragments: [String], timeout: Double = 30,
        prefix: [String] = [], file: StaticString = #filePath, line: UInt = #line
    ) throws -> String {
        var stderr = ""
        for arguments in [[spec.path, "--quiet", "--results", "results"], ["validate", spec.path]] {
            let process = try startDnnRun(arguments, in: dir)
            let deadline = Date().addingTimeInterval(timeout)
            while process.process.isRunning && Date() < deadline { usleep(20_000) }
            if process.process.isRunning {
                kill(process.process.processIdentifier, SIGKILL)
                _ = process.wait()
                XCTFail("dnn-run \(arguments.joined(separator: " ")) still ran after \(timeout) s", file: file, line: line)
                continue
            }
            let result = process.wait()
            XCTAssertEqual(result.status, 2, result.stderr, file: file, line: line)
            for fragment in fragments where !result.stderr.contains(fragment) {
                XCTFail("'\(fragment)' is not in:\n\(result.stderr)", file: file, line: line)
            }
            if stderr.isEmpty { stderr = result.stderr }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results").path),
                       "nothing written", file: file, line: line)
        return stderr
    }

    func testExternalStorageOnEtcPasswd() throws {
        let dir = try temporaryDirectory(for: self)
        HostileFiles.externalStorage(at: dir.appendingPathComponent("passwd.h5").path, target: "/etc/passwd")
        try assertRefused(spec(in: dir, data: "passwd.h5", features: 3), in: dir, contains: [
            "hostile.yaml:3:10: error: data file '", "passwd.h5': dataset 'data_x' keeps its values outside this file, "
                + "in '/etc/passwd' (external storage)",
        ])
    }

    func testExternalStorageOnAFIFODoesNotHang() throws {
        let dir = try temporaryDirectory(for: self)
        let fifo = dir.appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        HostileFiles.externalStorage(at: dir.appendingPathComponent("fifo.h5").path, target: fifo)
        try assertRefused(spec(in: dir, data: "fifo.h5", features: 3), in: dir, contains: [
            "dataset 'data_x' keeps its values outside this file, in '\(fifo)'",
        ], timeout: 20)
    }

    func testExternalLinkToAnotherFile() throws {
        let dir = try temporaryDirectory(for: self)
        let other = dir.appendingPathComponent("other.h5").path
        HostileFiles.externalLink(at: dir.appendingPathComponent("link.h5").path, other: other)
        try assertRefused(spec(in: dir, data: "link.h5", features: 3), in: dir, contains: [
            "'data_x' is an external link to '/data_x' in '\(other)'",
        ])
    }

    func testVirtualDataset() throws {
        let dir = try temporaryDirectory(for: self)
        let source = dir.appendingPathComponent("source.h5").path
        HostileFiles.virtualDataset(at: dir.appendingPathComponent("virtual.h5").path, source: source)
        try assertRefused(spec(in: dir, data: "virtual.h5", features: 3), in: dir, contains: [
            "dataset 'data_x' is a virtual dataset whose values come from '/data_x' in '\(source)'",
        ])
    }

    /// A 4 MB file that decompresses to 4 GB of float64, under a 2 GB address-space limit
    /// (`ulimit -v`): refused from its shape, in well under the time decompressing takes.
    func testGzipBombIsRefusedBeforeDecompressing() throws {
        let dir = try temporaryDirectory(for: self)
        HostileFiles.gzipBomb(at: dir.appendingPathComponent("bomb.h5").path, examples: 500_000, features: 1000)
        let spec = try spec(in: dir, data: "bomb.h5", features: 1000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v 2000000 && exec '\(dnnRunExecutable().path)' validate '\(spec.path)'"]
        process.currentDirectoryURL = dir
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(process.terminationStatus, 2, stderr)
        XCTAssertTrue(stderr.contains("dataset 'data_x' of shape (500000, 1000) float64 (gzip-compressed, 3.7 GiB decompressed)"), stderr)
        XCTAssertTrue(stderr.contains("the address-space limit (ulimit -v)"), stderr)
        assertTiming(seconds, below: 5, "refusing a gzip bomb before decompressing")
    }

    func testDatasetNeverWritten() throws {
        let dir = try temporaryDirectory(for: self)
        HostileFiles.neverWritten(at: dir.appendingPathComponent("never.h5").path)
        let stderr = try assertRefused(spec(in: dir, data: "never.h5", features: 3), in: dir, contains: [
            "dataset 'data_x' has no data written",
        ])
        XCTAssertFalse(stderr.contains("corrupt"), stderr)
    }

    func testNULInsideACSVCell() throws {
        let dir = try temporaryDirectory(for: self)
        let path = dir.appendingPathComponent("nul.csv").path
        HostileFiles.csvWithNUL(at: path)
        try assertRefused(spec(in: dir, data: "nul.csv", features: 2), in: dir, contains: [
            "data file \(path):3:4: a NUL byte inside a cell",
        ])
    }

    /// 2,000,000 columns: refused for its width, not with a layer_dims[0] the spec refuses.
    func testACSVWiderThanAnyModel() throws {
        let dir = try temporaryDirectory(for: self)
        HostileFiles.wideCSV(at: dir.appendingPathComponent("wide.csv").path, columns: 2_000_000)
        let stderr = try assertRefused(spec(in: dir, data: "wide.csv", features: 20), in: dir, contains: [
            "rows of 2000000 columns: 1999999 features, more than any model takes (at most 1000000)",
            "check label_column and header",
        ])
        XCTAssertFalse(stderr.contains("set the first entry of layer_dims to"), stderr)
    }

    /// The test file replaced while the network trains: the completed run's manifest
    /// records the hash of the bytes its test accuracy came from (the new file's), and
    /// `verify` finds those bytes.
    func testATestFileReplacedDuringTrainingIsRecordedWithTheBytesUsed() throws {
        let dir = try temporaryDirectory(for: self)
        // Long enough (a few seconds) that the file is replaced while it trains, on any machine.
        let spec = try writeToySpec(in: dir, learningRate: "0.0001", iterations: 600_000)
        let process = try startDnnRun([spec.path, "--quiet"], in: dir)
        // Planning has hashed test.csv once a staging folder exists: training has begun.
        let results = dir.appendingPathComponent("results")
        let deadline = Date().addingTimeInterval(60)
        func staging() -> Bool { filesUnder(results).contains { $0.contains(".tmp-") } }
        while !staging() && process.process.isRunning && Date() < deadline { usleep(10_000) }
        XCTAssertTrue(process.process.isRunning, "training was still going when the file was replaced")
        try writeToyData(in: dir, name: "replacement.csv", examples: 20, seed: 3)
        let test = dir.appendingPathComponent("test.csv").path
        let before = try sha256(test)
        XCTAssertEqual(rename(dir.appendingPathComponent("replacement.csv").path, test), 0)
        let after = try sha256(test)
        XCTAssertNotEqual(before, after)
        let result = process.wait()
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)

        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(
            with: Data(contentsOf: results.appendingPathComponent("toy/default/manifest.json"))) as? [String: Any])
        let datasets = try XCTUnwrap(manifest["datasets"] as? [[String: Any]])
        let recorded = datasets.first { $0["split"] as? String == "test" }?["sha256"] as? String
        XCTAssertEqual(recorded, after, "the hash of the bytes the test accuracy came from")
        let verify = try runDnnRun(["verify", results.appendingPathComponent("toy/default").path], in: dir)
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stdout.contains("test data: test.csv (sha256 \(after.prefix(12))…, as the run read it)"),
                      verify.stdout + verify.stderr)
    }

    private func sha256(_ path: String) throws -> String { try sha256sum(path) }
}
