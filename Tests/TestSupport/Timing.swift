import Foundation
import XCTest

/// Whether this run checks timings: `make test-timing` (DNN_RUN_TIMING=1) does; `make test`
/// does not, since a shared machine's speed must not decide what a unit test tests.
public let timingIsChecked = ProcessInfo.processInfo.environment["DNN_RUN_TIMING"] == "1"

/// Asserts that `seconds` stayed under `limit` only under `make test-timing`; otherwise
/// prints the time. For guards against a slow path coming back (a quadratic blow-up, a
/// wait that should not happen), whose functional half the test checks either way.
public func assertTiming(
    _ seconds: Double, below limit: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line
) {
    guard timingIsChecked else {
        print("timing: \(what): \(String(format: "%.3f", seconds)) s (limit \(limit) s, checked by make test-timing)")
        return
    }
    XCTAssertLessThan(seconds, limit, "\(what): \(seconds) s", file: file, line: line)
}
