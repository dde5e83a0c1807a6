import Dispatch
import DeepNet
import FoundationEssentials
import Glibc
import Support
import Data
import Spec

/// `--shard I/N`: the I-th (from 1) of N disjoint slices of a sweep's points. Point k (in
/// the sweep's stable order, from 0) belongs to slice k mod N + 1, so the slices are
/// balanced, deterministic, and together cover every point exactly once.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public func contains(pointIndex k: Int) -> Bool { k % count == index - 1 }
    public var description: String { "\(index)/\(count)" }
}

/// What the runner is asked to do besides the spec.
public struct RunnerOptions: Sendable {
    public var resultsDirectory: String
    public var force = false
    /// Runs trained at once, each in its own thread.
    public var jobs = 1
    public var shard: Shard?
    public var progress: ProgressStyle = .quiet
    /// BLAS threads per run; nil means cores / jobs (at least 1), so jobs never oversubscribe.
    public var blasThreads: Int?
    /// The command line that started this invocation, for the manifests' provenance.
    public var commandLine: [String] = []
    /// Stop starting runs after the first that fails; runs in flight finish.
    public var failFast = false
    /// Keeps the experiment's own files (summary, plot) up to date as runs end.
    public var observer: (any ExperimentObserver)?

    public init(resultsDirectory: String) { self.resultsDirectory = resultsDirectory }
}

/// Told by the runner when the runs of an experiment folder end, so that a later stage
/// (Reports: summary.csv, costs.svg) keeps the experiment's own files up to date without
/// the runner knowing them.
public protocol ExperimentObserver: Sendable {
    /// The run in `runFolder`, inside `experimentFolder`, ended (trained, failed, or taken
    /// from another process).
    func runEnded(experimentFolder: String, runFolder: String) throws
    /// This invocation is done with `experimentFolder`.
    func sweepEnded(experimentFolder: String) throws
}

/// What an invocation did, run by run.
public struct RunReport: Sendable {
    public var outcomes: [RunOutcome]
    /// Runs left untrained because a signal stopped the invocation.
    public var notStarted = 0
    /// Whether SIGINT or SIGTERM stopped the invocation (even after its last run).
    public var interrupted = false

    /// 0 when every run is completed or up to date; 1 when any failed, was interrupted
    /// or is held by another process, or a signal stopped the invocation.
    public var exitStatus: Int32 {
        let allDone = outcomes.allSatisfy { $0.status == .completed || $0.status == .upToDate }
        return allDone && notStarted == 0 && !interrupted ? 0 : 1
    }
}

/// The pipeline of `dnn-run SPEC`: a validated spec plan -> planned runs (all checked
/// before anything trains) -> runs, `jobs` at a time -> summary.csv and a report.
public struct Runner {
    public var options: RunnerOptions
    /// Where the runner's lines go (stdout), shared with the progress display.
    public let board: ProgressBoard

    public init(options: RunnerOptions, totalRuns: Int) {
        self.options = options
        board = ProgressBoard(style: options.progress, totalRuns: totalRuns)
    }

