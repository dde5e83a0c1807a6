import XCTest

@testable import Data
@testable import Spec
@testable import Support
import TestSupport

/// Generated data splits in a spec: `{generate: moons | circles | planar, samples, noise,
/// factor, seed}`, each argument checked with its place and a hint; `spec.yaml`, the
/// identity and compare's shown value.
final class GeneratedSplitTests: XCTestCase {
    /// The spec of the course's optimization notebook, the data generated; line 3 is the
    /// training split, line 4 the test split.
    static let spec = """
        name: moons
        data:
          train: {generate: moons, samples: 300, noise: 0.2, seed: 3}
          test: {generate: circles, samples: 100, noise: 0.05, seed: 2}
        model:
          layer_dims: [2, 5, 2, 1]
          init: he
        training:
          learning_rate: 0.0007
          iterations: 100
          seed: 3

        """

    static let train = "{generate: moons, samples: 300, noise: 0.2, seed: 3}"

    private func load(_ text: String = spec) throws -> ExperimentSpec {
        let fixture = try SpecFixture()
        fixture.write(text)
        return try fixture.load().base
    }

    /// The one diagnostic of the spec with the training split written as `split`.
    private func error(_ split: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let fixture = try SpecFixture()
        fixture.write(Self.spec.replacing(Self.train, with: split))
        let diagnostics = try XCTUnwrap(fixture.diagnostics(file: file, line: line), file: file, line: line)
        XCTAssertEqual(diagnostics.items.count, 1, "\(diagnostics)", file: file, line: line)
        return diagnostics.items.first?.description ?? ""
    }

    func testAGeneratedSplitLoadsWithItsArgumentsResolved() throws {
        let spec = try load()
        XCTAssertEqual(spec.train.format, .generated)
        XCTAssertEqual(spec.train.path, "")
        XCTAssertEqual(spec.train.generated, GeneratedSet(generator: .moons, samples: 300, noise: 0.2, seed: 3))
        XCTAssertEqual(spec.test?.generated, GeneratedSet(generator: .circles, samples: 100, noise: 0.05, factor: 0.8, seed: 2))
        let defaults = try load(Self.spec.replacing(Self.train, with: "{generate: planar, samples: 400}"))
        XCTAssertEqual(defaults.train.generated, GeneratedSet(generator: .planar, samples: 400, seed: 0))
        XCTAssertEqual(defaults.train.generated?.noise, nil)
    }

    /// Each bad argument: its place, what was expected, and how to fix it.
    func testEveryBadArgumentIsReportedWhereItIsWritten() throws {
        let cases: [(String, String)] = [
            ("{generate: moon, samples: 300}",
             "spec.yaml:3:21: error: data.train.generate: expected 'moons', 'circles' or 'planar', got 'moon'\n  hint: did you mean 'moons'?"),
            ("{generate: moons, samples: 1}",
             "spec.yaml:3:37: error: data.train.samples: expected an integer from 2 to 10000000, got '1'\n"
                + "  hint: write it as 'train: {generate: moons, samples: 300, noise: 0.2, seed: 3}'"),
            ("{generate: moons, samples: 2.5}",
             "spec.yaml:3:37: error: data.train.samples: expected an integer from 2 to 10000000, got '2.5'\n"
                + "  hint: write it as 'train: {generate: moons, samples: 300, noise: 0.2, seed: 3}'"),
            ("{generate: moons, samples: 300, noise: -0.1}",
             "spec.yaml:3:49: error: data.train.noise: expected a finite number of at least 0 (the standard deviation "
                + "of the noise), got '-0.1'\n  hint: 0 adds no noise; the course's moons have 0.2, its circles 0.05"),
            ("{generate: moons, samples: 300, noise: .nan}",
             "spec.yaml:3:49: error: data.train.noise: expected a finite number of at least 0 (the standard deviation "
                + "of the noise), got '.nan'\n  hint: 0 adds no noise; the course's moons have 0.2, its circles 0.05"),
            ("{generate: circles, samples: 300, factor: 1}",
             "spec.yaml:3:52: error: data.train.factor: expected a number from 0 up to but not including 1, got '1'\n"
                + "  hint: factor is the inner circle's radius over the outer's (scikit-learn's 0 <= factor < 1); the default is 0.8"),
            ("{generate: circles, samples: 300, factor: -0.5}",
             "spec.yaml:3:52: error: data.train.factor: expected a number from 0 up to but not including 1, got '-0.5'\n"
                + "  hint: factor is the inner circle's radius over the outer's (scikit-learn's 0 <= factor < 1); the default is 0.8"),
            ("{generate: moons, samples: 300, factor: 0.5}",
             "spec.yaml:3:50: error: data.train.factor: factor (the inner circle's radius) applies only to circles, not moons\n"
                + "  hint: remove 'factor', or write 'train: {generate: circles, samples: 300, noise: 0.05, factor: 0.8}'"),
            ("{generate: planar, samples: 301}",
             "spec.yaml:3:38: error: data.train.samples: planar makes two petals of samples / 2 points each, so samples "
                + "must be even, not 301\n  hint: use 300 or 302"),
            ("{generate: planar, samples: 300, noise: 0.1}",
             "spec.yaml:3:50: error: data.train.noise: planar takes no noise: its points have the course's own "
                + "(randn * 0.2 on angle and radius)\n  hint: remove 'noise', or generate moons or circles for a noise of your choice"),
            ("{generate: moons, samples: 300, seed: 4294967296}",
             "spec.yaml:3:48: error: data.train.seed: expected an integer from 0 to 4294967295, got '4294967296'\n"
                + "  hint: write it as 'train: {generate: moons, samples: 300, noise: 0.2, seed: 3}'"),
            ("{generate: moons, samples: 300, seed: -1}",
             "spec.yaml:3:48: error: data.train.seed: expected an integer from 0 to 4294967295, got '-1'\n"
                + "  hint: write it as 'train: {generate: moons, samples: 300, noise: 0.2, seed: 3}'"),
            ("{generate: moons}",
             "spec.yaml:3:10: error: missing required key 'data.train.samples' in data.train\n"
                + "  hint: add it: write it as 'train: {generate: moons, samples: 300, noise: 0.2, seed: 3}'"),
            ("{samples: 300, noise: 0.2}",
             "spec.yaml:3:10: error: missing required key 'data.train.generate' in data.train\n"
                + "  hint: add it: write it as 'train: {generate: moons, samples: 300, noise: 0.2, seed: 3}'"),
            ("{generate: moons, samples: 300, path: train.h5}",
             "spec.yaml:3:42: error: data.train: a split is read from a file ('path') or generated ('generate'), not both\n"
                + "  hint: remove 'path' to generate the data, or 'generate' and its arguments to read the file"),
            ("{generate: moons, samples: 300, sede: 3}",
             "spec.yaml:3:42: error: unknown key 'sede' in data.train\n  hint: did you mean 'seed'?"),
            ("{generate: moons, samples: 300, x: train_x}",
             "spec.yaml:3:42: error: unknown key 'x' in data.train\n  hint: expected one of: generate, samples, noise, factor, seed"),
        ]
        for (split, expected) in cases {
            XCTAssertEqual(try error(split), expected, split)
        }
    }

