import Foundation

extension Provenance {
    /// The provenance of an invocation started by `command` for the spec at `specFile`.
    public static func current(command: [String], specFile: String) -> Provenance {
        Provenance(
            command: command, workingDirectory: FileManager.default.currentDirectoryPath, specFile: specFile,
            git: GitState.of(folder: (specFile as NSString).deletingLastPathComponent))
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
