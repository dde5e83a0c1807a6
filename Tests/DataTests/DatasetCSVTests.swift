import DeepNet
import Data
import Support
import TestSupport
import XCTest

final class DatasetCSVTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUp() { directory = TemporaryDirectory() }
    override func tearDown() { directory = nil }

    /// Writes `text` to `name` in the test's directory and returns its path.
    private func csv(_ text: String, _ name: String = "data.csv") -> String {
        directory.write(name, text)
    }

    // MARK: Good loads

    func testOneExamplePerRowLabelLast() throws {
        let path = csv("height,weight,cat\n1.5,20,1\n-3,0.25,0\n")
        let data = try load(path, scale: 2)
        XCTAssertEqual(data.X, Matrix([[0.75, -1.5], [10, 0.125]]))
        XCTAssertEqual(data.Y, Matrix([[1, 0]]))
        XCTAssertEqual(data.sha256, try sha256OfFile(atPath: path))
    }

    func testLabelColumnCountsFromEitherEnd() throws {
        let path = csv("label,a,b\n1,2,3\n0,4,5\n")
        let first = try load(path, labelColumn: 0)
        XCTAssertEqual(first.X, Matrix([[2, 4], [3, 5]]))
        XCTAssertEqual(first.Y, Matrix([[1, 0]]))
        let fromEnd = try load(path, labelColumn: -3)
        XCTAssertEqual(fromEnd, first)
    }

    func testWithoutHeader() throws {
        let data = try load(csv("1,2,0\n3,4,1\n"), header: false)
        XCTAssertEqual(data.X, Matrix([[1, 3], [2, 4]]))
        XCTAssertEqual(data.Y, Matrix([[0, 1]]))
    }

    func testWindowsLineEndsByteOrderMarkBlankLinesAndSpaces() throws {
        let data = try load(csv("\u{FEFF}a,b,y\r\n\r\n 1 , 2 ,1\r\n\t3,4,\t0\r\n\n"))
        XCTAssertEqual(data.X, Matrix([[1, 3], [2, 4]]))
        XCTAssertEqual(data.Y, Matrix([[1, 0]]))
    }

    // MARK: Errors at a place in the file

    func testRowsOfUnequalLength() {
        let path = csv("a,b,y\n1,2,1\n3,4,5,0\n6,7\n")
        assertDiagnostic({ () throws(Diagnostic) in try load(path) },
                         contains: ["data file \(path):3:7: this row has 4 columns but the first one has 3"])
        let short = csv("a,b,y\n1,2,1\n6,7\n", "short.csv")
        assertDiagnostic({ () throws(Diagnostic) in try load(short) }, contains: ["short.csv:3:4: this row has 2 columns"])
    }

    func testNonNumericAndEmptyCells() {
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("a,b,y\n1,2,1\n3, abc,0\n")) },
                         contains: [":3:4: expected a number, found 'abc'"])
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("a,b,y\n1,,1\n")) },
                         contains: [":2:3: expected a number, found an empty cell"])
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("a,b,y\n1,2,1\n"), header: false) },
                         contains: [":1:1: expected a number, found 'a'", "hint: if the first row is a header"])
    }

    func testNaNAndInfiniteFeatures() {
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("a,b,y\n1,nan,1\n")) },
                         contains: [":2:3: feature 'nan' is not a finite number"])
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("a,b,y\n1,2,1\n-inf,2,0\n")) },
                         contains: [":3:1: feature '-inf' is not a finite number"])
    }

    func testLabelsOtherThanZeroOrOne() {
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("a,y\n1,1\n2,2\n")) },
                         contains: [":3:3: label '2'; labels must be 0 or 1", "hint: map the two classes"])
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("a,y\n1,-1\n")) }, contains: [":2:3: label '-1'"])
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("a,y\n1,yes\n")) },
                         contains: [":2:3: expected a number, found 'yes'"])
    }

    func testLabelColumnOutOfRange() {
        let path = csv("a,b,y\n1,2,1\n")
        assertDiagnostic({ () throws(Diagnostic) in try load(path, labelColumn: 3) },
                         contains: [":2:1: label_column 3 is out of range for rows of 3 columns", "use 0 to 2"])
        assertDiagnostic({ () throws(Diagnostic) in try load(path, labelColumn: -4) }, contains: ["label_column -4"])
    }

    // MARK: Errors about the whole file

    func testEmptyFileAndHeaderOnly() {
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("")) }, contains: ["data.csv': is empty"])
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("\n \n")) }, contains: ["is empty"])
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("a,b,y\n")) },
                         contains: ["has a header row but no examples"])
    }

    /// Both said "has a header row but no examples" (issue 22, item 16).
    func testCROnlyLineEndsAndNULBytesSayWhatTheyAre() {
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("a,b,y\r1,2,0\r3,4,1\r")) },
                         contains: ["ends its 3 lines with a lone carriage return (\\r, classic Mac OS)",
                                    "hint: convert it: tr '\\r' '\\n' <"])
        assertDiagnostic({ () throws(Diagnostic) in try load(csv(String(repeating: "\0", count: 64))) },
                         contains: ["data.csv': is not a text file: byte 0 is a NUL (64 of its 64 bytes are)"])
        // CRLF files are read as ever.
        XCTAssertEqual(try? load(csv("a,b,y\r\n1,2,0\r\n3,4,1\r\n")).X.cols, 2)
    }

    func testNumericFirstRowDeclaredAsHeader() {
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("1,2,0\n3,4,1\n")) },
                         contains: [":1:1: the first row holds only numbers", "header: false"])
    }

    func testSingleColumn() {
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("y\n1\n")) },
                         contains: [":2:1: a row needs at least two columns"])
    }

    func testScaleMustBePositive() {
        assertDiagnostic({ () throws(Diagnostic) in try load(csv("a,y\n1,1\n"), scale: 0) },
                         contains: ["data.scale must be a positive finite number, not 0"])
    }
}
