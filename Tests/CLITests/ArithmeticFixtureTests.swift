import Foundation
import TestSupport
import XCTest

/// Runs made by earlier dnn-run (Fixtures/arithmetic-trees: the BLIS era's and the first
/// kernel's) still verify with today's, with their own arithmetic.
final class ArithmeticFixtureTests: XCTestCase {
    private let runs = [
        "blis-e3b5bcd/football/training.engine=primal", "blis-e3b5bcd/football/training.engine=dual",
        "kernel-c56a899/football/training.engine=primal", "kernel-c56a899/football/training.engine=dual",
        "fma-f53a03b/football/training.engine=primal", "fma-f53a03b/football/training.engine=dual",
    ]

    func testEveryEarlierRunVerifiesWithItsOwnArithmetic() throws {
        let dir = try temporaryDirectory(for: self)
        let trees = dir.appendingPathComponent("trees")
        try FileManager.default.copyItem(at: packageRoot().appendingPathComponent("Tests/CLITests/Fixtures/arithmetic-trees"), to: trees)
        for run in runs {
            let result = try runDnnRun(["verify", run], in: trees)
            let arithmetic = String(run.prefix { $0 != "-" })
            XCTAssertTrue(result.stdout.contains("arithmetic: \(arithmetic), the run's"), result.stdout)
            // The fixtures were made where BLIS runs its zen3 kernels; fma (the main this
            // round started from, before the course's second part) is the same on every processor.
            if arithmetic == "fma" || result.stdout.contains("(zen3)") {
                XCTAssertEqual(result.status, 0, run + ":\n" + result.stdout + result.stderr)
                XCTAssertTrue(result.stdout.contains("costs.csv: 10 costs identical, bit for bit"), result.stdout)
                XCTAssertTrue(result.stdout.contains("parameters.json: 6 matrices identical, bit for bit"), result.stdout)
            } else {
                XCTAssertEqual(result.status, 1, run + ":\n" + result.stdout + result.stderr)
                XCTAssertTrue(result.stdout.contains("not reproducible here: the run's arithmetic '\(arithmetic)'"), result.stdout)
                XCTAssertTrue(result.stdout.contains("the costs differ by at most"), result.stdout)
            }
        }
    }

    /// The explanation itself, on this machine: a run trained with fma whose manifest is
    /// made to say blis is re-trained through BLIS and differs by a few ulps, said so.
    func testAProcessorDependentMismatchSaysWhyAndByHowMuch() throws {
        let dir = try temporaryDirectory(for: self)
        let trees = dir.appendingPathComponent("trees")
        try FileManager.default.copyItem(at: packageRoot().appendingPathComponent("Tests/CLITests/Fixtures/arithmetic-trees"), to: trees)
        XCTAssertEqual(try runDnnRun(["football.yaml", "--results", "fma", "--quiet"], in: trees).status, 0)
        let run = "fma/football/training.engine=primal"
        let manifest = trees.appendingPathComponent(run + "/manifest.json")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        XCTAssertTrue(text.contains("\"arithmetic\": \"fma\""), text)
        XCTAssertEqual(try runDnnRun(["verify", run, "--quiet"], in: trees).status, 0)
        try text.replacingOccurrences(of: "\"arithmetic\": \"fma\"", with: "\"arithmetic\": \"blis\"")
            .write(to: manifest, atomically: true, encoding: .utf8)
        let result = try runDnnRun(["verify", run], in: trees)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("not reproducible here: the run's arithmetic 'blis' sums every product as BLIS's kernel"), result.stdout)
        XCTAssertTrue(result.stdout.contains("(verify --tolerance T accepts them)"), result.stdout)
        XCTAssertEqual(try runDnnRun(["verify", run, "--tolerance", "1e-9", "--quiet"], in: trees).status, 0)
    }
}

/// Every instruction set's path end to end (the debug build's DNN_RUN_TEST_ISA): the same
/// bytes from each, and a run made on one verifies on another. A set the processor lacks
/// is reported skipped, not tested.
final class InstructionSetTests: XCTestCase {
    private func train(_ isa: String, _ arithmetic: String, in trees: URL) throws -> (Data, Data) {
        let out = "\(isa)-\(arithmetic)"
        let result = try runDnnRun(["football.yaml", "--results", out, "--quiet", "--arithmetic", arithmetic],
                                   in: trees, environment: ["DNN_RUN_TEST_ISA": isa])
        XCTAssertEqual(result.status, 0, result.stderr)
        let run = trees.appendingPathComponent("\(out)/football/training.engine=dual")
        return (try Data(contentsOf: run.appendingPathComponent("costs.csv")), try Data(contentsOf: run.appendingPathComponent("parameters.json")))
    }

    private func check(_ isa: String) throws {
        let dir = try temporaryDirectory(for: self)
        let trees = dir.appendingPathComponent("trees")
        try FileManager.default.copyItem(at: packageRoot().appendingPathComponent("Tests/CLITests/Fixtures/arithmetic-trees"), to: trees)
        let probe = try runDnnRun(["validate", "football.yaml"], in: trees, environment: ["DNN_RUN_TEST_ISA": isa])
        if probe.status == 2 && probe.stderr.contains("cannot run it") {
            throw XCTSkip("NOT TESTED here: this processor lacks \(isa)")
        }
        for arithmetic in ["fma", "kernel"] {
            let here = try train(isa, arithmetic, in: trees), scalar = try train("scalar", arithmetic, in: trees)
            XCTAssertEqual(here.0, scalar.0, "\(isa) vs scalar, \(arithmetic): costs.csv")
            XCTAssertEqual(here.1, scalar.1, "\(isa) vs scalar, \(arithmetic): parameters.json")
            // Made on scalar, verified on this path.
            let verify = try runDnnRun(["verify", "scalar-\(arithmetic)/football/training.engine=primal", "--quiet"],
                                       in: trees, environment: ["DNN_RUN_TEST_ISA": isa])
            XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        }
    }

    func testTheAVX2PathGivesTheScalarPathsBytes() throws { try check("avx2") }
    func testTheAVX512PathGivesTheScalarPathsBytes() throws { try check("avx512f") }
}
