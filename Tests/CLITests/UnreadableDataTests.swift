import Foundation
import TestSupport
import XCTest

import Glibc

/// The README's "unreadable data file" row, proven also where the tests run as root (CI
/// does, and root reads files whatever their permissions): dnn-run then runs as an
/// unprivileged child (`setpriv` to the nobody user), as a user without the permission.
final class UnreadableDataTests: XCTestCase {
    /// Runs dnn-run with `arguments`, as nobody when this process is root.
    private func runUnprivileged(_ arguments: [String], in dir: URL) throws -> ProcessResult {
        guard getuid() == 0 else { return try runDnnRun(arguments, in: dir) }
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "util-linux's setpriv (Debian: util-linux)")
        return try runProgram(
            "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", dnnRunExecutable().path] + arguments,
            in: dir)
    }

    func testAnUnreadableCSVOrHDF5FileNamesItsSpecLocationAndTheReason() throws {
        let dir = try temporaryDirectory(for: self)
        XCTAssertEqual(chmod(dir.path, 0o755), 0)   // nobody may enter the folder, not write in it
        let spec = try writeToySpec(in: dir)
        XCTAssertEqual(chmod(dir.appendingPathComponent("train.csv").path, 0), 0)
        let csv = try runUnprivileged(["validate", spec.path], in: dir)
        XCTAssertEqual(csv.status, 2, csv.stdout + csv.stderr)
        XCTAssertTrue(csv.stderr.contains("toy.yaml:4:10: error: data.train: \(dir.path)/train.csv cannot be read: Permission denied"),
                      csv.stderr)
        XCTAssertTrue(csv.stderr.contains("hint: give this user read permission (chmod +r)"), csv.stderr)

        let h5 = dir.appendingPathComponent("train.h5")
        try FileManager.default.copyItem(at: packageRoot().appendingPathComponent("datasets/train_catvnoncat.h5"), to: h5)
        XCTAssertEqual(chmod(h5.path, 0), 0)
        let hdf5Spec = dir.appendingPathComponent("cat.yaml")
        try """
            name: cat
            data:
              train: train.h5
            model:
              layer_dims: [12288, 1]
            training:
              learning_rate: 0.01
              iterations: 10

            """.write(to: hdf5Spec, atomically: true, encoding: .utf8)
        let hdf5 = try runUnprivileged(["validate", hdf5Spec.path], in: dir)
        XCTAssertEqual(hdf5.status, 2, hdf5.stdout + hdf5.stderr)
        XCTAssertTrue(hdf5.stderr.contains("cat.yaml:3:10: error: data.train: \(h5.path) cannot be read: Permission denied"),
                      hdf5.stderr)
    }
}
