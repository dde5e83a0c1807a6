import DeepNet
import XCTest

/// Asserts that `actual` has the shape of `expected` and that every element is within
/// `tolerance` of it (absolute difference). Failures point at the calling line.
public func assertClose(
    _ actual: Matrix, _ expected: [[Double]], tolerance: Double,
    _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    let expectedMatrix = Matrix(expected)
    guard actual.rows == expectedMatrix.rows, actual.cols == expectedMatrix.cols else {
        XCTFail("shape (\(actual.rows), \(actual.cols)), expected (\(expectedMatrix.rows), \(expectedMatrix.cols)) \(message)",
                file: file, line: line)
        return
    }
    assertClose(actual.storage, expectedMatrix.storage, tolerance: tolerance, message, file: file, line: line)
}

/// Asserts that two arrays have the same length and agree elementwise within `tolerance`;
/// reports the first index that does not.
public func assertClose(
    _ actual: [Double], _ expected: [Double], tolerance: Double,
    _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    guard actual.count == expected.count else {
        XCTFail("\(actual.count) values, expected \(expected.count) \(message)", file: file, line: line)
        return
    }
    for (i, (a, e)) in zip(actual, expected).enumerated() where !(abs(a - e) <= tolerance) {
        XCTFail("element \(i): \(a), expected \(e) (difference \(abs(a - e)) > \(tolerance)) \(message)",
                file: file, line: line)
        return
    }
}

/// The largest absolute elementwise difference between two matrices of one shape.
public func maxDifference(_ a: Matrix, _ b: Matrix) -> Double {
    precondition(a.rows == b.rows && a.cols == b.cols, "shapes differ")
    return zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0
}
