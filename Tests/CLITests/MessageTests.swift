import Foundation
import TestSupport
import XCTest

/// Messages that were unclear or wrong (issue 14, item 10), each as the user sees it.
final class MessageTests: XCTestCase {
    func testAResultsPathThatIsAFileIsNamedAsSuch() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        try "not a folder".write(to: dir.appendingPathComponent("out"), atomically: true, encoding: .utf8)
        let result = try runDnnRun([spec.path, "--quiet", "--results", "out"], in: dir)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "error: the results directory 'out' is a file, not a directory\n  hint: choose a directory with --results, or move the file away\n")
        XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain"))
    }

    func testControlCharactersInASpecNeverReachTheTerminal() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = dir.appendingPathComponent("esc.yaml")
        try "name: \"a\\e]0;owned\\u0007\\e[31mred\"\n".write(to: spec, atomically: true, encoding: .utf8)
        let result = try runDnnRun(["validate", spec.path], in: dir)
        XCTAssertEqual(result.status, 2)
        XCTAssertFalse(result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, result.stderr)
        XCTAssertTrue(result.stderr.contains("a\\u{1B}]0;owned\\u{7}\\u{1B}[31mred"), result.stderr)
    }

    func testNoCursorMovementWhenTERMIsDumbOrUnset() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, learningRate: "0.01", iterations: 20000)
        for term in ["dumb", ""] {
            // `script` gives dnn-run a terminal as its standard error.
            let text = try runProgram(
                "/usr/bin/script", ["-qc", "TERM=\(term) '\(dnnRunExecutable().path)' '\(spec.path)' --force", "/dev/null"],
                in: dir).stdout
            XCTAssertFalse(text.contains("\u{1B}["), "TERM=\(term): \(text.debugDescription)")
            XCTAssertTrue(text.contains("-> results/toy"), text)
        }
    }

    func testSettingTheNameSaysWhyItCannotBeSet() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        let result = try runDnnRun([spec.path, "--set", "name=x"], in: dir)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.hasPrefix("--set name=x: error: --set cannot change 'name': it names the results folder"), result.stderr)
        XCTAssertFalse(result.stderr.contains("unknown key"), result.stderr)
    }

    func testAPlainSweepListOfAHundredThousandValuesIsNotCalledAnAliasBomb() throws {
        let dir = try temporaryDirectory(for: self)
        let values = (0..<100_001).map(String.init).joined(separator: ", ")
        let spec = try writeToySpec(in: dir, extra: "sweep:\n  training.seed: [\(values)]\n")
        let result = try runDnnRun(["validate", spec.path], in: dir)
        XCTAssertEqual(result.status, 2)
        XCTAssertFalse(result.stderr.contains("alias"), result.stderr)
        XCTAssertTrue(result.stderr.contains("the sweep expands to more than 100000 points"), result.stderr)
    }

    func testVerifyOfAMissingFolderSaysSo() throws {
        let dir = try temporaryDirectory(for: self)
        let result = try runDnnRun(["verify", "results/nothing"], in: dir)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "error: no such folder: results/nothing\n  hint: pass a run folder such as results/cat_5layer/default\n")
    }

    func testCtrlCDuringVerifyStopsWithAShortMessage() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, learningRate: "0.0001", iterations: 100)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        // A long re-training, so that the signal lands in it whatever the machine's speed.
        let resolved = dir.appendingPathComponent("results/toy/default/spec.yaml")
        try String(contentsOf: resolved, encoding: .utf8)
            .replacingOccurrences(of: "iterations: 100\n", with: "iterations: 10000000\n")
            .write(to: resolved, atomically: true, encoding: .utf8)
        let marks = try RunMarks(in: dir)
        let verify = try startDnnRun(["verify", "results/toy/default", "--quiet"], in: dir, environment: marks.environment)
        XCTAssertTrue(marks.wait(for: "training~verify", while: verify), "verify never re-trained")
        kill(verify.process.processIdentifier, SIGINT)
        let result = verify.wait()
        XCTAssertEqual(result.status, 1)
        XCTAssertLessThan(result.stderr.count, 400, result.stderr)
        XCTAssertTrue(result.stderr.contains("verify: stopped by SIGINT before re-training finished"), result.stderr)
    }
}
