import Foundation
import TestSupport
import XCTest

/// `--shard slurm` from the built binary, with the variables Slurm 22.05 sets in each task
/// of a job array (as seen on a real Slurm; `make test-slurm` submits real arrays):
/// every task trains exactly its slice, the tasks of any array cover the sweep exactly
/// once, and a missing or inconsistent variable is exit status 2 with nothing written.
final class SlurmShardTests: XCTestCase {
    /// The sweep of SweepTests, and its points in their stable order (point k goes to
    /// slice k mod N + 1).
    static let sweep = SweepTests.sweep
    static let folders = SweepTests.folders

    /// A job array as `sbatch --array` makes it: its indices, in order, and the step Slurm reports.
    struct JobArray {
        var spec: String
        var indices: [Int]
        var step: Int

        /// The variables Slurm sets in the task with array index `id`.
        func environment(task id: Int) -> [String: String] {
            ["SLURM_JOB_ID": "\(100 + id)", "SLURM_ARRAY_JOB_ID": "100",
             "SLURM_ARRAY_TASK_ID": "\(id)", "SLURM_ARRAY_TASK_MIN": "\(indices.first!)",
             "SLURM_ARRAY_TASK_MAX": "\(indices.last!)", "SLURM_ARRAY_TASK_STEP": "\(step)",
             "SLURM_ARRAY_TASK_COUNT": "\(indices.count)"]
        }
    }

    static let arrays = [
        JobArray(spec: "0-3", indices: [0, 1, 2, 3], step: 1),
        JobArray(spec: "1-4", indices: [1, 2, 3, 4], step: 1),
        JobArray(spec: "0-15:4", indices: [0, 4, 8, 12], step: 4),
        JobArray(spec: "3-9:3%1", indices: [3, 6, 9], step: 3),
        JobArray(spec: "7", indices: [7], step: 1),
        // More tasks than points: the last two have nothing to do.
        JobArray(spec: "1-8", indices: Array(1...8), step: 1),
    ]

