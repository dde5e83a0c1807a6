import XCTest

@testable import Spec
@testable import Data
@testable import Support
import TestSupport

/// `spec.yaml` of a run folder: exact bytes, and loading it gives the spec back.
final class SpecResolvedTests: XCTestCase {
    func testResolvedYAMLHasEveryDefaultAndAbsolutePaths() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec)
        let spec = try fixture.load().base
        XCTAssertEqual(
            spec.resolvedYAML,
            """
            name: cat
            data:
              train: \(fixture.directory)/train.h5
              test: \(fixture.directory)/test.h5
              scale: 255.0
            model:
              layer_dims: [12288, 20, 7, 5, 1]
              hidden_activation: relu
              output_activation: sigmoid
              init: lecun
            training:
              learning_rate: 0.0075
              iterations: 2500
              seed: 1
              record_every: 100
              engine: auto

            """)
    }

    func testResolvedSpecsRoundTrip() throws {
        let fixture = try SpecFixture()
        let specs = [
            SpecFixture.validSpec,
            """
            name: "123"
            description: "a \\"quoted\\" text: with # signs,\\ttabs\\nlines and unicode é\\u2028"
            data:
              train: {path: train.csv, label_column: 2, header: false}
              test: {path: test.h5, x: "x set", y: y}
            model:
              layer_dims: [3, 1]
              hidden_activation: tanh
              init: {scheme: scaled, scale: 1e-7}
            training:
              learning_rate: 0.1
              iterations: 1
              seed: 4294967295
              record_every: 1
              engine: primal
            """,
        ]
        for text in specs {
            fixture.write(text)
            let spec = try fixture.load().base
            fixture.write(spec.resolvedYAML, to: "resolved.yaml")
            let reloaded = try fixture.load("resolved.yaml").base
            XCTAssertEqual(reloaded, spec)
            XCTAssertEqual(reloaded.resolvedYAML, spec.resolvedYAML)
            XCTAssertEqual(reloaded.specSHA256, spec.specSHA256)
            XCTAssertEqual(reloaded.learningRate.bitPattern, spec.learningRate.bitPattern)
        }
    }

    func testEveryDoubleRoundTripsBitForBit() throws {
        for value in [0.0075, 0.1, 1e-5, 1e-300, .leastNonzeroMagnitude, 255, 1e16, 123456789.123456789, .pi, 2.0 / 3] {
            let text = "\(value)"
            XCTAssertEqual(YAMLScalar(text, isPlain: true).value, .float(value), text)
        }
    }

    func testStringsAreQuotedOnlyWhenNeeded() {
        XCTAssertEqual(ExperimentSpec.yamlString("cat_5layer"), "cat_5layer")
        XCTAssertEqual(ExperimentSpec.yamlString("/data/train.h5"), "/data/train.h5")
        for text in ["true", "null", "", "123", "1e3", ".nan", "a b", "a: b", "-x", "#", "it's"] {
            let quoted = ExperimentSpec.yamlString(text)
            XCTAssertTrue(quoted.hasPrefix("\""), text)
            let parsed = try? YAMLParser.parse(Array("k: \(quoted)".utf8), file: "t")
            XCTAssertEqual(parsed?["k"]?.scalar?.value, .string(text), text)
        }
    }

    /// 0.1.0's identity, kept to recognise trees it wrote.
    func testLegacyHashIsOfTheResolvedText() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec)
        let spec = try fixture.load().base
        XCTAssertEqual(spec.specSHA256, SHA256.hex(of: spec.resolvedYAML))
        XCTAssertEqual(spec.specSHA256.count, 64)
        var other = spec
        other.seed = 2
        XCTAssertNotEqual(other.specSHA256, spec.specSHA256)
    }
}
