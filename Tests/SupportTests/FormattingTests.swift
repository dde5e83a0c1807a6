import Support
import XCTest

final class FormattingTests: XCTestCase {
    func testByteCountsInBinaryUnits() {
        XCTAssertEqual(byteCountText(700), "700 bytes")
        XCTAssertEqual(byteCountText(1023), "1023 bytes")
        XCTAssertEqual(byteCountText(1024), "1.0 KiB")
        XCTAssertEqual(byteCountText(1536), "1.5 KiB")
        XCTAssertEqual(byteCountText(100_000 * 1000 * 1), "95.4 MiB")
        XCTAssertEqual(byteCountText(Double(8 << 30)), "8.0 GiB")
    }

    func testByteCountsInDecimalUnits() {
        XCTAssertEqual(byteCountText(999, units: .decimal), "999 bytes")
        XCTAssertEqual(byteCountText(1500, units: .decimal), "1.5 kB")
        XCTAssertEqual(byteCountText(32e12, units: .decimal), "32.0 TB")
        XCTAssertEqual(byteCountText(16.25e9, units: .decimal), "16.3 GB")
    }

    func testDurations() {
        XCTAssertEqual(durationText(42.4), "42s")
        XCTAssertEqual(durationText(185), "3m05s")
        XCTAssertEqual(durationText(3720), "1h02m")
        XCTAssertEqual(durationText(.infinity), "?")
        XCTAssertEqual(durationText(-1), "?")
    }

    func testShortestDecimalsAndDisplayText() {
        XCTAssertEqual(shortestDecimal(0.0075), "0.0075")
        XCTAssertEqual(shortestDecimal(1e-05), "1e-05")
        XCTAssertEqual(shortestDecimal(12288), "12288.0")
        XCTAssertEqual(displayText(255), "255")
        XCTAssertEqual(displayText(0.5), "0.5")
        XCTAssertEqual(displayText(.nan), "nan")
    }

    func testCSVFieldsAreQuotedOnlyWhenNeeded() {
        XCTAssertEqual(csvField("training.seed=1"), "training.seed=1")
        XCTAssertEqual(csvField("a,b"), "\"a,b\"")
        XCTAssertEqual(csvField("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(csvField("two\nlines"), "\"two\nlines\"")
    }

    func testHex() {
        XCTAssertEqual(Hex.lowercase([0xab, 0x01, 0x00, 0xff]), "ab0100ff")
        XCTAssertEqual(Hex.lowercase([]), "")
    }

    func testTimestampIsISO8601InUTC() throws {
        let text = timestamp()
        XCTAssertNotNil(try text.wholeMatch(of: Regex(#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#)), text)
        XCTAssertFalse(hostName().isEmpty)
    }
}
