import Support
import XCTest

final class JSONValueEncoderTests: XCTestCase {
    private struct Record: Codable {
        var name: String
        var ratio: Double?
        var count: Int
        var flags: [Bool]
        var nested: Nested?

        enum CodingKeys: String, CodingKey {
            case name
            case count = "item_count"
            case ratio, flags, nested
        }
    }

    private struct Nested: Codable {
        var values: [Double]
        var note: String?
    }

    /// Members in the order of the CodingKeys (not of the properties), nil as null.
    func testKeysInCodingKeysOrderAndNilAsNull() throws {
        let record = Record(name: "a\"b", ratio: nil, count: 3, flags: [true, false], nested: nil)
        XCTAssertEqual(try JSONValueEncoder().encode(record).rendered(), """
            {
              "name": "a\\"b",
              "item_count": 3,
              "ratio": null,
              "flags": [true, false],
              "nested": null
            }

            """)
    }

    func testNestedValuesAndShortestDecimals() throws {
        let record = Record(
            name: "x", ratio: 0.1 + 0.2, count: -1, flags: [],
            nested: Nested(values: [1e-05, 12288, .infinity], note: nil))
        XCTAssertEqual(try JSONValueEncoder().encode(record).rendered(), """
            {
              "name": "x",
              "item_count": -1,
              "ratio": 0.30000000000000004,
              "flags": [],
              "nested": {
                "values": [1e-05, 12288.0, null],
                "note": null
              }
            }

            """)
    }

    func testTopLevelScalarsAndArrays() throws {
        XCTAssertEqual(try JSONValueEncoder().encode(2.5), .number(2.5))
        XCTAssertEqual(try JSONValueEncoder().encode(["a", "b"]), .array([.string("a"), .string("b")]))
        XCTAssertEqual(try JSONValueEncoder().encode(UInt8(7)), .int(7))
        XCTAssertThrowsError(try JSONValueEncoder().encode(UInt64.max))
    }
}
