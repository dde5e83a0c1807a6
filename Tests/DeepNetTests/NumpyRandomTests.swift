import DeepNet
import TestSupport
import XCTest

/// `NumpyRandom` against numpy's legacy generator: `np.random.seed(s); np.random.randn(...)`,
/// the values numpy made in Tests/Fixtures/golden_numpy.json (`Golden.regenerate` rewrites
/// it; GoldenFixtureTests checks that it is what numpy makes). Values are compared bit
/// for bit (==), not within a tolerance.
final class NumpyRandomTests: XCTestCase {
    private func golden() throws -> Golden.NumpyRandomValues { try Golden.numpy().numpy_random }

    /// `np.random.seed(seed); np.random.randn(5)` for seeds across the whole range.
    func testFirstDrawsMatchNumpyForManySeeds() throws {
        let cases = try golden().first_five
        XCTAssertEqual(cases.map(\.seed), [0, 1, 2, 3, 7, 42, 1234, 2_147_483_647, 4_294_967_295])
        for c in cases {
            var rng = NumpyRandom(seed: c.seed)
            XCTAssertEqual(rng.randn(5), c.randn, "seed \(c.seed)")
        }
    }

    func testTheIssuesSixValuesForSeedOne() throws {
        var rng = NumpyRandom(seed: 1)
        let expected = try golden().seed_1_randn_6
        XCTAssertEqual(expected.count, 6)
        XCTAssertEqual(rng.randn(6), expected)
    }

    /// Far into the stream (past many MT19937 regenerations), and the sum of 100001 draws.
    func testLongStreamsMatchNumpy() throws {
        let cases = try golden().long_streams
        XCTAssertEqual(cases.map(\.seed), [1, 99])
        for c in cases {
            var rng = NumpyRandom(seed: c.seed)
            let v = rng.randn(100_001)
            XCTAssertEqual(v[1000], c.at_1000, "seed \(c.seed)")
            XCTAssertEqual(v[99_999], c.at_99999, "seed \(c.seed)")
            XCTAssertEqual(v[100_000], c.at_100000, "seed \(c.seed)")
            // numpy's np.sum is pairwise; Matrix.sum() sums in the same order.
            XCTAssertEqual(Matrix(rows: 1, cols: v.count, storage: v).sum(), c.sum, "seed \(c.seed)")
        }
    }

    /// `np.random.seed(5); np.random.randn(3, 4)`, every entry.
    func testMatrixIsFilledRowMajorLikeNumpy() throws {
        var rng = NumpyRandom(seed: 5)
        let a = rng.randn(3, 4)
        let expected = try golden().seed_5_randn_3x4
        XCTAssertEqual(a.rows, 3)
        XCTAssertEqual(a.cols, 4)
        XCTAssertEqual(expected.map(\.count), [4, 4, 4])
        for i in 0..<3 {
            for j in 0..<4 { XCTAssertEqual(a[i, j], expected[i][j], "[\(i), \(j)]") }
        }
    }

    /// The cached second Gaussian carries across calls, as in numpy: randn(3) then
    /// randn(2) continues the same stream as randn(5).
    func testCachedGaussianCarriesAcrossCalls() {
        var whole = NumpyRandom(seed: 1)
        var split = NumpyRandom(seed: 1)
        let expected = whole.randn(5)
        XCTAssertEqual(split.randn(3) + split.randn(2), expected)
    }

    /// `np.random.seed(1)`, then `np.random.random_sample()` twice.
    func testUniformDoublesMatchRandomSample() throws {
        var rng = NumpyRandom(seed: 1)
        let expected = try golden().seed_1_random_sample_2
        XCTAssertEqual(expected.count, 2)
        XCTAssertEqual([rng.nextDouble(), rng.nextDouble()], expected)
    }
}
