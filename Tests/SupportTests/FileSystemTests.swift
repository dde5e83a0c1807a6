import Foundation
@testable import Support
import TestSupport
import XCTest

final class FileSystemTests: XCTestCase {
    func testAtomicWriteReplacesTheFileAndLeavesNothingElse() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("out.txt")
        try AtomicFile.write("first\n", to: path)
        try AtomicFile.write(to: path) { sink in
            for i in 0..<100_000 { sink.write("\(i)\n") }
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("0\n1\n2\n"))
        XCTAssertTrue(text.hasSuffix("99999\n"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out.txt"])
    }

    /// A bare file name is written in the working directory (its temporary file too, not
    /// at "/.name.tmp~ID").
    func testAtomicWriteOfABareNameStaysInTheWorkingDirectory() throws {
        let directory = TemporaryDirectory()
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory.path))
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        try AtomicFile.write("x\n", to: "bare.txt")
        XCTAssertEqual(try String(contentsOfFile: directory.file("bare.txt"), encoding: .utf8), "x\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["bare.txt"])
        XCTAssertEqual(AtomicFile.staging(for: "bare.txt").temporary, "./.bare.txt.tmp~\(ProcessIdentity.current)")
        XCTAssertEqual(AtomicFile.staging(for: "/r/x/m.json").temporary, "/r/x/.m.json.tmp~\(ProcessIdentity.current)")
        XCTAssertEqual(AtomicFile.staging(for: "/m.json").temporary, "//.m.json.tmp~\(ProcessIdentity.current)")
    }

    func testAtomicWriteIntoAMissingFolderNamesThePathAndTheReason() {
        XCTAssertThrowsError(try AtomicFile.write("x", to: "/nonexistent/out.txt")) { error in
            let diagnostic = error as? Diagnostic
            XCTAssertEqual(
                diagnostic?.message, "cannot create '/nonexistent/.out.txt.tmp~\(ProcessIdentity.current)': No such file or directory")
            XCTAssertEqual(diagnostic?.hint, AtomicFile.failureHint)
        }
    }

    /// A failing producer leaves the old file as it was and no temporary file.
    func testAFailedWriteKeepsTheOldFile() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("out.txt", "old\n")
        struct Failure: Error {}
        XCTAssertThrowsError(try AtomicFile.write(to: path) { sink in
            sink.write("new")
            throw Failure()
        })
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out.txt"])
    }

    func testALockIsExclusiveUntilReleased() throws {
        let directory = TemporaryDirectory()
        let path = directory.file(".lock-run")
        let first = try XCTUnwrap(try FileLock.acquire(at: path))
        XCTAssertNil(try FileLock.acquire(at: path), "a second open file description cannot take it")
        first.release()
        let second = try XCTUnwrap(try FileLock.acquire(at: path))
        second.release()
        XCTAssertThrowsError(try FileLock.acquire(at: "/nonexistent/.lock")) { error in
            XCTAssertEqual("\(error)", "cannot create the lock file '/nonexistent/.lock': No such file or directory")
        }
    }

    func testMakeDirectoriesMakesEveryMissingFolder() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("a/b/c")
        try FileSystem.makeDirectories(path)
        try FileSystem.makeDirectories(path)
        XCTAssertTrue(FileSystem.isDirectory(path))
        let file = directory.write("plain", "x")
        XCTAssertThrowsError(try FileSystem.makeDirectories(file + "/sub")) { error in
            // A file stands where a folder is needed.
            XCTAssertEqual("\(error)", "cannot create '\(file)': File exists")
        }
    }

    func testRenameAndRemove() throws {
        let directory = TemporaryDirectory()
        let source = directory.write("a", "x")
        try FileSystem.rename(source, to: directory.file("b"))
        XCTAssertFalse(FileSystem.exists(source))
        try FileSystem.removeFile(directory.file("b"))
        XCTAssertEqual(FileSystem.entries(of: directory.path), [])
        XCTAssertThrowsError(try FileSystem.removeFile(directory.file("b"))) { error in
            XCTAssertEqual("\(error)", "cannot remove '\(directory.file("b"))': No such file or directory")
        }
    }

    func testBoundedReadsOfRegularFilesOnly() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("ten", "0123456789")
        XCTAssertEqual(try FileSystem.readRegularFile(at: path, atMost: 10), Array("0123456789".utf8))
        XCTAssertThrowsError(try FileSystem.readRegularFile(at: path, atMost: 9)) { error in
            XCTAssertEqual(error as? BoundedReadError, .statedSize(10))
        }
        XCTAssertThrowsError(try FileSystem.readRegularFile(at: directory.path, atMost: 9)) { error in
            XCTAssertEqual(error as? BoundedReadError, .isDirectory)
        }
        XCTAssertThrowsError(try FileSystem.readRegularFile(at: "/dev/zero", atMost: 9)) { error in
            XCTAssertEqual(error as? BoundedReadError, .notRegularFile)
        }
        XCTAssertThrowsError(try FileSystem.readRegularFile(at: directory.file("none"), atMost: 9)) { error in
            XCTAssertEqual(error as? BoundedReadError, .cannotOpen(.noSuchFileOrDirectory))
        }
        let zero = try FileSystem.open("/dev/zero", .readOnly)
        defer { try? zero.close() }
        XCTAssertEqual(FileSystem.readAll(zero, atMost: 100_000), .tooLarge)
    }
}
