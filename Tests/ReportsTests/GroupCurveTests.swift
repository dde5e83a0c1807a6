import Reports
import XCTest

/// A group's mean cost curve and its band of ± one sample standard deviation.
final class GroupCurveTests: XCTestCase {
    func testMeanAndSampleStandardDeviationAtEachIteration() {
        let curve = GroupCurve(histories: [
            [(0, 1), (10, 2), (20, 3)],
            [(20, 5), (0, 3), (10, 4)],
            [(0, 2), (10, 6), (20, 4)],
        ])
        XCTAssertEqual(curve.points.map(\.iteration), [0, 10, 20])
        XCTAssertEqual(curve.points.map(\.cost), [2, 4, 4])
        // Sample std (n - 1): at 0 of 1, 3, 2 is 1; at 10 of 2, 4, 6 is 2; at 20 of 3, 5, 4 is 1.
        XCTAssertEqual(curve.band.map(\.iteration), [0, 10, 20])
        XCTAssertEqual(curve.band.map(\.lower), [1, 2, 3])
        XCTAssertEqual(curve.band.map(\.upper), [3, 6, 5])
        XCTAssertFalse(curve.leftOutIterations)
    }

    func testOneRunHasACurveAndNoBand() {
        let curve = GroupCurve(histories: [[(0, 0.7), (100, 0.5)]])
        XCTAssertEqual(curve.points.map(\.cost), [0.7, 0.5])
        XCTAssertTrue(curve.band.isEmpty)
        XCTAssertTrue(GroupCurve(histories: []).points.isEmpty)
    }

    func testOnlyTheIterationsEveryRunRecordedAreDrawn() {
        // record_every 10 over 30 iterations, and record_every 20 over 40.
        let curve = GroupCurve(histories: [
            [(0, 1), (10, 1), (20, 1)],
            [(0, 3), (20, 3), (40, 3)],
        ])
        XCTAssertEqual(curve.points.map(\.iteration), [0, 20])
        XCTAssertEqual(curve.points.map(\.cost), [2, 2])
        XCTAssertTrue(curve.leftOutIterations)
    }
}
