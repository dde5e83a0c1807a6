import XCTest

@testable import Spec
@testable import Data
@testable import Support
import TestSupport

/// One bad spec per rule: each must fail with a diagnostic naming the place and the rule.
final class SpecValidationTests: XCTestCase {
    struct BadSpec {
        var rule: String
        var bytes: [UInt8]
        var overrides: [String] = []
        /// Fragments that must all occur in one diagnostic.
        var expected: [String]

        init(_ rule: String, _ text: String, overrides: [String] = [], expect expected: String...) {
            self.init(rule, bytes: Array(text.utf8), overrides: overrides, expected: expected)
        }

        init(_ rule: String, bytes: [UInt8], overrides: [String] = [], expected: [String]) {
            self.rule = rule
            self.bytes = bytes
            self.overrides = overrides
            self.expected = expected
        }
    }

    static let valid = SpecFixture.validSpec

    /// `valid` with `old` replaced by `new`.
    static func edited(_ old: String, _ new: String) -> String { valid.replacing(old, with: new) }

    static let billionLaughs = """
        a: &a [x, x, x, x, x, x, x, x, x]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
        """

    static let cases: [BadSpec] = [
        // Malformed YAML
        BadSpec(
            "tab indentation", edited("  iterations: 2500", "\titerations: 2500"),
            expect: "spec.yaml:12:1", "found character '\\t' that cannot start any token", "replace the tab"),
        BadSpec(
            "unclosed bracket", edited("[12288, 20, 7, 5, 1]", "[12288, 20, 7, 5, 1"),
            expect: "spec.yaml:", "invalid YAML", "flow sequence started at line 7, column 15"),
        BadSpec(
            "duplicate key", edited("  seed: 1\n", "  seed: 1\n  seed: 2\n"),
            expect: "spec.yaml:14:3", "duplicate key 'seed'", "first written at spec.yaml:13:3"),
        BadSpec("two documents", valid + "---\nname: other\n", expect: "spec.yaml:14:1", "more than one YAML document"),
        BadSpec("unknown alias", edited("name: cat", "name: *nope"), expect: "spec.yaml:1:7", "unknown alias '*nope'"),
        BadSpec("unsupported tag", edited("name: cat", "name: !!python/object cat"), expect: "spec.yaml:1:7", "not supported"),
        BadSpec(
            "empty file", "",
            expect: "spec.yaml:1:1", "the spec is empty; expected a mapping with name, data, model, training"),
        BadSpec("only comments", "# nothing yet\n", expect: "spec.yaml:1:1", "the spec is empty"),
        BadSpec("not a mapping", "- a\n- b\n", expect: "spec.yaml:1:1", "the spec must be a mapping"),
        BadSpec(
            "non-UTF-8", bytes: Array("name: cat\ndescription: caf".utf8) + [0xFF, 0x0A],
            expected: ["spec.yaml:2:17", "not valid UTF-8", "0xFF"]),

        // Hostile input
        BadSpec("billion laughs", billionLaughs, expect: "more than 10000 values", "alias"),
        BadSpec(
            "deep nesting", "name: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
            expect: "spec.yaml:1:", "deeper than 64 levels"),
        BadSpec(
            "2 MB scalar", "description: " + String(repeating: "a", count: 2_000_000) + "\n" + valid,
            expect: "spec.yaml:1:14", "longer than the 1048576 bytes"),
        BadSpec(
            "10 MB scalar", "description: " + String(repeating: "a", count: 10_000_000),
            expect: "spec.yaml:1:1", "at most 4194304 are accepted"),
        BadSpec(
            "float overflowing to infinity", edited("0.0075", "1e400"),
            expect: "spec.yaml:11:18", "training.learning_rate", "finite", "'1e400'"),
        BadSpec(
            "integer beyond Int", edited("iterations: 2500", "iterations: 99999999999999999999999"),
            expect: "spec.yaml:12:15", "expected an integer from 1 to 10000000, got '99999999999999999999999'"),
        BadSpec(
            "negative integer beyond Int", edited("seed: 1", "seed: -99999999999999999999999"),
            expect: "spec.yaml:13:9", "training.seed: expected an integer from 0 to 4294967295"),
        BadSpec(
            "hexadecimal beyond Int", edited("[12288, 20, 7, 5, 1]", "[0x1FFFFFFFFFFFFFFFF, 1]"),
            expect: "spec.yaml:7:16", "model.layer_dims[0]"),

        // Keys
        BadSpec(
            "unknown key", edited("learning_rate:", "learning_rat:"),
            expect: "spec.yaml:11:3", "unknown key 'learning_rat' in training", "did you mean 'learning_rate'?"),
        BadSpec(
            "unknown top-level key", edited("training:", "trainig:"),
            expect: "spec.yaml:10:1", "unknown key 'trainig' at the top level", "did you mean 'training'?"),
        BadSpec(
            "missing required key", edited("  iterations: 2500\n", ""),
            expect: "spec.yaml:11:3", "missing required key 'training.iterations'", "iterations: 2500"),
        BadSpec("missing name", edited("name: cat\n", ""), expect: "spec.yaml:1:1", "missing required key 'name'"),
        BadSpec("null name", edited("name: cat", "name:"), expect: "spec.yaml:1:", "name: no value given"),
        BadSpec(
            "section not a mapping", edited("model:", "model: 5\nmodel_:"),
            expect: "spec.yaml:6:8", "model: expected a mapping of layer_dims", "got '5'"),

        // Values
        BadSpec(
            "bad name", edited("name: cat", "name: \"../x\""),
            expect: "spec.yaml:1:7", "name: expected a name of at most 100 letters"),
        BadSpec(
            "wrong type", edited("0.0075", "abc"),
            expect: "spec.yaml:11:18", "training.learning_rate: expected a positive number, got 'abc'"),
        BadSpec(
            "quoted number", edited("0.0075", "\"0.0075\""),
            expect: "spec.yaml:11:18", "the quoted string '0.0075'", "remove the quotes"),
        BadSpec(
            "negative learning rate", edited("0.0075", "-0.1"),
            expect: "spec.yaml:11:18", "expected a finite number greater than 0, got '-0.1'"),
        BadSpec("NaN learning rate", edited("0.0075", ".nan"), expect: "spec.yaml:11:18", "finite", "'.nan'"),
        BadSpec("infinite scale", edited("scale: 255", "scale: .inf"), expect: "spec.yaml:5:10", "data.scale", "finite"),
        BadSpec(
            "zero iterations", edited("iterations: 2500", "iterations: 0"),
            expect: "spec.yaml:12:15", "training.iterations: expected an integer from 1 to 10000000, got '0'"),
        BadSpec(
            "fractional iterations", edited("iterations: 2500", "iterations: 2500.5"),
            expect: "spec.yaml:12:15", "expected an integer"),
        BadSpec(
            "seed out of range", edited("seed: 1", "seed: 4294967296"),
            expect: "spec.yaml:13:9", "training.seed: expected an integer from 0 to 4294967295"),
        BadSpec("negative seed", edited("seed: 1", "seed: -1"), expect: "spec.yaml:13:9", "from 0 to 4294967295"),
        BadSpec("octal-looking seed", edited("seed: 1", "seed: 010"), expect: "spec.yaml:13:9", "leading zeros"),
        BadSpec(
            "engine typo", edited("  seed: 1", "  seed: 1\n  engine: dula"),
            expect: "spec.yaml:14:11", "training.engine", "did you mean 'dual'?"),
        BadSpec(
            "empty layer_dims", edited("[12288, 20, 7, 5, 1]", "[]"),
            expect: "spec.yaml:7:15", "model.layer_dims: expected a list of at least 2 layer sizes"),
        BadSpec(
            "zero layer size", edited("[12288, 20, 7, 5, 1]", "[12288, 0, 1]"),
            expect: "spec.yaml:7:23", "model.layer_dims[1]: expected an integer from 1 to 1000000"),
        BadSpec(
            "huge layer size", edited("[12288, 20, 7, 5, 1]", "[2000000, 1]"),
            expect: "spec.yaml:7:16", "from 1 to 1000000"),
        BadSpec(
            "output layer not 1", edited("[12288, 20, 7, 5, 1]", "[12288, 20, 3]"),
            expect: "spec.yaml:7:27", "the output layer must have 1 unit"),
        BadSpec(
            "hidden activation typo", edited("relu", "rleu"),
            expect: "spec.yaml:8:22", "model.hidden_activation", "did you mean 'relu'?"),
        BadSpec(
            "output activation tanh", edited("  init: lecun", "  output_activation: tanh\n  init: lecun"),
            expect: "spec.yaml:9:22", "expected sigmoid, got 'tanh'", "cross-entropy"),
        BadSpec(
            "unknown init scheme", edited("init: lecun", "init: xavier"),
            expect: "spec.yaml:9:9", "expected 'lecun', 'he', 'glorot' or 'scaled'"),
        BadSpec(
            "scale without scaled", edited("init: lecun", "init: {scheme: he, scale: 0.1}"),
            expect: "spec.yaml:9:29", "applies only to the scaled scheme"),

        // Data
        BadSpec(
            "missing data file", edited("train: train.h5", "train: nothere.h5"),
            expect: "spec.yaml:3:10", "data.train: no such file", "nothere.h5", "relative paths start at"),
        BadSpec(
            "data path is a directory", edited("train: train.h5", "train: folder.h5"),
            expect: "spec.yaml:3:10", "is a directory"),
        BadSpec(
            "CSV key on HDF5 split", edited("train: train.h5", "train: {path: train.h5, label_column: 0}"),
            expect: "spec.yaml:3:41", "data.train.label_column applies only to CSV files"),
        BadSpec(
            "header not a bool", edited("train: train.h5", "train: {path: train.csv, header: yes}"),
            expect: "spec.yaml:3:", "data.train.header: expected true or false, got 'yes'", "header: true"),

        // Sweep
        BadSpec(
            "bad sweep value", valid + "sweep:\n  training.learning_rate: [0.01, -1]\n",
            expect: "spec.yaml:15:34", "training.learning_rate: expected a finite number greater than 0"),
        BadSpec(
            "unknown sweep key", valid + "sweep:\n  training.sed: [1, 2]\n",
            expect: "spec.yaml:15:3", "unknown key 'training.sed' for sweep", "did you mean 'training.seed'?"),
        BadSpec(
            "sweep value not a list", valid + "sweep:\n  training.seed: 3\n",
            expect: "spec.yaml:15:18", "expected a non-empty list of values"),
        BadSpec(
            "empty sweep list", valid + "sweep:\n  training.seed: []\n",
            expect: "spec.yaml:15:18", "expected a non-empty list of values, got an empty list"),
        BadSpec(
            "duplicate sweep value", valid + "sweep:\n  training.seed: [1, 2, 1]\n",
            expect: "spec.yaml:15:25", "listed twice", "first at spec.yaml:15:19"),
        BadSpec(
            "sweep over name", valid + "sweep:\n  name: [a, b]\n",
            expect: "spec.yaml:15:3", "name cannot be assigned by sweep"),

        // --set
        BadSpec(
            "--set unknown key", valid, overrides: ["training.learning_rat=0.1"],
            expect: "--set training.learning_rat=0.1: error:", "did you mean 'training.learning_rate'?"),
        BadSpec(
            "--set bad value", valid, overrides: ["training.iterations=many"],
            expect: "--set training.iterations=many: error:", "expected an integer from 1 to 10000000, got 'many'"),
        BadSpec(
            "--set without '='", valid, overrides: ["training.seed"],
            expect: "--set training.seed: error:", "--set expects KEY=VALUE"),
        BadSpec(
            "--set malformed YAML", valid, overrides: ["model.layer_dims=[1, 2"],
            expect: "--set model.layer_dims=[1, 2: error:", "invalid YAML", "in the value after '='"),
    ]

