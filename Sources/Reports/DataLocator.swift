import FoundationEssentials
import Glibc
import Runs
import Support

/// Finds the data file a run read, wherever it is now: the run folder's `spec.yaml` names
/// it relative to the folder; folders given by the user are searched by file name; the
/// SHA-256 the manifest recorded decides.
enum DataLocator {
    /// The path of a file with `record`'s SHA-256, trying in order: `specPath` (from the
    /// run's spec.yaml), each of `dataFolders` with the same file name, and the path the
    /// file had when the run was made.
    /// - Throws: `Diagnostic` naming every place looked and the SHA-256 expected.
    static func locate(_ record: DatasetRecord, specPath: String, dataFolders: [String]) throws -> String {
        let name = PathNames.lastComponent(of: specPath)
        var candidates = [specPath] + dataFolders.map { PathNames.absolute($0) + "/" + name } + (record.path.map { [$0] } ?? [])
        var seen = Set<String>()
        candidates = candidates.filter { seen.insert($0).inserted }
        var looked: [String] = []
        for path in candidates {
            guard FileSystem.exists(path) else {
                looked.append("\(PathNames.relativeToWorkingDirectory(path)) (no such file)")
                continue
            }
            let hash: String
            do throws(FileError) {
                hash = try SHA256.hexOfFile(at: path)   // a FIFO or a device is refused, never read
            } catch {
                looked.append("\(PathNames.relativeToWorkingDirectory(path)) (cannot be read: \(error.reason))")
                continue
            }
            if hash == record.sha256 { return path }
            looked.append("\(PathNames.relativeToWorkingDirectory(path)) (another file: sha256 \(hash.prefix(12))…)")
        }
        throw Diagnostic(
            "the \(record.split) data of this run (\(name), sha256 \(record.sha256 ?? "?")) was not found; looked at "
                + looked.joined(separator: ", "),
            hint: "pass \(option: .data) with the folder that holds \(name) (repeatable)")
    }
}
