import Foundation
import XCTest

@testable import Spec
@testable import Data
@testable import Support
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// What the spec path names: only a regular file is read, and never more than the input
/// limit, so a FIFO, a device or a growing file cannot hang the loader or fill memory.
final class SpecInputFileTests: XCTestCase {
    func testAMissingSpecIsReported() throws {
        let fixture = try SpecFixture()
        let diagnostics = try XCTUnwrap(fixture.diagnostics("nothere.yaml"))
        XCTAssertEqual(diagnostics.items.map(\.description), ["nothere.yaml:1:1: error: no such spec file: \(fixture.directory)/nothere.yaml"])
    }

    func testADirectoryIsNotASpec() throws {
        let fixture = try SpecFixture()
        let diagnostics = try XCTUnwrap(fixture.diagnostics("data"))
        XCTAssertEqual(diagnostics.items.map(\.description), ["data:1:1: error: \(fixture.directory)/data is a directory, not a spec file"])
    }

    /// Opening a FIFO for reading waits for a writer; the loader must refuse it at once.
    func testAFIFOIsRefusedWithoutWaitingForAWriter() throws {
        let fixture = try SpecFixture()
        XCTAssertEqual(mkfifo(fixture.directory + "/spec.yaml", 0o600), 0)
        let started = Date()
        let diagnostics = try XCTUnwrap(fixture.diagnostics())
        assertTiming(Date().timeIntervalSince(started), below: 5, "refusing a FIFO as the spec")
        XCTAssertTrue(diagnostics.description.contains("is not a spec file but a FIFO, socket or device"), "\(diagnostics)")
    }

    func testDevZeroIsRefusedWithoutReadingIt() throws {
        let diagnostics: Diagnostics
        do {
            _ = try SpecLoader.load(path: "/dev/zero")
            return XCTFail("/dev/zero loaded")
        } catch {
            diagnostics = error
        }
        XCTAssertEqual(diagnostics.items.map(\.description), ["/dev/zero:1:1: error: /dev/zero is not a spec file but a FIFO, socket or device\n  hint: save the spec to a file"])
    }

    /// An endless source stops at the limit plus one byte rather than being read to its end.
    func testReadingStopsJustPastTheLimit() throws {
        let descriptor = open("/dev/zero", O_RDONLY)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        defer { close(descriptor) }
        XCTAssertEqual(SpecLoader.readAll(descriptor, atMost: 4 << 20), .tooLarge)
        let fixture = try SpecFixture()
        let path = fixture.write(Array(repeating: UInt8(ascii: "a"), count: 1000))
        let file = open(path, O_RDONLY)
        defer { close(file) }
        XCTAssertEqual(SpecLoader.readAll(file, atMost: 100), .tooLarge)
        XCTAssertEqual(lseek(file, 0, SEEK_CUR), 101)
        XCTAssertEqual(lseek(file, 0, SEEK_SET), 0)
        XCTAssertEqual(SpecLoader.readAll(file, atMost: 1000), .complete(Array(repeating: UInt8(ascii: "a"), count: 1000)))
    }

    /// A file that says it is empty but is not (as files in /proc do) is still held to the
    /// limit, while it is read.
    func testTheLimitHoldsForAFileLargerThanItsStatedSize() throws {
        var limits = YAMLLimits()
        limits.maxInputBytes = 100
        do {
            _ = try SpecLoader.load(path: "/proc/self/maps", limits: limits)
            XCTFail("/proc/self/maps loaded")
        } catch {
            XCTAssertEqual(error.items.map(\.message), ["the spec file is over 100 bytes; at most 100 are accepted"])
        }
    }
}
