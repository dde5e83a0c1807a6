import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A spec's folder runs nothing: a git repository around it whose configuration would run
/// commands (core.fsmonitor, a clean filter, hooks, an external diff...) is read for its
/// commit and dirty state without any of them running. Each hostile repository is made
/// at test time; every command it configures touches a marker file, which must never
/// appear. A plain repository still records its commit and dirty state as git sees them.
final class HostileRepositoryTests: XCTestCase {
    private var dir: URL!
    private var marker: String { dir.appendingPathComponent("MARKER").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(for: self)
    }

    /// `git ARGUMENTS` in the test's folder, with the user's own configuration left out.
    @discardableResult
    private func git(_ arguments: String..., in folder: URL? = nil) throws -> String {
        let result = try runProgram(
            "/usr/bin/env", ["git", "-C", (folder ?? dir).path, "-c", "user.name=t", "-c", "user.email=t@t"] + arguments,
            in: dir, environment: ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"])
        XCTAssertEqual(result.status, 0, "git \(arguments): \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A script that creates the marker (and passes its input through, as a filter must).
    private func markerScript(_ name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try "#!/bin/sh\necho \"$0 $*\" >> '\(marker)'\ncat\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(path, 0o755), 0)
        return path
    }

    /// A committed toy spec in a fresh repository; returns the spec.
    private func committedSpec() throws -> URL {
        let spec = try writeToySpec(in: dir)
        try git("init", "-q")
        try git("add", "toy.yaml", "train.csv", "test.csv")
        try git("commit", "-qm", "spec")
        return spec
    }

    /// Trains `spec` and returns the `git` object of the run's provenance (nil for null).
    private func recordedGit(_ spec: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any]? {
        let results = dir.appendingPathComponent("results")
        try? FileManager.default.removeItem(at: results)
        // Under a deadline: git on a FIFO in .git hung before; a regression fails, not hangs.
        let result = try startDnnRun([spec.path, "--quiet", "--results", results.path], in: dir).wait(atMost: 60)
        XCTAssertNotEqual(result.status, SIGKILL, "still running after 60 s, killed", file: file, line: line)
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        let manifest = try XCTUnwrap(filesUnder(results).first { $0.hasSuffix("manifest.json") }, file: file, line: line)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: results.appendingPathComponent(manifest)))
        let provenance = try XCTUnwrap((object as? [String: Any])?["provenance"] as? [String: Any], file: file, line: line)
        return provenance["git"] as? [String: Any]
    }

    private func assertNoMarker(file: StaticString = #filePath, line: UInt = #line) {
        let ran = (try? String(contentsOfFile: marker, encoding: .utf8)) ?? ""
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "a repository's command ran: \(ran)",
                       file: file, line: line)
    }

    // MARK: Hostile repositories

    func testFsmonitorOfTheSpecsRepositoryNeverRuns() throws {
        let spec = try committedSpec()
        try git("config", "core.fsmonitor", try markerScript("fsmonitor"))
        let state = try recordedGit(spec)
        assertNoMarker()
        XCTAssertEqual(state?["commit"] as? String, try git("rev-parse", "HEAD"))
        XCTAssertEqual(state?["dirty"] as? Bool, false)
    }

    func testCleanFilterOfTheSpecsRepositoryNeverRuns() throws {
        let spec = try committedSpec()
        let filter = try markerScript("filter")
        try git("config", "filter.evil.clean", filter)
        try git("config", "filter.evil.process", filter)
        try git("config", "filter.evil.required", "true")
        try "* filter=evil\n".write(to: dir.appendingPathComponent(".git/info/attributes"), atomically: true, encoding: .utf8)
        try "*.yaml filter=evil\n".write(to: dir.appendingPathComponent(".gitattributes"), atomically: true, encoding: .utf8)
        // Changed content of the same size, and a new mtime: git must look at the file's
        // bytes, through the filter if it ran one.
        let text = try String(contentsOf: spec, encoding: .utf8)
        try text.replacingOccurrences(of: "toy problem", with: "toy Problem").write(to: spec, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: spec.path)
        let state = try recordedGit(spec)
        assertNoMarker()
        XCTAssertEqual(state?["dirty"] as? Bool, true)
    }

