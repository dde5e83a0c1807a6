import CostPlot
import Foundation
import XCTest

/// No number a results file can hold crashes the plot: costs and bands drawn from the
/// extremes of Double (its largest finite value, 1e305 and up, subnormals, zero, negative
/// values, NaN, infinities), equal values, single points and huge ranges, on linear and log
/// axes. The generator is seeded, so a failure names a case that replays.
final class CostPlotFuzzTests: XCTestCase {
    /// SplitMix64: a small deterministic generator, the same sequence on every machine.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The values a fuzzed cost is drawn from.
    static let extremes: [Double] = [
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1.797e308, 1e308, 1e307, 1e306, 1e305,
        -1e305, 1e300, 1e200, 1e16, 1, 0.5, 1e-5, 1e-300, Double.leastNormalMagnitude,
        Double.leastNonzeroMagnitude, Double.leastNormalMagnitude / 3, 0, -0.0, -1, -1e-300,
        .nan, .infinity, -.infinity,
    ]

    /// A cost: one of the extremes, a random value over a huge range, or a neighbour of an
    /// extreme (one ulp away).
    static func cost(_ random: inout SplitMix64) -> Double {
        switch random.next() % 4 {
        case 0:
            return Double(sign: random.next() % 2 == 0 ? .plus : .minus,
                          exponent: Int(random.next() % 2046) - 1022,
                          significand: 1 + Double(random.next() % 1_000_000) / 1_000_000)
        case 1:
            let v = extremes[Int(random.next() % UInt64(extremes.count))]
            return random.next() % 2 == 0 ? v.nextUp : v.nextDown
        default:
            return extremes[Int(random.next() % UInt64(extremes.count))]
        }
    }

    static func series(_ random: inout SplitMix64, label: String) -> CostSeries {
        let count = Int(random.next() % 6)  // 0 to 5 points: single points and equal values are common
        let repeated = random.next() % 3 == 0 ? cost(&random) : nil
        let iterations = [0, 1, Int.max, Int.min, Int.max - 1, 1 << 53]
        let points = (0..<count).map { k in
            (iteration: random.next() % 8 == 0 ? iterations[Int(random.next() % 6)] : k * Int(1 + random.next() % 100),
             cost: repeated ?? cost(&random))
        }
        let band = random.next() % 2 == 0 ? [] : points.map { p in
            (iteration: p.iteration, lower: random.next() % 3 == 0 ? p.cost : cost(&random), upper: cost(&random))
        }
        return CostSeries(label: label, points: points, band: band)
    }

    /// Renders `plot` and checks the document: complete, with no NaN or infinity in it.
    private func assertRenders(_ plot: CostPlot, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let svg = plot.svg()
        XCTAssertTrue(svg.hasPrefix("<?xml") && svg.hasSuffix("</svg>\n"), "\(name): incomplete SVG", file: file, line: line)
        for bad in ["nan", "NaN", "inf"] where svg.contains("=\"\(bad)") || svg.contains(" \(bad) ") {
            XCTFail("\(name): \(bad) in the SVG", file: file, line: line)
        }
    }

    func testTheCasesOfTheIssueRender() {
        let cases: [(String, [(iteration: Int, cost: Double)])] = [
            ("1e305 and more", [(0, 1e305), (10, 1e306), (20, 1e307), (30, 1e308)]),
            ("two equal costs of 1.797e308", [(0, 1.797e308), (10, 1.797e308)]),
            ("the largest finite cost, twice", [(0, .greatestFiniteMagnitude), (1, .greatestFiniteMagnitude)]),
            ("the largest finite cost, alone", [(0, .greatestFiniteMagnitude)]),
            ("from the smallest subnormal to the largest", [(0, .leastNonzeroMagnitude), (1, .greatestFiniteMagnitude)]),
            ("equal subnormals", [(0, .leastNonzeroMagnitude), (1, .leastNonzeroMagnitude)]),
            ("both largest magnitudes", [(0, -.greatestFiniteMagnitude), (1, .greatestFiniteMagnitude)]),
            ("equal negative", [(0, -1e308), (1, -1e308)]),
        ]
        for (name, points) in cases {
            for log in [false, true] {
                assertRenders(CostPlot(series: [CostSeries(label: name, points: points)], title: name, logScale: log),
                              "\(name)\(log ? ", log" : "")")
            }
        }
    }

    func testSeededRandomExtremesRender() {
        var random = SplitMix64(state: 2026)
        for trial in 0..<1500 {
            let count = Int(random.next() % 4)
            let series = (0..<count).map { Self.series(&random, label: "s\($0)") }
            let log = trial % 2 == 1
            assertRenders(CostPlot(series: series, title: "fuzz \(trial)", logScale: log), "trial \(trial) (seed 2026)")
        }
    }
}
