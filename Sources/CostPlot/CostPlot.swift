import FoundationEssentials
import Glibc

/// The cost history of one run (the `(iteration, cost)` pairs of its `costs.csv`), or of a
/// group of runs: their mean cost, with a band of plus or minus one standard deviation.
public struct CostSeries: Sendable {
    /// The legend entry, e.g. `training.learning_rate=0.0075,training.seed=2`.
    public var label: String
    /// The recorded costs, in any order (they are drawn sorted by iteration).
    public var points: [(iteration: Int, cost: Double)]
    /// A shaded band around the curve, from `lower` to `upper` at each iteration (mean ± one
    /// standard deviation, say), in any order; empty for none. Drawn as a filled polygon
    /// under every curve, in the series' color at low opacity; the legend entry's swatch
    /// gets a matching shaded box.
    public var band: [(iteration: Int, lower: Double, upper: Double)]

    public init(
        label: String, points: [(iteration: Int, cost: Double)],
        band: [(iteration: Int, lower: Double, upper: Double)] = []
    ) {
        self.label = label
        self.points = points
        self.band = band
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
/// * Bands: a band point with a non-finite bound is skipped. The axes span the bands, but
///   on a log axis a band point whose upper bound is ≤ 0 is skipped, and a lower bound
///   ≤ 0 (a mean less than one standard deviation above 0) or more than a decade below
///   the lowest cost drawn is cut at the bottom of the plot area; a note counts those cut.
/// * `notes` (what the caller left out, what the bands mean) come under the title, one
///   line each, above the note of what was skipped.
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
    /// Lines under the title, e.g. "12 of 2000 runs drawn: …"; cut with "…" when too wide.
    public var notes: [String] = []

    public init(
        series: [CostSeries], title: String, logScale: Bool = false, width: Int = 800,
        height: Int = 500, notes: [String] = []
    ) {
        self.series = series
        self.title = title
        self.logScale = logScale
        self.width = width
        self.height = height
        self.notes = notes
    }

    /// A complete SVG document (`<?xml …?>` through `</svg>`, newline-terminated).
    public func svg() -> String {
        var renderer = SVGRenderer(plot: self)
        return renderer.render()
    }
}
