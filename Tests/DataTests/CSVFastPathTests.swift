import Data
import DeepNet
import Foundation
import Support
import TestSupport
import XCTest

/// The CSV reader's fast path (plain numbers parsed by hand, rows parsed on every core):
/// values bit for bit those of `Double(String)` divided by the scale, as the reader
/// always gave them, and errors in large files naming the first bad row, as a reader
/// going row by row does.
final class CSVFastPathTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUp() { directory = TemporaryDirectory() }
    override func tearDown() { directory = nil }

    // MARK: Values

    /// Every kind of cell, mixed in one file of over a megabyte (so it is parsed in several
    /// chunks at once), with blank lines, `\r\n` endings and spaces: each feature is
    /// `Double(cell)! / scale` and each label `Double(cell)!`, to the bit.
    func testEveryValueIsBitIdenticalToDoubleOfTheCellTextDividedByTheScale() throws {
        var random = SplitMix(seed: 11)
        let features = 40
        var lines: [String] = []
        var expectedCells: [[String]] = []
        var expectedLabels: [String] = []
        while lines.count < 6000 {
            if random.next(below: 50) == 0 { lines.append(random.next(below: 2) == 0 ? "" : " \t "); continue }
            var cells = (0..<features).map { _ in CSVFastPathTests.cell(&random) }
            let label = CSVFastPathTests.labels[random.next(below: CSVFastPathTests.labels.count)]
            expectedCells.append(cells)
            expectedLabels.append(label)
            cells.insert(label, at: 7)
            let padded = cells.map { cell in
                switch random.next(below: 8) {
                case 0: return " " + cell
                case 1: return cell + "\t "
                default: return cell
                }
            }
            lines.append(padded.joined(separator: ",") + (random.next(below: 4) == 0 ? "\r" : ""))
        }
        let text = lines.joined(separator: "\n") + "\n"
        XCTAssertGreaterThan(text.utf8.count, 1 << 20, "large enough to be parsed in chunks")
        let path = directory.write("mixed.csv", text)
        for scale in [1.0, 255, 3, 0.1, 1e-250] {
            let data = try load(path, labelColumn: 7, header: false, scale: scale)
            XCTAssertEqual(data.examples, expectedCells.count)
            XCTAssertEqual(data.features, features)
            var mismatches = 0
            for (i, cells) in expectedCells.enumerated() {
                for (j, cell) in cells.enumerated() {
                    let expected = Double(cell.trimmingCharacters(in: .whitespaces))! / scale
                    if data.X[j, i].bitPattern != expected.bitPattern {
                        mismatches += 1
                        if mismatches <= 5 {
                            XCTFail("scale \(scale), example \(i), feature \(j): '\(cell)' gave \(data.X[j, i]), expected \(expected)")
                        }
                    }
                }
                let label = Double(expectedLabels[i].trimmingCharacters(in: .whitespaces))!
                XCTAssertEqual(data.Y[0, i].bitPattern, label.bitPattern, "label '\(expectedLabels[i])'")
            }
            XCTAssertEqual(mismatches, 0, "scale \(scale)")
        }
    }

    /// Cells the fast path must get exactly right or hand to `Double(String)`.
    func testHardCellsOneByOne() throws {
        let cells = [
            "0", "-0", "-0.0", "00", "007", "-007.50", "255", "256", "1023", "1024", "-1", "+5", ".5", "5.", "-.5",
            "9007199254740991", "9007199254740992", "9007199254740993", "9007199254740995", "18446744073709551615",
            "18446744073709551616", "99999999999999999999", "1234567890123456789", "12345678901234567890",
            "0.1", "0.2", "0.3", "0.30000000000000004", "0.1000000000000000055511151231257827",
            "3.141592653589793238462643383279", "2.2250738585072011e-308", "2.2250738585072014E-308", "4e-320",
            "1e-400", "1.7976931348623157e308", "1e22", "1e23", "0.000000000000000000001", "1.000000000000000000000",
            "0.500000", "123456.789012", "8.5e-5", "1E5", "-2.5e+10", "0x1p3", "1.5e0", "0.99999999999999999",
            "4503599627370495.5", "4503599627370497.5", "0.0000001", "7.0e-10", "2.550000000000000000e+02",
            "-0e5", "1000e-3", "9007199254740993e-22", "9007199254740992e22", "1e-22", "1e0000", "5e00001",
            "123.456e-19", "0.0e-400", "1.e5", "1e+5", "3E-7", "1.7976931348623157e+308",
        ]
        let path = directory.write("hard.csv", cells.map { "\($0),1" }.joined(separator: "\n"))
        for scale in [1.0, 255, 7] {
            let data = try load(path, header: false, scale: scale)
            for (i, cell) in cells.enumerated() {
                let expected = Double(cell)! / scale
                XCTAssertEqual(data.X[0, i].bitPattern, expected.bitPattern, "'\(cell)' / \(scale): \(data.X[0, i]) vs \(expected)")
            }
        }
    }

    // MARK: Errors in large files

    /// A file of `rows` rows of plain pixels and a label, over a megabyte, where `edit`
    /// may replace rows (by 0-based row index; line = index + 1 without a header).
    private func largeFile(_ name: String, rows: Int = 4000, edit: [Int: String] = [:]) -> String {
        let row = (0..<100).map { String($0 * 2) }.joined(separator: ",") + ",1"
        let text = (0..<rows).map { edit[$0] ?? row }.joined(separator: "\n") + "\n"
        XCTAssertGreaterThan(text.utf8.count, 1 << 20)
        return directory.write(name, text)
    }

    func testABadCellNearTheEndIsNamedAtItsLineAndColumn() {
        let path = largeFile("late.csv", edit: [3990: "0,1,2,x3" + String(repeating: ",5", count: 96) + ",1"])
        assertDiagnostic({ () throws(Diagnostic) in try load(path, header: false) },
                         contains: ["data file \(path):3991:7: expected a number, found 'x3'"])
    }

    func testOfSeveralBadRowsTheFirstIsReported() {
        let short = "1,2,3"
        let badLabel = String(repeating: "0,", count: 100) + "2"
        // Rows in different chunks: the later one is found first by its own thread.
        let path = largeFile("two.csv", edit: [1200: short, 3500: badLabel, 3900: "nan"])
        assertDiagnostic({ () throws(Diagnostic) in try load(path, header: false) },
                         contains: ["two.csv:1201:6: this row has 3 columns but the first one has 101"])
        let laterOnly = largeFile("later.csv", edit: [3500: badLabel, 3900: short])
        assertDiagnostic({ () throws(Diagnostic) in try load(laterOnly, header: false) },
                         contains: ["later.csv:3501:201: label '2'; labels must be 0 or 1"])
    }

    func testANULAnExtraColumnAndAnInfiniteFeatureLateInALargeFile() {
        let nul = largeFile("nul.csv", edit: [2500: "7,1\u{0}9" + String(repeating: ",0", count: 98) + ",0"])
        assertDiagnostic({ () throws(Diagnostic) in try load(nul, header: false) },
                         contains: ["nul.csv:2501:4: a NUL byte inside a cell ('1\\u{0}9'); expected a number"])
        let wide = largeFile("wide.csv", edit: [3000: String(repeating: "1,", count: 101) + "0"])
        assertDiagnostic({ () throws(Diagnostic) in try load(wide, header: false) },
                         contains: ["wide.csv:3001:203: this row has 102 columns but the first one has 101"])
        let infinite = largeFile("inf.csv", edit: [3100: "1e400" + String(repeating: ",0", count: 99) + ",0"])
        assertDiagnostic({ () throws(Diagnostic) in try load(infinite, header: false) },
                         contains: ["inf.csv:3101:1: feature '1e400' is not a finite number"])
    }

    func testAFeatureThatOverflowsOnlyOnceDividedIsNamedByExample() {
        let path = largeFile("scaled.csv", edit: [3333: "0,5e300" + String(repeating: ",0", count: 98) + ",1"])
        assertDiagnostic({ () throws(Diagnostic) in try load(path, header: false, scale: 1e-10) },
                         contains: ["example 3333, feature 1 is inf after dividing by 1e-10"])
    }

    /// With a header and blank lines: line numbers count every line, examples only rows.
    func testLineNumbersCountBlankLinesAndTheHeader() throws {
        let row = (0..<100).map { String($0 + 100) }.joined(separator: ",") + ",0"
        var lines = ["h" + String(repeating: ",h", count: 100)]
        for k in 0..<4000 { lines.append(k % 10 == 0 ? "" : row) }
        lines[3998] = "1" + String(repeating: ",1", count: 99) + ",bad"
        let path = directory.write("header.csv", lines.joined(separator: "\r\n"))
        assertDiagnostic({ () throws(Diagnostic) in try load(path) },
                         contains: ["header.csv:3999:201: expected a number, found 'bad'"])
        lines[3998] = row
        let data = try load(directory.write("header-ok.csv", lines.joined(separator: "\r\n")))
        XCTAssertEqual(data.examples, 3600)
        XCTAssertEqual(data.X[99, 3599], 199)
    }

    /// Predict's reader parses the same way: a row of n_x + 1 columns holds a label, one
    /// of n_x only features; errors late in a large file name their row.
    func testPredictionInputsAreParsedAlike() throws {
        let path = largeFile("predict.csv")
        let training = try load(path, header: false, scale: 255)
        let split = DataSplit(path: path, format: .csv, location: specLocation)
        let labelled = try ExampleSet(contentsOf: split, scale: 255, shape: [100])
        XCTAssertEqual(labelled.X, training.X)
        XCTAssertEqual(labelled.Y, training.Y)
        let unlabelled = try ExampleSet(contentsOf: split, scale: 255, shape: [101])
        XCTAssertNil(unlabelled.Y)
        XCTAssertEqual(unlabelled.X.shape.rows, 101)
        XCTAssertEqual((0..<unlabelled.examples).map { unlabelled.X[100, $0] }, [Double](repeating: 1.0 / 255, count: 4000))
        XCTAssertEqual((0..<unlabelled.examples).map { unlabelled.X[3, $0] }, [Double](repeating: 6.0 / 255, count: 4000))

        let bad = largeFile("predict-bad.csv", edit: [3000: "1,2", 3500: "x"])
        assertDiagnostic({ () throws(Diagnostic) in
            try ExampleSet(contentsOf: DataSplit(path: bad, format: .csv, location: specLocation), scale: 1, shape: [100])
        }, contains: [
            "predict-bad.csv:3001:4: this row has 2 columns but the first example has 101; the model takes examples of "
                + "100 features",
        ])
        let label = largeFile("predict-label.csv", edit: [3900: String(repeating: "0,", count: 100) + "7"])
        assertDiagnostic({ () throws(Diagnostic) in
            try ExampleSet(contentsOf: DataSplit(path: label, format: .csv, location: specLocation), scale: 1, shape: [100])
        }, contains: ["predict-label.csv:3901:201: label '7'; labels must be 0 or 1", "leave it out to only predict"])
    }

    // MARK: Progress

    func testLargeFilesReportTheirProgressAndSmallOnesNothing() throws {
        let path = largeFile("progress.csv")
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let observer = RecordingObserver(minimumFileBytes: 1 << 20)
        _ = try Dataset(contentsOf: DataSplit(path: path, format: .csv, header: false), observer: observer)
        let events = observer.events
        XCTAssertEqual(events.last, .loaded(path))
        XCTAssertEqual(events.filter { $0 == .loaded(path) }.count, 1)
        let reading = events.compactMap { event -> (Int, Int)? in
            if case .loading(_, .reading, let done, let total) = event { (done, total) } else { nil }
        }
        let parsing = events.compactMap { event -> (Int, Int)? in
            if case .loading(_, .parsing, let done, let total) = event { (done, total) } else { nil }
        }
        XCTAssertEqual(reading.first?.0, 0)
        XCTAssertEqual(reading.last?.0, size)
        XCTAssertTrue(reading.allSatisfy { $0.1 == size })
        XCTAssertEqual(parsing.first?.0, 0)
        XCTAssertEqual(parsing.last.map { $0.0 == $0.1 }, true, "\(parsing)")
        XCTAssertEqual(parsing.map(\.0), parsing.map(\.0).sorted(), "counts only rise")
        let firstParse = events.firstIndex { if case .loading(_, .parsing, _, _) = $0 { true } else { false } } ?? -1
        XCTAssertTrue(events[..<max(0, firstParse)].allSatisfy {
            if case .loading(_, .reading, _, _) = $0 { true } else { false }
        }, "reading comes first")
        XCTAssertLessThanOrEqual(events.count, 200)

        let small = RecordingObserver(minimumFileBytes: size + 1)
        _ = try Dataset(contentsOf: DataSplit(path: path, format: .csv, header: false), observer: small)
        XCTAssertEqual(small.events, [])
    }

    func testAFailedLoadStillEndsItsLine() {
        let path = largeFile("bad.csv", edit: [2000: "oops"])
        let observer = RecordingObserver(minimumFileBytes: 0)
        XCTAssertThrowsError(try Dataset(contentsOf: DataSplit(path: path, format: .csv, header: false), observer: observer))
        XCTAssertEqual(observer.events.last, .loaded(path))
    }

    func testHDF5FilesReportConvertingExamples() throws {
        let path = directory.file("images.h5")
        HostileFiles.plain(at: path, examples: 300, features: 5)
        let observer = RecordingObserver(minimumFileBytes: 0)
        let data = try Dataset(contentsOf: DataSplit(path: path, format: .hdf5), observer: observer)
        let converting = observer.events.compactMap { event -> (Int, Int)? in
            if case .loading(_, .converting, let done, let total) = event { (done, total) } else { nil }
        }
        XCTAssertEqual(converting.first?.0, 0)
        XCTAssertEqual(converting.last?.0, data.examples)
        XCTAssertEqual(converting.last?.1, data.examples)
        XCTAssertEqual(observer.events.last, .loaded(path))
    }

    // MARK: Cells

    private static let labels = ["0", "1", "1.0", "-0", "0.000", "1e0", "+1", "00001"]

    /// A random cell: mostly what files hold (small integers, short decimals), and every
    /// other form `Double(String)` takes.
    private static func cell(_ random: inout SplitMix) -> String {
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(random.next(below: 10))) }) }
        let sign = random.next(below: 4) == 0 ? "-" : ""
        switch random.next(below: 16) {
        case 0, 1, 2: return String(random.next(below: 256))
        case 3: return sign + String(random.next(below: 100_000))
        case 4: return sign + digits(1 + random.next(below: 3)) + "." + digits(1 + random.next(below: 6))
        case 5: return sign + digits(1 + random.next(below: 9)) + "." + digits(1 + random.next(below: 12))
        case 6: return sign + "0." + digits(15 + random.next(below: 10))
        case 7: return sign + digits(14 + random.next(below: 8))
        case 8: return String(format: "%.18e", Double(bitPattern: random.nextBits() >> 2) * (sign.isEmpty ? 1 : -1))
        case 9: return sign + digits(1 + random.next(below: 3)) + "." + digits(2) + String(repeating: "0", count: random.next(below: 25))
        case 10: return ["+", "."].randomElement(using: &random)! + digits(1 + random.next(below: 4))
        case 11: return sign + digits(1 + random.next(below: 3)) + "e" + (random.next(below: 2) == 0 ? "-" : "") + String(random.next(below: 30))
        case 12: return String(format: "%.17g", Double(random.next(below: 1 << 30)) / Double(1 + random.next(below: 1 << 20)))
        case 13: return String(format: "%.18e", Double(random.next(below: 256)) * (sign.isEmpty ? 1 : -1))
        case 14: return sign + digits(1 + random.next(below: 4)) + "." + digits(1 + random.next(below: 4))
            + ["e", "E"].randomElement(using: &random)! + ["", "+", "-"].randomElement(using: &random)!
            + String(random.next(below: 26))
        default: return sign + "00" + String(random.next(below: 1000))
        }
    }
}

/// A deterministic generator for test data.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextBits() -> UInt64 { next() }
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// A `DataLoadObserver` that keeps what it is told.
final class RecordingObserver: DataLoadObserver, @unchecked Sendable {
    enum Event: Equatable {
        case loading(String, DataLoadStage, Int, Int)
        case loaded(String)
    }

    let minimumFileBytes: Int
    private let lock = NSLock()
    private var recorded: [Event] = []

    init(minimumFileBytes: Int) { self.minimumFileBytes = minimumFileBytes }

    var events: [Event] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func loading(_ path: String, stage: DataLoadStage, done: Int, total: Int) {
        lock.lock()
        recorded.append(.loading(path, stage, done, total))
        lock.unlock()
    }

    func loaded(_ path: String) {
        lock.lock()
        recorded.append(.loaded(path))
        lock.unlock()
    }
}
