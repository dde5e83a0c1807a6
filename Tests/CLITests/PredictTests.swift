import Data
import DeepNet
import Foundation
import TestSupport
import XCTest

/// `dnn-run predict` through the built binary: the course's 5-layer model (trained once
/// into a temporary results folder) applied to the course's test set as HDF5, as CSV and
/// as image files written by Pillow, and every bad input refused with status 2.
final class PredictTests: XCTestCase {
    // MARK: Shared inputs

    /// The trained cat_5layer run (trained once for the class) and its folder.
    private static let trained: Result<URL, Error> = Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dnn-run-predict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let spec = packageRoot().appendingPathComponent("experiments/cat_5layer.yaml").path
        let result = try runDnnRun([spec, "--results", dir.appendingPathComponent("results").path, "--quiet"], in: dir)
        guard result.status == 0 else { throw TestFailure("training cat_5layer failed:\n\(result.stderr)") }
        return dir
    }

    /// The images and HDF5 files of Fixtures/predict_inputs.py, made once by the test
    /// Python (DNN_RUN_TEST_PYTHON, or the package's .venv-test); nil without one.
    private static let pillowInputs: Result<URL?, Error> = Result {
        guard let python = testPython() else { return nil }
        let dir = try trained.get().appendingPathComponent("inputs")
        let script = packageRoot().appendingPathComponent("Tests/CLITests/Fixtures/predict_inputs.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, dir.path, "--course", courseTestSet]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("\(python) \(script) failed:\n\(printed)") }
        return dir
    }

    private struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private static let courseTestSet = packageRoot().appendingPathComponent("datasets/test_catvnoncat.h5").path

    override class func tearDown() {
        if case .success(let dir) = trained { try? FileManager.default.removeItem(at: dir) }
        super.tearDown()
    }

    private func runFolder() throws -> URL {
        try Self.trained.get().appendingPathComponent("results/cat_5layer/default")
    }

    private func inputs() throws -> URL {
        guard let dir = try Self.pillowInputs.get() else {
            if ProcessInfo.processInfo.environment["DNN_RUN_TEST_PYTHON"] != nil { XCTFail("no test Python") }
            throw XCTSkip("the image inputs are written by Pillow: run `make test-venv` (make test does) or set DNN_RUN_TEST_PYTHON")
        }
        return dir
    }

    // MARK: Helpers

    private func predict(_ arguments: [String], in directory: URL? = nil) throws -> ProcessResult {
        try runDnnRun(["predict"] + arguments, in: directory ?? Self.trained.get())
    }

    /// One row of `--format csv`.
    private struct Row: Equatable {
        var name: String
        var probability: String
        var prediction: String
        var className: String
        var label: String
    }

    private func rows(_ csv: String, file: StaticString = #filePath, line: UInt = #line) -> [Row] {
        let lines = csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "name,probability,prediction,class,label", file: file, line: line)
        return lines.dropFirst().map { text in
            let f = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(f.count, 5, text, file: file, line: line)
            return Row(name: f[0], probability: f[1], prediction: f[2], className: f[safe: 3], label: f[safe: 4])
        }
    }

    /// The predictions made outside dnn-run: the course's algorithm in numpy
    /// (Benchmarks/course_numpy.py) trained on the spec this class trains, its AL on the
    /// course's test set, AL > 0.5 and the file's labels, as Tests/Fixtures/regenerate_golden.py
    /// wrote them into Fixtures/numpy_cat_5layer_test_predictions.json.
    private func numpyPredictions(file: StaticString = #filePath, line: UInt = #line) throws -> Golden.Predictions {
        let numpy = try Golden.predictions()
        XCTAssertTrue(numpy.made_by.contains("experiments/cat_5layer.yaml"), numpy.made_by, file: file, line: line)
        XCTAssertEqual(numpy.test_set, "datasets/test_catvnoncat.h5", file: file, line: line)
        XCTAssertEqual([numpy.probabilities.count, numpy.predictions.count, numpy.labels.count], [50, 50, 50], file: file, line: line)
        return numpy
    }

    /// dnn-run and numpy sum the products in other orders: their probabilities agree within this.
    private static let numpyTolerance = 1e-9

    /// `--format json`, read with JSONDecoder (JSONSerialization on Linux does not read
    /// every double back exactly).
    private struct Output: Decodable {
        struct Prediction: Decodable {
            var name: String
            var probability: Double
            var prediction: Int
            var `class`: String
            var label: Int?
        }
        struct Score: Decodable {
            var input: String
            var examples, correct: Int
            var accuracy: Double
            var true_positives, false_positives, true_negatives, false_negatives: Int
        }
        struct Summary: Decodable {
            var examples: Int
            var counts: [String: Int]
            var scores: [Score]
        }
        var run: String
        var classes: [String]
        var predictions: [Prediction]
        var summary: Summary
    }

    private func output(_ result: ProcessResult) throws -> Output {
        try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
    }

    private func metrics() throws -> [String: Any] {
        let data = try Data(contentsOf: runFolder().appendingPathComponent("metrics.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// A bad input: status 2, the message names `names` and says `expected`, nothing on
    /// stdout, no -o file.
    private func assertRefused(
        _ arguments: [String], naming names: [String], saying expected: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let dir = try temporaryDirectory(for: self)
        let out = dir.appendingPathComponent("out.csv")
        let result = try predict(arguments + ["-o", out.path], in: dir)
        XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)", file: file, line: line)
        for name in names {
            XCTAssertTrue(result.stderr.contains(name), "names \(name): \(result.stderr)", file: file, line: line)
        }
        XCTAssertTrue(result.stderr.contains(expected), "says \(expected): \(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.stdout, "", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing written", file: file, line: line)
    }

    // MARK: The course's test set

    /// The HDF5 test set: numpy's predictions (its probabilities within 1e-9, the same
    /// classes, the file's labels), and metrics.json's test accuracy (0.8) with the
    /// confusion counts.
    func testHDF5TestSetGivesNumpysPredictionsAndTheRunsAccuracy() throws {
        let run = try runFolder().path
        let result = try predict([run, Self.courseTestSet, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try output(result)
        XCTAssertEqual(json.classes, ["non-cat", "cat"], "the file's list_classes")
        XCTAssertEqual(json.run, run)
        let numpy = try numpyPredictions()
        XCTAssertEqual(json.predictions.count, 50)
        for (k, p) in json.predictions.enumerated() where k < numpy.probabilities.count {
            XCTAssertEqual(p.name, "\(Self.courseTestSet)[\(k)]")
            XCTAssertEqual(p.probability, numpy.probabilities[k], accuracy: Self.numpyTolerance, "AL of example \(k) vs numpy's")
            XCTAssertEqual(p.prediction, numpy.predictions[k], "example \(k)")
            XCTAssertEqual(p.class, numpy.predictions[k] == 1 ? "cat" : "non-cat")
            XCTAssertEqual(p.label, numpy.labels[k])
        }
        let largest = zip(json.predictions, numpy.probabilities).map { abs($0.probability - $1) }.max() ?? 0
        print("the HDF5 test set: largest probability difference from numpy's \(largest)")
        let cats = numpy.predictions.filter { $0 == 1 }.count
        XCTAssertEqual(json.summary.examples, 50)
        XCTAssertEqual(json.summary.counts, ["cat": cats, "non-cat": 50 - cats])
        let score = try XCTUnwrap(json.summary.scores.first)
        XCTAssertEqual(score.input, Self.courseTestSet)
        let testAccuracy = try XCTUnwrap(metrics()["test_accuracy"] as? Double)
        XCTAssertEqual(testAccuracy, 0.8, "the course's test accuracy")
        XCTAssertEqual(score.accuracy, testAccuracy, "metrics.json's test_accuracy")
        let pairs = zip(numpy.predictions, numpy.labels)
        XCTAssertEqual(score.true_positives, pairs.filter { $0 == 1 && $1 == 1 }.count)
        XCTAssertEqual(score.false_positives, pairs.filter { $0 == 1 && $1 == 0 }.count)
        XCTAssertEqual(score.true_negatives, pairs.filter { $0 == 0 && $1 == 0 }.count)
        XCTAssertEqual(score.false_negatives, pairs.filter { $0 == 0 && $1 == 1 }.count)
        XCTAssertEqual(score.correct, 40)
        XCTAssertEqual(score.examples, 50)

        // The table ends with the summary lines.
        let table = try predict([run, Self.courseTestSet])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("\n50 examples: \(cats) cat, \(50 - cats) non-cat\n"), table.stdout)
        XCTAssertTrue(table.stdout.contains(": accuracy 80.00% (40 of 50); TP "), table.stdout)
    }

    /// The 50 test images as 64 x 64 PNGs written by Pillow: exactly the HDF5 set's
    /// predictions (probabilities to the last digit); -o writes what --format csv prints.
    func testCoursePNGsGiveExactlyTheHDF5Predictions() throws {
        let dir = try inputs()
        let run = try runFolder().path
        let pngs = (0..<50).map { dir.appendingPathComponent(String(format: "png/%02d.png", $0)).path }
        let out = try temporaryDirectory(for: self).appendingPathComponent("pngs.csv")
        let images = try predict([run] + pngs + ["--format", "csv", "-o", out.path])
        XCTAssertEqual(images.status, 0, images.stderr)
        XCTAssertEqual(try String(contentsOf: out, encoding: .utf8), images.stdout, "-o writes the CSV printed")
        XCTAssertTrue(images.stderr.contains("50 examples: "), images.stderr)
        let hdf5 = try predict([run, Self.courseTestSet, "--format", "csv"])
        XCTAssertEqual(hdf5.status, 0, hdf5.stderr)
        let fromImages = rows(images.stdout)
        let fromHDF5 = rows(hdf5.stdout)
        XCTAssertEqual(fromImages.map(\.name), pngs)
        XCTAssertEqual(fromImages.map(\.label), Array(repeating: "", count: 50), "images have no labels")
        XCTAssertEqual(fromImages.map(\.probability), fromHDF5.map(\.probability))
        XCTAssertEqual(fromImages.map(\.className), fromHDF5.map(\.className))
        assertClose(
            fromImages.map { Double($0.probability)! }, try numpyPredictions().probabilities, tolerance: Self.numpyTolerance,
            "numpy's probabilities")
    }

    /// JPEGs (lossy), upscaled PNGs and JPEGs (resized back to 64 x 64 as Pillow does),
    /// grey, RGBA and palette images: all classify; the probabilities stay as close to the
    /// originals' as the README says, and no class changes (measured on this fixture, whose
    /// decoding is deterministic: 0.0402, 0.0088 and 0.0103).
    func testJPEGUpscaledAndConvertedImagesClassify() throws {
        let dir = try inputs()
        let run = try runFolder().path
        let numpy = try numpyPredictions()
        for (folder, ext, count, bound) in [("jpg", "jpg", 50, 0.041), ("up", "png", 50, 0.009), ("up", "jpg", 10, 0.011)] {
            let files = (0..<count).map { dir.appendingPathComponent(String(format: "\(folder)/%02d.\(ext)", $0)).path }
            let result = try predict([run] + files + ["--format", "csv"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let found = rows(result.stdout)
            XCTAssertEqual(found.map(\.name), files)
            var largest = 0.0
            for (k, row) in found.enumerated() {
                let p = try XCTUnwrap(Double(row.probability))
                largest = max(largest, abs(p - numpy.probabilities[k]))
                XCTAssertEqual(row.prediction, "\(numpy.predictions[k])", "\(row.name)")
                XCTAssertEqual(row.className, numpy.predictions[k] == 1 ? "cat" : "non-cat")
            }
            print("\(folder)/*.\(ext): largest probability difference from numpy's probabilities of the test images \(largest)")
            XCTAssertLessThan(largest, bound, "\(folder)/*.\(ext): the README's bound")
        }
        let modes = ["grey.png", "rgba.png", "palette.png"].map { dir.appendingPathComponent("modes/\($0)").path }
        let table = try predict([run] + modes)
        XCTAssertEqual(table.status, 0, table.stderr)
        let lines = table.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2 + 3 + 1, table.stdout)
        XCTAssertEqual(lines[0].split(separator: " ", omittingEmptySubsequences: true), ["name", "probability", "class"])
        for (line, file) in zip(lines[2...4], modes) {
            XCTAssertTrue(line.hasPrefix(file), String(line))
            XCTAssertTrue(line.hasSuffix(" cat") || line.hasSuffix(" non-cat"), String(line))
        }
        XCTAssertTrue(lines[5].hasPrefix("3 examples: "), table.stdout)
    }

    /// The test set as CSV (raw pixel values, scaled by the run's data.scale like the
    /// HDF5 file), with a label column and without: the same predictions; accuracy only
    /// with labels. An HDF5 file without labels predicts without accuracy.
    func testCSVSetsWithAndWithoutLabelsAndHDF5WithoutLabels() throws {
        let dir = try temporaryDirectory(for: self)
        let raw = try Dataset(contentsOf: DataSplit(path: Self.courseTestSet, format: .hdf5), scale: 1)
        var labelled = (0..<raw.features).map { "p\($0)" }.joined(separator: ",") + ",label\n"
        var bare = ""
        for j in 0..<raw.examples {
            let features = (0..<raw.features).map { String(Int(raw.X[$0, j])) }.joined(separator: ",")
            labelled += features + ",\(Int(raw.Y[0, j]))\n"
            bare += features + "\n"
        }
        try labelled.write(to: dir.appendingPathComponent("test.csv"), atomically: true, encoding: .utf8)
        try bare.write(to: dir.appendingPathComponent("bare.csv"), atomically: true, encoding: .utf8)
        let run = try runFolder().path
        let hdf5 = rows(try predict([run, Self.courseTestSet, "--format", "csv"]).stdout)

        let withLabels = try predict([run, "test.csv", "--format", "json"], in: dir)
        XCTAssertEqual(withLabels.status, 0, withLabels.stderr)
        XCTAssertEqual(try output(withLabels).summary.scores.first?.accuracy, 0.8)
        let csv = try predict([run, "test.csv", "bare.csv", "--format", "csv"], in: dir)
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let found = rows(csv.stdout)
        guard found.count == 100 else { return XCTFail("expected 100 rows, got \(found.count)") }
        XCTAssertEqual(found.prefix(50).map(\.probability), hdf5.map(\.probability))
        XCTAssertEqual(found.suffix(50).map(\.probability), hdf5.map(\.probability))
        XCTAssertEqual(found.prefix(50).map(\.label), hdf5.map(\.label))
        XCTAssertEqual(found.suffix(50).map(\.label), Array(repeating: "", count: 50))
        XCTAssertEqual(found[50].name, "bare.csv[0]")
        XCTAssertTrue(csv.stderr.contains("test.csv: accuracy 80.00% (40 of 50)"), csv.stderr)
        XCTAssertFalse(csv.stderr.contains("bare.csv: accuracy"), csv.stderr)

        let inputs = try inputs()
        let noLabels = try predict([run, inputs.appendingPathComponent("h5/no_labels.h5").path])
        XCTAssertEqual(noLabels.status, 0, noLabels.stderr)
        XCTAssertTrue(noLabels.stdout.hasSuffix("\n50 examples: \(hdf5.filter { $0.prediction == "1" }.count) cat, "
            + "\(hdf5.filter { $0.prediction == "0" }.count) non-cat\n"), noLabels.stdout)
        XCTAssertFalse(noLabels.stdout.contains("accuracy"), noLabels.stdout)
    }

    // MARK: The run folder

    /// A run folder copied where its training data is not (spec.yaml names the data
    /// relative to the run folder): its manifest has all predict needs.
    func testACopiedRunFolderWithoutItsDataPredicts() throws {
        let copy = try temporaryDirectory(for: self).appendingPathComponent("a/b/c/d/cat_5layer")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: runFolder(), to: copy)
        let spec = try String(contentsOf: copy.appendingPathComponent("spec.yaml"), encoding: .utf8)
        let train = try XCTUnwrap(spec.split(separator: "\n").first { $0.hasPrefix("  train: ") }?.dropFirst(9))
        XCTAssertFalse(FileManager.default.fileExists(atPath: copy.appendingPathComponent(String(train)).path),
                       "the copy's training data is absent")
        let copied = try predict([copy.path, Self.courseTestSet, "--format", "csv"])
        XCTAssertEqual(copied.status, 0, copied.stderr)
        let original = try predict([runFolder().path, Self.courseTestSet, "--format", "csv"])
        XCTAssertEqual(copied.stdout, original.stdout)

        // Without input_shape in its manifest (a run of an older dnn-run), the training
        // file would tell the shape; it is absent here, which is an error saying so.
        try removeInputShape(from: copy)
        try assertRefused([copy.path, Self.courseTestSet], naming: [copy.path, "train_catvnoncat.h5"],
                          saying: "does not record the shape of the training examples")
    }

    /// A run made before manifests recorded input_shape and classes: the spec's training
    /// file tells them.
    func testAnOlderManifestFallsBackToTheTrainingFile() throws {
        // At the original's depth below the temporary folder, so that spec.yaml's
        // relative data paths still lead to the data.
        let copy = try temporaryDirectory(for: self).appendingPathComponent("results/old/default")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: runFolder(), to: copy)
        try removeInputShape(from: copy)
        let old = try predict([copy.path, Self.courseTestSet, "--format", "csv"])
        XCTAssertEqual(old.status, 0, old.stderr)
        let now = try predict([runFolder().path, Self.courseTestSet, "--format", "csv"])
        XCTAssertEqual(old.stdout, now.stdout)
        XCTAssertTrue(old.stdout.contains(",cat,") && old.stdout.contains(",non-cat,"), "the file's list_classes")
    }

    private func removeInputShape(from run: URL) throws {
        let url = run.appendingPathComponent("manifest.json")
        var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        XCTAssertEqual(manifest["input_shape"] as? [Int], [64, 64, 3], "recorded at training")
        XCTAssertEqual(manifest["classes"] as? [String], ["non-cat", "cat"])
        manifest["input_shape"] = nil
        manifest["classes"] = nil
        try JSONSerialization.data(withJSONObject: manifest).write(to: url)
    }

    /// A model trained on CSV: classes print as 1 and 0, and images are refused.
    func testAModelTrainedOnCSVNamesClassesByNumberAndTakesNoImages() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        let result = try predict(["results/toy/default", "test.csv", "--format", "csv"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let found = rows(result.stdout)
        XCTAssertEqual(found.count, 20)
        XCTAssertTrue(found.allSatisfy { $0.className == $0.prediction && $0.label != "" }, result.stdout)
        try "not really".write(to: dir.appendingPathComponent("photo.png"), atomically: true, encoding: .utf8)
        try assertRefused(
            [dir.appendingPathComponent("results/toy/default").path, dir.appendingPathComponent("photo.png").path],
            naming: ["photo.png"], saying: "was trained on examples of 6 features, not on RGB images")
    }

    // MARK: Bad input

    func testRunsThatAreNotCompletedAreRefused() throws {
        let dir = try temporaryDirectory(for: self)
        for status in ["failed", "interrupted"] {
            let copy = dir.appendingPathComponent(status)
            try FileManager.default.copyItem(at: runFolder(), to: copy)
            let url = copy.appendingPathComponent("manifest.json")
            let text = try String(contentsOf: url, encoding: .utf8)
                .replacingOccurrences(of: "\"status\": \"completed\"", with: "\"status\": \"\(status)\"")
            try text.write(to: url, atomically: true, encoding: .utf8)
            try assertRefused([copy.path, Self.courseTestSet], naming: [copy.path],
                              saying: "holds a \(status) run; predict needs a completed run")
        }
        let bare = dir.appendingPathComponent("no-manifest")
        try FileManager.default.copyItem(at: runFolder(), to: bare)
        try FileManager.default.removeItem(at: bare.appendingPathComponent("manifest.json"))
        try assertRefused([bare.path, Self.courseTestSet], naming: [bare.path],
                          saying: "has no manifest.json; expected a run folder")
        try assertRefused([dir.appendingPathComponent("nowhere").path, Self.courseTestSet], naming: ["nowhere"],
                          saying: "is not a directory; expected a completed run folder")

        // Parameters changed after the run wrote them.
        let damaged = dir.appendingPathComponent("damaged")
        try FileManager.default.copyItem(at: runFolder(), to: damaged)
        let parameters = damaged.appendingPathComponent("parameters.json")
        let text = try String(contentsOf: parameters, encoding: .utf8)
        try text.replacingOccurrences(of: "[[", with: "[[1.0, ", options: [], range: text.range(of: "[["))
            .write(to: parameters, atomically: true, encoding: .utf8)
        try assertRefused([damaged.path, Self.courseTestSet], naming: [damaged.path], saying: "parameters.json has")
    }

    func testUnreadableAndNonImageFilesAreRefused() throws {
        let dir = try temporaryDirectory(for: self)
        let run = try runFolder().path
        let text = dir.appendingPathComponent("notes.png")
        try "name,value\ncat,1\n".write(to: text, atomically: true, encoding: .utf8)
        try assertRefused([run, text.path], naming: ["notes.png"], saying: "expected a PNG or JPEG image")
        try assertRefused([run, dir.appendingPathComponent("missing.jpg").path], naming: ["missing.jpg"],
                          saying: "cannot read the file: No such file or directory")
        try Data().write(to: dir.appendingPathComponent("empty.jpg"))
        try assertRefused([run, dir.appendingPathComponent("empty.jpg").path], naming: ["empty.jpg"],
                          saying: "the file is empty; expected a PNG or JPEG image")
        try assertRefused([run, dir.appendingPathComponent("missing.h5").path], naming: ["missing.h5"],
                          saying: "missing.h5: no such file; expected an HDF5 or CSV set, or a PNG or JPEG image")
        try assertRefused([run, dir.path], naming: [dir.path], saying: "is a directory, not a file")
        // One bad input among good ones: nothing is printed or written.
        try assertRefused([run, Self.courseTestSet, text.path], naming: ["notes.png"], saying: "expected a PNG or JPEG image")
    }

    func testFeatureCountsAndShapesThatDoNotFitAreRefused() throws {
        let dir = try temporaryDirectory(for: self)
        let run = try runFolder().path
        let narrow = dir.appendingPathComponent("narrow.csv")
        try ((0..<100).map { "c\($0)" }.joined(separator: ",") + "\n" + (0..<100).map { _ in "1" }.joined(separator: ",") + "\n")
            .write(to: narrow, atomically: true, encoding: .utf8)
        try assertRefused([run, narrow.path], naming: ["narrow.csv:2:1"],
                          saying: "this row has 100 columns; the model takes examples of 12288 features: expected 12288 columns")
        let ragged = dir.appendingPathComponent("ragged.csv")
        let row = (0..<12288).map { _ in "7" }.joined(separator: ",")
        try (row + "\n" + row + ",1,1\n").write(to: ragged, atomically: true, encoding: .utf8)
        try assertRefused([run, ragged.path], naming: ["ragged.csv:2:"], saying: "this row has 12290 columns but the first example has 12288")
        let badLabel = dir.appendingPathComponent("label.csv")
        try (row + ",2\n").write(to: badLabel, atomically: true, encoding: .utf8)
        try assertRefused([run, badLabel.path], naming: ["label.csv:1:"], saying: "label '2'; labels must be 0 or 1")

        let inputs = try inputs()
        try assertRefused([run, inputs.appendingPathComponent("h5/small_32x32.h5").path], naming: ["small_32x32.h5", "'set_x'"],
                          saying: "holds examples of shape (32, 32, 3) (3072 features); the model takes examples of shape (64, 64, 3) (12288 features)")
        try assertRefused([run, inputs.appendingPathComponent("h5/flat.h5").path], naming: ["flat.h5"],
                          saying: "holds examples of shape (12288,); the model takes examples of shape (64, 64, 3)")
    }
}

extension Array where Element == String {
    fileprivate subscript(safe index: Int) -> String { indices.contains(index) ? self[index] : "" }
}
