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

// MARK: - Style

private enum Style {
    /// Tableau 10 (2016), ordered for maximal contrast between neighbours.
    static let palette = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    ]
    /// Dash patterns used once the palette has been cycled through: round k uses the k-th.
    static let dashes = [nil, "6 3", "2 2", "8 3 2 3", "12 4", "4 2 1 2 1 2"]
    static let fontFamily = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
    static let titleSize = 16.0
    static let noteSize = 11.0
    static let tickSize = 11.0
    static let axisTitleSize = 12.0
    static let legendSize = 12.0
    static let legendRow = 18.0
    static let legendSwatch = 26.0
    static let legendGap = 6.0
    static let legendColumnGap = 16.0
    static let padding = 12.0
    static let markerLimit = 30
    static let ink = "#222222"
    static let grid = "#e6e6e6"
    static let muted = "#666666"
}

// MARK: - Renderer

private struct PreparedSeries {
    var label: String
    var points: [(x: Double, y: Double)]
    var color: String
    var dash: String?
}

private struct LegendLayout {
    enum Placement { case right, below }
    var placement: Placement
    var columns: Int
    var rows: Int
    var columnWidth: Double
    /// How many series have an entry: the first `shown`; the rest are summarized.
    var shown: Int
    /// The text of each entry (cut to fit), then "… and N more" when `overflow > 0`.
    var labels: [String]
    var overflow: Int

    var width: Double {
        Double(columns) * columnWidth + Double(columns - 1) * Style.legendColumnGap
    }
    var height: Double { Double(rows) * Style.legendRow }
}

private struct SVGRenderer {
    let plot: CostPlot
    let width: Double
    let height: Double
    var out = ""

    init(plot: CostPlot) {
        self.plot = plot
        self.width = Double(max(plot.width, 240))
        self.height = Double(max(plot.height, 180))
    }

    mutating func render() -> String {
        out = ""
        emit("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        emit(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"\(Style.fontFamily)\">"
        )
        let titleText = Text.truncate(
            plot.title, toWidth: width - 2 * Style.padding, fontSize: Style.titleSize, bold: true)
        emit("<title>\(xmlEscape(plot.title))</title>")
        emit("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>")
        emit(
            "<text class=\"title\" x=\"\(coordinate(width / 2))\" y=\"\(coordinate(Style.padding + Style.titleSize))\" text-anchor=\"middle\" font-size=\"\(coordinate(Style.titleSize))\" font-weight=\"bold\" fill=\"\(Style.ink)\">\(xmlEscape(titleText))</text>"
        )
        if plot.series.isEmpty {
            emit(
                "<text class=\"empty\" x=\"\(coordinate(width / 2))\" y=\"\(coordinate(height / 2))\" text-anchor=\"middle\" font-size=\"14.00\" fill=\"\(Style.muted)\">no runs</text>"
            )
        } else {
            renderPlot()
        }
        emit("</svg>")
        return out
    }

    private mutating func emit(_ line: String) {
        out += line
        out += "\n"
    }

    // MARK: Data

    /// Drops what cannot be drawn and counts it.
    private func clean() -> (series: [[(x: Double, y: Double)]], nonFinite: Int, nonPositive: Int) {
        var nonFinite = 0
        var nonPositive = 0
        var result: [[(x: Double, y: Double)]] = []
        for s in plot.series {
            var kept: [(x: Double, y: Double)] = []
            kept.reserveCapacity(s.points.count)
            for p in s.points {
                if !p.cost.isFinite {
                    nonFinite += 1
                } else if plot.logScale && p.cost <= 0 {
                    nonPositive += 1
                } else {
                    kept.append((Double(p.iteration), plot.logScale ? log10(p.cost) : p.cost))
                }
            }
            // Stable sort by iteration, so a shuffled history still draws left to right.
            let sorted = kept.enumerated().sorted {
                $0.element.x != $1.element.x ? $0.element.x < $1.element.x : $0.offset < $1.offset
            }.map(\.element)
            result.append(sorted)
        }
        return (result, nonFinite, nonPositive)
    }

    // MARK: Layout

