import Data
import Support
import TestSupport
import Foundation
import XCTest

/// Where the tests pretend a spec named the data file.
let specLocation = SourceLocation.file(path: "cat.yaml", line: 4, column: 10)

/// Loads `path` as a split written at `specLocation`.
func load(
    _ path: String, x: String? = nil, y: String? = nil, labelColumn: Int = -1, header: Bool = true, scale: Double = 1,
    memoryLimit: MemoryLimit = .current()
) throws(Diagnostic) -> Dataset {
    let split = DataSplit(
        path: path, format: DataSplit.format(ofPath: path), x: x, y: y, labelColumn: labelColumn, header: header,
        location: specLocation)
    return try Dataset(contentsOf: split, scale: scale, memoryLimit: memoryLimit)
}

/// Asserts that `body` throws a `Diagnostic` at `specLocation` whose text contains every
/// one of `fragments`; returns it for further checks. Failures point at the caller.
@discardableResult
func assertDiagnostic<T>(
    _ body: () throws(Diagnostic) -> T, contains fragments: [String],
    file: StaticString = #filePath, line: UInt = #line
) -> Diagnostic? {
    do {
        let value = try body()
        XCTFail("expected an error, got \(value)", file: file, line: line)
        return nil
    } catch {
        XCTAssertEqual(error.location, specLocation, file: file, line: line)
        for fragment in fragments where !error.description.contains(fragment) {
            XCTFail("'\(fragment)' is not in:\n\(error)", file: file, line: line)
        }
        return error
    }
}
