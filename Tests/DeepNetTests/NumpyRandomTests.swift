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

    /// `np.random.seed(seed); np.random.permutation(n)`, among them the mini-batches'
    /// `shuffle_seed + e` for m = 300, sizes just past a power of two, and 0, 1, 2.
    func testPermutationsMatchNumpy() throws {
        let cases = try golden().permutations
        XCTAssertEqual(cases.count, 9)
        for c in cases {
            var rng = NumpyRandom(seed: c.seed)
            let p = rng.permutation(c.n)
            XCTAssertEqual(Set(p).count, c.n, "seed \(c.seed), n \(c.n): a permutation")
            if let values = c.values {
                XCTAssertEqual(p, values, "seed \(c.seed), n \(c.n)")
            } else {
                XCTAssertEqual(Array(p.prefix(5)), c.head, "seed \(c.seed), n \(c.n)")
                XCTAssertEqual(Array(p.suffix(5)), c.tail, "seed \(c.seed), n \(c.n)")
                XCTAssertEqual(p.enumerated().reduce(0) { $0 + $1.offset * $1.element }, c.weighted_sum)
            }
        }
    }

    /// `np.random.shuffle` of an array of values other than its indices.
    func testShuffleMatchesNumpy() throws {
        var rng = NumpyRandom(seed: 3)
        var tens = (0..<10).map { $0 * 10 }
        rng.shuffle(&tens)
        XCTAssertEqual(tens, try golden().seed_3_shuffle_tens.values)
    }

    /// `np.random.normal(scale=0.2, size=(4, 2))` in C order, and with a `loc`.
    func testNormalMatchesNumpy() throws {
        var rng = NumpyRandom(seed: 3)
        XCTAssertEqual(rng.normal(scale: 0.2, count: 8), try golden().seed_3_normal_4x2.values)
        var other = NumpyRandom(seed: 1)
        XCTAssertEqual(other.normal(loc: 2.5, scale: 3.0, count: 5), try golden().seed_1_normal_loc.values)
    }

    /// One stream through every call: randn(3) caches a Gaussian, the permutation draws
    /// 32-bit outputs without touching it, and normal's first value is that cached one.
    func testOneStreamThroughEveryCallMatchesNumpy() throws {
        let expected = try golden().seed_7_mixed
        var rng = NumpyRandom(seed: 7)
        XCTAssertEqual(rng.randn(3), expected.randn_3)
        XCTAssertEqual(rng.permutation(6), expected.permutation_6)
        XCTAssertEqual(rng.normal(scale: 0.5, count: 4), expected.normal_2x2)
        XCTAssertEqual(rng.nextDouble(), expected.random_sample)
    }

    /// `interval(max)` stays in `0...max`, and draws once when `max` is all ones.
    func testIntervalStaysInRange() {
        var rng = NumpyRandom(seed: 0)
        var copy = rng
        XCTAssertEqual(rng.interval(0), 0)
        XCTAssertEqual(rng.interval(0xFF), UInt64(copy.nextUInt32() & 0xFF))
        for max: UInt64 in [1, 2, 5, 300, 1 << 32, (1 << 40) + 3] {
            for _ in 0..<200 { XCTAssertLessThanOrEqual(rng.interval(max), max) }
        }
    }
}
