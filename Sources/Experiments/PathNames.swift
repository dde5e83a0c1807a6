/// Lexical path arithmetic for spec files and the data they name. Symbolic links are
/// not resolved, so an absolute path reads as the user wrote it.
enum PathNames {
    /// `path` made absolute against `directory` (when relative), with `.`, `..` and
    /// repeated slashes removed: `normalized("../d/x.h5", relativeTo: "/a/b")` is `/a/d/x.h5`.
    static func normalized(_ path: String, relativeTo directory: String) -> String {
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
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
