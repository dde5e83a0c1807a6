import DeepNet
import XCTest

/// `NumpyRandom` against numpy 2.4 on this machine: `np.random.seed(s); np.random.randn(...)`.
/// Values are compared bit for bit (==), not within a tolerance.
final class NumpyRandomTests: XCTestCase {
    /// `np.random.seed(seed); np.random.randn(5)` for seeds across the whole range.
    let firstFive: [(seed: UInt32, values: [Double])] = [
        (0, [1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675]),
        (1, [1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705, 0.8654076293246785]),
        (2, [-0.4167578474054706, -0.056266827226329474, -2.136196095668454, 1.6402708084049886, -1.7934355851948631]),
        (3, [1.7886284734303186, 0.43650985051198943, 0.09649746807200862, -1.8634927033644908, -0.27738820251439905]),
        (7, [1.690525703800356, -0.4659373705408328, 0.0328201636785844, 0.40751628299650783, -0.7889230286257386]),
        (42, [0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254, -0.23415337472333597]),
        (1234, [0.47143516373249306, -1.1909756947064645, 1.4327069684260973, -0.3126518960917129, -0.7205887333650116]),
        (2_147_483_647, [1.628680950870893, -1.1083224214197442, 1.3931666912751481, 0.6885372651891304, -1.1734482800347712]),
        (4_294_967_295, [0.6484086742306527, 0.6693235306338161, -1.0805437227474493, 0.2845010447986309, 0.11388773652167104]),
    ]

    func testFirstDrawsMatchNumpyForManySeeds() {
        for (seed, expected) in firstFive {
            var rng = NumpyRandom(seed: seed)
            XCTAssertEqual(rng.randn(5), expected, "seed \(seed)")
        }
    }

    func testTheIssuesSixValuesForSeedOne() {
        var rng = NumpyRandom(seed: 1)
        XCTAssertEqual(rng.randn(6), [
            1.6243453636632417, -0.6117564136500754, -0.5281717522634557,
            -1.0729686221561705, 0.8654076293246785, -2.3015386968802827,
        ])
    }

    /// Far into the stream (past many MT19937 regenerations), and the sum of 100001 draws.
    func testLongStreamsMatchNumpy() {
        let cases: [(seed: UInt32, at1000: Double, at99999: Double, at100000: Double, sum: Double)] = [
            (1, -0.15323616176709168, -0.7475562464191521, -2.252118359519573, 523.0507306087474),
            (99, 0.42913287323121474, -0.9265797727667218, -1.324178643674441, -52.097129812380444),
        ]
        for c in cases {
            var rng = NumpyRandom(seed: c.seed)
            let v = rng.randn(100_001)
            XCTAssertEqual(v[1000], c.at1000)
            XCTAssertEqual(v[99_999], c.at99999)
            XCTAssertEqual(v[100_000], c.at100000)
            // numpy's np.sum is pairwise; Matrix.sum() sums in the same order.
            XCTAssertEqual(Matrix(rows: 1, cols: v.count, storage: v).sum(), c.sum, "seed \(c.seed)")
        }
    }

    func testMatrixIsFilledRowMajorLikeNumpy() {
        var rng = NumpyRandom(seed: 5)
        let a = rng.randn(3, 4)
        XCTAssertEqual(a.rows, 3)
        XCTAssertEqual(a.cols, 4)
        XCTAssertEqual(a[0, 2], 2.43077118700778)
        XCTAssertEqual(a[1, 0], 0.10960984157818278)
        XCTAssertEqual(a[2, 3], -0.2048765105875873)
    }

    /// The cached second Gaussian carries across calls, as in numpy: randn(3) then
    /// randn(2) continues the same stream as randn(5).
    func testCachedGaussianCarriesAcrossCalls() {
        var whole = NumpyRandom(seed: 1)
        var split = NumpyRandom(seed: 1)
        let expected = whole.randn(5)
        XCTAssertEqual(split.randn(3) + split.randn(2), expected)
    }

    func testUniformDoublesMatchRandomSample() {
        var rng = NumpyRandom(seed: 1)
        XCTAssertEqual(rng.nextDouble(), 0.417022004702574)
        XCTAssertEqual(rng.nextDouble(), 0.7203244934421581)
    }
}
