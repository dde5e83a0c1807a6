import Data
import DeepNet
import Foundation
import Support
import TestSupport
import XCTest

/// What predict reads through Data: a split's example shape and class names
/// (`ExampleLayout`), and examples whose labels are optional (`ExampleSet`).
final class ExampleSetTests: XCTestCase {
    private let course = packageRoot().appendingPathComponent("datasets").path

    func testTheCourseFilesLayoutIsTheirImageShapeAndListClasses() throws {
        let split = DataSplit(path: course + "/train_catvnoncat.h5", format: .hdf5)
        let layout = try ExampleLayout(of: split, features: 12288)
        XCTAssertEqual(layout.shape, [64, 64, 3])
        XCTAssertEqual(layout.classes, ["non-cat", "cat"], "list_classes, fixed-length strings (S7)")
        XCTAssertEqual(layout.features, 12288)
        XCTAssertEqual(try ExampleLayout(of: DataSplit(path: "/nowhere.csv", format: .csv), features: 6),
                       ExampleLayout(shape: [6], classes: nil), "CSV: the feature count, no names")
    }

    func testListClassesOtherThanTwoStringsGiveNoNames() throws {
        let dir = TemporaryDirectory()
        let three = dir.file("three.h5")
        writeHDF5(three, [.uint8("x", [2, 2], [1, 2, 3, 4]), .int64("y", [2], [0, 1]),
                          .strings("list_classes", ["a", "b", "c"])])
        XCTAssertNil(try ExampleLayout(of: DataSplit(path: three, format: .hdf5), features: 2).classes)
        let numbers = dir.file("numbers.h5")
        writeHDF5(numbers, [.uint8("x", [2, 2], [1, 2, 3, 4]), .int64("list_classes", [2], [0, 1])])
        let layout = try ExampleLayout(of: DataSplit(path: numbers, format: .hdf5), features: 2)
        XCTAssertEqual(layout, ExampleLayout(shape: [2], classes: nil))
        let two = dir.file("two.h5")
        writeHDF5(two, [.uint8("x", [2, 2], [1, 2, 3, 4]), .strings("list_classes", ["dog", "hot dog"])])
        XCTAssertEqual(try ExampleLayout(of: DataSplit(path: two, format: .hdf5), features: 2).classes, ["dog", "hot dog"])
    }

    /// The test set read as predict reads it equals the training reader's `Dataset`.
    func testAnExampleSetIsTheDatasetWithOptionalLabels() throws {
        let split = DataSplit(path: course + "/test_catvnoncat.h5", format: .hdf5)
        let examples = try ExampleSet(contentsOf: split, scale: 255, shape: [64, 64, 3])
        let dataset = try Dataset(contentsOf: split, scale: 255)
        XCTAssertEqual(examples.X, dataset.X)
        XCTAssertEqual(examples.Y, dataset.Y)
        XCTAssertEqual(examples.shape, [64, 64, 3])

        let dir = TemporaryDirectory()
        let unlabelled = dir.file("x.h5")
        writeHDF5(unlabelled, [.uint8("set_x", [2, 3], [1, 2, 3, 4, 5, 6])])
        let noLabels = try ExampleSet(contentsOf: DataSplit(path: unlabelled, format: .hdf5), scale: 2, shape: [3])
        XCTAssertNil(noLabels.Y)
        XCTAssertEqual(noLabels.X, Matrix([[0.5, 2], [1, 2.5], [1.5, 3]]))

        let csv = dir.write("x.csv", "a,b,c\n1,2,3\n4,5,6\n")
        let fromCSV = try ExampleSet(contentsOf: DataSplit(path: csv, format: .csv), scale: 2, shape: [3])
        XCTAssertEqual(fromCSV.X, noLabels.X, "a header row, no label column")
        XCTAssertNil(fromCSV.Y)
        let labelled = dir.write("y.csv", "1,0,2,3\n4,1,5,6\n")
        let withLabels = try ExampleSet(
            contentsOf: DataSplit(path: labelled, format: .csv, labelColumn: 1), scale: 2, shape: [3])
        XCTAssertEqual(withLabels.X, noLabels.X, "no header (all numbers); the label in column 1")
        XCTAssertEqual(withLabels.Y, Matrix([[0, 1]]))
    }

    func testExamplesThatDoNotFitTheModelAreRefused() {
        let dir = TemporaryDirectory()
        let wide = dir.write("wide.csv", "1,2,3,4,5\n")
        do {
            _ = try ExampleSet(contentsOf: DataSplit(path: wide, format: .csv), scale: 1, shape: [3])
            XCTFail("5 columns for 3 features")
        } catch {
            XCTAssertEqual(error.message, "data file \(wide):1:1: this row has 5 columns; the model takes examples "
                + "of 3 features: expected 3 columns (the features) or 4 (the features and a 0/1 label)")
        }
        let image = dir.file("image.h5")
        writeHDF5(image, [.uint8("x", [1, 2, 2, 3], Array(repeating: 7, count: 12))])
        do {
            _ = try ExampleSet(contentsOf: DataSplit(path: image, format: .hdf5), scale: 1, shape: [3, 2, 2])
            XCTFail("(2, 2, 3) for (3, 2, 2)")
        } catch {
            XCTAssertTrue(error.message.contains(
                "dataset 'x' holds examples of shape (2, 2, 3) (12 features); the model takes examples of shape "
                    + "(3, 2, 2) (12 features)"), error.message)
        }
        // A flat model takes any shape of its feature count.
        XCTAssertEqual(try? ExampleSet(contentsOf: DataSplit(path: image, format: .hdf5), scale: 1, shape: [12]).examples, 1)
    }
}
