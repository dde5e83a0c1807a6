import ArgumentParser
import DeepNet
import Reports
import Runs
import Spec
import Support
import FoundationEssentials
import Glibc

/// `dnn-run`: train the course's deep networks from YAML experiment specs.
@main
struct DnnRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dnn-run",
        abstract: "Train fully connected deep networks, as the deep-learning course builds them, from YAML experiment specs.",
        discussion: """
            Exit status: 0 success; 1 a run failed (diverged, interrupted, I/O error);
            2 bad usage or an invalid spec (nothing was written).
            """,
        version: dnnRunVersion,
        subcommands: [Run.self, Validate.self, Verify.self, Compare.self, Plot.self, Predict.self],
        defaultSubcommand: Run.self)

    /// Parses, runs, and exits with the documented statuses: ArgumentParser's usage errors
    /// become status 2 (its own default is 64).
    static func main() {
        ProcessSetup.prepare()
        #if DEBUG
        // Tests run every instruction set's path end to end, not only the host's best.
        if let isa = ProcessInfo.processInfo.environment["DNN_RUN_TEST_ISA"], !BLAS.useInstructionSet(isa) {
            StandardStreams.error("error: DNN_RUN_TEST_ISA=\(isa): this processor cannot run it\n")
            Glibc.exit(2)
        }
        #endif
        FrontEndOption.spelling = { "--\($0.rawValue)" }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch let diagnostics as Diagnostics {
            StandardStreams.error(diagnostics.description + "\n")
            Glibc.exit(2)
        } catch let diagnostic as Diagnostic {
            StandardStreams.error(diagnostic.description + "\n")
            Glibc.exit(2)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            StandardStreams.error(fullMessage(for: error) + "\n")
            Glibc.exit(2)
        }
    }
}

/// `dnn-run SPEC`: train every run of a spec that is not up to date.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the runs of a spec (every sweep point) and write the results tree.")

    @Argument(help: "The experiment spec (YAML).")
    var spec: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a key of the spec, e.g. training.learning_rate=0.01; the value is YAML.", valueName: "KEY=VALUE"))
    var overrides: [String] = []

    @Option(help: "The results directory.")
    var results = "results"

    @Flag(help: "Retrain runs that are up to date, and replace runs of a different spec.")
    var force = false

    @Option(help: "Runs to train at once (threads); BLAS threads per run become cores / jobs.")
    var jobs = 1

    @Option(help: "BLAS threads per run (default: cores / jobs, so that jobs never oversubscribe the cores).")
    var blasThreads: Int?

    @Option(help: ArgumentHelp("Run only the I-th of N disjoint slices of the sweep (1 <= I <= N), or with 'slurm' this Slurm array task's slice.", valueName: "I/N|slurm"))
    var shard: String?

    @Flag(help: "Stop starting runs after the first one fails (runs in flight finish); exit 1 naming it.")
    var failFast = false

    @Option(help: ArgumentHelp(
        "How the products are summed: fma (the default; the same bits on every x86-64), or kernel or blis, the arithmetics of earlier dnn-run runs (to extend their sweeps with their own bits).",
        valueName: "fma|kernel|blis"))
    var arithmetic = "fma"

    @Flag(help: "No progress display; only the summary lines and errors.")
    var quiet = false

    func run() throws {
        guard jobs >= 1 else {
            throw Diagnostic("expected a positive number of runs at once", at: .flag("--jobs \(jobs)"))
        }
        if let blasThreads, blasThreads < 1 {
            throw Diagnostic("expected a positive number of threads",
                             at: .flag("--blas-threads \(blasThreads)"))
        }
        guard !results.isEmpty else {
            // An empty path would mean the working directory, silently.
            throw Diagnostic("expected a folder, got an empty path", at: .flag("--results ''"),
                             hint: "write --results . for the working directory, or name a folder such as --results results")
        }
        guard let arithmetic = Arithmetic(rawValue: arithmetic) else {
            throw Diagnostic("expected fma, kernel or blis, got '\(arithmetic)'", at: .flag("--arithmetic \(arithmetic)"),
                             hint: "fma is the default; kernel and blis reproduce runs made by earlier dnn-run (their manifests' \"arithmetic\" or \"blas_library\")")
        }
        Arithmetic.current = arithmetic
        let shard = try self.shard.map { try ShardOption.parse($0, environment: ProcessInfo.processInfo.environment) }.map { Shard(index: $0.index, count: $0.count) }
        let plan = try SpecLoader.load(path: spec, overrides: overrides.map(setOverride))
        for note in plan.notes { StandardStreams.error(note.noteDescription + "\n") }
        var options = RunnerOptions(resultsDirectory: PathNames.absolute(results))
        options.force = force
        options.jobs = jobs
        options.shard = shard
        options.blasThreads = blasThreads
        options.progress = .automatic(quiet: quiet)
        options.observer = ExperimentFiles()
        options.failFast = failFast
        options.commandLine = CommandLine.arguments
        let report = try Runner.run(plan, options: options)
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}

