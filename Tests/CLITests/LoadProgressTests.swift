import Foundation
import TestSupport
import XCTest

/// The line shown while a large data file loads, as a user sees it: on a terminal that
/// can redraw only, redrawn in place, cleared once the file is loaded.
final class LoadProgressTests: XCTestCase {
    /// A CSV of just over 64 MiB (the size from which loading is shown): 24,000 rows of
    /// 784 pixels and a label, and a spec training on it for one iteration.
    private func largeSpec(in dir: URL) throws -> URL {
        let rows = (0..<8).map { k in
            (0..<784).map { String(($0 * 37 + k * 11) % 256 + 100) }.joined(separator: ",") + ",\(k % 2)\n"
        }
        var bytes = Data()
        for i in 0..<24_000 { bytes.append(contentsOf: rows[i % rows.count].utf8) }
        XCTAssertGreaterThan(bytes.count, 64 << 20)
        try bytes.write(to: dir.appendingPathComponent("big.csv"))
        let spec = dir.appendingPathComponent("big.yaml")
        try """
            name: big
            data:
              train: {path: big.csv, header: false}
              scale: 255
            model:
              layer_dims: [784, 1]
            training:
              learning_rate: 0.01
              iterations: 1

            """.write(to: spec, atomically: true, encoding: .utf8)
        return spec
    }

    func testALargeFileLoadsWithALineRedrawnInPlaceOnATerminalOnly() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            return XCTFail("/usr/bin/script is missing: install Debian's bsdutils (make deps does)")
        }
        let dir = try temporaryDirectory(for: self)
        let spec = try largeSpec(in: dir)
        let dnnRun = dnnRunExecutable().path

        // A terminal that can redraw: the line, then cleared before what follows; verify
        // re-trains the run just made, loading the file again, and predict reads it as a set.
        for command in ["'\(dnnRun)' big.yaml", "'\(dnnRun)' validate big.yaml", "'\(dnnRun)' verify results/big/default",
                        "'\(dnnRun)' predict results/big/default big.csv -o predictions.csv"] {
            let result = try runProgram("/usr/bin/script", ["-qc", "TERM=xterm \(command)", "/dev/null"], in: dir)
            let text = result.stdout
            XCTAssertEqual(result.status, 0, text)
            let segments = text.components(separatedBy: "\r\u{1B}[K")
            let loading = segments.indices.filter { segments[$0].hasPrefix("loading big.csv: ") }
            XCTAssertFalse(loading.isEmpty, "\(command): a loading line:\n\(text.debugDescription)")
            for i in loading {
                // A bar before any run has begun; beside verify's run line, the percentage.
                XCTAssertTrue(segments[i].contains("%"), segments[i].debugDescription)
                XCTAssertFalse(segments[i].contains("\n"), "drawn in place: \(segments[i].debugDescription)")
            }
            // Which phases get drawn depends on how fast the machine loads (redraws are at
            // most ten a second): the order of the phases is DataTests' (CSVFastPathTests).
            let last = try XCTUnwrap(loading.last)
            XCTAssertLessThan(last, segments.count - 1, "the line is cleared:\n\(text.debugDescription)")
            XCTAssertFalse(segments[last + 1].contains("loading"), text.debugDescription)
        }
        _ = try? FileManager.default.removeItem(at: dir.appendingPathComponent("results"))

        // TERM=dumb, --quiet, or not a terminal: no loading line at all.
        for (term, flags) in [("dumb", ""), ("xterm", " --quiet --force")] {
            let text = try runProgram(
                "/usr/bin/script", ["-qc", "TERM=\(term) '\(dnnRun)' big.yaml\(flags)", "/dev/null"], in: dir).stdout
            XCTAssertFalse(text.contains("loading"), "TERM=\(term)\(flags): \(text.debugDescription)")
            XCTAssertFalse(text.contains("\u{1B}["), "TERM=\(term)\(flags): \(text.debugDescription)")
        }
        let piped = try runDnnRun([spec.path, "--force"], in: dir)
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertFalse(piped.stderr.contains("loading"), piped.stderr)
    }
}
