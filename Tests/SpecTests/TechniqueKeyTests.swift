import Foundation
import XCTest

@testable import Spec

/// The keys of the course's second part (optimizer, its betas and epsilon, mini-batches,
/// decay): every bad value's message, where it applies, and what a key that does not apply
/// does to the identity and spec.yaml.
final class TechniqueKeyTests: XCTestCase {
    private let hashes = ["train": "t", "test": "s"]

    private func identity(_ spec: ExperimentSpec) -> String {
        spec.identityInput(dataHashes: [spec.train.path: "t", spec.test!.path: "s"])
    }

    /// Each bad value: the flag named, what was expected, a hint.
    func testEveryBadValueIsReportedWithWhatWasExpected() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec)
        let cases: [(String, String, String)] = [
            ("training.optimizer=adm", "expected 'gd', 'momentum' or 'adam', got 'adm'", "did you mean 'adam'?"),
            ("training.optimizer=sgd", "expected 'gd', 'momentum' or 'adam'", ""),
            ("training.decay=exponential", "expected 'none', 'inverse_time' or 'staircase'", ""),
            ("training.mini_batch_size=0", "expected an integer of at least 1, got '0'", "mini_batch_size: 64"),
            ("training.mini_batch_size=6.5", "expected an integer of at least 1", ""),
            ("training.shuffle_seed=-1", "expected an integer from 0 to 4294967295", ""),
            ("training.decay_rate=0", "expected a finite number greater than 0", ""),
            ("training.decay_interval=0", "expected an integer of at least 1", ""),
        ]
        for (override, expected, hint) in cases {
            let items = try XCTUnwrap(fixture.diagnostics(overrides: [override])?.items, override)
            XCTAssertEqual(items.count, 1, "\(override): \(items)")
            let text = items.first?.description ?? ""
            XCTAssertTrue(text.hasPrefix("--set \(override): error: \(override.prefix { $0 != "=" }): "), text)
            XCTAssertTrue(text.contains(expected), "\(override): \(text)")
            XCTAssertTrue(text.contains("hint: "), text)
            if !hint.isEmpty { XCTAssertTrue(text.contains(hint), "\(override): \(text)") }
        }
    }

    /// Betas in [0, 1), epsilon > 0, each where its optimizer is used.
    func testMomentsAreFractionsAndEpsilonIsPositive() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec)
        for (optimizer, key, value) in [
            ("momentum", "beta", "1"), ("momentum", "beta", "-0.1"), ("adam", "beta1", "1.5"), ("adam", "beta2", "1.0"),
        ] {
            let text = fixture.diagnostics(overrides: ["training.optimizer=\(optimizer)", "training.\(key)=\(value)"])?.description ?? ""
            XCTAssertTrue(text.contains("training.\(key): expected a number from 0 to below 1, got '\(value)'"), text)
            XCTAssertTrue(text.contains("hint: the course's values are 0.9"), text)
        }
        let text = fixture.diagnostics(overrides: ["training.optimizer=adam", "training.epsilon=0"])?.description ?? ""
        XCTAssertTrue(text.contains("training.epsilon: expected a finite number greater than 0"), text)
    }

    /// A key of a technique no point uses is an error naming what makes it apply, at the
    /// line and column where it was written.
    func testAKeyThatAppliesToNoPointIsAnError() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec.replacing("  seed: 1\n", with: "  seed: 1\n  beta1: 0.8\n"))
        let items = try XCTUnwrap(fixture.diagnostics()?.items)
        XCTAssertEqual(items.map(\.description), [
            "spec.yaml:14:10: error: training.beta1 applies only when training.optimizer is adam, and it is not\n"
                + "  hint: set training.optimizer: adam, or remove training.beta1",
        ])
        for (override, condition) in [
            ("training.beta=0.5", "training.optimizer is momentum"),
            ("training.shuffle_seed=3", "training.mini_batch_size is set"),
            ("training.decay_rate=2", "training.decay is inverse_time or staircase"),
            ("training.decay_interval=10", "training.decay is staircase"),
        ] {
            fixture.write(SpecFixture.validSpec)
            let text = fixture.diagnostics(overrides: [override])?.description ?? ""
            XCTAssertTrue(text.contains("applies only when \(condition)"), "\(override): \(text)")
        }
        fixture.write(SpecFixture.validSpec)
        let text = fixture.diagnostics(overrides: ["training.optimizer=adam", "training.engine=dual"])?.description ?? ""
        XCTAssertTrue(text.contains("--set training.engine=dual: error: training.engine: the dual engine cannot train with adam"), text)
    }

    /// A sweep over the optimizer can set beta1 once: a note, not an error, and the points
    /// without Adam leave it out of their identity and spec.yaml.
    func testAKeyIgnoredForSomePointsIsANoteAndLeftOutOfTheirIdentity() throws {
        let fixture = try SpecFixture()
        fixture.write(
            SpecFixture.validSpec.replacing("  seed: 1\n", with: "  seed: 1\n  beta1: 0.8\n")
                + "sweep:\n  training.optimizer: [gd, adam]\n")
        let sweep = try fixture.load()
        XCTAssertEqual(sweep.notes.map(\.noteDescription), [
            "spec.yaml:14:10: note: training.beta1 applies only when training.optimizer is adam: ignored for 1 of 2 runs "
                + "(left out of their spec.yaml and identity)",
        ])
        let (gd, adam) = (sweep.points[0].spec, sweep.points[1].spec)
        XCTAssertFalse(identity(gd).contains("beta1"))
        XCTAssertFalse(identity(gd).contains("optimizer"), "gd, the default, is not part of the identity")
        XCTAssertTrue(identity(adam).contains("training.optimizer=adam\ntraining.beta1=0.8\ntraining.beta2=0.999\ntraining.epsilon=1e-08\n"))
        XCTAssertFalse(gd.resolvedYAML.contains("beta1"))
        XCTAssertTrue(adam.resolvedYAML.contains("  optimizer: adam\n  beta1: 0.8\n"))
    }

    /// A spec without the new keys keeps the identity it had: none of them is in it.
    func testASpecWithoutTheNewKeysKeepsItsIdentity() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec)
        let spec = try fixture.load().base
        let input = identity(spec)
        for key in ["optimizer", "beta", "mini_batch_size", "shuffle_seed", "decay"] {
            XCTAssertFalse(input.contains("training.\(key)"), key)
        }
        XCTAssertFalse(spec.resolvedYAML.contains("optimizer"))
        // With the default written out, the identity is the same.
        fixture.write(SpecFixture.validSpec.replacing("  seed: 1\n", with: "  seed: 1\n  optimizer: gd\n  decay: none\n"))
        XCTAssertEqual(identity(try fixture.load().base), input)
        // Mini-batches and their seed, a decay and its rate are part of it.
        let minibatch = try fixture.load(overrides: ["training.mini_batch_size=64", "training.decay=inverse_time"]).base
        XCTAssertTrue(identity(minibatch).contains(
            "training.mini_batch_size=64\ntraining.shuffle_seed=10\ntraining.decay=inverse_time\ntraining.decay_rate=1.0\n"))
    }
}
