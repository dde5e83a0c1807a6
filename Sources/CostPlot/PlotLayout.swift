/// Where everything goes in a document of `width` × `height` pixels with at least one series:
/// from the top, the title, an optional note, the plot area with its axes, the x-axis labels
/// and title; the legend right of the plot area or below the x-axis title.
struct PlotLayout {
    var frame: PlotFrame
    var legend: LegendLayout
    /// The top left corner of the legend's first entry row.
    var legendOrigin: (x: Double, y: Double)
    /// The baseline of the first note line under the title.
    var noteBaseline: Double
    /// Whether any series has a point to draw; the axes span 0…1 (10⁻¹…1 on a log axis) if not.
    var hasData: Bool

    init(series: [PreparedSeries], noteLines: Int, logScale: Bool, width: Double, height: Double) {
        // Vertical bands: title, optional note lines, plot, x tick labels and axis title.
        noteBaseline = Style.padding + Style.titleSize + 10 + Style.noteSize
        var top = Style.padding + Style.titleSize + 10
        top += Double(noteLines) * Style.noteLine
        top += 6
        let xAxisBlock = 6 + Style.tickSize + 10 + Style.axisTitleSize + 4
        legend = LegendLayout.arrange(
            series.map(\.label), width: width, height: height, plotTop: top, xAxisBlock: xAxisBlock)
        var plotBottom = height - Style.padding - xAxisBlock
        if legend.placement == .below {
            plotBottom -= legend.height + 8
        }
        plotBottom = max(plotBottom, top + 40)

        // Data ranges, bands included (a band's lower bound cut on a log axis is not data).
        let allPoints = series.flatMap(\.points)
        hasData = !allPoints.isEmpty
        let bands = series.flatMap(\.band)
        let xs = allPoints.map(\.x) + bands.map(\.x)
        let ys = allPoints.map(\.y) + bands.map(\.upper) + bands.compactMap(\.lower)
        let xRange = xs.isEmpty ? (0.0, 1.0) : (xs.min()!, xs.max()!)
        let yRange = ys.isEmpty ? (logScale ? (-1.0, 0.0) : (0.0, 1.0)) : (ys.min()!, ys.max()!)

        let maxYTicks = max(2, Int((plotBottom - top) / 45))
        let yAxis =
            logScale
            ? Axis.logarithmic(lo: yRange.0, hi: yRange.1, maxTicks: maxYTicks)
            : Axis.linear(lo: yRange.0, hi: yRange.1, maxTicks: maxYTicks, integral: false)
        let plotLeft = Style.padding + Style.axisTitleSize + 10 + Self.widest(yAxis.labels) + 6
        var plotRight = width - Style.padding
        if legend.placement == .right {
            plotRight -= legend.width + 16
        }
        plotRight = max(plotRight, plotLeft + 40)

        // X ticks: the most that do not collide.
        var xAxis = Axis.linear(lo: xRange.0, hi: xRange.1, maxTicks: 2, integral: true)
        for count in stride(from: max(2, Int((plotRight - plotLeft) / 60)), through: 2, by: -1) {
            let candidate = Axis.linear(lo: xRange.0, hi: xRange.1, maxTicks: count, integral: true)
            let spacing = (plotRight - plotLeft) / Double(max(candidate.ticks.count - 1, 1))
            if Self.widest(candidate.labels) + 12 <= spacing || candidate.ticks.count <= 2 {
                xAxis = candidate
                break
            }
        }

        // The last x label is centred on the right edge: keep it inside the document.
        if legend.placement == .below, let last = xAxis.labels.last {
            plotRight = min(plotRight, width - 4 - TextMetrics.width(last, fontSize: Style.tickSize) / 2)
        }

        frame = PlotFrame(
            left: plotLeft, right: plotRight, top: top, bottom: plotBottom, x: xAxis, y: yAxis)
        legendOrigin =
            legend.placement == .right
            ? (frame.right + 16, frame.top + 4)
            : (max(Style.padding, frame.left), height - Style.padding - legend.height)
    }

    /// The width of the widest tick label, 0 for none.
    private static func widest(_ labels: [String]) -> Double {
        labels.map { TextMetrics.width($0, fontSize: Style.tickSize) }.max() ?? 0
    }
}

/// The plot area in pixels and its two axes, mapping plotted values to pixels.
struct PlotFrame {
    var left, right, top, bottom: Double
    var x: Axis
    var y: Axis

    func px(_ v: Double) -> Double { left + x.fraction(v) * (right - left) }
    func py(_ v: Double) -> Double { bottom - y.fraction(v) * (bottom - top) }
}
