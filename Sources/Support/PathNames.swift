import Foundation

/// Lexical path arithmetic for spec files and the data they name. Symbolic links are
/// not resolved, so an absolute path reads as the user wrote it.
public enum PathNames {
    /// `path` made absolute against `directory` (when relative), with `.`, `..` and
    /// repeated slashes removed: `normalized("../d/x.h5", relativeTo: "/a/b")` is `/a/d/x.h5`.
    public static func normalized(_ path: String, relativeTo directory: String) -> String {
        let full = path.hasPrefix("/") ? path : directory + "/" + path
        var parts: [Substring] = []
        for part in full.split(separator: "/") where part != "." {
            if part == ".." {
                _ = parts.popLast()
            } else {
                parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The folder holding `path` (an absolute, normalized path).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// `path` relative to the working directory when it is inside it, for messages:
    /// `/home/a/dnn-run/results/cat_5layer` is `results/cat_5layer` from `/home/a/dnn-run`.
    public static func relativeToWorkingDirectory(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        return path.hasPrefix(cwd + "/") ? String(path.dropFirst(cwd.count + 1)) : path
    }

    /// `path` made absolute against the working directory and normalized.
    public static func absolute(_ path: String) -> String {
        normalized(path, relativeTo: FileManager.default.currentDirectoryPath)
    }
}
