import Support

/// The git work tree around a spec's folder, read from its files without running git:
/// `.git` (a folder, or a `gitdir:` file as linked worktrees and submodules have), HEAD,
/// loose refs and packed-refs.
///
/// Nothing the repository configures can run from here: its config is never read. Every
/// file is opened non-blocking and read only when it is a regular file of at most a few
/// bytes (packed-refs: a few MB), so a FIFO or a device in `.git` cannot hang or spin, and
/// ref names are checked so that `ref: refs/../../x` reads nothing outside the git folder.
struct GitRepository {
    /// The folder holding `.git`.
    let workTree: String
    /// `.git`, or the folder a `.git` file names (a linked worktree's or a submodule's).
    let gitFolder: String
    /// Where the objects and shared refs are: `gitFolder`, or the folder its `commondir`
    /// file names (a linked worktree's main repository).
    let commonFolder: String

    /// The repository whose work tree holds `folder` (an absolute path): the nearest
    /// folder from `folder` up that has a `.git`; nil when none has, or when that `.git`
    /// is not a readable git folder.
    static func enclosing(_ folder: String) -> GitRepository? {
        var current = folder
        while true {
            let dotGit = current == "/" ? "/.git" : current + "/.git"
            if let status = try? FileSystem.status(of: dotGit) {
                return status.type == .directory || status.type == .regular ? at(workTree: current, dotGit: dotGit) : nil
            }
            let parent = PathNames.parent(of: current)
            guard !parent.isEmpty, parent != current else { return nil }
            current = parent
        }
    }

    private static func at(workTree: String, dotGit: String) -> GitRepository? {
        var gitFolder = dotGit
        if !FileSystem.isDirectory(dotGit) {
            // "gitdir: PATH", PATH relative to the work tree when not absolute.
            guard let text = smallText(dotGit), text.hasPrefix("gitdir: ") else { return nil }
            gitFolder = PathNames.normalized(String(text.dropFirst("gitdir: ".count)), relativeTo: workTree)
        }
        guard FileSystem.isDirectory(gitFolder) else { return nil }
        var commonFolder = gitFolder
        if FileSystem.exists(gitFolder + "/commondir") {
            guard let common = smallText(gitFolder + "/commondir") else { return nil }
            commonFolder = PathNames.normalized(common, relativeTo: gitFolder)
        }
        return GitRepository(workTree: workTree, gitFolder: gitFolder, commonFolder: commonFolder)
    }

    /// The commit checked out: HEAD's object name, or that of the ref HEAD names (through
    /// at most a few symbolic refs); nil on an unborn branch, an unreadable or malformed
    /// ref, or a ref store other than files (reftable).
    func headCommit() -> String? {
        guard var text = Self.smallText(gitFolder + "/HEAD") else { return nil }
        for _ in 0..<5 {
            if Self.isObjectName(text) { return text }
            guard text.hasPrefix("ref: ") else { return nil }
            let name = String(text.dropFirst("ref: ".count)).trimmed()
            guard Self.isSafeRefName(name) else { return nil }
            if let loose = Self.smallText(looseRefPath(name)) {
                text = loose
            } else {
                return packedRef(name)
            }
        }
        return nil
    }

    /// Where the loose ref `name` is: per-worktree refs in the worktree's own git folder,
    /// the others in the common one.
    private func looseRefPath(_ name: String) -> String {
        let perWorktree = ["refs/bisect/", "refs/worktree/", "refs/rewritten/"].contains { name.hasPrefix($0) }
        return (perWorktree ? gitFolder : commonFolder) + "/" + name
    }

    /// The object name of `name` in packed-refs ("OBJECT NAME" lines; `#` and `^` lines
    /// are a header and peeled tags).
    private func packedRef(_ name: String) -> String? {
        guard let bytes = try? FileSystem.readRegularFile(at: commonFolder + "/packed-refs", atMost: 64 << 20) else {
            return nil
        }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            if line[line.index(after: space)...] == name {
                let object = String(line[..<space])
                return Self.isObjectName(object) ? object : nil
            }
        }
        return nil
    }

    /// A full object name: 40 (SHA-1) or 64 (SHA-256) lowercase hexadecimal digits.
    static func isObjectName(_ text: String) -> Bool {
        (text.utf8.count == 40 || text.utf8.count == 64)
            && text.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
    }

    /// A ref name that stays inside the git folder: `refs/...`, each component non-empty,
    /// not `.` or `..` and not starting with a dot, with no control character or backslash.
    static func isSafeRefName(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count >= 2 && parts[0] == "refs"
            && parts.allSatisfy { !$0.isEmpty && !$0.hasPrefix(".") }
            && name.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "\\") }
    }

    /// The trimmed text of a small regular file (at most 4 KB), or nil.
    private static func smallText(_ path: String) -> String? {
        guard let bytes = try? FileSystem.readRegularFile(at: path, atMost: 4096) else { return nil }
        return String(decoding: bytes, as: UTF8.self).trimmed()
    }
}
