import Foundation

/// The run folders under `directory` (every folder holding a manifest.json, at any
/// depth), sorted by path: tests find a run this way rather than by spelling out the
/// results tree's layout.
public func runFolders(under directory: URL) -> [URL] {
    filesUnder(directory).filter { $0 == "manifest.json" || $0.hasSuffix("/manifest.json") }
        .map { directory.appendingPathComponent($0).deletingLastPathComponent().standardizedFileURL }
}

/// The one run folder under `directory`; fails the test when there is not exactly one.
public func onlyRunFolder(under directory: URL) throws -> URL {
    let folders = runFolders(under: directory)
    guard folders.count == 1 else {
        throw NSError(domain: "dnn-run tests", code: 1, userInfo: [
            NSLocalizedDescriptionKey: "expected one run folder under \(directory.path), found \(folders.map(\.path))",
        ])
    }
    return folders[0]
}

/// A run folder's manifest.json as a JSON object, and a way to write it back changed.
public func readManifestJSON(_ folder: URL) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json"))) as! [String: Any]
}

public func writeManifestJSON(_ object: [String: Any], to folder: URL) throws {
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        .write(to: folder.appendingPathComponent("manifest.json"))
}
