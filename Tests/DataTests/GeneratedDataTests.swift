import Data
import DeepNet
import Foundation
import Support
import TestSupport
import XCTest

/// The generated data sets against scikit-learn 1.9.1's `make_moons` / `make_circles`
/// and the course's `load_planar_dataset` after `np.random.seed(seed)`, the values in
/// Tests/Fixtures/golden_generated.json (`Golden.regenerate` rewrites it; GoldenFixtureTests
/// checks that it is what scikit-learn makes). Labels exactly; points within 1 ulp (the
/// C library's sin and cos against numpy's, which are the same functions on machines
/// without AVX-512, where the points agree bit for bit and the test says so).
final class GeneratedDataTests: XCTestCase {
    private func set(_ arguments: Golden.Generated.Arguments) throws -> GeneratedSet {
        let generator = try XCTUnwrap(GeneratedSet.Generator(rawValue: arguments.generate))
        return GeneratedSet(
            generator: generator, samples: arguments.samples, noise: arguments.noise, factor: arguments.factor,
            seed: arguments.seed)
    }

    func testEveryPointAndLabelIsScikitLearns() throws {
        let golden = try Golden.generated()
        XCTAssertEqual(golden.scikit_learn, "1.9.1")
        XCTAssertEqual(golden.sets.count, 12)
        var exact = 0, total = 0
        for expected in golden.sets {
            let generated = try set(expected.spec)
            let (X, Y) = generated.make()
            let m = expected.y.count
            XCTAssertEqual(m, expected.spec.samples, expected.made_by)
            XCTAssertEqual([X.rows, X.cols, Y.rows, Y.cols], [2, m, 1, m], expected.made_by)
            XCTAssertEqual(Y.storage, expected.y.map(Double.init), "labels of \(expected.made_by)")
            for i in 0..<2 {
                for j in 0..<m {
                    let (actual, wanted) = (X[i, j], expected.X[i][j])
                    total += 1
                    if actual == wanted { exact += 1 }
                    XCTAssertLessThanOrEqual(
                        abs(actual - wanted), wanted.ulp, "\(expected.made_by): X[\(i), \(j)] \(actual) vs \(wanted)")
                }
            }
        }
        // numpy calls the C library's sin and cos on this machine's kind (no AVX-512): bit for bit.
        print("GeneratedDataTests: \(exact) of \(total) coordinates equal to scikit-learn's bit for bit")
    }

    /// The same generator twice gives the same points; another seed other points.
    func testTheSeedDecides() {
        let a = GeneratedSet(generator: .moons, samples: 50, noise: 0.1, seed: 3).make()
        let b = GeneratedSet(generator: .moons, samples: 50, noise: 0.1, seed: 3).make()
        let c = GeneratedSet(generator: .moons, samples: 50, noise: 0.1, seed: 4).make()
        XCTAssertEqual(a.X, b.X)
        XCTAssertNotEqual(a.X, c.X)
    }

    /// Defaults are resolved, and arguments a generator does not take are dropped, so
    /// that equal sets have equal canonical text (what the identity hashes).
    func testCanonicalTextHoldsEveryResolvedArgument() {
        XCTAssertEqual(
            GeneratedSet(generator: .moons, samples: 300, noise: 0.2, seed: 3).canonical,
            "generate=moons samples=300 noise=0.2 seed=3")
        XCTAssertEqual(GeneratedSet(generator: .moons, samples: 10).canonical, "generate=moons samples=10 noise=0.0 seed=0")
        XCTAssertEqual(
            GeneratedSet(generator: .circles, samples: 100, noise: 0.05, seed: 2).canonical,
            "generate=circles samples=100 noise=0.05 factor=0.8 seed=2")
        XCTAssertEqual(
            GeneratedSet(generator: .planar, samples: 400, noise: 0.3, factor: 0.5, seed: 1).canonical,
            "generate=planar samples=400 seed=1")
        XCTAssertEqual(
            GeneratedSet(generator: .circles, samples: 9, seed: 1),
            GeneratedSet(generator: .circles, samples: 9, noise: 0, factor: 0.8, seed: 1))
    }

    /// A manifest's record: only the arguments the generator takes, and back.
    func testJSONHoldsTheArgumentsAndReadsBack() throws {
        let circles = GeneratedSet(generator: .circles, samples: 100, noise: 0.05, seed: 2)
        let written = try JSONValueEncoder().encode(circles).rendered()
        for key in ["generate", "samples", "noise", "factor", "seed"] { XCTAssert(written.contains("\"\(key)\""), written) }
        let text = try JSONValueEncoder().encode(GeneratedSet(generator: .planar, samples: 4, seed: 1)).rendered()
        XCTAssertFalse(text.contains("noise"), text)
        XCTAssertFalse(text.contains("factor"), text)
        let decoded = try JSONDecoder().decode(
            GeneratedSet.self, from: Data(try JSONValueEncoder().encode(circles).rendered().utf8))
        XCTAssertEqual(decoded, circles)
    }

    /// Through the data stage: no file, the features divided by `data.scale` as a file's.
    func testADatasetOfAGeneratedSplitNeedsNoFile() throws {
        let planar = GeneratedSet(generator: .planar, samples: 400, seed: 1)
        let data = try Dataset(contentsOf: DataSplit(generated: planar), scale: 4)
        let (X, Y) = planar.make()
        XCTAssertEqual([data.features, data.examples], [2, 400])
        XCTAssertEqual(data.X.storage, X.storage.map { $0 / 4 })
        XCTAssertEqual(data.Y, Y)
        XCTAssertEqual(data.path, "")
        XCTAssertEqual(data.sha256, SHA256.hex(of: "generate=planar samples=400 seed=1"))
        XCTAssertEqual(try ExampleLayout(of: DataSplit(generated: planar), features: 2).shape, [2])
    }
}
