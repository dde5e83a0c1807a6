import Foundation

/// The Python with numpy, h5py and Pillow that tests use to make reference files:
/// DNN_RUN_TEST_PYTHON, or the package's .venv-test (`make test-venv`); nil without one.
public func testPython() -> String? {
    if let configured = ProcessInfo.processInfo.environment["DNN_RUN_TEST_PYTHON"], !configured.isEmpty {
        return configured
    }
    let venv = packageRoot().appendingPathComponent(".venv-test/bin/python").path
    return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
}