/// `dnn-run validate SPEC...`: check specs and every sweep point without training.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check specs (every sweep point, and their data) without training or writing anything.")

    @Argument(help: "The experiment specs (YAML).")
    var specs: [String]

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a key, as for a run.", valueName: "KEY=VALUE"))
    var overrides: [String] = []

    func run() throws {
        var problems: [Diagnostic] = []
        for path in specs {
            do {
                let plan = try SpecLoader.load(path: path, overrides: overrides.map(setOverride))
                try validateData(plan, observer: ProgressBoard(style: .automatic(quiet: false), totalRuns: 0))
                let n = plan.points.count
                for note in plan.notes { StandardStreams.error(note.noteDescription + "\n") }
                print("\(path): ok (\(n) run\(n == 1 ? "" : "s"))")
            } catch let d as Diagnostics {
                problems += d.items
            } catch let d as Diagnostic {
                problems.append(d)
            }
        }
        if !problems.isEmpty { throw Diagnostics(problems) }
    }
}

/// `dnn-run verify RUN_DIR`: re-train a run and compare it with its files.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-train a completed run from its spec.yaml and compare costs and parameters with its files.",
        discussion: "Bit for bit by default. Exit status 0 when they match, 1 at the first difference, 2 for a folder that is not a completed run.")

    @Argument(help: "A run folder, e.g. results/cat_5layer/default.")
    var runDirectory: String

    @Option(help: "Accept differences up to this absolute value instead of requiring identical bits.")
    var tolerance: Double?

    @Option(name: .customLong("data"), help: ArgumentHelp(
        "Also look for the run's data files, by name, in this folder (repeatable); the SHA-256 the manifest recorded decides.",
        valueName: "DIR"))
    var dataFolders: [String] = []

    @Flag(help: "No progress display.")
    var quiet = false

    func run() throws {
        if let tolerance, !(tolerance >= 0 && tolerance.isFinite) {
            throw Diagnostic("expected a non-negative number such as 1e-12",
                             at: .flag("--tolerance \(tolerance)"))
        }
        if dataFolders.contains("") {
            throw Diagnostic("expected a folder, got an empty path", at: .flag("--data ''"),
                             hint: "write --data . for the working directory, or name the folder that holds the data")
        }
        Interrupts.shared.install()
        let board = ProgressBoard(style: .automatic(quiet: quiet), totalRuns: 1)
        let report: RunVerifier.Report
        do {
            report = try RunVerifier.verify(
                folder: PathNames.absolute(runDirectory), tolerance: tolerance, dataFolders: dataFolders, progress: board)
        } catch let stop as RunVerifier.Interrupted {
            StandardStreams.error("verify: stopped by \(stop.signal) before re-training finished; nothing was compared\n")
            throw ExitCode(1)
        }
        for line in report.lines { print(line) }
        print(report.matched ? "verified: \(runDirectory) reproduces" : "NOT verified: \(runDirectory) differs (see above)")
        if !report.matched { throw ExitCode(1) }
    }
}