    private mutating func renderPlot() {
        let (cleaned, nonFinite, nonPositive) = clean()
        var notes: [String] = []
        if nonFinite > 0 {
            notes.append("\(nonFinite) non-finite cost\(nonFinite == 1 ? "" : "s") not shown")
        }
        if nonPositive > 0 {
            notes.append("\(nonPositive) cost\(nonPositive == 1 ? "" : "s") ≤ 0 not shown on the log scale")
        }
        let prepared = plot.series.indices.map { i -> PreparedSeries in
            let round = i / Style.palette.count
            let label = cleaned[i].isEmpty ? plot.series[i].label + " (no data)" : plot.series[i].label
            return PreparedSeries(
                label: label, points: cleaned[i], color: Style.palette[i % Style.palette.count],
                dash: Style.dashes[round % Style.dashes.count])
        }

        // Vertical bands: title, optional note, plot, x tick labels and axis title.
        var top = Style.padding + Style.titleSize + 10
        if !notes.isEmpty {
            top += Style.noteSize + 4
        }
        top += 6
        let xAxisBlock = 6 + Style.tickSize + 10 + Style.axisTitleSize + 4
        let legend = layoutLegend(prepared.map(\.label), plotTop: top, xAxisBlock: xAxisBlock)
        var plotBottom = height - Style.padding - xAxisBlock
        if legend.placement == .below {
            plotBottom -= legend.height + 8
        }
        plotBottom = max(plotBottom, top + 40)

        // Data ranges.
        let allPoints = prepared.flatMap(\.points)
        let hasData = !allPoints.isEmpty
        let xs = allPoints.map(\.x)
        let ys = allPoints.map(\.y)
        let xRange = hasData ? (xs.min()!, xs.max()!) : (0.0, 1.0)
        let yRange = hasData ? (ys.min()!, ys.max()!) : (plot.logScale ? (-1.0, 0.0) : (0.0, 1.0))

        let maxYTicks = max(2, Int((plotBottom - top) / 45))
        let yAxis =
            plot.logScale
            ? Axis.logarithmic(lo: yRange.0, hi: yRange.1, maxTicks: maxYTicks)
            : Axis.linear(lo: yRange.0, hi: yRange.1, maxTicks: maxYTicks, integral: false)
        let yLabelWidth = yAxis.labels.map { Text.width($0, fontSize: Style.tickSize) }.max() ?? 0
        let plotLeft = Style.padding + Style.axisTitleSize + 10 + yLabelWidth + 6
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
            let widest = candidate.labels.map { Text.width($0, fontSize: Style.tickSize) }.max() ?? 0
            if widest + 12 <= spacing || candidate.ticks.count <= 2 {
                xAxis = candidate
                break
            }
        }

        // The last x label is centred on the right edge: keep it inside the document.
        if legend.placement == .below, let last = xAxis.labels.last {
            plotRight = min(plotRight, width - 4 - Text.width(last, fontSize: Style.tickSize) / 2)
        }

        let frame = Frame(
            left: plotLeft, right: plotRight, top: top, bottom: plotBottom, x: xAxis, y: yAxis)

