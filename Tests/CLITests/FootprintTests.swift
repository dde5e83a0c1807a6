import Foundation
import TestSupport
import XCTest

/// What dnn-run loads at start: the modules use FoundationEssentials only, so the binary
/// does not load Foundation with its internationalization and ICU data (about 7 MB of
/// resident memory before anything is read, and a slower start).
final class FootprintTests: XCTestCase {
    func testTheBinaryDoesNotLinkFoundationOrICU() throws {
        let binary = dnnRunExecutable()
        let result = try runShell("ldd '\(binary.path)'", in: try temporaryDirectory(for: self))
        XCTAssertEqual(result.status, 0, result.stderr)
        let libraries = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(libraries.contains { $0.hasPrefix("libFoundationEssentials.so") }, result.stdout)
        for unwanted in ["libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so"] {
            XCTAssertFalse(libraries.contains { $0.hasPrefix(unwanted) }, "\(unwanted) is linked:\n\(result.stdout)")
        }
    }
}