/// `dnn-run compare DIR...`: a table of runs.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tabulate runs: the spec keys that differ, status, final cost, accuracies and seconds.")

    @Argument(help: "Run folders, or experiment folders (every run inside).")
    var directories: [String]

    @Option(help: "table, csv or json.")
    var format: String = "table"

    @Option(help: "Sort by this column (numerically when numbers), e.g. final_cost or training.learning_rate.")
    var sort: String?

    @Option(help: ArgumentHelp(
        "Group runs by these keys and print n, mean, std, min and max of each metric per group; '!KEY,...' groups by every differing key but these, e.g. '!training.seed' for the spread over seeds.",
        valueName: "KEY[,KEY...]"))
    var groupBy: String?

    func run() throws {
        guard let format = RunTable.Format(rawValue: format) else {
            throw Diagnostic("expected table, csv or json", at: .flag("--format \(format)"))
        }
        let runs = try RunTable.collect(directories)
        for run in runs {
            if let damage = run.damage {
                StandardStreams.error(terminalSafe(
                    "warning: '\(PathNames.relativeToWorkingDirectory(run.folder))' is damaged: \(damage); "
                        + "its metrics are left out (rerun its spec to train it again)") + "\n")
            }
        }
        var (header, rows): ([String], [[String]])
        if let groupBy {
            let members = runs.map { RunGroups.Member(values: $0.values, status: $0.countedStatus, metrics: $0.metrics) }
            do {
                let keys = try RunGroups.keys(RunGroups.Selection(parsing: groupBy), of: members)
                (header, rows) = RunGroups.table(RunGroups.groups(members, by: keys), keys: keys)
            } catch {
                throw Diagnostic(error.message, at: .flag("--group-by \(groupBy)"), hint: error.hint)
            }
            if let sort {
                guard header.contains(sort) else {
                    let error = RunTable.UnknownColumn(name: sort, columns: header)
                    throw Diagnostic(error.message, at: .flag("--sort \(sort)"), hint: error.hint)
                }
                rows = RunTable.sorted(rows, header: header, by: sort)
            }
        } else {
            do {
                (header, rows) = try RunTable.rows(runs, sortedBy: sort)
            } catch let error as RunTable.UnknownColumn {
                throw Diagnostic(error.message, at: .flag("--sort \(error.name)"), hint: error.hint)
            }
        }
        print(RunTable.render(header: header, rows: rows, format: format), terminator: "")
    }
}

/// `dnn-run plot DIR... -o FILE.svg`: the cost curves of runs in one SVG.
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw the cost curves of runs into one SVG, with axes, ticks and a legend.")

    @Argument(help: "Run folders, or experiment folders (every run inside).")
    var directories: [String]

    @Option(name: .shortAndLong, help: "The SVG file to write.")
    var output: String

    @Flag(help: "A logarithmic cost axis.")
    var log = false

    @Option(help: "The title; by default it names the runs.")
    var title: String?

    @Option(help: ArgumentHelp(
        "Draw each group's mean cost with a band of ± 1 standard deviation instead of each run; groups as for compare --group-by, e.g. '!training.seed'.",
        valueName: "KEY[,KEY...]"))
    var groupBy: String?

    func run() throws {
        guard output.lowercased().hasSuffix(".svg") else {
            throw Diagnostic("expected a file name ending in .svg", at: .flag("-o \(output)"))
        }
        let svg: String
        do {
            svg = try RunPlots.svg(of: directories, title: title, logScale: log, groupBy: groupBy.map(RunGroups.Selection.init(parsing:)))
        } catch let error as RunGroups.UnknownKey {
            throw Diagnostic(error.message, at: .flag("--group-by \(groupBy ?? "")"), hint: error.hint)
        }
        try AtomicFile.write(svg, to: PathNames.absolute(output))
        print("wrote \(output)")
    }
}

/// A `--set KEY=VALUE` argument as the spec stage takes it: located at the flag, so its
/// errors read `--set training.seed=x: error: ...`.
private func setOverride(_ argument: String) -> SpecOverride {
    SpecOverride(argument, at: .flag("--set \(argument)"))
}