        if !notes.isEmpty {
            emit(
                "<text class=\"note\" x=\"\(coordinate(width / 2))\" y=\"\(coordinate(Style.padding + Style.titleSize + 10 + Style.noteSize))\" text-anchor=\"middle\" font-size=\"\(coordinate(Style.noteSize))\" fill=\"\(Style.muted)\">\(xmlEscape(notes.joined(separator: "; ")))</text>"
            )
        }
        renderAxes(frame)
        renderSeries(prepared, frame)
        if !hasData {
            emit(
                "<text class=\"empty\" x=\"\(coordinate((frame.left + frame.right) / 2))\" y=\"\(coordinate((frame.top + frame.bottom) / 2))\" text-anchor=\"middle\" font-size=\"14.00\" fill=\"\(Style.muted)\">no costs to plot</text>"
            )
        }
        let legendOrigin: (x: Double, y: Double) =
            legend.placement == .right
            ? (frame.right + 16, frame.top + 4)
            : (max(Style.padding, frame.left), height - Style.padding - legend.height)
        renderLegend(legend, prepared, origin: legendOrigin)
    }

    private func layoutLegend(_ labels: [String], plotTop: Double, xAxisBlock: Double) -> LegendLayout {
        let n = labels.count
        let fullWidths = labels.map { Text.width($0, fontSize: Style.legendSize) }
        let natural = Style.legendSwatch + Style.legendGap + (fullWidths.max() ?? 0)
        let rightMax = (width * 0.34).rounded(.down)
        let rightRows = max(1, Int((height - Style.padding - xAxisBlock - plotTop - 4) / Style.legendRow))

        func fits(_ columnWidth: Double, in room: Double) -> Int {
            max(1, Int((room + Style.legendColumnGap) / (columnWidth + Style.legendColumnGap)))
        }

        // 1. Right of the plot, every label whole.
        if natural <= rightMax {
            let columns = fits(natural, in: rightMax)
            if n <= columns * rightRows {
                let used = (n + rightRows - 1) / rightRows
                let rows = (n + used - 1) / used
                return LegendLayout(
                    placement: .right, columns: used, rows: rows, columnWidth: natural, shown: n,
                    labels: labels, overflow: 0)
            }
        }
        // 2. Below the plot, every label whole, taking at most 30% of the height.
        let belowRoom = width - 2 * Style.padding
        if natural <= belowRoom {
            let columns = min(fits(natural, in: belowRoom), n)
            let rows = (n + columns - 1) / columns
            if Double(rows) * Style.legendRow <= height * 0.3 {
                let used = (n + rows - 1) / rows
                return LegendLayout(
                    placement: .below, columns: used, rows: rows, columnWidth: natural, shown: n,
                    labels: labels, overflow: 0)
            }
        }
        // 3. Right of the plot, labels cut to fit, the rest summarized.
        let more = "… and \(n) more"
        let moreWidth = Text.width(more, fontSize: Style.legendSize)
        let columnWidth = max(min(natural, rightMax), min(moreWidth, rightMax))
        let columns = fits(columnWidth, in: rightMax)
        let capacity = columns * rightRows
        let shown = n <= capacity ? n : capacity - 1
        let textRoom = columnWidth - Style.legendSwatch - Style.legendGap
        var cut = labels.prefix(shown).map {
            Text.truncate($0, toWidth: textRoom, fontSize: Style.legendSize)
        }
        let overflow = n - shown
        if overflow > 0 {
            cut.append("… and \(overflow) more")
        }
        let used = (cut.count + rightRows - 1) / rightRows
        let rows = (cut.count + used - 1) / used
        return LegendLayout(
            placement: .right, columns: used, rows: rows, columnWidth: columnWidth, shown: shown,
            labels: cut, overflow: overflow)
    }

    // MARK: Drawing

    private struct Frame {
        var left, right, top, bottom: Double
        var x: Axis
        var y: Axis

        func px(_ v: Double) -> Double { left + x.fraction(v) * (right - left) }
        func py(_ v: Double) -> Double { bottom - y.fraction(v) * (bottom - top) }
    }

    private mutating func renderAxes(_ f: Frame) {
        emit("<g class=\"grid\" stroke=\"\(Style.grid)\" stroke-width=\"1\">")
        for t in f.x.ticks {
            let x = f.px(t)
            emit("<line x1=\"\(coordinate(x))\" y1=\"\(coordinate(f.top))\" x2=\"\(coordinate(x))\" y2=\"\(coordinate(f.bottom))\"/>")
        }
        for t in f.y.ticks {
            let y = f.py(t)
            emit("<line x1=\"\(coordinate(f.left))\" y1=\"\(coordinate(y))\" x2=\"\(coordinate(f.right))\" y2=\"\(coordinate(y))\"/>")
        }
        emit("</g>")

        emit("<g class=\"axes\" stroke=\"\(Style.ink)\" stroke-width=\"1\">")
        emit(
            "<rect x=\"\(coordinate(f.left))\" y=\"\(coordinate(f.top))\" width=\"\(coordinate(f.right - f.left))\" height=\"\(coordinate(f.bottom - f.top))\" fill=\"none\" stroke=\"#bbbbbb\"/>"
        )
        emit("<line x1=\"\(coordinate(f.left))\" y1=\"\(coordinate(f.bottom))\" x2=\"\(coordinate(f.right))\" y2=\"\(coordinate(f.bottom))\"/>")
        emit("<line x1=\"\(coordinate(f.left))\" y1=\"\(coordinate(f.top))\" x2=\"\(coordinate(f.left))\" y2=\"\(coordinate(f.bottom))\"/>")
        for t in f.x.ticks {
            let x = f.px(t)
            emit("<line x1=\"\(coordinate(x))\" y1=\"\(coordinate(f.bottom))\" x2=\"\(coordinate(x))\" y2=\"\(coordinate(f.bottom + 5))\"/>")
        }
        for t in f.y.ticks {
            let y = f.py(t)
            emit("<line x1=\"\(coordinate(f.left - 5))\" y1=\"\(coordinate(y))\" x2=\"\(coordinate(f.left))\" y2=\"\(coordinate(y))\"/>")
        }
        for t in f.y.minorTicks {
            let y = f.py(t)
            emit("<line x1=\"\(coordinate(f.left - 3))\" y1=\"\(coordinate(y))\" x2=\"\(coordinate(f.left))\" y2=\"\(coordinate(y))\"/>")
        }
        emit("</g>")

        emit("<g class=\"ticks\" font-size=\"\(coordinate(Style.tickSize))\" fill=\"\(Style.ink)\">")
        for (t, label) in zip(f.x.ticks, f.x.labels) {
            emit(
                "<text x=\"\(coordinate(f.px(t)))\" y=\"\(coordinate(f.bottom + 6 + Style.tickSize))\" text-anchor=\"middle\">\(xmlEscape(label))</text>"
            )
        }
        for (t, label) in zip(f.y.ticks, f.y.labels) {
            emit(
                "<text x=\"\(coordinate(f.left - 8))\" y=\"\(coordinate(f.py(t) + Style.tickSize * 0.35))\" text-anchor=\"end\">\(xmlEscape(label))</text>"
            )
        }
        emit("</g>")

        let xTitleY = f.bottom + 6 + Style.tickSize + 10 + Style.axisTitleSize
        let yTitleX = Style.padding + Style.axisTitleSize
        let yTitleY = (f.top + f.bottom) / 2
        let yTitle = plot.logScale ? "cost (log scale)" : "cost"
        emit("<g class=\"axis-titles\" font-size=\"\(coordinate(Style.axisTitleSize))\" fill=\"\(Style.ink)\" text-anchor=\"middle\">")
        emit("<text x=\"\(coordinate((f.left + f.right) / 2))\" y=\"\(coordinate(xTitleY))\">iteration</text>")
        emit(
            "<text x=\"\(coordinate(yTitleX))\" y=\"\(coordinate(yTitleY))\" transform=\"rotate(-90 \(coordinate(yTitleX)) \(coordinate(yTitleY)))\">\(yTitle)</text>"
        )
        emit("</g>")
    }

    private mutating func renderSeries(_ series: [PreparedSeries], _ f: Frame) {
        emit("<defs><clipPath id=\"plot-area\"><rect x=\"\(coordinate(f.left - 4))\" y=\"\(coordinate(f.top - 4))\" width=\"\(coordinate(f.right - f.left + 8))\" height=\"\(coordinate(f.bottom - f.top + 8))\"/></clipPath></defs>")
        emit("<g class=\"series\" clip-path=\"url(#plot-area)\" fill=\"none\" stroke-width=\"1.8\" stroke-linejoin=\"round\" stroke-linecap=\"round\">")
        for s in series where !s.points.isEmpty {
            let pixels = Self.decimate(s.points.map { (f.px($0.x), f.py($0.y)) })
            let coords = pixels.map { "\(coordinate($0.0)),\(coordinate($0.1))" }.joined(separator: " ")
            let dash = s.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            emit("<polyline stroke=\"\(s.color)\"\(dash) points=\"\(coords)\"><title>\(xmlEscape(s.label))</title></polyline>")
            if s.points.count < Style.markerLimit {
                var circles = "<g class=\"markers\" fill=\"\(s.color)\" stroke=\"#ffffff\" stroke-width=\"0.8\">"
                for p in s.points {
                    circles += "<circle cx=\"\(coordinate(f.px(p.x)))\" cy=\"\(coordinate(f.py(p.y)))\" r=\"2.80\"/>"
                }
                emit(circles + "</g>")
            }
        }
        emit("</g>")
    }

    /// Keeps the first, lowest, highest and last point of each pixel column: the drawn line
    /// looks the same, and a history of a million costs stays a small file.
    private static func decimate(_ pixels: [(Double, Double)]) -> [(Double, Double)] {
        guard pixels.count > 2000 else { return pixels }
        var result: [(Double, Double)] = []
        var i = 0
        while i < pixels.count {
            let column = pixels[i].0.rounded(.down)
            var j = i
            var lo = i
            var hi = i
            while j < pixels.count && pixels[j].0.rounded(.down) == column {
                if pixels[j].1 < pixels[lo].1 { lo = j }
                if pixels[j].1 > pixels[hi].1 { hi = j }
                j += 1
            }
            for k in Set([i, lo, hi, j - 1]).sorted() {
                result.append(pixels[k])
            }
            i = j
        }
        return result
    }

    private mutating func renderLegend(_ legend: LegendLayout, _ series: [PreparedSeries], origin: (x: Double, y: Double)) {
        emit("<g class=\"legend\" font-size=\"\(coordinate(Style.legendSize))\" fill=\"\(Style.ink)\">")
        for (i, label) in legend.labels.enumerated() {
            let column = i / legend.rows
            let row = i % legend.rows
            let x = origin.x + Double(column) * (legend.columnWidth + Style.legendColumnGap)
            let y = origin.y + Double(row) * Style.legendRow + Style.legendRow / 2
            if i >= legend.shown {
                emit("<text class=\"legend-more\" x=\"\(coordinate(x))\" y=\"\(coordinate(y + Style.legendSize * 0.35))\" fill=\"\(Style.muted)\">\(xmlEscape(label))</text>")
                continue
            }
            let s = series[i]
            let dash = s.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            var entry = "<g class=\"legend-entry\">"
            entry += "<line x1=\"\(coordinate(x))\" y1=\"\(coordinate(y))\" x2=\"\(coordinate(x + Style.legendSwatch))\" y2=\"\(coordinate(y))\" stroke=\"\(s.color)\" stroke-width=\"2.20\"\(dash)/>"
            if !s.points.isEmpty && s.points.count < Style.markerLimit {
                entry += "<circle cx=\"\(coordinate(x + Style.legendSwatch / 2))\" cy=\"\(coordinate(y))\" r=\"2.80\" fill=\"\(s.color)\" stroke=\"#ffffff\" stroke-width=\"0.8\"/>"
            }
            entry += "<text x=\"\(coordinate(x + Style.legendSwatch + Style.legendGap))\" y=\"\(coordinate(y + Style.legendSize * 0.35))\">\(xmlEscape(label))</text>"
            emit(entry + "</g>")
        }
        emit("</g>")
    }
}

