import Foundation
import XCTest

@testable import Runs

/// `manifest.json` and `metrics.json` byte for byte: the keys come from the types'
/// `CodingKeys` through `JSONValueEncoder`, and the text must stay what 0.1 wrote
/// (the expected texts are files 0.1 wrote, with the keys results format 2 added:
/// results_format, files and provenance, and input_shape and classes for predict).
final class RunFilesJSONTests: XCTestCase {
    func testManifestText() throws {
        let manifest = Manifest(
            status: .completed, specSHA256: "bdb90506c20f30b22962e716de537923eb78232b5ed5a3ab4b70bc517253d901",
            datasets: [
                DatasetRecord(
                    split: "train", path: "/work/main/datasets/train_catvnoncat.h5",
                    sha256: "fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242"),
                DatasetRecord(
                    split: "test", path: "/work/main/datasets/test_catvnoncat.h5",
                    sha256: "6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951"),
            ],
            dnnRunVersion: "0.1.0", engine: "dual",
            engineReason: "engine: auto chose dual, the fewer operations; first-layer FLOPs: primal 513.6 G, dual 5.6 G (n_x=12288, n_1=20, m=209, iterations=2500)",
            blasLibrary: "BLIS 0.9.0 (zen3)", arithmetic: "blis", blasThreads: 2, host: "vm", started: "2026-11-29T23:31:27Z",
            finished: "2026-11-29T23:31:27Z", iterationsCompleted: 2500, error: nil)
        XCTAssertEqual(try RunFiles.jsonText(manifest), """
            {
              "status": "completed",
              "results_format": 3,
              "spec_sha256": "bdb90506c20f30b22962e716de537923eb78232b5ed5a3ab4b70bc517253d901",
              "datasets": [
                {
                  "split": "train",
                  "path": "/work/main/datasets/train_catvnoncat.h5",
                  "sha256": "fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242"
                },
                {
                  "split": "test",
                  "path": "/work/main/datasets/test_catvnoncat.h5",
                  "sha256": "6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951"
                }
              ],
              "files": null,
              "dnn_run_version": "0.1.0",
              "engine": "dual",
              "engine_reason": "engine: auto chose dual, the fewer operations; first-layer FLOPs: primal 513.6 G, dual 5.6 G (n_x=12288, n_1=20, m=209, iterations=2500)",
              "blas_library": "BLIS 0.9.0 (zen3)",
              "arithmetic": "blis",
              "blas_threads": 2,
              "host": "vm",
              "started": "2026-11-29T23:31:27Z",
              "finished": "2026-11-29T23:31:27Z",
              "iterations_completed": 2500,
              "error": null,
              "test_error": null,
              "provenance": null,
              "input_shape": null,
              "classes": null
            }

            """)
    }

    func testFailedManifestText() throws {
        let manifest = Manifest(
            status: .failed, specSHA256: "ab", datasets: [], dnnRunVersion: "0.1.0", engine: "primal",
            engineReason: "engine: primal in the spec", blasLibrary: "BLIS 0.9.0", blasThreads: 1, host: "vm",
            started: "2026-11-29T23:31:27Z", finished: "2026-11-29T23:31:28Z", iterationsCompleted: 7,
            error: "the cost became NaN at iteration 7; the learning rate \"10.0\" is probably too large")
        XCTAssertEqual(try RunFiles.jsonText(manifest), """
            {
              "status": "failed",
              "results_format": 3,
              "spec_sha256": "ab",
              "datasets": [],
              "files": null,
              "dnn_run_version": "0.1.0",
              "engine": "primal",
              "engine_reason": "engine: primal in the spec",
              "blas_library": "BLIS 0.9.0",
              "arithmetic": null,
              "blas_threads": 1,
              "host": "vm",
              "started": "2026-11-29T23:31:27Z",
              "finished": "2026-11-29T23:31:28Z",
              "iterations_completed": 7,
              "error": "the cost became NaN at iteration 7; the learning rate \\"10.0\\" is probably too large",
              "test_error": null,
              "provenance": null,
              "input_shape": null,
              "classes": null
            }

            """)
    }

    func testMetricsText() throws {
        let metrics = Metrics(
            finalCost: 0.1373948023453365, trainAccuracy: 0.9856459330143541, testAccuracy: 0.76,
            seconds: 0.46971874, iterations: 2500)
        XCTAssertEqual(try RunFiles.jsonText(metrics), """
            {
              "final_cost": 0.1373948023453365,
              "train_accuracy": 0.9856459330143541,
              "test_accuracy": 0.76,
              "seconds": 0.46971874,
              "iterations": 2500
            }

            """)
        let failed = Metrics(finalCost: nil, trainAccuracy: nil, testAccuracy: nil, seconds: 12.0, iterations: 7)
        XCTAssertEqual(try RunFiles.jsonText(failed), """
            {
              "final_cost": null,
              "train_accuracy": null,
              "test_accuracy": null,
              "seconds": 12.0,
              "iterations": 7
            }

            """)
    }

    /// What is written reads back to the same value.
    func testManifestRoundTrips() throws {
        let manifest = Manifest(
            status: .interrupted, specSHA256: "ab", datasets: [DatasetRecord(split: "train", path: "/x.h5", sha256: "cd")],
            dnnRunVersion: "0.1.0", engine: "dual", engineReason: "r", blasLibrary: "b", blasThreads: 2, host: "h",
            started: "s", finished: "f", iterationsCompleted: 3, error: "interrupted by SIGINT before iteration 3")
        let text = try RunFiles.jsonText(manifest)
        XCTAssertEqual(try JSONDecoder().decode(Manifest.self, from: Data(text.utf8)), manifest)
    }
}
