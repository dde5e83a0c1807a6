import Foundation
@testable import Support
import TestSupport
import XCTest
@testable import Runs

#if canImport(Glibc)
import Glibc
#endif

/// What dnn-run deletes and writes beside its runs (issue 22): only leftovers that carry
/// the proof of their maker, only once that maker is provably gone, and never through a
/// link a user (or an attacker) put where a lock file goes.
final class LeftoverTests: XCTestCase {
    private let files = FileManager.default
    private let hourAgo = Date().addingTimeInterval(-3600)
    /// Above any PID this machine hands out.
    private let deadPID = "2147483000"

    private func make(_ url: URL, folder: Bool, lease: Bool = false, age: Date? = nil) throws {
        if folder {
            try files.createDirectory(at: url, withIntermediateDirectories: true)
            if lease { try "lease\n".write(to: url.appendingPathComponent(".dnn-run-staging"), atomically: false, encoding: .utf8) }
        } else {
            try "partial".write(to: url, atomically: false, encoding: .utf8)
        }
        if let age {
            if lease { try files.setAttributes([.modificationDate: age], ofItemAtPath: url.appendingPathComponent(".dnn-run-staging").path) }
            try files.setAttributes([.modificationDate: age], ofItemAtPath: url.path)
        }
    }

    func testOnlyLeftoversWithADeadMakerOfThisMachineAreRemoved() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, extra: "sweep:\n  training.seed: [1, 2]\n")
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        let experiment = dir.appendingPathComponent("results/toy")
        let here = ProcessIdentity.current.machine
        let dead = "\(here)~\(deadPID)~12345"
        let gone = [".summary.csv.tmp~\(dead)", ".tmp-training.seed=1~\(dead)", ".old-training.seed=1~\(dead)"]
        try make(experiment.appendingPathComponent(gone[0]), folder: false)
        try make(experiment.appendingPathComponent(gone[1]), folder: true, lease: true)
        try make(experiment.appendingPathComponent(gone[2]), folder: true)
        // Kept: a user's files that look like leftovers of the old rule, old-style names
        // without proof, this test process (alive), a staging folder without its lease.
        let kept = [".old-thesis-2024", ".notes.tmp-3000", ".tmp-training.seed=1-\(deadPID)", ".summary.json.tmp-\(deadPID)",
                    ".costs.svg.tmp~\(ProcessIdentity.current)", ".tmp-training.seed=2~\(dead)", ".notes~\(dead)"]
        try make(experiment.appendingPathComponent(kept[0]), folder: true, age: hourAgo)
        for name in kept[1...] where name != kept[5] { try make(experiment.appendingPathComponent(name), folder: false, age: hourAgo) }
        try make(experiment.appendingPathComponent(kept[5]), folder: true, age: hourAgo)

        let result = try runDnnRun([spec.path, "--quiet", "--force"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let left = try files.contentsOfDirectory(atPath: experiment.path)
        for name in gone {
            XCTAssertFalse(left.contains(name), "\(name) stays")
            XCTAssertTrue(result.stdout.contains("removed \(name), left in results/toy by a dnn-run process that is gone"), result.stdout)
        }
        for name in kept { XCTAssertTrue(left.contains(name), "\(name) was removed") }
    }

    /// A run killed with SIGKILL in the middle of training leaves its staging folder (and
    /// its lock, which the kernel releases); the next run of the experiment removes it.
    func testTheStagingFolderOfAKilledRunIsRemovedByTheNextRun() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, learningRate: "0.0001", iterations: 10_000_000)
        let long = try startDnnRun([spec.path, "--quiet", "--set", "training.seed=1"], in: dir)
        let experiment = dir.appendingPathComponent("results/toy")
        var staging: String?
        let deadline = Date().addingTimeInterval(30)
        while staging == nil && Date() < deadline {
            staging = (try? files.contentsOfDirectory(atPath: experiment.path))?.first { $0.hasPrefix(".tmp-training.seed=1~") }
            if staging == nil { usleep(20_000) }
        }
        kill(long.process.processIdentifier, SIGKILL)
        XCTAssertEqual(long.wait().status, SIGKILL, "killed")
        guard let staging else { return XCTFail("the long run never staged") }
        XCTAssertTrue(files.fileExists(atPath: experiment.appendingPathComponent(staging).path), "left behind by SIGKILL")

        let next = try runDnnRun([spec.path, "--quiet", "--set", "training.seed=1", "--set", "training.iterations=10"], in: dir)
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertTrue(next.stdout.contains("removed \(staging), left in results/toy by a dnn-run process that is gone"), next.stdout)
        XCTAssertFalse(files.fileExists(atPath: experiment.appendingPathComponent(staging).path))
    }

    func testNoEntryOfTheResultsDirectoryIsTakenForALeftover() throws {
        let dir = try temporaryDirectory(for: self)
        // A spec may be named .tmp-a-99999; the user's own dot files beside experiments.
        let odd = try writeToySpec(in: dir, file: "odd.yaml", name: ".tmp-a-99999")
        XCTAssertEqual(try runDnnRun([odd.path, "--quiet", "--results", "."], in: dir).status, 0)
        for name in [".old-thesis-2024", ".notes.tmp-3000"] {
            try make(dir.appendingPathComponent(name), folder: name.hasPrefix(".old"), age: hourAgo)
        }
        let spec = try writeToySpec(in: dir)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet", "--results", "."], in: dir).status, 0)
        XCTAssertEqual(try runDnnRun([odd.path, "--quiet", "--results", ".", "--force"], in: dir).status, 0)
        for name in [".old-thesis-2024", ".notes.tmp-3000", ".tmp-a-99999/default/manifest.json"] {
            XCTAssertTrue(files.fileExists(atPath: dir.appendingPathComponent(name).path), name)
        }
    }

    /// Another node sharing the results directory: its staging folder is removed only
    /// once its lease is 10 missed renewals old.
    func testAStagingFolderOfAnotherMachineIsRemovedOnlyWhenItsLeaseIsStale() throws {
        let dir = try temporaryDirectory(for: self)
        let elsewhere = "0badc0de~4242~777"
        XCTAssertNotEqual(ProcessIdentity.current.machine, "0badc0de")
        let live = dir.appendingPathComponent(".tmp-training.seed=1~\(elsewhere)")
        try make(live, folder: true, lease: true)
        // Its folder and files untouched for an hour (training writes nothing), its lease fresh.
        try "x".write(to: live.appendingPathComponent("spec.yaml"), atomically: false, encoding: .utf8)
        try files.setAttributes([.modificationDate: hourAgo], ofItemAtPath: live.appendingPathComponent("spec.yaml").path)
        try files.setAttributes([.modificationDate: hourAgo], ofItemAtPath: live.path)
        let now = Date().timeIntervalSince1970
        XCTAssertEqual(Litter.remove(in: dir.path, now: now), [])
        XCTAssertEqual(Litter.remove(in: dir.path, now: now + Lease.staleAfter - 30), [])
        XCTAssertEqual(Litter.remove(in: dir.path, now: now + Lease.staleAfter + 30), [live.lastPathComponent])
        XCTAssertFalse(files.fileExists(atPath: live.path))
    }

    func testALeaseIsRenewedWhileItsRunTrains() throws {
        let dir = try temporaryDirectory(for: self)
        let staging = dir.appendingPathComponent(".tmp-x~\(ProcessIdentity.current)")
        try files.createDirectory(at: staging, withIntermediateDirectories: false)
        let lease = try Lease(staging: staging.path, interval: 0.05)
        let file = staging.appendingPathComponent(Litter.leaseName).path
        try files.setAttributes([.modificationDate: hourAgo], ofItemAtPath: file)
        usleep(300_000)
        let renewed = try files.attributesOfItem(atPath: file)[.modificationDate] as! Date
        XCTAssertGreaterThan(renewed.timeIntervalSinceNow, -5, "renewed")
        lease.end()
        try files.setAttributes([.modificationDate: hourAgo], ofItemAtPath: file)
        usleep(200_000)
        let after = try files.attributesOfItem(atPath: file)[.modificationDate] as! Date
        XCTAssertLessThan(after.timeIntervalSinceNow, -3000, "no renewal after end")
    }

    /// The case: a process in another PID namespace (another node, as far as PIDs
    /// tell) runs a spec of the same experiment while a long run trains.
    func testALiveRunIsKeptByAProcessThatCannotSeeItsPID() throws {
        guard getuid() == 0, files.isExecutableFile(atPath: "/usr/bin/unshare") else {
            throw XCTSkip("needs root and unshare (CI has both)")
        }
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, learningRate: "0.0001", iterations: 10_000_000)
        let long = try startDnnRun([spec.path, "--quiet", "--set", "training.seed=1"], in: dir)
        defer { kill(long.process.processIdentifier, SIGKILL); _ = long.wait() }
        let experiment = dir.appendingPathComponent("results/toy")
        var staging: URL?
        let deadline = Date().addingTimeInterval(30)
        while staging == nil && Date() < deadline {
            staging = (try? files.contentsOfDirectory(atPath: experiment.path))?
                .first { $0.hasPrefix(".tmp-training.seed=1~") }.map { experiment.appendingPathComponent($0) }
            usleep(20_000)
        }
        guard let staging else { return XCTFail("the long run never staged") }
        // As if it had trained for an hour: nothing in it changed but its lease.
        for name in try files.contentsOfDirectory(atPath: staging.path) where name != Litter.leaseName {
            try files.setAttributes([.modificationDate: hourAgo], ofItemAtPath: staging.appendingPathComponent(name).path)
        }
        try files.setAttributes([.modificationDate: hourAgo], ofItemAtPath: staging.path)
        let other = try runProgram(
            "/usr/bin/unshare", ["--pid", "--fork", "--mount-proc", dnnRunExecutable().path, spec.path, "--quiet",
                                  "--set", "training.seed=2", "--set", "training.iterations=10"], in: dir)
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertFalse(other.stdout.contains("removed"), other.stdout)
        XCTAssertTrue(files.fileExists(atPath: staging.appendingPathComponent("spec.yaml").path), "the live run's staging folder was deleted")
    }

    // MARK: Links where dnn-run writes

    func testALinkedLockFileIsRefusedNotFollowed() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        let precious = dir.appendingPathComponent("precious.txt")
        try "precious\n".write(to: precious, atomically: true, encoding: .utf8)
        let experiment = dir.appendingPathComponent("results/toy")
        try files.createDirectory(at: experiment, withIntermediateDirectories: true)
        for lock in [".lock-default", ".lock-summary"] {
            let link = experiment.appendingPathComponent(lock)
            try? files.removeItem(at: link)   // the lock file the first case's run made
            try files.createSymbolicLink(atPath: link.path, withDestinationPath: precious.path)
            let result = try runDnnRun([spec.path, "--quiet"], in: dir)
            // The run's own lock: the run fails. The summary's: the run completes and says
            // why its experiment's summary and plot were not written.
            XCTAssertEqual(result.status, lock == ".lock-default" ? 1 : 0, lock)
            XCTAssertTrue((result.stdout + result.stderr).contains("results/toy/\(lock)': it is a symbolic link, and dnn-run writes through none"),
                          result.stdout + result.stderr)
            XCTAssertFalse(result.stdout.contains("disk has space"), "the message says what to do: \(result.stdout)")
            XCTAssertEqual(try String(contentsOf: precious, encoding: .utf8), "precious\n", lock)
            try files.removeItem(at: link)
        }
    }

    func testATemporaryFileNameTakenByALinkIsNotFollowed() throws {
        let dir = try temporaryDirectory(for: self)
        let precious = dir.appendingPathComponent("precious.txt")
        try "precious\n".write(to: precious, atomically: true, encoding: .utf8)
        let target = dir.appendingPathComponent("summary.csv").path
        try files.createSymbolicLink(atPath: AtomicFile.staging(for: target).temporary, withDestinationPath: precious.path)
        XCTAssertThrowsError(try AtomicFile.write("new\n", to: target))
        XCTAssertEqual(try String(contentsOf: precious, encoding: .utf8), "precious\n")
        XCTAssertFalse(files.fileExists(atPath: target))
    }
}