// MARK: - Axes

/// One axis: its range in plotted units (log10 of the cost on a log axis), ticks and labels.
private struct Axis {
    var lo: Double
    var hi: Double
    var ticks: [Double]
    var labels: [String]
    var minorTicks: [Double] = []

    /// Where `v` falls in `lo...hi`, from 0 to 1; halves first so ±1e308 does not overflow.
    func fraction(_ v: Double) -> Double {
        let span = hi / 2 - lo / 2
        guard span > 0, span.isFinite else { return 0.5 }
        let t = (v / 2 - lo / 2) / span
        return t.isFinite ? t : 0.5
    }

    /// The 1-2-5 step closest to `rough` (a positive finite number).
    static func niceStep(_ rough: Double) -> Double {
        let exponent = floor(log10(rough))
        let base = pow(10, exponent)
        let fraction = rough / base
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * base
    }

    /// Ticks every 1, 2 or 5 × 10ⁿ, the range widened to whole steps, at most `maxTicks`
    /// of them (or 2 when a single step already spans the data).
    static func linear(lo: Double, hi: Double, maxTicks: Int, integral: Bool) -> Axis {
        // Keep the span finite: a cost beyond ±1e300 is clipped rather than overflowing.
        var lo = max(lo, -1e300)
        var hi = min(hi, 1e300)
        if !(hi - lo > max(abs(lo), abs(hi)) * 1e-12) {
            // A flat range: open it up around the value.
            if integral {
                // One iteration: a single tick in the middle rather than a made-up -1.
                return Axis(lo: lo - 1, hi: lo + 1, ticks: [lo], labels: TickFormat.labels([lo]))
            } else {
                let pad = lo == 0 ? 1 : abs(lo) * 0.1
                (lo, hi) = (lo - pad, hi + pad)
            }
        }
        let intervals = Double(max(1, maxTicks - 1))
        var step = niceStep(max(hi / intervals - lo / intervals, Double.leastNormalMagnitude))
        if integral { step = max(step, 1) }
        var axisLo = (lo / step).rounded(.down) * step
        var axisHi = (hi / step).rounded(.up) * step
        // Widening by whole steps can add ticks; coarsen until they fit.
        while ((axisHi - axisLo) / step).rounded() + 1 > Double(max(2, maxTicks)) {
            step = niceStep(step * 1.5)
            axisLo = (lo / step).rounded(.down) * step
            axisHi = (hi / step).rounded(.up) * step
        }
        if !axisLo.isFinite { axisLo = lo }
        if !axisHi.isFinite { axisHi = hi }
        var ticks: [Double] = []
        let count = Int(min(((axisHi - axisLo) / step).rounded(), 1000))
        for k in 0...max(count, 0) {
            var t = axisLo + Double(k) * step
            if abs(t) < step * 1e-9 { t = 0 }
            if t.isFinite { ticks.append(t) }
        }
        return Axis(lo: axisLo, hi: axisHi, ticks: ticks, labels: TickFormat.labels(ticks))
    }

