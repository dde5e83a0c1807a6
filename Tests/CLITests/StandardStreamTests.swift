import Foundation
import TestSupport
import XCTest

/// Standard error and output that cannot be written (a full disk, a closed descriptor, a
/// reader that went away) never crash dnn-run: the exit status stays the documented one.
final class StandardStreamTests: XCTestCase {
    /// Runs dnn-run through the shell with `redirections` (e.g. `2>/dev/full`), returning
    /// its exit status.
    private func status(_ arguments: [String], redirections: String, in dir: URL) throws -> Int32 {
        let command = (["\"$DNN_RUN\""] + arguments.map { "'\($0)'" }).joined(separator: " ")
        return try runShell("\(command) \(redirections)", in: dir).status
    }

    func testAnInvalidSpecExits2WhateverStandardErrorIs() throws {
        let dir = try temporaryDirectory(for: self)
        for redirection in ["2>/dev/full", "2>&-", "2>/dev/full >/dev/full", ">&- 2>&-"] {
            XCTAssertEqual(try status(["missing.yaml"], redirections: redirection, in: dir), 2, redirection)
        }
    }

    func testATrainingRunKeepsItsStatusWhenItsOutputCannotBeWritten() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        for redirection in ["2>/dev/full >/dev/full", ">&- 2>&-", "2>&1 | head -c 1 >/dev/null; exit ${PIPESTATUS[0]}"] {
            XCTAssertEqual(try status([spec.path, "--force"], redirections: redirection, in: dir), 0, redirection)
        }
        // The run itself is whole: no message went into one of its files.
        XCTAssertEqual(try runDnnRun(["verify", dir.appendingPathComponent("results/toy/default").path, "--quiet"], in: dir).status, 0)
    }

    func testAFailedRunStillExits1WithAFullStandardError() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, learningRate: "1e6")
        XCTAssertEqual(try status([spec.path], redirections: "2>/dev/full >/dev/full", in: dir), 1)
    }
}

/// Limits of the process: a file-size limit is reported like a full disk.
final class ProcessLimitTests: XCTestCase {
    func testAFileSizeLimitIsAnIOErrorNotASignal() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // 4 blocks of 512 bytes: parameters.json of [6, 200, 1] is larger.
        process.arguments = ["-c", "ulimit -f 4; exec '\(dnnRunExecutable().path)' '\(spec.path)' --quiet --set 'model.layer_dims=[6, 200, 1]'"]
        process.currentDirectoryURL = dir
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, "not killed by SIGXFSZ")
        XCTAssertEqual(process.terminationStatus, 1, text)
        XCTAssertTrue(text.contains("File too large"), text)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results/toy/model.layer_dims=6x200x1").path))
    }
}