    func testEveryRuleIsReportedWithItsLocation() throws {
        for bad in Self.cases {
            let fixture = try SpecFixture()
            fixture.write(bad.bytes)
            guard let diagnostics = fixture.diagnostics(overrides: bad.overrides) else {
                XCTFail("\(bad.rule): loaded")
                continue
            }
            let matches = diagnostics.items.contains { item in
                bad.expected.allSatisfy { item.description.contains($0) }
            }
            XCTAssertTrue(matches, "\(bad.rule): expected \(bad.expected) in:\n\(diagnostics)")
        }
    }

    func testEveryErrorOfASpecIsReportedInFileOrder() throws {
        let fixture = try SpecFixture()
        let text = Self.valid
            .replacing("iterations: 2500", with: "iterations: 0")
            .replacing("learning_rate: 0.0075", with: "learning_rate: abc")
            .replacing("train: train.h5", with: "train: nothere.h5")
            .replacing("  init: lecun", with: "  init: lecun\n  dropout: 0.5")
        fixture.write(text)
        let diagnostics = try XCTUnwrap(fixture.diagnostics())
        let places = diagnostics.items.map { $0.location?.description ?? "" }
        XCTAssertEqual(places, ["spec.yaml:3:10", "spec.yaml:10:3", "spec.yaml:12:18", "spec.yaml:13:15"])
    }

