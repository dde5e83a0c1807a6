/// Writes a `CostPlot` as SVG markup, a line per element or group, in drawing order:
/// title, notes, grid, axes, ticks, axis titles, bands, series, legend.
struct SVGRenderer {
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
        let titleText = TextMetrics.truncate(
            plot.title, toWidth: width - 2 * Style.padding, fontSize: Style.titleSize, bold: true)
        emit("<title>\(xmlEscape(plot.title))</title>")
        emit("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>")
        emit(
            "<text class=\"title\" x=\"\(coordinate(width / 2))\" y=\"\(coordinate(Style.padding + Style.titleSize))\" text-anchor=\"middle\" font-size=\"\(coordinate(Style.titleSize))\" font-weight=\"bold\" fill=\"\(Style.ink)\">\(xmlEscape(titleText))</text>"
        )
        if plot.series.isEmpty {
            emitEmpty("no runs", x: width / 2, y: height / 2)
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

    /// A message centred at `x`, `y` where there is nothing to draw.
    private mutating func emitEmpty(_ message: String, x: Double, y: Double) {
        emit(
            "<text class=\"empty\" x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" text-anchor=\"middle\" font-size=\"14.00\" fill=\"\(Style.muted)\">\(message)</text>"
        )
    }

    private mutating func renderPlot() {
        let (series, notes) = PreparedSeries.prepare(plot)
        // The caller's notes a line each, then what was skipped on one line.
        let noteLines = plot.notes + (notes.isEmpty ? [] : [notes.joined(separator: "; ")])
        let layout = PlotLayout(
            series: series, noteLines: noteLines.count, logScale: plot.logScale, width: width,
            height: height)
        let frame = layout.frame
        for (k, line) in noteLines.enumerated() {
            let text = TextMetrics.truncate(line, toWidth: width - 2 * Style.padding, fontSize: Style.noteSize)
            emit(
                "<text class=\"note\" x=\"\(coordinate(width / 2))\" y=\"\(coordinate(layout.noteBaseline + Double(k) * Style.noteLine))\" text-anchor=\"middle\" font-size=\"\(coordinate(Style.noteSize))\" fill=\"\(Style.muted)\">\(xmlEscape(text))</text>"
            )
        }
        renderAxes(frame)
        renderSeries(series, frame)
        if !layout.hasData {
            emitEmpty(
                "no costs to plot", x: (frame.left + frame.right) / 2, y: (frame.top + frame.bottom) / 2)
        }
        renderLegend(layout.legend, series, origin: layout.legendOrigin)
    }

    // MARK: Axes

    /// A vertical line at each of `ticks` (x values) from pixel row `y1` to `y2`.
    private mutating func emitVerticals(at ticks: [Double], _ f: PlotFrame, from y1: Double, to y2: Double) {
        for t in ticks {
            let x = f.px(t)
            emit(lineElement(x1: x, y1: y1, x2: x, y2: y2))
        }
    }

    /// A horizontal line at each of `ticks` (y values) from pixel column `x1` to `x2`.
    private mutating func emitHorizontals(at ticks: [Double], _ f: PlotFrame, from x1: Double, to x2: Double) {
        for t in ticks {
            let y = f.py(t)
            emit(lineElement(x1: x1, y1: y, x2: x2, y2: y))
        }
    }

    private mutating func renderAxes(_ f: PlotFrame) {
        emit("<g class=\"grid\" stroke=\"\(Style.grid)\" stroke-width=\"1\">")
        emitVerticals(at: f.x.ticks, f, from: f.top, to: f.bottom)
        emitHorizontals(at: f.y.ticks, f, from: f.left, to: f.right)
        emit("</g>")

        emit("<g class=\"axes\" stroke=\"\(Style.ink)\" stroke-width=\"1\">")
        emit(
            "<rect x=\"\(coordinate(f.left))\" y=\"\(coordinate(f.top))\" width=\"\(coordinate(f.right - f.left))\" height=\"\(coordinate(f.bottom - f.top))\" fill=\"none\" stroke=\"#bbbbbb\"/>"
        )
        emit(lineElement(x1: f.left, y1: f.bottom, x2: f.right, y2: f.bottom))
        emit(lineElement(x1: f.left, y1: f.top, x2: f.left, y2: f.bottom))
        emitVerticals(at: f.x.ticks, f, from: f.bottom, to: f.bottom + 5)
        emitHorizontals(at: f.y.ticks, f, from: f.left - 5, to: f.left)
        emitHorizontals(at: f.y.minorTicks, f, from: f.left - 3, to: f.left)
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

    // MARK: Series

    private mutating func renderSeries(_ series: [PreparedSeries], _ f: PlotFrame) {
        emit("<defs><clipPath id=\"plot-area\"><rect x=\"\(coordinate(f.left - 4))\" y=\"\(coordinate(f.top - 4))\" width=\"\(coordinate(f.right - f.left + 8))\" height=\"\(coordinate(f.bottom - f.top + 8))\"/></clipPath></defs>")
        renderBands(series, f)
        emit("<g class=\"series\" clip-path=\"url(#plot-area)\" fill=\"none\" stroke-width=\"1.8\" stroke-linejoin=\"round\" stroke-linecap=\"round\">")
        for s in series where !s.points.isEmpty {
            let pixels = Self.decimate(s.points.map { (f.px($0.x), f.py($0.y)) })
            let coords = pixels.map { "\(coordinate($0.0)),\(coordinate($0.1))" }.joined(separator: " ")
            emit("<polyline stroke=\"\(s.color)\"\(s.dashAttribute) points=\"\(coords)\"><title>\(xmlEscape(s.label))</title></polyline>")
            if s.hasMarkers {
                var circles = "<g class=\"markers\" fill=\"\(s.color)\" stroke=\"#ffffff\" stroke-width=\"0.8\">"
                for p in s.points {
                    circles += "<circle cx=\"\(coordinate(f.px(p.x)))\" cy=\"\(coordinate(f.py(p.y)))\" r=\"2.80\"/>"
                }
                emit(circles + "</g>")
            }
        }
        emit("</g>")
    }

    /// Each band as a filled polygon, under every curve: the upper bound left to right, then
    /// the lower bound right to left (a lower bound cut on a log axis at the plot's bottom).
    /// Nothing at all when no series has a band, so plots without bands keep their bytes.
    private mutating func renderBands(_ series: [PreparedSeries], _ f: PlotFrame) {
        guard series.contains(where: { !$0.band.isEmpty }) else { return }
        emit("<g class=\"bands\" clip-path=\"url(#plot-area)\" stroke=\"none\" fill-opacity=\"\(Style.bandOpacity)\">")
        for s in series where !s.band.isEmpty {
            let upper = Self.decimate(s.band.map { (f.px($0.x), f.py($0.upper)) })
            let lower = Self.decimate(s.band.map { (f.px($0.x), $0.lower.map(f.py) ?? f.bottom) })
            let coords = (upper + lower.reversed()).map { "\(coordinate($0.0)),\(coordinate($0.1))" }
                .joined(separator: " ")
            emit("<polygon fill=\"\(s.color)\" points=\"\(coords)\"><title>\(xmlEscape(s.label))</title></polygon>")
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

    // MARK: Legend

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
            var entry = "<g class=\"legend-entry\">"
            if !s.band.isEmpty {
                entry += "<rect x=\"\(coordinate(x))\" y=\"\(coordinate(y - Style.legendBandHeight / 2))\" width=\"\(coordinate(Style.legendSwatch))\" height=\"\(coordinate(Style.legendBandHeight))\" fill=\"\(s.color)\" fill-opacity=\"\(Style.bandOpacity)\"/>"
            }
            entry += lineElement(
                x1: x, y1: y, x2: x + Style.legendSwatch, y2: y,
                attributes: " stroke=\"\(s.color)\" stroke-width=\"2.20\"\(s.dashAttribute)")
            if s.hasMarkers {
                entry += "<circle cx=\"\(coordinate(x + Style.legendSwatch / 2))\" cy=\"\(coordinate(y))\" r=\"2.80\" fill=\"\(s.color)\" stroke=\"#ffffff\" stroke-width=\"0.8\"/>"
            }
            entry += "<text x=\"\(coordinate(x + Style.legendSwatch + Style.legendGap))\" y=\"\(coordinate(y + Style.legendSize * 0.35))\">\(xmlEscape(label))</text>"
            emit(entry + "</g>")
        }
        emit("</g>")
    }
}
