import Foundation
import XCTest

/// The files `Reference/pillow_reference.py` writes (images and Pillow's pixels for them),
/// made once per test run into a temporary folder.
///
/// The Python comes from `DNN_RUN_TEST_PYTHON` (make test sets it to the virtual
/// environment `make test-venv` makes, with Reference/requirements.txt), or else from
/// `.venv-test/bin/python` in the package when it exists; without either the tests that
/// need Pillow are skipped, saying so. When the variable is set, any failure is a failure.
enum PillowReference {
    struct Case {
        var name: String
        var image: String
        var width: Int
        var height: Int
        var reference: String
    }

    struct Generated {
        var folder: URL
        var cases: [Case]
        var errors: [(image: String, reason: String)]
        /// What the script printed (the Pillow version and the counts).
        var summary: String

        func url(_ relative: String) -> URL { folder.appendingPathComponent(relative) }
        func bytes(_ relative: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(relative))) }
    }

    enum Failure: Error, CustomStringConvertible {
        case skip(String)
        case failed(String)
        var description: String {
            switch self {
            case .skip(let message), .failed(let message): return message
            }
        }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static let result: Result<Generated, Failure> = Result { () throws(Failure) in try generate() }

    /// The generated files, or a skip (no Python configured) or a failure.
    static func generated() throws -> Generated {
        switch result {
        case .success(let generated): return generated
        case .failure(.skip(let message)): throw XCTSkip(message)
        case .failure(.failed(let message)):
            XCTFail(message)
            throw Failure.failed(message)
        }
    }

    static func removeFiles() {
        if case .success(let generated) = result {
            try? FileManager.default.removeItem(at: generated.folder)
        }
    }

    private static func python() throws(Failure) -> String {
        if let configured = ProcessInfo.processInfo.environment["DNN_RUN_TEST_PYTHON"], !configured.isEmpty {
            return configured
        }
        let venv = packageRoot.appendingPathComponent(".venv-test/bin/python").path
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        throw .skip("comparing with Pillow needs a Python with Pillow, numpy and h5py: run `make test-venv` "
            + "(make test does) or set DNN_RUN_TEST_PYTHON")
    }

    private static func generate() throws(Failure) -> Generated {
        let python = try python()
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("dnn-run-images-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: folder)
        let script = packageRoot.appendingPathComponent("Tests/ImagesTests/Reference/pillow_reference.py").path
        let course = packageRoot.appendingPathComponent("datasets/test_catvnoncat.h5").path

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, folder.path, "--course", course, "--large"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch {
            throw .failed("cannot run \(python) (DNN_RUN_TEST_PYTHON): \(error)")
        }
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .failed("\(python) \(script) failed with status \(process.terminationStatus):\n\(printed)")
        }

        func table(_ name: String) throws(Failure) -> [[String]] {
            guard let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) else {
                throw .failed("\(script) wrote no \(name)")
            }
            return text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        }
        let cases = try table("cases.tsv").map { f in
            Case(name: f[0], image: f[1], width: Int(f[2])!, height: Int(f[3])!, reference: f[4])
        }
        let errors = try table("errors.tsv").map { (image: $0[0], reason: $0[1]) }
        return Generated(folder: folder, cases: cases, errors: errors,
                         summary: printed.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