    func testHooksExternalDiffAndTextconvOfTheSpecsRepositoryNeverRun() throws {
        let spec = try committedSpec()
        let hooks = dir.appendingPathComponent("hooks")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        for hook in ["post-index-change", "pre-commit", "post-checkout", "reference-transaction", "fsmonitor-watchman"] {
            try FileManager.default.createSymbolicLink(atPath: hooks.appendingPathComponent(hook).path,
                                                       withDestinationPath: try markerScript("hook-" + hook))
        }
        try git("config", "core.hooksPath", hooks.path)
        try git("config", "diff.external", try markerScript("external-diff"))
        try git("config", "diff.evil.textconv", try markerScript("textconv"))
        try git("config", "core.pager", try markerScript("pager"))
        try "* diff=evil\n".write(to: dir.appendingPathComponent(".gitattributes"), atomically: true, encoding: .utf8)
        // The same bytes with a new mtime: git refreshes the index (and would write it).
        let later = Date().addingTimeInterval(5)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: spec.path)
        let state = try recordedGit(spec)
        assertNoMarker()
        XCTAssertEqual(state?["dirty"] as? Bool, false)
    }

    func testConfigIncludedFromTheRepositoryNeverRuns() throws {
        let spec = try committedSpec()
        let included = dir.appendingPathComponent("included.gitconfig")
        try "[core]\n\tfsmonitor = \(try markerScript("included-fsmonitor"))\n".write(
            to: included, atomically: true, encoding: .utf8)
        try git("config", "include.path", included.path)
        _ = try recordedGit(spec)
        assertNoMarker()
    }

    func testAHostileHEADIsNotFollowedOutOfTheRepository() throws {
        let spec = try committedSpec()
        // A ref naming a file outside the repository that holds something like a commit.
        try String(repeating: "a", count: 40).write(to: dir.appendingPathComponent("outside"), atomically: true,
                                                    encoding: .utf8)
        try "ref: refs/../../outside\n".write(to: dir.appendingPathComponent(".git/HEAD"), atomically: true,
                                             encoding: .utf8)
        XCTAssertNil(try recordedGit(spec), "no commit recorded from outside .git")
        assertNoMarker()
    }

    func testAFIFOAsHEADDoesNotHang() throws {
        let spec = try committedSpec()
        try replaceWithFIFO(".git/HEAD")
        try assertTrainsWithinAMinute(spec, "a FIFO as .git/HEAD")
    }

    func testAFIFOAsTheIndexDoesNotHang() throws {
        let spec = try committedSpec()
        try replaceWithFIFO(".git/index")
        try assertTrainsWithinAMinute(spec, "a FIFO as .git/index")
    }

    private func replaceWithFIFO(_ name: String) throws {
        let path = dir.appendingPathComponent(name).path
        try FileManager.default.removeItem(atPath: path)
        XCTAssertEqual(mkfifo(path, 0o600), 0)
    }

    /// Trains `spec`, killing dnn-run if it is still running after a minute, so that a hang
    /// fails the test instead of stalling it.
    private func assertTrainsWithinAMinute(_ spec: URL, _ what: String, line: UInt = #line) throws {
        let process = try startDnnRun([spec.path, "--quiet", "--results", dir.appendingPathComponent("results").path],
                                      in: dir)
        let deadline = Date().addingTimeInterval(60)
        while process.process.isRunning && Date() < deadline { usleep(20_000) }
        let hung = process.process.isRunning
        if hung { kill(process.process.processIdentifier, SIGKILL) }
        let result = process.wait()
        XCTAssertFalse(hung, "\(what): still running after a minute", line: line)
        XCTAssertEqual(result.status, 0, "\(what): \(result.stderr)", line: line)
    }

    // MARK: Plain repositories read without git

    func testTheCommitOfABranchOfPackedRefsOfADetachedHEADAndOfAWorktree() throws {
        let spec = try committedSpec()
        let commit = try git("rev-parse", "HEAD")
        XCTAssertEqual(try recordedGit(spec)?["commit"] as? String, commit, "a loose branch ref")

        try git("pack-refs", "--all")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".git/refs/heads/master").path)
                       && FileManager.default.fileExists(atPath: dir.appendingPathComponent(".git/refs/heads/main").path))
        XCTAssertEqual(try recordedGit(spec)?["commit"] as? String, commit, "a packed ref")

        try git("checkout", "-q", "--detach")
        XCTAssertEqual(try recordedGit(spec)?["commit"] as? String, commit, "a detached HEAD")

        // A linked worktree: .git is a file naming the worktree's git folder.
        let tree = dir.appendingPathComponent("linked")
        try git("worktree", "add", "-q", "-b", "other", tree.path)
        try "extra".write(to: dir.appendingPathComponent("extra.txt"), atomically: true, encoding: .utf8)
        try git("add", "extra.txt")
        try git("commit", "-qm", "second on the main branch")
        let linkedSpec = tree.appendingPathComponent("toy.yaml")
        let state = try recordedGit(linkedSpec)
        XCTAssertEqual(state?["commit"] as? String, try git("rev-parse", "HEAD", in: tree))
        XCTAssertEqual(state?["dirty"] as? Bool, false)
        try (String(contentsOf: linkedSpec, encoding: .utf8) + "# changed\n").write(
            to: linkedSpec, atomically: true, encoding: .utf8)
        XCTAssertEqual(try recordedGit(linkedSpec)?["dirty"] as? Bool, true, "a worktree's own index")
    }

    func testASpecInASubfolderAndAStagedChangeAreSeen() throws {
        let sub = dir.appendingPathComponent("experiments")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let spec = try writeToySpec(in: sub)
        try git("init", "-q")
        try git("add", ".")
        try git("commit", "-qm", "spec")
        var state = try recordedGit(spec)
        XCTAssertEqual(state?["commit"] as? String, try git("rev-parse", "HEAD"))
        XCTAssertEqual(state?["dirty"] as? Bool, false)
        // Staged but not committed: the index differs from HEAD.
        try "new".write(to: dir.appendingPathComponent("new.txt"), atomically: true, encoding: .utf8)
        try git("add", "new.txt")
        state = try recordedGit(spec)
        XCTAssertEqual(state?["dirty"] as? Bool, true)
        XCTAssertFalse(try git("status", "--porcelain", "--untracked-files=no").isEmpty, "git agrees")
        // Untracked files do not count, as before.
        try git("commit", "-qm", "new")
        try "x".write(to: dir.appendingPathComponent("untracked.txt"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try recordedGit(spec)?["dirty"] as? Bool, false)
    }
}