    /// Plans every point (throwing `Diagnostics` before anything is written when the data
    /// or the results tree is wrong), then trains what is not up to date.
    public static func run(_ plan: Sweep, options: RunnerOptions) throws -> RunReport {
        if FileSystem.exists(options.resultsDirectory), !FileSystem.isDirectory(options.resultsDirectory) {
            throw Diagnostic(
                "the results directory '\(PathNames.relativeToWorkingDirectory(options.resultsDirectory))' is a file, not a directory",
                hint: "choose a directory with \(option: .results), or move the file away")
        }
        // Loading large files is shown on a line of its own while planning, then on the runs' display.
        let data = DataStore(observer: ProgressBoard(style: options.progress, totalRuns: 0))
        var planned = try RunPlanner.plan(
            plan, resultsDirectory: options.resultsDirectory, force: options.force, data: data)
        // Every check passed: a tree of the old layout may now move into the new one, and
        // the runs it held are decided again in their new place.
        var moved = false
        for experiment in Set(planned.map { PathNames.parent(of: $0.folder) }).sorted() {
            if let message = try LayoutMigration.migrate(experiment: experiment) {
                print(message)
                moved = true
            }
        }
        if moved {
            planned = try RunPlanner.plan(
                plan, resultsDirectory: options.resultsDirectory, force: options.force, data: data)
        }
        let selected = planned.enumerated().filter { options.shard?.contains(pointIndex: $0.offset) ?? true }.map(\.element)
        if let shard = options.shard, selected.isEmpty {
            print("shard \(shard) has none of the \(planned.count) points of this sweep: nothing to do")
        }
        let toRun = selected.filter { $0.state != .upToDate }
        let runner = Runner(options: options, totalRuns: toRun.count)
        data.observer = runner.board
        let provenance = Provenance.current(command: options.commandLine, specFile: plan.base.specPath)
        return runner.execute(selected, data: data, provenance: provenance)
    }

