import Foundation

/// The cost history of one run: the `(iteration, cost)` pairs of its `costs.csv`.
public struct CostSeries: Sendable {
    /// The legend entry, e.g. `training.learning_rate=0.0075,training.seed=2`.
    public var label: String
    /// The recorded costs, in any order (they are drawn sorted by iteration).
    public var points: [(iteration: Int, cost: Double)]

    public init(label: String, points: [(iteration: Int, cost: Double)]) {
        self.label = label
        self.points = points
    }
}

/// Cost curves of one or more runs, rendered as a standalone SVG document.
///
/// The renderer is pure: `svg()` reads nothing and writes nothing, and the same plot gives
/// the same bytes (every number has a fixed number of decimals).
///
/// * Axes get "nice" ticks: 1-2-5 steps on a linear axis; on a log10 axis decades when
///   the costs span two decades or more, otherwise 1-2-5 (or 1…9) subdivisions.
/// * Colors come from Tableau 10 (colorblind-aware); past ten series the colors cycle and
///   the dash pattern changes. Points are marked when a series has fewer than 30.
/// * The legend sits right of the plot area, or below it when the labels are long and
///   fit there; labels too long are cut with "…", and series that do not fit at all are
///   summarized as "… and N more".
/// * Non-finite costs are skipped, and so are costs ≤ 0 on a log axis; a note under the
///   title counts what was skipped. With no series at all the SVG says "no runs".
///
/// The stages, a file each: `PreparedSeries` (what can be drawn, in which style),
/// `PlotLayout` with `LegendLayout` and `Axis` (where everything goes; `TextMetrics`
/// estimates label widths, `TickFormat` writes tick labels), then `SVGRenderer` (the
/// markup, with the number, line and escaping helpers of `SVGMarkup.swift`).
///
/// ```swift
/// let plot = CostPlot(series: [CostSeries(label: "lr=0.0075", points: [(0, 0.77), (100, 0.67)])],
///                     title: "cat-5layer", logScale: true)
/// try plot.svg().write(to: url, atomically: true, encoding: .utf8)
/// ```
public struct CostPlot: Sendable {
    public var series: [CostSeries]
    public var title: String
    /// Plot log10(cost) instead of cost.
    public var logScale: Bool = false
    /// Size of the document in pixels; values below 240 × 180 are raised to that.
    public var width = 800, height = 500

    public init(
        series: [CostSeries], title: String, logScale: Bool = false, width: Int = 800,
        height: Int = 500
    ) {
        self.series = series
        self.title = title
        self.logScale = logScale
        self.width = width
        self.height = height
    }

    /// A complete SVG document (`<?xml …?>` through `</svg>`, newline-terminated).
    public func svg() -> String {
        var renderer = SVGRenderer(plot: self)
        return renderer.render()
    }
}
