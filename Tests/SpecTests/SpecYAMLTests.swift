import XCTest

@testable import Spec
@testable import Data
@testable import Support
import TestSupport

/// The YAML layer: locations, scalar typing, aliases and limits.
final class SpecYAMLTests: XCTestCase {
    private func parse(_ text: String, limits: YAMLLimits = YAMLLimits()) throws -> YAMLNode? {
        try YAMLParser.parse(Array(text.utf8), file: "t.yaml", limits: limits)
    }

    func testNodesKnowWhereTheyStart() throws {
        let root = try XCTUnwrap(parse("a:\n  b: [1, 'two']\n  c: x\n"))
        XCTAssertEqual(root.location, .file(path: "t.yaml", line: 1, column: 1))
        let b = try XCTUnwrap(root["a"]?["b"])
        XCTAssertEqual(b.location, .file(path: "t.yaml", line: 2, column: 6))
        XCTAssertEqual(b.sequence?[1].location, .file(path: "t.yaml", line: 2, column: 10))
        XCTAssertEqual(root["a"]?.mapping?.map(\.key), ["b", "c"])
        XCTAssertEqual(root["a"]?.mapping?[1].keyLocation, .file(path: "t.yaml", line: 3, column: 3))
    }

    func testPlainScalarsAreTypedByTheCoreSchema() {
        let cases: [(String, YAMLValue)] = [
            ("~", .null), ("null", .null), ("", .null), ("true", .bool(true)), ("FALSE", .bool(false)),
            ("yes", .string("yes")), ("42", .int(42)), ("-7", .int(-7)), ("+3", .int(3)), ("0", .int(0)),
            ("0x1F", .int(31)), ("0o17", .int(15)), ("010", .string("010")), ("1e-3", .float(0.001)),
            (".5", .float(0.5)), ("-2.5E+4", .float(-25000)), ("3.", .float(3)), (".inf", .float(.infinity)),
            ("-.inf", .float(-.infinity)), ("1_000", .string("1_000")), ("inf", .string("inf")),
            ("nan", .string("nan")), ("0x", .string("0x")), ("1e", .string("1e")),
            ("99999999999999999999", .float(1e20)), ("relu", .string("relu")),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(YAMLScalar(text, isPlain: true).value, expected, text)
        }
        guard case .float(let nan) = YAMLScalar(".nan", isPlain: true).value else { return XCTFail(".nan") }
        XCTAssertTrue(nan.isNaN)
        XCTAssertEqual(YAMLScalar("42", isPlain: false).value, .string("42"))
    }

    func testQuotedAndTaggedScalarsAreStrings() throws {
        let root = try XCTUnwrap(parse("a: '1'\nb: \"true\"\nc: !!str 2\nd: |\n  3\n"))
        XCTAssertEqual(root["a"]?.scalar?.value, .string("1"))
        XCTAssertEqual(root["b"]?.scalar?.value, .string("true"))
        XCTAssertEqual(root["c"]?.scalar?.value, .string("2"))
        XCTAssertEqual(root["d"]?.scalar?.value, .string("3\n"))
    }

    func testAliasesAreExpanded() throws {
        let root = try XCTUnwrap(parse("a: &x [1, 2]\nb: *x\n"))
        XCTAssertEqual(root["b"]?.sequence?.count, 2)
    }

    func testLimitsAreEnforced() {
        var limits = YAMLLimits()
        limits.maxNodes = 5
        XCTAssertThrowsError(try parse("[1, 2, 3, 4, 5]", limits: limits))
        XCTAssertNoThrow(try parse("[1, 2, 3]", limits: limits))
        limits = YAMLLimits()
        limits.maxDepth = 3
        XCTAssertNoThrow(try parse("[[[1]]]", limits: limits))
        XCTAssertThrowsError(try parse("[[[[1]]]]", limits: limits))
    }

    func testEmptyInputHasNoDocument() throws {
        XCTAssertNil(try parse(""))
        XCTAssertNil(try parse("# only a comment\n"))
    }

    func testParserErrorsCarryLibYAMLsMessageAndPlace() {
        XCTAssertThrowsError(try parse("a: [1, 2\n")) { error in
            let diagnostic = error as! Diagnostic
            XCTAssertTrue(diagnostic.message.contains("did not find expected ',' or ']'"), diagnostic.message)
            XCTAssertEqual(diagnostic.location, .file(path: "t.yaml", line: 2, column: 1))
        }
    }

    func testSettingAndRemovingKeys() throws {
        let root = try XCTUnwrap(parse("a:\n  b: 1\nc: 2\n"))
        let value = YAMLNode(.scalar(YAMLScalar("9", isPlain: true)), at: .flag("--set"))
        let set = root.setting(value, at: ["a", "b"]).setting(value, at: ["d", "e"])
        XCTAssertEqual(set["a"]?["b"]?.scalar?.value, .int(9))
        XCTAssertEqual(set["d"]?["e"]?.scalar?.value, .int(9))
        XCTAssertNil(set.removing(key: "c")["c"])
    }

    func testEditDistanceSuggestions() {
        XCTAssertEqual(Suggestion.editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(Suggestion.editDistance("", "abc"), 3)
        XCTAssertEqual(Suggestion.nearest(to: "learning_rat", among: SpecSchema.names(in: "training")), "learning_rate")
        XCTAssertNil(Suggestion.nearest(to: "dropout", among: SpecSchema.names(in: "training")))
    }
}
