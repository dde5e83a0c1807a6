import Foundation
import XCTest

@testable import Spec
@testable import Data
@testable import Support
import TestSupport

/// A temporary folder with placeholder data files, for writing specs into. The spec stage
/// checks only that data files exist and are readable, so empty files do.
final class SpecFixture {
    let directory: String

    /// A spec that loads, with its line numbers:
    /// 1 name, 3 train, 4 test, 5 scale, 7 layer_dims, 8 hidden_activation, 9 init,
    /// 11 learning_rate, 12 iterations, 13 seed.
    static let validSpec = """
        name: cat
        data:
          train: train.h5
          test: test.h5
          scale: 255
        model:
          layer_dims: [12288, 20, 7, 5, 1]
          hidden_activation: relu
          init: lecun
        training:
          learning_rate: 0.0075
          iterations: 2500
          seed: 1

        """

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: directory + "/folder.h5", withIntermediateDirectories: true)
        for file in ["train.h5", "test.h5", "train.csv", "data/train.h5"] {
            _ = manager.createFile(atPath: directory + "/" + file, contents: Data())
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes `bytes` as `name` in the folder and returns its absolute path.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String = "spec.yaml") -> String {
        let path = directory + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    @discardableResult
    func write(_ text: String, to name: String = "spec.yaml") -> String { write(Array(text.utf8), to: name) }

    /// Loads `name` as the command line would from inside the folder, so errors name it
    /// as `spec.yaml:LINE:COLUMN`; `overrides` are located as `--set` flags, as the
    /// command line locates them.
    func load(_ name: String = "spec.yaml", overrides: [String] = []) throws(Diagnostics) -> Sweep {
        try SpecLoader.load(
            path: name, overrides: overrides.map { SpecOverride($0, at: .flag("--set \($0)")) },
            workingDirectory: directory)
    }

    /// The diagnostics of loading `name`; fails the test if it loads.
    func diagnostics(
        _ name: String = "spec.yaml", overrides: [String] = [], file: StaticString = #filePath, line: UInt = #line
    ) -> Diagnostics? {
        do {
            _ = try load(name, overrides: overrides)
            XCTFail("the spec loaded, but errors were expected", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }
}

extension String {
    /// This text with `old` (which must occur) replaced by `new`.
    func replacing(_ old: String, with new: String) -> String {
        precondition(contains(old), "'\(old)' is not in the text")
        return replacingOccurrences(of: old, with: new)
    }
}