    /// `--set` gives the same checks, at the flag.
    func testAnOverrideIsCheckedTheSameWay() throws {
        let fixture = try SpecFixture()
        fixture.write(Self.spec)
        let diagnostics = try XCTUnwrap(fixture.diagnostics(overrides: ["data.test={generate: planar, samples: 9}"]))
        XCTAssertEqual(
            diagnostics.items.map(\.description),
            ["--set data.test={generate: planar, samples: 9}: error: data.test.samples: planar makes two petals of "
                + "samples / 2 points each, so samples must be even, not 9\n  hint: use 8 or 10"])
        let spec = try fixture.load(overrides: ["data.test={generate: planar, samples: 10, seed: 7}"]).base
        XCTAssertEqual(spec.test?.generated, GeneratedSet(generator: .planar, samples: 10, seed: 7))
    }

    /// `spec.yaml` writes each split as a mapping of every argument its generator takes,
    /// which loads back equal.
    func testSpecYAMLWritesTheArgumentsAndLoadsBackEqual() throws {
        let fixture = try SpecFixture()
        fixture.write(Self.spec.replacing(Self.train, with: "{generate: planar, samples: 400, seed: 1}"))
        let spec = try fixture.load().base
        XCTAssert(
            spec.resolvedYAML.contains(
                """
                data:
                  train:
                    generate: planar
                    samples: 400
                    seed: 1
                  test:
                    generate: circles
                    samples: 100
                    noise: 0.05
                    factor: 0.8
                    seed: 2
                  scale: 1.0

                """), spec.resolvedYAML)
        fixture.write(spec.resolvedYAML, to: "resolved.yaml")
        let reloaded = try fixture.load("resolved.yaml").base
        XCTAssertEqual(reloaded, spec)
        XCTAssertEqual(reloaded.train.generated, spec.train.generated)
        XCTAssertEqual(reloaded.resolvedYAML, spec.resolvedYAML)
    }

    /// The identity hashes the generator and every argument, resolved: writing a default
    /// out changes nothing, changing any argument changes it. No data hash is needed.
    func testTheIdentityHashesTheGeneratorAndItsArguments() throws {
        let spec = try load()
        let input = spec.identityInput(dataHashes: [:])
        XCTAssert(input.hasPrefix(
            "data.train=generate=moons samples=300 noise=0.2 seed=3\n"
                + "data.test=generate=circles samples=100 noise=0.05 factor=0.8 seed=2\n"), input)
        let circles = "{generate: circles, samples: 100, noise: 0.05, seed: 2}"
        let same = try load(Self.spec.replacing(circles, with: "{generate: circles, samples: 100, noise: 0.05, factor: 0.8, seed: 2}"))
        XCTAssertEqual(same.identity(dataHashes: [:]), spec.identity(dataHashes: [:]))
        for other in [
            "{generate: moons, samples: 300, noise: 0.2, seed: 4}", "{generate: moons, samples: 302, noise: 0.2, seed: 3}",
            "{generate: moons, samples: 300, noise: 0.25, seed: 3}", "{generate: circles, samples: 300, noise: 0.2, seed: 3}",
        ] {
            XCTAssertNotEqual(try load(Self.spec.replacing(Self.train, with: other)).identity(dataHashes: [:]),
                              spec.identity(dataHashes: [:]), other)
        }
        // No noise written is noise 0 (the same points).
        let quiet = try load(Self.spec.replacing(Self.train, with: "{generate: moons, samples: 300, seed: 3}"))
        let zero = try load(Self.spec.replacing(Self.train, with: "{generate: moons, samples: 300, noise: 0, seed: 3}"))
        XCTAssertEqual(quiet.identity(dataHashes: [:]), zero.identity(dataHashes: [:]))
    }

    /// compare shows the generator and its arguments; folder names (as written) stay short.
    func testShownAndCanonicalValuesAreReadable() throws {
        let spec = try load()
        XCTAssertEqual(spec.shownValues["data.train"], "moons samples=300 noise=0.2 seed=3")
        XCTAssertEqual(spec.shownValues["data.test"], "circles samples=100 noise=0.05 factor=0.8 seed=2")
        XCTAssertEqual(spec.canonicalValues["data.train"], "moons+300+0.2+3")
    }
}
