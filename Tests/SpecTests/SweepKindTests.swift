import DeepNet
import XCTest

@testable import Spec
@testable import Support
import TestSupport

/// The sweep kinds beyond the grid of lists: ranges, paired keys, random search, their
/// combinations and their order, and every way to write them wrong.
final class SweepKindTests: XCTestCase {
    /// `SpecFixture.validSpec` and a sweep; the sweep's first entry is on line 15.
    private func load(sweep: String, overrides: [String] = []) throws -> Sweep {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec + "sweep:\n" + sweep)
        return try fixture.load(overrides: overrides)
    }

    private func folders(_ sweep: String, overrides: [String] = []) throws -> [String] {
        try load(sweep: sweep, overrides: overrides).points.map { $0.folderName ?? "" }
    }

    // MARK: Ranges

    func testRangeCountsLikePythonsRange() throws {
        XCTAssertEqual(try load(sweep: "  training.seed: {range: [1, 4]}\n").points.map(\.spec.seed), [1, 2, 3])
        XCTAssertEqual(
            try load(sweep: "  training.seed: {range: [10, 0], step: -4}\n").points.map(\.spec.seed), [10, 6, 2])
        XCTAssertEqual(
            try load(sweep: "  training.iterations: {range: [1000, 3001], step: 1000}\n").points.map(\.spec.iterations),
            [1000, 2000, 3000])
    }

    /// The values numpy makes for `linspace(0.001, 0.01, 10)`, `linspace(3, 7, 1)` and
    /// `geomspace(1e-4, 1e-1, 7)` (Tests/Fixtures/golden_numpy.json): linspace's bit for bit
    /// (a folder name is the shortest text that reads back to the same double), geomspace's
    /// endpoints too (they are the values given) and its inner values within 16 units in the
    /// last place (they go through the C library's log10 and pow).
    func testLinspaceAndGeomspaceGiveNumpysValues() throws {
        let golden = try Golden.numpy().sweeps
        XCTAssertEqual(golden.linspace.form, "{linspace: [0.001, 0.01], num: 10}")
        XCTAssertEqual(
            try folders("  training.learning_rate: \(golden.linspace.form)\n"),
            golden.linspace.values.map { "training.learning_rate=\($0)" }, golden.linspace.numpy)
        XCTAssertEqual(golden.linspace_one.form, "{linspace: [3, 7], num: 1}")
        XCTAssertEqual(try folders("  data.scale: \(golden.linspace_one.form)\n"), ["data.scale=3.0"])
        XCTAssertEqual(golden.linspace_one.values, [3.0], golden.linspace_one.numpy)

        XCTAssertEqual(golden.geomspace.form, "{geomspace: [0.0001, 0.1], num: 7}")
        let names = try folders("  training.learning_rate: \(golden.geomspace.form)\n")
        let prefix = "training.learning_rate="
        XCTAssertTrue(names.allSatisfy { $0.hasPrefix(prefix) }, "\(names)")
        let values = names.compactMap { Double($0.dropFirst(prefix.count)) }
        let expected = golden.geomspace.values
        XCTAssertEqual(values.count, 7)
        XCTAssertEqual(expected.count, 7)
        XCTAssertEqual(values.first, expected.first, "the start as given")
        XCTAssertEqual(values.last, expected.last, "the stop as given")
        for (k, (value, numpy)) in zip(values, expected).enumerated() {
            XCTAssertTrue(Golden.close(value, numpy), "value \(k): \(value), \(golden.geomspace.numpy) gives \(numpy)")
        }
    }

    // MARK: Paired

    func testPairedKeysVaryTogether() throws {
        let plan = try load(
            sweep: """
                  paired:
                    model.layer_dims: [[12288, 20, 1], [12288, 7, 1]]
                    training.learning_rate: [0.0075, 0.01]

                """)
        XCTAssertEqual(
            plan.points.map(\.folderName),
            ["model.layer_dims=12288x20x1,training.learning_rate=0.0075", "model.layer_dims=12288x7x1,training.learning_rate=0.01"])
        XCTAssertEqual(plan.points[1].spec.locations["training.learning_rate"], .file(path: "spec.yaml", line: 17, column: 38))
    }

    func testSeveralPairedGroupsAndRangesInAGroup() throws {
        let names = try folders(
            """
              paired:
                - {training.seed: {range: [1, 3]}, training.iterations: [10, 20]}
                - {training.learning_rate: [0.1, 0.2], data.scale: {linspace: [1, 2], num: 2}}

            """)
        XCTAssertEqual(names, [
            "data.scale=1.0,training.iterations=10,training.learning_rate=0.1,training.seed=1",
            "data.scale=2.0,training.iterations=10,training.learning_rate=0.2,training.seed=1",
            "data.scale=1.0,training.iterations=20,training.learning_rate=0.1,training.seed=2",
            "data.scale=2.0,training.iterations=20,training.learning_rate=0.2,training.seed=2",
        ])
    }

    // MARK: Random

    static let randomSweep = """
          random:
            count: COUNT
            seed: 0
            training.learning_rate: {loguniform: [1e-4, 1e-1]}
            model.hidden_activation: {choice: [relu, tanh]}
            training.seed: {randint: [1, 1000]}
            data.scale: {uniform: [0.001, 0.01]}

        """

    /// numpy (Tests/Fixtures/golden_numpy.json): `np.random.seed(0)`, then per point
    /// `math.exp(np.random.uniform(math.log(1e-4), math.log(1e-1)))`,
    /// `['relu', 'tanh'][np.random.randint(2)]`, `np.random.randint(1, 1000)`,
    /// `np.random.uniform(0.001, 0.01)`. uniform, randint and choice bit for bit; loguniform
    /// within 16 units in the last place (it goes through the C library's log and exp).
    func testRandomSearchDrawsAsNumpyDoes() throws {
        let golden = try Golden.numpy().sweeps.random_search
        XCTAssertEqual(golden.sweep, Self.randomSweep.replacing("COUNT", with: "3"), "the sweep numpy drew")
        let plan = try load(sweep: golden.sweep)
        XCTAssertEqual(plan.points.count, 3)
        XCTAssertEqual(golden.learning_rate.count, 3)
        for (k, (rate, numpy)) in zip(plan.points.map(\.spec.learningRate), golden.learning_rate).enumerated() {
            XCTAssertTrue(Golden.close(rate, numpy), "point \(k): learning rate \(rate), numpy drew \(numpy)")
        }
        XCTAssertEqual(plan.points.map(\.spec.hiddenActivation.rawValue), golden.hidden_activation)
        XCTAssertEqual(plan.points.map(\.spec.seed), golden.seed)
        XCTAssertEqual(plan.points.map(\.spec.scale), golden.scale)
        XCTAssertEqual(
            plan.points[0].folderName,
            "data.scale=\(golden.scale[0]),model.hidden_activation=\(golden.hidden_activation[0]),"
                + "training.learning_rate=\(plan.points[0].spec.learningRate),training.seed=\(golden.seed[0])")
    }

    func testTheSameSpecDrawsTheSamePointsAndMoreKeepsThem() throws {
        let three = try folders(Self.randomSweep.replacing("COUNT", with: "3"))
        XCTAssertEqual(try folders(Self.randomSweep.replacing("COUNT", with: "3")), three)
        let five = try folders(Self.randomSweep.replacing("COUNT", with: "5"))
        XCTAssertEqual(Array(five.prefix(3)), three)
        XCTAssertEqual(Set(five).count, 5)
        let other = try folders(Self.randomSweep.replacing("COUNT", with: "3").replacing("seed: 0", with: "seed: 1"))
        XCTAssertTrue(Set(other).isDisjoint(with: three))
    }

    func testSetOnARandomKeyKeepsTheOtherDraws() throws {
        let plan = try load(sweep: Self.randomSweep.replacing("COUNT", with: "3"), overrides: ["training.seed=5"])
        let drawn = try load(sweep: Self.randomSweep.replacing("COUNT", with: "3"))
        XCTAssertEqual(plan.points.map(\.spec.seed), [5, 5, 5])
        XCTAssertEqual(plan.points.map(\.spec.learningRate), drawn.points.map(\.spec.learningRate))
        XCTAssertEqual(plan.points.map(\.spec.scale), drawn.points.map(\.spec.scale))
    }

    /// numpy (Tests/Fixtures/golden_numpy.json): `np.random.seed(7)`, then `randint(-5, 2**40)`
    /// three times, `randint(0, 2**32)` twice, `randint(3, 4)` (which draws nothing), `randint(0, 5)`.
    func testRandintIsNumpysLegacyRandint() throws {
        let golden = try Golden.numpy().sweeps.randint
        XCTAssertEqual(golden.calls, [[-5, 1 << 40], [-5, 1 << 40], [-5, 1 << 40], [0, 1 << 32], [0, 1 << 32], [3, 4], [0, 5]])
        var generator = NumpyRandom(seed: golden.seed)
        XCTAssertEqual(golden.calls.map { generator.randint($0[0], $0[1]) }, golden.values)
    }

    // MARK: Combinations and order

    /// Axes in the order written, the last fastest; a paired group and the random block
    /// are one axis each, so the random points repeat for every seed.
    func testCombinationsFollowThePointOrder() throws {
        let plan = try load(
            sweep: """
                  training.seed: {range: [1, 3]}
                  paired: {model.layer_dims: [[12288, 20, 1], [12288, 7, 1]], training.iterations: [10, 20]}
                  random: {count: 2, seed: 3, training.learning_rate: {loguniform: [1e-3, 1e-1]}}

                """)
        XCTAssertEqual(plan.points.count, 8)
        XCTAssertEqual(plan.points.map(\.spec.seed), [1, 1, 1, 1, 2, 2, 2, 2])
        XCTAssertEqual(plan.points.map(\.spec.iterations), [10, 10, 20, 20, 10, 10, 20, 20])
        let rates = plan.points.map(\.spec.learningRate)
        XCTAssertNotEqual(rates[0], rates[1])
        XCTAssertEqual(Array(rates[0..<2]), Array(rates[2..<4]))
        XCTAssertEqual(Array(rates[0..<4]), Array(rates[4..<8]))
        XCTAssertEqual(Set(plan.points.compactMap(\.folderName)).count, 8)
    }

    func testTheGridOfListsIsUnchanged() throws {
        XCTAssertEqual(
            try folders("  training.seed: [2, 1]\n  model.layer_dims: [[12288, 7, 1]]\n"),
            ["model.layer_dims=12288x7x1,training.seed=2", "model.layer_dims=12288x7x1,training.seed=1"])
    }

    // MARK: Bad sweeps

    /// Each bad sweep fails with one diagnostic at `location` holding every fragment.
    private func assertBad(
        _ sweep: String, at location: String, _ fragments: String..., overrides: [String] = [],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec + "sweep:\n" + sweep)
        guard let diagnostics = fixture.diagnostics(overrides: overrides, file: file, line: line) else { return }
        let found = diagnostics.items.contains { item in
            item.location?.description == location && fragments.allSatisfy { item.description.contains($0) }
        }
        XCTAssertTrue(found, "expected \(fragments) at \(location) in:\n\(diagnostics)", file: file, line: line)
    }

    func testMismatchedPairLengthsNameBothKeysAtTheShorterList() throws {
        try assertBad(
            "  paired:\n    training.seed: [1, 2, 3]\n    training.learning_rate: [0.1, 0.2]\n", at: "spec.yaml:17:29",
            "sweep.paired: training.seed has 3 values but training.learning_rate has 2", "hint: add or remove values")
        try assertBad(
            "  paired:\n    training.seed: [1]\n    training.learning_rate: [0.1, 0.2]\n", at: "spec.yaml:16:20",
            "training.seed has 1 values but training.learning_rate has 2")
    }

    func testEmptyRanges() throws {
        try assertBad(
            "  training.seed: {range: [5, 5]}\n", at: "spec.yaml:15:18",
            "sweep.training.seed: the range from 5 to 5 with step 1 is empty", "hint: the stop is excluded",
            "{range: [5, 6]}")
        try assertBad(
            "  training.seed: {range: [1, 5], step: -1}\n", at: "spec.yaml:15:18", "is empty",
            "a stop less than the start")
        try assertBad("  training.seed: {range: [1, 5], step: 0}\n", at: "spec.yaml:15:40", "the step is 0", "hint: write a step of 1 or more")
        try assertBad(
            "  training.learning_rate: {linspace: [0.01, 0.01], num: 3}\n", at: "spec.yaml:15:27",
            "gives the same value 3 times", "hint: make the endpoints differ")
        try assertBad("  training.seed: {range: []}\n", at: "spec.yaml:15:26", "expected [start, stop]", "{range: [1, 11]}")
    }

    func testLogRangesThroughOrAtZero() throws {
        try assertBad(
            "  training.learning_rate: {geomspace: [0, 0.1], num: 3}\n", at: "spec.yaml:15:40",
            "expected endpoints greater than 0, got '0'", "cannot reach or cross 0", "hint: for a range through 0 use linspace")
        try assertBad(
            "  training.learning_rate: {geomspace: [-0.1, 0.1], num: 3}\n", at: "spec.yaml:15:40",
            "expected endpoints greater than 0, got '-0.1'")
        try assertBad(
            "  random: {count: 2, training.learning_rate: {loguniform: [0, 1]}}\n", at: "spec.yaml:15:60",
            "sweep.random.training.learning_rate.loguniform: expected bounds greater than 0", "hint: for a range through 0 use uniform")
    }

    func testNumZeroAndNotAnInteger() throws {
        try assertBad(
            "  training.learning_rate: {linspace: [0.001, 0.01], num: 0}\n", at: "spec.yaml:15:58",
            "num: expected an integer from 1 to 100000, got '0'", "hint: num is how many values linspace gives")
        try assertBad(
            "  training.learning_rate: {geomspace: [0.001, 0.01]}\n", at: "spec.yaml:15:27", "geomspace needs num")
    }

    func testRandomCountOfZeroOrOverTheLimit() throws {
        try assertBad(
            "  random: {count: 0, training.learning_rate: {uniform: [0.1, 1]}}\n", at: "spec.yaml:15:19",
            "sweep.random.count: expected an integer from 1 to 100000, got '0'", "hint: count is how many points")
        try assertBad(
            "  random: {count: 100001, training.learning_rate: {uniform: [0.1, 1]}}\n", at: "spec.yaml:15:19",
            "got '100001'")
        try assertBad(
            "  random: {seed: 1, training.learning_rate: {uniform: [0.1, 1]}}\n", at: "spec.yaml:15:11",
            "sweep.random: missing count")
        try assertBad("  random: {count: 3}\n", at: "spec.yaml:15:11", "sweep.random: no key to draw")
        try assertBad(
            "  random: {cout: 3, training.seed: {randint: [1, 9]}}\n", at: "spec.yaml:15:12",
            "unknown key 'cout' in sweep.random", "did you mean 'count'?")
    }

    func testRangesAndGridsOverTheLimit() throws {
        try assertBad(
            "  training.seed: {range: [0, 1000000000000]}\n", at: "spec.yaml:15:18",
            "the range has 1000000000000 values; a sweep has at most 100000 points")
        try assertBad(
            "  training.seed: {range: [0, 1000]}\n  random: {count: 101, training.learning_rate: {uniform: [0.1, 1]}}\n",
            at: "spec.yaml:15:3", "the sweep expands to more than 100000 points")
    }

    func testUnknownDistributionsAndForms() throws {
        try assertBad(
            "  random: {count: 2, training.learning_rate: {log_uniform: [0.1, 1]}}\n", at: "spec.yaml:15:47",
            "unknown distribution 'log_uniform' in sweep.random.training.learning_rate", "did you mean 'loguniform'?")
        try assertBad(
            "  random: {count: 2, training.learning_rate: {normal: [0.1, 1]}}\n", at: "spec.yaml:15:47",
            "unknown distribution 'normal'", "expected one of {uniform")
        try assertBad(
            "  random: {count: 2, training.learning_rate: {linspace: [0.1, 1], num: 2}}\n", at: "spec.yaml:15:47",
            "unknown distribution 'linspace'", "linspace is a grid range")
        try assertBad(
            "  training.learning_rate: {logspace: [-4, -1], num: 4}\n", at: "spec.yaml:15:28", "there is no logspace",
            "hint: write e.g. {geomspace: [1e-4, 1e-1], num: 7}")
        try assertBad(
            "  training.learning_rate: {loguniform: [1e-4, 1e-1]}\n", at: "spec.yaml:15:28",
            "loguniform draws random values, so it belongs in sweep.random")
        try assertBad(
            "  training.seed: {rnage: [1, 3]}\n", at: "spec.yaml:15:19", "unknown range 'rnage'", "did you mean 'range'?")
        try assertBad("  pared: {training.seed: [1, 2]}\n", at: "spec.yaml:15:3", "did you mean 'paired'?")
    }

    func testRangesMustSuitTheKey() throws {
        try assertBad(
            "  training.iterations: {linspace: [100, 500], num: 5}\n", at: "spec.yaml:15:25",
            "training.iterations takes integers, but linspace gives fractional numbers", "range and a step")
        try assertBad(
            "  random: {count: 2, training.seed: {uniform: [1, 9]}}\n", at: "spec.yaml:15:38",
            "training.seed takes integers, but uniform draws", "randint")
        try assertBad(
            "  model.hidden_activation: {range: [1, 3]}\n", at: "spec.yaml:15:28",
            "range gives numbers, but model.hidden_activation takes", "list its values")
    }

    func testAKeySweptTwiceAcrossKinds() throws {
        try assertBad(
            "  training.seed: [1, 2]\n  paired: {training.seed: [3, 4], training.iterations: [5, 6]}\n",
            at: "spec.yaml:16:12", "sweep.paired: training.seed is swept twice (first at spec.yaml:15:3)",
            "hint: sweep each key in one place")
        try assertBad(
            "  paired: {training.seed: [3, 4]}\n  random: {count: 2, training.seed: {randint: [1, 9]}}\n",
            at: "spec.yaml:16:22", "sweep.random: training.seed is swept twice (first at spec.yaml:15:12)")
    }

    func testValuesOutsideAKeysRangeAreCaughtPerPoint() throws {
        try assertBad(
            "  training.learning_rate: {linspace: [-0.01, 0.01], num: 3}\n", at: "spec.yaml:15:27",
            "training.learning_rate: expected a finite number greater than 0, got '-0.01'")
        try assertBad(
            "  training.seed: {range: [-2, 2]}\n", at: "spec.yaml:15:18",
            "training.seed: expected an integer from 0 to 4294967295, got '-2'")
        try assertBad(
            "  random: {count: 4, training.seed: {randint: [-9, 9]}}\n", at: "spec.yaml:15:37",
            "training.seed: expected an integer from 0 to 4294967295")
        try assertBad(
            "  random: {count: 2, model.init: {choice: [he, xavier]}}\n", at: "spec.yaml:15:48",
            "expected 'lecun', 'he', 'glorot' or 'scaled'")
    }

    func testRandomPointsThatCollideAreRefused() throws {
        try assertBad(
            "  random: {count: 5, model.hidden_activation: {choice: [relu, tanh]}}\n", at: "spec.yaml:15:11",
            "sweep.random: point 3 draws the same values as point 2 (model.hidden_activation=tanh); 3 points in all repeat earlier ones",
            "hint: draw fewer points")
        try assertBad(
            "  paired: {training.seed: [1, 2, 1], training.iterations: [5, 6, 5]}\n", at: "spec.yaml:15:34",
            "sweep.paired: position 3 (training.seed=1, training.iterations=5) repeats position 1")
    }

    // MARK: Speed

    /// `dnn-run validate` checks every point; 10,000 random points must stay quick (a debug
    /// build: the release binary is several times faster).
    func testTenThousandRandomPointsValidateQuickly() throws {
        let started = Date()
        let plan = try load(sweep: Self.randomSweep.replacing("COUNT", with: "10000"))
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(plan.points.count, 10000)
        assertTiming(seconds, below: 20, "10,000 sweep points")
    }
}
