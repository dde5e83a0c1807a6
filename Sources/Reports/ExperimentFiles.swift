import Runs

/// Keeps an experiment folder's `summary.csv` and `costs.svg` up to date as the runner
/// ends runs: the summary after every run, the plot when the sweep is done.
public struct ExperimentFiles: ExperimentObserver {
    public init() {}

    public func runEnded(experimentFolder: String) throws {
        try Summary.write(experimentFolder: experimentFolder)
    }

    public func sweepEnded(experimentFolder: String) throws {
        try Summary.write(experimentFolder: experimentFolder)
        try RunPlots.writeExperimentPlot(experimentFolder: experimentFolder)
    }
}
