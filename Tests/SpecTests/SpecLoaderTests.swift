import DeepNet
import XCTest

@testable import Spec
@testable import Data
@testable import Support
import TestSupport

/// Specs that load: defaults, paths, sweeps, overrides and folder names.
final class SpecLoaderTests: XCTestCase {
    func testDefaultsAreFilledIn() throws {
        let fixture = try SpecFixture()
        fixture.write(
            """
            name: minimal
            data: {train: train.h5}
            model: {layer_dims: [4, 1]}
            training: {learning_rate: 1, iterations: 10}
            """)
        let plan = try fixture.load()
        XCTAssertEqual(plan.points.count, 1)
        XCTAssertEqual(plan.points[0].assignments, [])
        XCTAssertNil(plan.points[0].folderName)
        let spec = plan.base
        XCTAssertEqual(spec.name, "minimal")
        XCTAssertNil(spec.description)
        XCTAssertNil(spec.test)
        XCTAssertEqual(spec.scale, 1)
        XCTAssertEqual(spec.layerDims, [4, 1])
        XCTAssertEqual(spec.hiddenActivation, .relu)
        XCTAssertEqual(spec.outputActivation, .sigmoid)
        XCTAssertEqual(spec.initializer, .lecun)
        XCTAssertEqual(spec.learningRate, 1)
        XCTAssertEqual(spec.iterations, 10)
        XCTAssertEqual(spec.seed, 1)
        XCTAssertEqual(spec.recordEvery, 100)
        XCTAssertEqual(spec.engine, .auto)
        XCTAssertEqual(spec.train.format, .hdf5)
        XCTAssertEqual(spec.train.labelColumn, -1)
        XCTAssertTrue(spec.train.header)
    }

    func testEveryKeyIsRead() throws {
        let fixture = try SpecFixture()
        fixture.write(
            """
            name: full-1.0
            description: all keys
            data:
              train: {path: train.csv, label_column: 0, header: false}
              test: {path: test.h5, x: test_set_x, y: test_set_y}
              scale: 255
            model:
              layer_dims: [12288, 20, 7, 5, 1]
              hidden_activation: leaky_relu
              output_activation: sigmoid
              init: {scheme: scaled, scale: 0.5}
            training:
              learning_rate: 7.5e-3
              iterations: 2500
              seed: 0x10
              record_every: 50
              engine: dual
            """)
        let spec = try fixture.load().base
        XCTAssertEqual(spec.description, "all keys")
        XCTAssertEqual(spec.train, DataSplit(path: fixture.directory + "/train.csv", format: .csv, labelColumn: 0, header: false, location: .file(path: "spec.yaml", line: 4, column: 10)))
        XCTAssertEqual(spec.test?.x, "test_set_x")
        XCTAssertEqual(spec.test?.y, "test_set_y")
        XCTAssertEqual(spec.scale, 255)
        XCTAssertEqual(spec.hiddenActivation, .leakyRelu)
        XCTAssertEqual(spec.initializer, .scaled(0.5))
        XCTAssertEqual(spec.learningRate, 0.0075)
        XCTAssertEqual(spec.seed, 16)
        XCTAssertEqual(spec.recordEvery, 50)
        XCTAssertEqual(spec.engine, .dual)
        XCTAssertEqual(spec.locations["model.layer_dims"], .file(path: "spec.yaml", line: 8, column: 15))
        XCTAssertEqual(spec.locations["training.engine"], .file(path: "spec.yaml", line: 17, column: 11))
    }