    func testATypoIsNotAlsoReportedAsAMissingKey() throws {
        let fixture = try SpecFixture()
        fixture.write(Self.edited("learning_rate:", "learning_rat:"))
        let diagnostics = try XCTUnwrap(fixture.diagnostics())
        XCTAssertEqual(diagnostics.items.map(\.message), ["unknown key 'learning_rat' in training"])
    }

    func testAHugeSweepIsRefused() throws {
        let fixture = try SpecFixture()
        let seeds = (1...400).map(String.init).joined(separator: ", ")
        let rates = (1...300).map { "\(Double($0) / 1000)" }.joined(separator: ", ")
        fixture.write(Self.valid + "sweep:\n  training.seed: [\(seeds)]\n  training.learning_rate: [\(rates)]\n")
        let diagnostics = try XCTUnwrap(fixture.diagnostics())
        XCTAssertEqual(diagnostics.items.map(\.description), [
            "spec.yaml:15:3: error: the sweep expands to more than 100000 points\n"
                + "  hint: sweep fewer keys or values, or split the sweep into several specs",
        ])
    }

    /// Typing a plain scalar is linear and fast: with `Regex` patterns, four 1 MB digit
    /// strings, each ending in a letter, took 15 s to be refused.
    func testLongDigitStringsAreTypedQuickly() throws {
        let fixture = try SpecFixture()
        let digits = String(repeating: "1", count: 1_000_000)
        fixture.write(
            Self.valid
                .replacing("0.0075", with: digits + "x").replacing("iterations: 2500", with: "iterations: \(digits)e")
                .replacing("seed: 1", with: "seed: 0.\(digits)e+").replacing("scale: 255", with: "scale: 0\(digits)"))
        let started = Date()
        let diagnostics = try XCTUnwrap(fixture.diagnostics())
        assertTiming(Date().timeIntervalSince(started), below: 5, "typing long digit strings (10 s with the Regex patterns, 1.6 s without)")
        XCTAssertEqual(diagnostics.items.map(\.key), ["data.scale", "training.learning_rate", "training.iterations", "training.seed"])
    }