    private func runFolders(_ experiment: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: experiment.path)) ?? [])
            .filter { FileManager.default.fileExists(atPath: experiment.appendingPathComponent("\($0)/manifest.json").path) }
            .sorted()
    }

    func testEveryTaskOfAnArrayTrainsItsSliceAndTheTasksCoverTheSweepOnce() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, extra: Self.sweep)
        for array in Self.arrays {
            var trained: [String] = []
            for (position, id) in array.indices.enumerated() {
                let results = dir.appendingPathComponent("\(array.spec)/task\(id)")
                let r = try runDnnRun([spec.path, "--quiet", "--shard", "slurm", "--results", results.path],
                                      in: dir, environment: array.environment(task: id))
                XCTAssertEqual(r.status, 0, "--array=\(array.spec) task \(id): \(r.stderr)")
                // Task number `position` (0-based) is slice position+1 of indices.count.
                let slice = Self.folders.indices.filter { $0 % array.indices.count == position }.map { Self.folders[$0] }
                let got = runFolders(results.appendingPathComponent("toy"))
                XCTAssertEqual(got, slice.sorted(), "--array=\(array.spec) task \(id) trains slice \(position + 1)/\(array.indices.count)")
                // It says it trained those points and no other.
                let said = r.stdout.split(separator: "\n").filter { $0.contains(": final cost ") }
                    .map { String($0.prefix { $0 != ":" }.dropFirst("toy/".count)) }
                XCTAssertEqual(said.sorted(), slice.sorted(), r.stdout)
                trained += got
            }
            XCTAssertEqual(trained.sorted(), Self.folders, "--array=\(array.spec): every point exactly once")
        }
    }

    func testTheSlicesAreThoseOfTheExplicitShard() throws {
        // --shard slurm in task 8 of --array=0-15:4 is --shard 3/4: identical result trees.
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, extra: Self.sweep)
        let slurm = dir.appendingPathComponent("slurm"), explicit = dir.appendingPathComponent("explicit")
        let a = try runDnnRun([spec.path, "--quiet", "--shard", "slurm", "--results", slurm.path],
                              in: dir, environment: Self.arrays[2].environment(task: 8))
        let b = try runDnnRun([spec.path, "--quiet", "--shard", "3/4", "--results", explicit.path], in: dir)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(b.status, 0, b.stderr)
        let folders = runFolders(explicit.appendingPathComponent("toy"))
        XCTAssertEqual(folders, [Self.folders[2]])
        XCTAssertEqual(runFolders(slurm.appendingPathComponent("toy")), folders)
        for file in ["costs.csv", "parameters.json"] {
            XCTAssertEqual(try Data(contentsOf: slurm.appendingPathComponent("toy/\(folders[0])/\(file)")),
                           try Data(contentsOf: explicit.appendingPathComponent("toy/\(folders[0])/\(file)")), file)
        }
    }

    func testABadVariableIsAUsageErrorNamingItAndWritesNothing() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, extra: Self.sweep)
        let good = Self.arrays[0].environment(task: 1)
        // (variables changed from a good task's, what stderr must say)
        let cases: [([String: String], [String])] = [
            (["SLURM_ARRAY_TASK_ID": "abc"], ["SLURM_ARRAY_TASK_ID='abc'", "integer"]),
            (["SLURM_ARRAY_TASK_ID": "-1"], ["SLURM_ARRAY_TASK_ID='-1'", "integer >= 0"]),
            (["SLURM_ARRAY_TASK_MIN": "1.5"], ["SLURM_ARRAY_TASK_MIN='1.5'", "integer"]),
            (["SLURM_ARRAY_TASK_STEP": "0"], ["SLURM_ARRAY_TASK_STEP='0'", "integer >= 1"]),
            (["SLURM_ARRAY_TASK_COUNT": ""], ["SLURM_ARRAY_TASK_COUNT=''", "integer >= 1"]),
            (["SLURM_ARRAY_TASK_MAX": "x"], ["SLURM_ARRAY_TASK_MAX='x'", "integer"]),
            // --array=1,3,5: Slurm reports STEP=1, so MIN + (COUNT-1)*STEP = 3, not MAX = 5.
            (["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "5",
              "SLURM_ARRAY_TASK_COUNT": "3"], ["SLURM_ARRAY_TASK_MAX=5", "expected", "= 3", "not evenly spaced"]),
            // Not on the step's grid: --array=0-15:4 has no index 2.
            (["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_STEP": "4", "SLURM_ARRAY_TASK_MAX": "12"],
             ["SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_STEP=4", "expected"]),
            (["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "4"],
             ["SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_MIN=1", "expected"]),
            (["SLURM_ARRAY_TASK_ID": "9"], ["SLURM_ARRAY_TASK_ID=9", "SLURM_ARRAY_TASK_COUNT=4", "expected"]),
        ]
        for (changes, says) in cases {
            try expectUsageError(spec: spec, in: dir, environment: good.merging(changes) { _, new in new }, says: says)
        }
    }

    func testAMissingVariableIsAUsageErrorNamingIt() throws {
        let inherited = ProcessInfo.processInfo.environment.keys.filter { $0.hasPrefix("SLURM_ARRAY_") }
        try XCTSkipIf(!inherited.isEmpty, "the tests run inside a Slurm array task (\(inherited)): a child cannot lose those variables")
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, extra: Self.sweep)
        let good = Self.arrays[0].environment(task: 1)
        for name in ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT"] {
            try expectUsageError(spec: spec, in: dir, environment: good.filter { $0.key != name },
                                 says: ["\(name) is not set", "expected", "--array"])
        }
        // Outside any array, in a plain Slurm job: say so.
        try expectUsageError(spec: spec, in: dir, environment: ["SLURM_JOB_ID": "42"],
                             says: ["SLURM_ARRAY_TASK_ID is not set", "job 42 is not a job array"])
    }

    private func expectUsageError(spec: URL, in dir: URL, environment: [String: String], says: [String],
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try runDnnRun([spec.path, "--quiet", "--shard", "slurm"], in: dir, environment: environment)
        let shown = environment.filter { $0.key.hasPrefix("SLURM_ARRAY_TASK") }.sorted { $0.key < $1.key }
        XCTAssertEqual(r.status, 2, "\(shown): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("--shard slurm: error: "), r.stderr, file: file, line: line)
        for text in says {
            XCTAssertTrue(r.stderr.contains(text), "\(shown): expected '\(text)' in\n\(r.stderr)", file: file, line: line)
        }
        XCTAssertEqual(r.stdout, "", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results").path),
                       "\(shown): nothing is written", file: file, line: line)
    }
}