    /// A log10 axis over log10(cost) in `lo...hi`; ticks and labels are in cost units.
    static func logarithmic(lo: Double, hi: Double, maxTicks: Int) -> Axis {
        var a = lo
        var b = hi
        if b - a < 1e-9 {
            a -= 0.15
            b += 0.15
        }
        if b - a >= 2 {
            // Decades, every k-th when there are many.
            let first = a.rounded(.down)
            let last = b.rounded(.up)
            var k = 1.0
            for candidate in [1.0, 2, 3, 5, 10, 20, 50, 100] {
                k = candidate
                if ((last / k).rounded(.up) - (first / k).rounded(.down)) + 1 <= Double(max(3, maxTicks)) {
                    break
                }
            }
            let d0 = (first / k).rounded(.down) * k
            let d1 = (last / k).rounded(.up) * k
            let exponents = stride(from: d0, through: d1, by: k).map { $0 }
            var minor: [Double] = []
            if k == 1 && d1 - d0 <= 8 {
                for e in exponents.dropLast() {
                    for m in 2...9 { minor.append(e + log10(Double(m))) }
                }
            }
            let values = exponents.map { pow(10, $0) }
            return Axis(
                lo: d0, hi: d1, ticks: exponents, labels: TickFormat.labels(values, decades: true, logarithmic: true),
                minorTicks: minor)
        }
        // Narrow: a ladder of m × 10ⁿ, widened to the ladder values around the data.
        for mantissas in [[1.0, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] {
            var ladder: [Double] = []
            for e in Int(a.rounded(.down)) - 1...Int(b.rounded(.up)) + 1 {
                for m in mantissas { ladder.append(log10(m) + Double(e)) }
            }
            let eps = 1e-9
            guard let below = ladder.last(where: { $0 <= a + eps }),
                let above = ladder.first(where: { $0 >= b - eps })
            else { continue }
            let ticks = ladder.filter { $0 >= below - eps && $0 <= above + eps }
            if ticks.count >= 3 && ticks.count <= max(3, maxTicks) {
                return Axis(lo: below, hi: above, ticks: ticks, labels: TickFormat.labels(ticks.map { pow(10, $0) }, logarithmic: true))
            }
        }
        // Very narrow: linear ticks placed on the log axis.
        let linear = Axis.linear(lo: pow(10, a), hi: pow(10, b), maxTicks: maxTicks, integral: false)
        let positive = zip(linear.ticks, linear.labels).filter { $0.0 > 0 }
        let axisLo = linear.lo > 0 ? log10(linear.lo) : a
        return Axis(lo: axisLo, hi: log10(linear.hi), ticks: positive.map { log10($0.0) }, labels: positive.map(\.1))
    }
}

/// Tick labels: fixed decimals shared by the whole axis, or m×10ⁿ for tiny or huge values.
private enum TickFormat {
    /// Linear axes share one number of decimals (0.0, 0.2, 0.4); log axes write each value
    /// as short as it goes (0.05, 0.1, 0.2).
    static func labels(_ values: [Double], decades: Bool = false, logarithmic: Bool = false) -> [String] {
        let scientific = values.contains { $0 != 0 && (abs($0) < 0.99999e-4 || abs($0) >= 0.99999e6) }
        if scientific {
            return values.map { power($0, decade: decades) }
        }
        if logarithmic {
            return values.map { fixed($0, decimals: decimalsNeeded($0)) }
        }
        let decimals = values.map(decimalsNeeded).max() ?? 0
        return values.map { fixed($0, decimals: decimals) }
    }