    /// Every point of a sweep is validated, so typing a value must be cheap: when each
    /// typing compiled `Regex` patterns, these 4096 points took 26 s (1.7 s after, debug
    /// builds) and the 83521 points of four 17-value keys over 5 minutes.
    func testALargeSweepIsValidatedQuickly() throws {
        let fixture = try SpecFixture()
        let values = { (text: (Int) -> String) in "[" + (1...8).map(text).joined(separator: ", ") + "]" }
        fixture.write(
            Self.valid + "sweep:\n  training.seed: \(values { "\($0)" })\n  training.iterations: \(values { "\($0)" })\n"
                + "  training.record_every: \(values { "\($0)" })\n  training.learning_rate: \(values { "0.\($0)" })\n")
        let started = Date()
        XCTAssertEqual(try fixture.load().points.count, 4096)
        assertTiming(Date().timeIntervalSince(started), below: 8, "validating 4096 sweep points")
    }

    func testAProblemSharedBySweepPointsIsReportedOnce() throws {
        let fixture = try SpecFixture()
        fixture.write(Self.edited("relu", "rleu") + "sweep:\n  training.seed: [1, 2, 3]\n")
        let diagnostics = try XCTUnwrap(fixture.diagnostics())
        XCTAssertEqual(diagnostics.items.count, 1, "\(diagnostics)")
    }

    func testDiagnosticsCarryTheDottedKey() throws {
        let fixture = try SpecFixture()
        fixture.write(Self.edited("seed: 1", "seed: x"))
        let diagnostics = try XCTUnwrap(fixture.diagnostics())
        XCTAssertEqual(diagnostics.items.map(\.key), ["training.seed"])
    }
}
