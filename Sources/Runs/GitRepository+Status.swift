import FoundationEssentials
import Glibc
import Support
import SystemPackage

extension GitRepository {
    /// Whether the work tree's tracked files differ from `commit` (staged or not), as
    /// `git status --porcelain --untracked-files=no` sees it; nil when git is not
    /// installed or cannot tell.
    ///
    /// git runs with none of the repository's configuration, which is where commands hide
    /// (core.fsmonitor, filter.*.clean and .process, core.hooksPath, diff.external,
    /// textconv, include.path...): `GIT_DIR` is a fresh folder of this process holding only
    /// HEAD (`commit`), an empty refs folder and a config written here, and git is pointed
    /// at the repository's objects, index and work tree by `GIT_OBJECT_DIRECTORY`,
    /// `GIT_INDEX_FILE` and `GIT_WORK_TREE`. No system, global or user configuration is
    /// read, and no inherited `GIT_*` variable is passed on. A `.gitattributes` may still
    /// name a filter, but with no config defining it there is nothing to run. The index is
    /// never written (no optional locks), so no hook could be owed a post-index-change;
    /// submodules are not entered (their changes do not count), and a partial clone never
    /// fetches. The price: a file whose stat data changed and whose bytes differ from the
    /// index only through a clean filter or an end-of-line conversion the repository
    /// configures counts as changed.
    ///
    /// An index that is there but is not a regular file (a FIFO git would wait on) gives
    /// nil, and so does a git still running after 20 seconds (a FIFO among the objects).
    func hasChanges(from commit: String) -> Bool? {
        let index = gitFolder + "/index"
        if let status = try? FileSystem.status(of: index), status.type != .regular { return nil }
        guard let shadow = Self.makeShadowGitFolder(commit: commit) else { return nil }
        defer { FileSystem.removeTree(shadow) }
        let environment = [
            "GIT_DIR=\(shadow)",
            "GIT_WORK_TREE=\(workTree)",
            "GIT_INDEX_FILE=\(index)",
            "GIT_OBJECT_DIRECTORY=\(commonFolder)/objects",
            "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_ATTR_NOSYSTEM=1",
            "HOME=\(shadow)", "XDG_CONFIG_HOME=\(shadow)",
            "GIT_OPTIONAL_LOCKS=0", "GIT_TERMINAL_PROMPT=0", "GIT_NO_LAZY_FETCH=1", "GIT_PAGER=cat", "PAGER=cat",
            "LC_ALL=C",
        ] + (getenv("PATH").map { ["PATH=" + String(cString: $0)] } ?? [])
        let arguments = [
            "git", "--no-optional-locks", "--no-pager", "status", "--porcelain", "--untracked-files=no",
            "--ignore-submodules=all",
        ]
        guard let output = ChildProcess.output(of: arguments, environment: environment, timeout: 20) else { return nil }
        return !output.allSatisfy { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: " ") }
    }

    /// The configuration git runs with: the object format `commit` implies, and every
    /// setting that could name a command set to nothing.
    private static func shadowConfig(commit: String) -> String {
        let sha256 = commit.utf8.count == 64
        return """
            [core]
            \trepositoryformatversion = \(sha256 ? 1 : 0)
            \tbare = false
            \tfsmonitor = false
            \thooksPath = /dev/null
            \tattributesFile = /dev/null
            \texcludesFile = /dev/null
            [protocol]
            \tallow = never

            """ + (sha256 ? "[extensions]\n\tobjectformat = sha256\n" : "")
    }

    /// A fresh private folder under the temporary directory that git accepts as a
    /// repository: HEAD detached at `commit`, refs/, config. nil when it cannot be made.
    private static func makeShadowGitFolder(commit: String) -> String? {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/dnn-run-git-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return nil }
        let folder = String(cString: made)
        do throws(FileError) {
            try FileSystem.makeDirectory(folder + "/refs")
            try write(commit + "\n", to: folder + "/HEAD")
            try write(shadowConfig(commit: commit), to: folder + "/config")
        } catch {
            FileSystem.removeTree(folder)
            return nil
        }
        return folder
    }

    private static func write(_ text: String, to path: String) throws(FileError) {
        let file = try FileSystem.open(path, .writeOnly, options: [.create, .exclusiveCreate], permissions: .ownerReadWrite)
        defer { try? file.close() }
        do {
            _ = try file.writeAll(Array(text.utf8))
        } catch {
            throw FileError("cannot write", path, errno: error as? Errno ?? .ioError)
        }
    }
}
