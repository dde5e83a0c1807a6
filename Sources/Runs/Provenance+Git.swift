import FoundationEssentials
import Glibc
import Support

extension Provenance {
    /// The provenance of an invocation started by `command` for the spec at `specFile`.
    public static func current(command: [String], specFile: String) -> Provenance {
        Provenance(
            command: command, workingDirectory: FileManager.default.currentDirectoryPath, specFile: specFile,
            git: GitState.of(folder: PathNames.parent(of: specFile)))
    }
}

extension Provenance.GitState {
    /// The commit checked out in the git work tree holding `folder`, and whether the tree
    /// has changes (`git status --porcelain` prints anything); nil when git is not
    /// installed or the folder is in no repository.
    static func of(folder: String) -> Provenance.GitState? {
        guard let commit = git(["rev-parse", "HEAD"], in: folder), commit.count == 40 || commit.count == 64,
              let status = git(["status", "--porcelain", "--untracked-files=no"], in: folder)
        else { return nil }
        return Provenance.GitState(commit: commit, dirty: !status.isEmpty)
    }

    /// What `git ARGUMENTS` prints in `folder`, trimmed; nil when it cannot run or fails.
    private static func git(_ arguments: [String], in folder: String) -> String? {
        guard let output = ChildProcess.output(of: ["git", "-C", folder] + arguments) else { return nil }
        return String(decoding: output, as: UTF8.self).trimmed()
    }
}
