import Foundation
import XCTest

@testable import Spec
@testable import Data
@testable import Support
import TestSupport

/// What is derived from the schema table: identity, `spec.yaml` with relative paths,
/// folder names, compare's values, overrides' wording and the README's key table.
final class SpecSchemaTests: XCTestCase {
    static let hashes = ["train.h5": String(repeating: "a", count: 64), "test.h5": String(repeating: "b", count: 64)]

    /// The data hashes of `spec`, by absolute path, from `hashes` by file name.
    static func dataHashes(_ spec: ExperimentSpec) -> [String: String] {
        Dictionary(uniqueKeysWithValues: [spec.train, spec.test].compactMap { $0 }.map { split in
            (split.path, hashes[String(split.path.split(separator: "/").last!)]!)
        })
    }

    func testIdentityInputHoldsWhatDeterminesTheNumbers() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec)
        let spec = try fixture.load().base
        XCTAssertEqual(
            spec.identityInput(dataHashes: Self.dataHashes(spec)),
            """
            data.train=sha256=\(Self.hashes["train.h5"]!) format=hdf5 x=(default) y=(default)
            data.test=sha256=\(Self.hashes["test.h5"]!) format=hdf5 x=(default) y=(default)
            data.scale=255.0
            model.layer_dims=12288x20x7x5x1
            model.hidden_activation=relu
            model.output_activation=sigmoid
            model.init=lecun
            training.learning_rate=0.0075
            training.iterations=2500
            training.seed=1
            training.record_every=100
            training.engine=auto

            """)
    }

    /// Two checkouts at different paths, with another name and description: one identity.
    func testIdentityIgnoresPathsNameAndDescription() throws {
        let (first, second) = (try SpecFixture(), try SpecFixture())
        first.write(SpecFixture.validSpec)
        try FileManager.default.createDirectory(atPath: second.directory + "/specs", withIntermediateDirectories: true)
        second.write(
            SpecFixture.validSpec.replacing("name: cat", with: "name: dog\ndescription: another")
                .replacing("train: train.h5", with: "train: ../train.h5").replacing("test: test.h5", with: "test: ../test.h5"),
            to: "specs/spec.yaml")
        let a = try first.load().base
        let b = try second.load("specs/spec.yaml").base
        XCTAssertNotEqual(a.train.path, b.train.path)
        XCTAssertEqual(a.identity(dataHashes: Self.dataHashes(a)), b.identity(dataHashes: Self.dataHashes(b)))
        XCTAssertEqual(a.identity(dataHashes: Self.dataHashes(a)).count, 64)
    }

    func testIdentityChangesWithDataModelAndTraining() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec)
        let spec = try fixture.load().base
        let identity = spec.identity(dataHashes: Self.dataHashes(spec))
        var changedData = Self.dataHashes(spec)
        changedData[spec.train.path] = String(repeating: "c", count: 64)
        XCTAssertNotEqual(spec.identity(dataHashes: changedData), identity)
        for edit in [
            ("train: train.h5", "train: {path: train.h5, x: other_x}"), ("scale: 255", "scale: 1"),
            ("relu", "tanh"), ("init: lecun", "init: he"), ("0.0075", "0.01"), ("iterations: 2500", "iterations: 10"),
            ("seed: 1", "seed: 2"), ("seed: 1", "seed: 1\n  record_every: 10"), ("seed: 1", "seed: 1\n  engine: dual"),
        ] {
            fixture.write(SpecFixture.validSpec.replacing(edit.0, with: edit.1))
            let edited = try fixture.load().base
            XCTAssertNotEqual(edited.identity(dataHashes: Self.dataHashes(edited)), identity, "\(edit)")
        }
    }

    /// `spec.yaml` names its data relative to the run folder and reloads from there as
    /// the same spec, wherever the folder and its data were moved together.
    func testResolvedSpecNamesDataRelativeToTheRunFolder() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec)
        let spec = try fixture.load().base
        let folder = fixture.directory + "/results/cat/training.seed=2"
        let text = spec.resolvedYAML(dataPathsRelativeTo: folder)
        XCTAssertEqual(
            text, spec.resolvedYAML.replacing("\(fixture.directory)/", with: "../../../"))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        fixture.write(text, to: "results/cat/training.seed=2/spec.yaml")
        let reloaded = try fixture.load("results/cat/training.seed=2/spec.yaml").base
        XCTAssertEqual(reloaded, spec)
        XCTAssertEqual(reloaded.resolvedYAML(dataPathsRelativeTo: folder), text)
    }

    func testRelativePaths() {
        XCTAssertEqual(PathNames.relative("/a/datasets/x.h5", from: "/a/results/cat"), "../../datasets/x.h5")
        XCTAssertEqual(PathNames.relative("/a/results/cat/x.csv", from: "/a/results/cat"), "x.csv")
        XCTAssertEqual(PathNames.relative("/x.h5", from: "/"), "x.h5")
        XCTAssertEqual(PathNames.relative("/a/b", from: "/a/bc"), "../b")
    }

    /// A sweep over a data split names folders by the paths as written, never by the
    /// absolute paths they resolve to.
    func testFolderNamesUseDataPathsAsWritten() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec + "sweep:\n  data.train: [train.h5, data/train.h5, {path: train.csv, header: false}]\n")
        let names = try fixture.load().points.map(\.folderName)
        XCTAssertEqual(
            names, ["data.train=train.h5", "data.train=data%2Ftrain.h5", "data.train=train.csv+false"])
    }

    /// Compare reads a run's values without looking at its data files.
    func testValuesOfAResolvedSpecNeedNoDataFiles() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec.replacing("init: lecun", with: "init: {scheme: scaled, scale: 0.5}"))
        let spec = try fixture.load().base
        let folder = fixture.directory + "/run"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        fixture.write(spec.resolvedYAML(dataPathsRelativeTo: folder), to: "run/spec.yaml")
        try FileManager.default.removeItem(atPath: fixture.directory + "/train.h5")
        XCTAssertNotNil(fixture.diagnostics("run/spec.yaml"))
        let values = try SpecLoader.values(ofResolvedSpecAt: folder + "/spec.yaml")
        XCTAssertEqual(values["data.train"], fixture.directory + "/train.h5")
        XCTAssertEqual(values["data.scale"], "255.0")
        XCTAssertEqual(values["model.init"], "scaled-0.5")
        XCTAssertEqual(values["model.layer_dims"], "12288x20x7x5x1")
        XCTAssertEqual(values["training.seed"], "1")
        XCTAssertNil(values["name"])
        // Every key that applies; those of unused techniques (beta1 without adam) have no value.
        XCTAssertEqual(Set(values.keys), Set(SpecSchema.keys.filter { $0.isAssignable && $0.canonical(spec) != nil }.map(\.key)))
        XCTAssertNil(values["training.beta1"])
        XCTAssertEqual(values["training.optimizer"], "gd")
    }

    /// An override's messages name the flag only through the location it was given.
    func testOverridesAreWordedByTheirLocation() throws {
        let fixture = try SpecFixture()
        fixture.write(SpecFixture.validSpec)
        let location = SourceLocation.file(path: "overrides.txt", line: 2, column: 1)
        do {
            _ = try SpecLoader.load(
                path: "spec.yaml", overrides: [SpecOverride("training.seed", at: location)],
                workingDirectory: fixture.directory)
            XCTFail("loaded")
        } catch {
            XCTAssertEqual(
                error.items.map(\.description),
                ["overrides.txt:2:1: error: an override expects KEY=VALUE, got 'training.seed'\n"
                    + "  hint: e.g. training.learning_rate=0.01"])
        }
    }

    /// A spec made in code takes the schema's defaults, as a loaded one does.
    func testASpecMadeInCodeHasTheSchemasDefaults() throws {
        let fixture = try SpecFixture()
        fixture.write(
            "name: cat\ndata: {train: train.h5}\nmodel: {layer_dims: [3, 1]}\ntraining: {learning_rate: 0.5, iterations: 9}\n")
        let loaded = try fixture.load().base
        let made = ExperimentSpec(
            name: "cat", train: DataSplit(path: fixture.directory + "/train.h5", format: .hdf5), layerDims: [3, 1],
            learningRate: 0.5, iterations: 9, specPath: "elsewhere.yaml")
        XCTAssertEqual(made, loaded)
        XCTAssertEqual(made.resolvedYAML, loaded.resolvedYAML)
    }

    func testEveryKeyHasItsExample() {
        for key in SpecSchema.keys {
            XCTAssertEqual(SpecSchema.exampleHint(for: key.key), "write it as '\(key.example)'")
        }
        XCTAssertEqual(SpecSchema.examples["training"], "training: {learning_rate: 0.0075, iterations: 2500}")
        XCTAssertEqual(SpecSchema.examples["data.test.header"], "test: {path: test.csv, label_column: -1, header: true}")
    }

    /// README.md's key table is the schema's, row for row.
    func testREADMEHoldsTheSchemaTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let table = SpecSchema.markdownTable
        let header = try XCTUnwrap(readme.range(of: "| key | type | default | meaning |\n"), "README.md has no key table")
        let end = readme.range(of: "\n\n", range: header.lowerBound..<readme.endIndex)?.lowerBound ?? readme.endIndex
        XCTAssertEqual(
            String(readme[header.lowerBound..<end]) + "\n", table, "README.md's key table differs; put this there:\n\(table)")
    }
}
