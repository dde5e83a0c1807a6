import Foundation
import TestSupport
import XCTest

import Glibc

/// Every path dnn-run reads is opened non-blocking and refused unless it is a regular
/// file (issue 22, item 9): a FIFO hung in open (and the first SIGTERM was ignored), a
/// link to /dev/zero spun at 100% CPU forever. Each command runs under a deadline, so a
/// regression fails here instead of hanging the suite.
final class FIFOAndDeviceTests: XCTestCase {
    private let deadline = 20.0

    private func run(_ arguments: [String], in dir: URL) throws -> ProcessResult {
        let result = try startDnnRun(arguments, in: dir).wait(atMost: deadline)
        XCTAssertNotEqual(result.status, SIGKILL, "\(arguments): still running after \(deadline) s, killed")
        return result
    }

    /// The toy run, with its training file moved away so that verify must find it.
    private func trained() throws -> URL {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        return dir
    }

    func testVerifyDataFoldersHoldingAFIFOOrALinkToDevZero() throws {
        let dir = try trained()
        try FileManager.default.moveItem(at: dir.appendingPathComponent("train.csv"), to: dir.appendingPathComponent("moved.csv"))
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(data.appendingPathComponent("train.csv").path, 0o644), 0)
        let fifo = try run(["verify", "results/toy/default", "--data", "data"], in: dir)
        XCTAssertEqual(fifo.status, 2, fifo.stdout + fifo.stderr)
        XCTAssertTrue(fifo.stderr.contains("data/train.csv (cannot be read: it is a FIFO, not a regular file"), fifo.stderr)

        try FileManager.default.removeItem(at: data.appendingPathComponent("train.csv"))
        try FileManager.default.createSymbolicLink(atPath: data.appendingPathComponent("train.csv").path, withDestinationPath: "/dev/zero")
        let zero = try run(["verify", "results/toy/default", "--data", "data"], in: dir)
        XCTAssertEqual(zero.status, 2, zero.stdout + zero.stderr)
        XCTAssertTrue(zero.stderr.contains("data/train.csv (cannot be read: it is a character device, not a regular file"), zero.stderr)
    }

    func testPredictOfAFIFO() throws {
        let dir = try trained()
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("p.csv").path, 0o644), 0)
        let result = try run(["predict", "results/toy/default", "p.csv"], in: dir)
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("p.csv': is a FIFO, not a regular file; expected a data file"), result.stderr)
        let zero = dir.appendingPathComponent("zero.csv")
        try FileManager.default.createSymbolicLink(atPath: zero.path, withDestinationPath: "/dev/zero")
        let device = try run(["predict", "results/toy/default", "zero.csv"], in: dir)
        XCTAssertEqual(device.status, 2, device.stdout + device.stderr)
        XCTAssertTrue(device.stderr.contains("zero.csv': is a character device, not a regular file"), device.stderr)
    }

    /// The files of a run folder: a FIFO as manifest.json (verify, compare, a rerun) or as
    /// costs.csv (plot, and verify's damage check).
    func testRunFilesThatAreFIFOs() throws {
        let dir = try trained()
        let run = dir.appendingPathComponent("results/toy/default")
        let manifest = run.appendingPathComponent("manifest.json")
        let kept = dir.appendingPathComponent("manifest.kept")
        try FileManager.default.moveItem(at: manifest, to: kept)
        XCTAssertEqual(mkfifo(manifest.path, 0o644), 0)
        for command in [["verify", "results/toy/default"], ["predict", "results/toy/default", "test.csv"], ["toy.yaml", "--quiet"]] {
            let result = try self.run(command, in: dir)
            XCTAssertEqual(result.status, 2, "\(command): " + result.stdout + result.stderr)
            XCTAssertTrue(result.stderr.contains("manifest.json' is a FIFO, not a regular file")
                          || result.stderr.contains("its manifest.json is a FIFO, not a regular file"), "\(command): " + result.stderr)
        }
        try FileManager.default.removeItem(at: manifest)
        try FileManager.default.moveItem(at: kept, to: manifest)

        let costs = run.appendingPathComponent("costs.csv")
        try FileManager.default.removeItem(at: costs)
        XCTAssertEqual(mkfifo(costs.path, 0o644), 0)
        let verify = try self.run(["verify", "results/toy/default"], in: dir)
        XCTAssertEqual(verify.status, 1, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stdout.contains("DAMAGED: costs.csv"), verify.stdout)
        // plot draws the runs whose costs.csv it can read: this one is left out, at once.
        let plot = try self.run(["plot", "results/toy/default", "-o", "p.svg"], in: dir)
        XCTAssertEqual(plot.status, 0, plot.stdout + plot.stderr)
    }
}
