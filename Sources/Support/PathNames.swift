import FoundationEssentials
import Glibc

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

    /// The last component of `path`, as NSString's `lastPathComponent` reads it: trailing
    /// slashes ignored, `/a/b/` is `b`, `/` is `/`, `x` is `x`.
    public static func lastComponent(of path: String) -> String {
        let trimmed = trailingSlashesRemoved(path)
        if trimmed == "/" || trimmed.isEmpty { return trimmed }
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// `path` without its last component, as NSString's `deletingLastPathComponent` reads
    /// it: `/a/b/` is `/a`, `/a` is `/`, `a` is empty, `/` is `/`.
    public static func parent(of path: String) -> String {
        let trimmed = trailingSlashesRemoved(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        return trailingSlashesRemoved(String(trimmed[..<slash]))
    }

    private static func trailingSlashesRemoved(_ path: String) -> String {
        var s = Substring(path)
        while s.count > 1, s.hasSuffix("/") { s = s.dropLast() }
        return String(s)
    }
}
