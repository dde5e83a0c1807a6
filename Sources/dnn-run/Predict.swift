import ArgumentParser
import FoundationEssentials
import Glibc
import Reports
import Runs
import Support

/// `dnn-run predict RUN_DIR INPUT...`: apply a completed run to HDF5/CSV sets and images.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply a completed run to HDF5/CSV sets and PNG/JPEG images: each example's probability and class.",
        discussion: """
            Images are converted to RGB and resized to the training examples' height and width as Pillow's \
            Image.resize does (bicubic), flattened row, column, channel, and divided by the run's data.scale. \
            Sets with labels also get their accuracy and confusion counts.

            Exit status 0; 2 for a folder that is not a completed run or an input that does not fit the \
            model, or -o naming one of the inputs or a file in a run folder (nothing is written); 1 when \
            -o cannot be written.
            """)

    @Argument(help: "A completed run folder, e.g. results/cat_5layer/default.")
    var runDirectory: String

    @Argument(help: "HDF5 (.h5) or CSV sets, and PNG or JPEG images.")
    var inputs: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Also write the predictions to this CSV file.", valueName: "FILE.csv"))
    var output: String?

    @Option(help: "What standard output shows: table, csv or json.")
    var format: String = "table"

    func run() throws {
        guard let format = RunTable.Format(rawValue: format) else {
            throw Diagnostic("expected table, csv or json", at: .flag("--format \(format)"))
        }
        if let output, !output.lowercased().hasSuffix(".csv") {
            throw Diagnostic("expected a file name ending in .csv", at: .flag("-o \(output)"))
        }
        guard !inputs.isEmpty else {
            throw Diagnostic(
                "expected at least one input after the run folder: an HDF5 or CSV set, or a PNG or JPEG image",
                hint: "dnn-run predict \(runDirectory) my_cat.jpg")
        }
        if let output {
            try PredictionOutput.check(output, inputs: inputs, runFolder: runDirectory)
        }
        let model = try TrainedModel(folder: runDirectory)
        // A large set shows a loading line on a terminal, as training data does.
        let report = try Predictor.predict(
            inputs, with: model, observer: ProgressBoard(style: .automatic(quiet: false), totalRuns: 0))
        if let output {
            do {
                _ = try AtomicFile.write(report.csv(), to: PathNames.absolute(output))
            } catch let error as Diagnostic {
                // An I/O failure (a missing folder, a full disk): exit status 1.
                var diagnostic = error
                diagnostic.location = .flag("-o \(output)")
                diagnostic.hint = "check that the folder exists and is writable, and that its disk has space"
                StandardStreams.error(diagnostic.description + "\n")
                throw ExitCode(1)
            }
        }
        switch format {
        case .table: print(report.table(), terminator: "")
        case .csv:
            print(report.csv(), terminator: "")
            StandardStreams.error(report.summaryLines().map { terminalSafe($0) }.joined(separator: "\n") + "\n")
        case .json: print(report.json(), terminator: "")
        }
        if let output {
            if format == .table { print("wrote \(output)") } else { StandardStreams.error("wrote \(output)\n") }
        }
    }
}