    func testScaledInitDefaultsToTheCourseScale() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec.replacing("init: lecun", with: "init: scaled"))
        XCTAssertEqual(try fixture.load().base.initializer, .scaled(0.01))
    }

    func testPathsAreAbsoluteAndRelativeToTheSpecFile() throws {
        let fixture = try SpecFixture()
        try FileManager.default.createDirectory(atPath: fixture.directory + "/specs/sub", withIntermediateDirectories: true)
        let text = SpecFixture.validSpec
            .replacing("train: train.h5", with: "train: ../../data/./train.h5")
            .replacing("test: test.h5", with: "test: .././../test.h5")
        fixture.write(text, to: "specs/sub/cat.yaml")
        let spec = try fixture.load("specs/sub/cat.yaml").base
        XCTAssertEqual(spec.train.path, fixture.directory + "/data/train.h5")
        XCTAssertEqual(spec.test?.path, fixture.directory + "/test.h5")
        XCTAssertEqual(spec.specPath, fixture.directory + "/specs/sub/cat.yaml")
    }

    func testSweepExpandsInOrderLastKeyFastest() throws {
        let fixture = try SpecFixture()
        fixture.write(
            SpecFixture.validSpec + """
                sweep:
                  training.seed: [2, 1, 3]
                  training.learning_rate: [0.01, 0.005]

                """)
        let plan = try fixture.load()
        XCTAssertEqual(
            plan.points.map(\.folderName),
            [
                "training.learning_rate=0.01,training.seed=2", "training.learning_rate=0.005,training.seed=2",
                "training.learning_rate=0.01,training.seed=1", "training.learning_rate=0.005,training.seed=1",
                "training.learning_rate=0.01,training.seed=3", "training.learning_rate=0.005,training.seed=3",
            ])
        XCTAssertEqual(plan.points.map(\.spec.seed), [2, 2, 1, 1, 3, 3])
        XCTAssertEqual(plan.points.map(\.spec.learningRate), [0.01, 0.005, 0.01, 0.005, 0.01, 0.005])
        XCTAssertEqual(plan.assignedKeys, ["training.learning_rate", "training.seed"])
        XCTAssertEqual(
            plan.points[3].assignments,
            [Assignment(key: "training.learning_rate", value: "0.005"), Assignment(key: "training.seed", value: "1")])
        XCTAssertEqual(plan.points[1].spec.locations["training.learning_rate"], .file(path: "spec.yaml", line: 16, column: 34))
    }

    func testFolderNamesPrintValuesCanonically() throws {
        let fixture = try SpecFixture()
        fixture.write(
            SpecFixture.validSpec + """
                sweep:
                  model.layer_dims: [[12288, 20, 1], [12288, 7, 5, 1]]
                  model.init: [he, {scheme: scaled, scale: 0.01}]
                  training.learning_rate: [1e-5, 1, 1.0e2]
                  data.train: [train.h5, data/train.h5]

                """)
        let names = try fixture.load().points.compactMap(\.folderName)
        XCTAssertEqual(names.count, 24)
        XCTAssertEqual(
            names[0], "data.train=train.h5,model.init=he,model.layer_dims=12288x20x1,training.learning_rate=1e-05")
        XCTAssertEqual(
            names[23],
            "data.train=data%2Ftrain.h5,model.init=scaled-0.01,model.layer_dims=12288x7x5x1,training.learning_rate=100.0")
        XCTAssertTrue(names.contains { $0.contains("training.learning_rate=1.0,") || $0.hasSuffix("training.learning_rate=1.0") })
    }

    func testEqualValuesWrittenDifferentlyAreDuplicates() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec + "sweep:\n  training.learning_rate: [0.01, 1e-2]\n")
        let diagnostics = try XCTUnwrap(fixture.diagnostics())
        XCTAssertTrue(diagnostics.description.contains("spec.yaml:15:34: error: sweep.training.learning_rate: the value 0.01 is listed twice"), "\(diagnostics)")
    }

    func testSetOverridesAKeyAndNamesTheFolder() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec)
        let plan = try fixture.load(overrides: ["training.learning_rate=0.01", "model.layer_dims=[12288, 7, 1]"])
        XCTAssertEqual(plan.points.count, 1)
        XCTAssertEqual(plan.base.learningRate, 0.01)
        XCTAssertEqual(plan.base.layerDims, [12288, 7, 1])
        XCTAssertEqual(plan.points[0].folderName, "model.layer_dims=12288x7x1,training.learning_rate=0.01")
        XCTAssertEqual(plan.base.locations["training.learning_rate"], .flag("--set training.learning_rate=0.01"))
    }

    func testSetReplacesASweptKeyAndAddsMissingKeys() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec + "sweep:\n  training.seed: [1, 2]\n  training.learning_rate: [0.1, 0.2]\n")
        let plan = try fixture.load(overrides: ["training.seed=7", "training.engine=primal", "training.seed=9"])
        XCTAssertEqual(plan.points.map(\.spec.seed), [9, 9])
        XCTAssertEqual(plan.points.map(\.spec.engine), [.primal, .primal])
        XCTAssertEqual(
            plan.points.map(\.folderName),
            [
                "training.engine=primal,training.learning_rate=0.1,training.seed=9",
                "training.engine=primal,training.learning_rate=0.2,training.seed=9",
            ])
    }

    func testSetDataPathsStartAtTheWorkingDirectory() throws {
        let fixture = try SpecFixture()
        try FileManager.default.createDirectory(atPath: fixture.directory + "/specs", withIntermediateDirectories: true)
        fixture.write(SpecFixture.validSpec.replacing("train.h5", with: "../train.h5").replacing("test.h5", with: "../test.h5"), to: "specs/cat.yaml")
        let plan = try fixture.load("specs/cat.yaml", overrides: ["data.train=data/train.h5"])
        XCTAssertEqual(plan.base.train.path, fixture.directory + "/data/train.h5")
        XCTAssertEqual(plan.points[0].folderName, "data.train=data%2Ftrain.h5")
    }

    func testSetNullRemovesAnOptionalKey() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec)
        let plan = try fixture.load(overrides: ["data.test="])
        XCTAssertNil(plan.base.test)
        XCTAssertEqual(plan.points[0].folderName, "data.test=null")
    }

    func testLongFolderNamesAreCutAndHashed() {
        let long = [Assignment(key: "data.train", value: "x" + String(repeating: "a/", count: 150))]
        let name = try! XCTUnwrap(SweepPoint.folderName(for: long))
        // 183 bytes would end in "a%2", so the cut backs off to "a" before the escape.
        XCTAssertEqual(name.utf8.count, 181 + 17, name)
        XCTAssertTrue(name.hasPrefix("data.train=xa%2Fa%2F"))
        XCTAssertNotNil(name.wholeMatch(of: #/.*%2Fa-[0-9a-f]{16}/#), name)
        let other = [Assignment(key: "data.train", value: "x" + String(repeating: "a/", count: 151))]
        XCTAssertNotEqual(SweepPoint.folderName(for: other), name)
    }

    func testFolderNamesEscapeEverythingOutsideTheSafeSet() {
        let assignments = [Assignment(key: "data.train", value: "../x y,z=é.h5")]
        XCTAssertEqual(SweepPoint.folderName(for: assignments), "data.train=..%2Fx%20y%2Cz%3D%C3%A9.h5")
        XCTAssertNil(SweepPoint.folderName(for: []))
    }
}