    /// The fewest decimals (up to 10) that write `v` exactly enough.
    static func decimalsNeeded(_ v: Double) -> Int {
        for d in 0...10 {
            let scale = pow(10, Double(d))
            if abs((v * scale).rounded() / scale - v) <= abs(v) * 1e-9 { return d }
        }
        return 10
    }

    static func fixed(_ v: Double, decimals: Int) -> String {
        let s = String(format: "%.\(decimals)f", v)
        return s.hasPrefix("-") && s.allSatisfy({ "-0.".contains($0) }) ? String(s.dropFirst()) : s
    }

    static func power(_ v: Double, decade: Bool) -> String {
        if v == 0 { return "0" }
        var exponent = Int(log10(abs(v)).rounded(.down))
        var mantissa = v / pow(10, Double(exponent))
        if abs(mantissa) >= 9.9999999 {
            mantissa /= 10
            exponent += 1
        }
        let power = "10" + superscript(exponent)
        if decade || abs(abs(mantissa) - 1) < 1e-9 {
            return (mantissa < 0 ? "−" : "") + power
        }
        let digits = min(decimalsNeeded(mantissa), 3)
        return fixed(mantissa, decimals: digits) + "×" + power
    }

    static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let body = String(abs(n)).compactMap { $0.wholeNumberValue.map { digits[$0] } }
        return (n < 0 ? "⁻" : "") + String(body)
    }
}

