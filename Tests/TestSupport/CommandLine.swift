import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// What a finished `dnn-run` process printed and how it exited.
public struct ProcessResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// The `dnn-run` built beside the test bundle (`swift build` puts every product of the
/// package in one folder).
public func dnnRunExecutable(file: StaticString = #filePath, line: UInt = #line) -> URL {
    let products = Bundle.allBundles.map(\.bundleURL).first { $0.pathExtension == "xctest" }?
        .deletingLastPathComponent()
        ?? Bundle.main.bundleURL
    let url = products.appendingPathComponent("dnn-run")
    if !FileManager.default.isExecutableFile(atPath: url.path) {
        XCTFail("dnn-run is not built at \(url.path); run `swift build` first", file: file, line: line)
    }
    return url
}

/// Runs `dnn-run` with `arguments` in `directory` and waits for it.
@discardableResult
public func runDnnRun(
    _ arguments: [String], in directory: URL, environment: [String: String] = [:]
) throws -> ProcessResult {
    let process = try startDnnRun(arguments, in: directory, environment: environment)
    return process.wait()
}

/// A `dnn-run` process started in the background, for tests that signal it or race two.
/// What it prints is collected as it comes, so a test can wait for a line
/// (`waitForOutput`) instead of sleeping.
public final class RunningProcess: @unchecked Sendable {
    public let process = Process()
    private let out = Pipe()
    private let err = Pipe()
    private let lock = NSLock()
    private var outData = Data()
    private var errData = Data()
    private let group = DispatchGroup()

    init(_ executable: URL, _ arguments: [String], _ directory: URL, _ environment: [String: String]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        collect(out.fileHandleForReading, into: \.outData)
        collect(err.fileHandleForReading, into: \.errData)
    }

    private func collect(_ handle: FileHandle, into buffer: ReferenceWritableKeyPath<RunningProcess, Data>) {
        group.enter()
        DispatchQueue.global().async { [self] in
            while true {
                let chunk = handle.availableData   // empty at end of file
                if chunk.isEmpty { break }
                lock.lock()
                self[keyPath: buffer].append(chunk)
                lock.unlock()
            }
            group.leave()
        }
    }

    /// What the process has printed so far.
    public var printedSoFar: (stdout: String, stderr: String) {
        lock.lock()
        defer { lock.unlock() }
        return (String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// Waits until the process has printed `text` (on either stream), at most `seconds`;
    /// false if it did not (it exited first or the time ran out).
    @discardableResult
    public func waitForOutput(_ text: String, atMost seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let (o, e) = printedSoFar
            if o.contains(text) || e.contains(text) { return true }
            if !process.isRunning {
                group.wait()   // the last of what it printed
                let (o, e) = printedSoFar
                return o.contains(text) || e.contains(text)
            }
            usleep(5_000)
        }
        return false
    }

    /// Waits at most `seconds` for the process to exit, then kills it (SIGKILL): a test
    /// of something that must not hang fails instead of hanging. The status is then
    /// `SIGKILL`'s number.
    public func wait(atMost seconds: Double) -> ProcessResult {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        return wait()
    }

    /// Waits for the process to exit and returns what it printed.
    public func wait() -> ProcessResult {
        process.waitUntilExit()
        group.wait()
        return ProcessResult(status: process.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }
}

public func startDnnRun(
    _ arguments: [String], in directory: URL, environment: [String: String] = [:]
) throws -> RunningProcess {
    try RunningProcess(dnnRunExecutable(), arguments, directory, environment)
}

/// Runs another program (a shell with limits, `script`, `git`, `cp`...) in `directory`,
/// waits for it and returns what it printed: for tests that put dnn-run in a special
/// environment. `ProcessResult.status` is the exit status, or the signal's number when
/// one ended it.
@discardableResult
public func runProgram(
    _ path: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:]
) throws -> ProcessResult {
    try RunningProcess(URL(fileURLWithPath: path), arguments, directory, environment).wait()
}

/// `bash -c COMMAND` in `directory`; the command finds the built binary in `$DNN_RUN`.
/// bash, not /bin/sh (dash on Debian, which has no PIPESTATUS and no pipefail).
@discardableResult
public func runShell(_ command: String, in directory: URL) throws -> ProcessResult {
    try runProgram("/bin/bash", ["-c", command], in: directory, environment: ["DNN_RUN": dnnRunExecutable().path])
}

/// A file's SHA-256 as `sha256sum` prints it: a hash computed outside dnn-run.
public func sha256sum(_ path: String) throws -> String {
    String(try runProgram("/usr/bin/sha256sum", [path], in: URL(fileURLWithPath: "/")).stdout.prefix(64))
}

/// A fresh temporary directory, removed when the test ends.
public func temporaryDirectory(for test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dnn-run-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// The package's root folder (holding Package.swift), found from a test file's path.
public func packageRoot(file: StaticString = #filePath) -> URL {
    var url = URL(fileURLWithPath: "\(file)")
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("no Package.swift above \(file)")
}

/// Every regular file under `directory`, as paths relative to it, sorted.
public func filesUnder(_ directory: URL) -> [String] {
    guard let e = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
    let base = directory.standardizedFileURL.path
    return e.compactMap { $0 as? URL }
        .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
        .map { String($0.standardizedFileURL.path.dropFirst(base.count + 1)) }
        .sorted()
}

/// Rows of RFC 4180 CSV text: fields may be quoted, with "" for a quote inside.
public func parseCSV(_ text: String) -> [[String]] {
    let chars = Array(text)
    var rows: [[String]] = [], row: [String] = [], field = ""
    var quoted = false
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if quoted {
            if c == "\"" && i + 1 < chars.count && chars[i + 1] == "\"" {
                field.append("\"")
                i += 1
            } else if c == "\"" {
                quoted = false
            } else {
                field.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            row.append(field)
            field = ""
        } else if c == "\n" {
            row.append(field)
            rows.append(row)
            row = []
            field = ""
        } else {
            field.append(c)
        }
        i += 1
    }
    if !field.isEmpty || !row.isEmpty {
        row.append(field)
        rows.append(row)
    }
    return rows
}
