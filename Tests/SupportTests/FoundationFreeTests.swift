import Foundation
import Support
import XCTest

/// The helpers that stand in for Foundation's (the modules link FoundationEssentials only)
/// against what Foundation itself gives.
final class FoundationFreeTests: XCTestCase {
    /// NSString's answers (Darwin's: Linux Foundation traps on "a" and "a/", and answers "" for "//").
    func testPathComponentsAreNSStrings() {
        let cases: [(path: String, last: String, parent: String)] = [
            ("", "", ""), ("/", "/", "/"), ("a", "a", ""), ("a/", "a", ""), ("/a", "a", "/"), ("/a/", "a", "/"),
            ("/a/b", "b", "/a"), ("/a/b/", "b", "/a"), ("/a//b", "b", "/a"), ("a/b/c", "c", "a/b"), ("./x", "x", "."),
            ("../x/y", "y", "../x"), ("/a/b//", "b", "/a"), ("results/x=1,y=2", "x=1,y=2", "results"),
            ("/work/r/cat_5layer", "cat_5layer", "/work/r"),
        ]
        for c in cases {
            XCTAssertEqual(PathNames.lastComponent(of: c.path), c.last, c.path)
            XCTAssertEqual(PathNames.parent(of: c.path), c.parent, c.path)
        }
        for path in ["/", "/a", "/a/b", "/a/b/", "a/b/c", "./x", "/work/r/cat_5layer"] {
            XCTAssertEqual(PathNames.lastComponent(of: path), (path as NSString).lastPathComponent, path)
            XCTAssertEqual(PathNames.parent(of: path), (path as NSString).deletingLastPathComponent, path)
        }
    }

    func testCFormatIsStringFormat() {
        let values = [0, -0.0, 1.5, 2.675, -2.675, 1e-7, 123456789.123, 0.088413, 98.5645, .infinity, -.infinity, .nan]
        for format in ["%.6f", "%.2f", "%.0f", "%.6g", "%.4g", "%.2f%%", "%.12f", "%.300f"] {
            for v in values {
                XCTAssertEqual(cFormat(format, v), String(format: format, v), "\(format) \(v)")
            }
        }
    }

    func testTrimmedAndPaddedAreFoundations() {
        for s in ["", " ", "a", " a ", "\ta b\t", "\n a \n", "  x  y  ", "é  "] {
            XCTAssertEqual(s.trimmed(), s.trimmingCharacters(in: .whitespacesAndNewlines), s)
            XCTAssertEqual(s.trimmed(newlines: false), s.trimmingCharacters(in: .whitespaces), s)
            for width in [0, 1, 3, 8] {
                XCTAssertEqual(s.padded(to: width), s.padding(toLength: max(width, s.count), withPad: " ", startingAt: 0))
            }
        }
    }

    func testPercentDecodingIsFoundations() {
        for s in ["", "a", "0.0075", "a%2Cb", "%3D%25", "%C3%A9", "%", "%2", "%zz", "%FF", "x%2cy", "%E2%82"] {
            XCTAssertEqual(s.percentDecoded, s.removingPercentEncoding, s)
        }
    }

    func testChildProcessOutput() {
        XCTAssertEqual(ChildProcess.output(of: ["printf", "a\\nb"]).map { String(decoding: $0, as: UTF8.self) }, "a\nb")
        let big = ChildProcess.output(of: ["head", "-c", "100000", "/dev/zero"])
        XCTAssertEqual(big?.count, 100_000, "output longer than the pipe's buffer")
        XCTAssertNil(ChildProcess.output(of: ["false"]), "a non-zero exit")
        XCTAssertNil(ChildProcess.output(of: ["sh", "-c", "kill -9 $$"]), "killed by a signal")
        XCTAssertNil(ChildProcess.output(of: ["dnn-run-no-such-program-\(getpid())"]), "not on PATH")
        XCTAssertNil(ChildProcess.output(of: []))
        XCTAssertEqual(ChildProcess.output(of: ["sh", "-c", "echo out; echo err >&2"]), Array("out\n".utf8),
                       "standard error is not captured")
    }

    func testReasonText() throws {
        XCTAssertEqual(reasonText(Diagnostic("no matrix W3", hint: "rerun")), "no matrix W3")
        do {
            _ = try JSONDecoder().decode([String: [[Double]]].self, from: Data(#"{"W1": [[1, "x"]]}"#.utf8))
            XCTFail("decoded")
        } catch {
            XCTAssertTrue(reasonText(error).hasPrefix("at .W1[0][1]: "), reasonText(error))
        }
        do {
            _ = try Data(contentsOf: URL(fileURLWithPath: "/nonexistent-\(getpid())/parameters.json"))
            XCTFail("read")
        } catch {
            XCTAssertEqual(reasonText(error), "no such file")
        }
    }
}

extension FoundationFreeTests {
    /// A child starts with its signals at their defaults even when this process ignores
    /// them (dnn-run ignores SIGINT and SIGTERM to handle them through dispatch sources).
    func testChildProcessSignalsStartAtTheirDefaults() {
        let old = signal(SIGTERM, SIG_IGN)
        defer { signal(SIGTERM, old) }
        XCTAssertNil(ChildProcess.output(of: ["sh", "-c", "kill -TERM $$; echo survived"]))
    }
}