// MARK: - Text

/// Text width estimates; the SVG cannot measure its own text. Each ASCII width is the larger
/// of Helvetica's and DejaVu Sans's (the usual fallback on Linux), so labels fit in either.
private enum Text {
    /// Advance widths of ASCII 32…126 in 1/1000 em.
    static let regular: [Double] = [
        318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
        636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 556,
        1015, 684, 686, 722, 770, 667, 611, 778, 752, 295, 500, 667, 557, 863, 748, 787,
        667, 787, 722, 667, 611, 732, 684, 989, 685, 667, 685, 390, 337, 390, 838, 556,
        500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
        635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
    ]
    static let bold: [Double] = [
        348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365,
        696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 611,
        1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 556, 775, 637, 995, 837, 850,
        733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 556,
        500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
        716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
    ]

    /// The advance of `character` in em.
    static func width(_ character: Character, bold: Bool = false) -> Double {
        guard let v = character.unicodeScalars.first?.value else { return 0 }
        if v >= 32 && v <= 126 {
            return (bold ? Self.bold : regular)[Int(v - 32)] / 1000
        }
        let wide =
            (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v)
            || (0xFF00...0xFF60).contains(v) || v >= 0x1F300
        // CJK, full-width forms and emoji take a full em; "…", "×", "≤" and most else less.
        return wide ? 1.0 : (bold ? 0.92 : 0.84)
    }

    static func width(_ s: String, fontSize: Double, bold: Bool = false) -> Double {
        s.reduce(0) { $0 + width($1, bold: bold) } * fontSize
    }

    /// `s`, or as much of it as fits in `toWidth` followed by "…".
    static func truncate(_ s: String, toWidth room: Double, fontSize: Double, bold: Bool = false) -> String {
        if width(s, fontSize: fontSize, bold: bold) <= room { return s }
        let budget = room - width("…", fontSize: fontSize, bold: bold)
        var used = 0.0
        var kept = ""
        for c in s {
            used += width(c, bold: bold) * fontSize
            if used > budget { break }
            kept.append(c)
        }
        return kept.trimmingCharacters(in: .whitespaces) + "…"
    }
}

// MARK: - Formatting

/// A coordinate with two decimals; never "NaN", "inf" or "-0.00".
private func coordinate(_ v: Double) -> String {
    guard v.isFinite else { return "0.00" }
    let s = String(format: "%.2f", v)
    return s == "-0.00" ? "0.00" : s
}

/// Text safe in XML content and attribute values.
private func xmlEscape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default:
            // Control characters other than tab/newline are not allowed in XML 1.0.
            if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" {
                out += "\u{FFFD}"
            } else if scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                out += "\u{FFFD}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}
