import FoundationEssentials
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
    /// The commit checked out in the git work tree holding `folder`, and whether its
    /// tracked files differ from it (staged or not); nil when the folder is in no
    /// repository, HEAD names no commit, or git is not installed to tell dirty state.
    ///
    /// The spec's folder is not trusted: the commit is read from `.git` without running
    /// git, and the dirty state comes from a git that reads none of the repository's
    /// configuration (see `GitRepository.hasChanges(from:)`), so no command the repository
    /// configures (core.fsmonitor, a clean filter, a hook...) runs.
    static func of(folder: String) -> Provenance.GitState? {
        // Symbolic links resolved, as git resolves them: the repository around the real folder.
        guard let absolute = FileSystem.realPath(folder.isEmpty ? "." : folder),
              let repository = GitRepository.enclosing(absolute), let commit = repository.headCommit(),
              let dirty = repository.hasChanges(from: commit)
        else { return nil }
        return Provenance.GitState(commit: commit, dirty: dirty)
    }
}