    private func execute(_ runs: [PlannedRun], data: DataStore, provenance: Provenance) -> RunReport {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let jobs = max(1, min(options.jobs, runs.count))
        let threads = options.blasThreads ?? max(1, cores / jobs)
        var executor = RunExecutor(data: data, board: board, blasThreads: threads, provenance: provenance)
        executor.force = options.force

        var outcomes = [RunOutcome?](repeating: nil, count: runs.count)
        let pending = runs.indices.filter { runs[$0].state != .upToDate }
        for i in pending { data.expectTraining(on: runs[i].spec.train, scale: runs[i].spec.scale, runs: 1) }
        for (i, run) in runs.enumerated() where run.state == .upToDate {
            outcomes[i] = RunOutcome(run: run, status: .upToDate, metrics: RunFiles.readMetrics(inFolder: run.folder))
            board.print(describe(outcomes[i]!))
        }
        Interrupts.shared.install()
        for parent in Set(runs.map { PathNames.parent(of: $0.folder) }) {
            for name in Litter.remove(in: parent) {
                board.print("removed \(name), left in \(PathNames.relativeToWorkingDirectory(parent)) by a dnn-run process that is gone")
            }
        }

        let next = Lock()
        var cursor = 0
        var firstFailure: Int?
        let results = Lock()
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while true {
                next.lock()
                let k = cursor
                cursor += 1
                let stopped = firstFailure != nil
                next.unlock()
                guard k < pending.count, !Interrupts.shared.isRequested, !stopped else { return }
                let i = pending[k]
                if case .toRun(let reason) = runs[i].state, reason != "new" {
                    board.print("\(runs[i].label): training again (\(reason))")
                }
                let outcome = executor.execute(runs[i])
                results.lock()
                outcomes[i] = outcome
                results.unlock()
                if options.failFast, case .failed = outcome.status {
                    next.lock()
                    if firstFailure == nil { firstFailure = i }
                    next.unlock()
                }
                if outcome.status != .busy { board.print(describe(outcome)) }
                if outcome.status != .busy, let observer = options.observer {
                    let experiment = PathNames.parent(of: runs[i].folder)
                    do {
                        try observer.runEnded(experimentFolder: experiment, runFolder: runs[i].folder)
                    } catch {
                        board.print("warning: cannot write summary.csv: \(error)", toStandardError: true)
                    }
                }
            }
        }
        // Runs another process was training: wait for it and take its result, so that
        // every process sharing a sweep ends with the whole picture.
        for i in outcomes.indices where outcomes[i]?.status == .busy && !Interrupts.shared.isRequested && firstFailure == nil {
            board.print("\(runs[i].label): waiting for the other dnn-run process training it")
            let outcome = executor.execute(runs[i], wait: true)
            outcomes[i] = outcome
            board.print(describe(outcome))
        }
        if let observer = options.observer,
           let experiment = runs.first.map({ PathNames.parent(of: $0.folder) }) {
            do {
                try observer.sweepEnded(experimentFolder: experiment)
            } catch {
                board.print("warning: cannot write the summary or the plot of \(PathNames.relativeToWorkingDirectory(experiment)): \(error)", toStandardError: true)
            }
        }
        let done = outcomes.compactMap { $0 }
        let notStarted = outcomes.filter { $0 == nil }.count
        reportEnd(done, notStarted: notStarted, stoppedAt: firstFailure.map { runs[$0] })
        return RunReport(outcomes: done, notStarted: notStarted, interrupted: Interrupts.shared.isRequested)
    }

    /// One line per run: its metrics and folder, or why it did not train.
    func describe(_ o: RunOutcome) -> String {
        let place = PathNames.relativeToWorkingDirectory(o.run.folder)
        switch o.status {
        case .upToDate:
            return "\(o.run.label): up to date (\(place)); \(option: .force) retrains it"
        case .completed:
            guard let m = o.metrics else { return "\(o.run.label): completed -> \(place)" }
            var text = "\(o.run.label): final cost \(m.finalCost.map { cFormat("%.6f", $0) } ?? "-")"
            text += ", train accuracy \(m.trainAccuracy.map(percent) ?? "-")"
            if let t = m.testAccuracy {
                text += ", test accuracy \(percent(t))"
            } else if o.run.spec.test != nil {
                text += ", no test accuracy"
            }
            text += ", \(cFormat("%.2f", m.seconds)) s (\(o.engine?.rawValue ?? "?")) -> \(place)"
            return text
        case .failed(let why):
            return "\(o.run.label): FAILED: \(why)" + (o.hasFolder ? " -> \(place)" : "")
        case .interrupted:
            return "\(o.run.label): interrupted; rerun the same command to resume"
        case .busy:
            return "\(o.run.label): being trained by another dnn-run process"
        }
    }

    private func reportEnd(_ outcomes: [RunOutcome], notStarted: Int, stoppedAt failure: PlannedRun?) {
        let failed = outcomes.filter { if case .failed = $0.status { return true } else { return false } }
        if outcomes.count + notStarted > 1 {
            var counts: [String] = []
            let completed = outcomes.filter { $0.status == .completed }.count
            let upToDate = outcomes.filter { $0.status == .upToDate }.count
            let busy = outcomes.filter { $0.status == .busy }.count
            let interrupted = outcomes.filter { $0.status == .interrupted }.count + notStarted
            if completed > 0 { counts.append("\(completed) trained") }
            if upToDate > 0 { counts.append("\(upToDate) up to date") }
            if !failed.isEmpty { counts.append("\(failed.count) failed") }
            if busy > 0 { counts.append("\(busy) busy elsewhere") }
            if failure != nil, notStarted > 0 { counts.append("\(notStarted) not started (stopped at the first failure)") }
            let stoppedBySignal = interrupted - (failure != nil ? notStarted : 0)
            if stoppedBySignal > 0 { counts.append("\(stoppedBySignal) not finished (interrupted)") }
            board.print("\(outcomes.count + notStarted) runs: " + counts.joined(separator: ", "))
        }
        if let failure {
            let place = FileSystem.exists(failure.folder) ? PathNames.relativeToWorkingDirectory(failure.folder) : failure.label
            board.print("stopped at the first failed run: \(place)")
        }
        if !failed.isEmpty && outcomes.count > 1 {
            board.print("failed runs:")
            for o in failed {
                if case .failed(let why) = o.status {
                    board.print("  \(o.hasFolder ? PathNames.relativeToWorkingDirectory(o.run.folder) : o.run.label): \(why)")
                }
            }
        }
    }

    private func percent(_ x: Double) -> String { cFormat("%.2f%%", x * 100) }
}
