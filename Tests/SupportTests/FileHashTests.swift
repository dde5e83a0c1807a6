import Support
import TestSupport
import Foundation
import XCTest

final class FileHashTests: XCTestCase {
    func testKnownDigests() throws {
        let directory = TemporaryDirectory()
        // The FIPS 180-2 examples, as `sha256sum` prints them.
        XCTAssertEqual(
            try sha256OfFile(atPath: directory.write("empty", "")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(
            try sha256OfFile(atPath: directory.write("abc", "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testFilesLargerThanOneChunk() throws {
        // 2.5 MiB + 7 bytes: two full 1 MiB chunks and a partial one.
        let bytes = Data((0..<(5 * (1 << 19) + 7)).map { UInt8($0 % 251) })
        let directory = TemporaryDirectory()
        let path = directory.file("big")
        try bytes.write(to: URL(fileURLWithPath: path))
        // hashlib.sha256(bytes(i % 251 for i in range(5 * (1 << 19) + 7))).hexdigest()
        XCTAssertEqual(
            try sha256OfFile(atPath: path), "ffe7fe4b5e2866a0433ec4ae27932c3f50ef8b8ff5b4aa4bc3808aaf8bd2dd70")
    }

    func testMissingFile() {
        XCTAssertThrowsError(try sha256OfFile(atPath: "/nonexistent/file")) { error in
            XCTAssertEqual(
                (error as? Diagnostic)?.message, "cannot open '/nonexistent/file': No such file or directory")
        }
    }
}
