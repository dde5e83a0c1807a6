import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The folder a debug dnn-run marks named points in (`DNN_RUN_TEST_MARKS`, see
/// Support's `TestMarks`), so that a test signals a run at a known point, not after a
/// sleep:
///
///     let marks = try RunMarks(in: dir)
///     let run = try startDnnRun([spec.path], in: dir, environment: marks.environment)
///     XCTAssertTrue(marks.wait(for: "training~default"))
public struct RunMarks {
    public let folder: URL

    public init(in directory: URL) throws {
        folder = directory.appendingPathComponent("marks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    public var environment: [String: String] { ["DNN_RUN_TEST_MARKS": folder.path] }

    /// Makes a run stay at `name` once it reaches it, until `resume(name)`.
    public func pause(at name: String) throws {
        try Data().write(to: folder.appendingPathComponent(name + ".pause"))
    }

    public func resume(_ name: String) {
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(name + ".pause"))
    }

    /// Whether `name` was reached within `seconds` (while `process` runs, if given).
    public func wait(for name: String, atMost seconds: Double = 60, while process: RunningProcess? = nil) -> Bool {
        let path = folder.appendingPathComponent(name).path
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: path) { return true }
            if let process, !process.process.isRunning { break }
            usleep(2_000)
        }
        return FileManager.default.fileExists(atPath: path)
    }
}

/// Holds `.lock-<point>` of `experiment` (creating the folder) as another dnn-run
/// process training that point would, until `release`.
public final class HeldRunLock {
    private var fd: Int32

    public init(_ point: String, of experiment: URL) throws {
        try FileManager.default.createDirectory(at: experiment, withIntermediateDirectories: true)
        fd = open(experiment.appendingPathComponent(".lock-\(point)").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0, flock(fd, LOCK_EX) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    public func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    deinit { release() }
}
