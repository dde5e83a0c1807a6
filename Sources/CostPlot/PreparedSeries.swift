import Foundation

/// One series as it is drawn: the points that can be drawn, in plotted units (log10 of the
/// cost on a log axis), sorted by iteration, with the series' color and dash pattern.
struct PreparedSeries {
    var label: String
    var points: [(x: Double, y: Double)]
    var color: String
    var dash: String?

    /// ` stroke-dasharray="…"` for a dashed series, empty for a solid one.
    var dashAttribute: String { dash.map { " stroke-dasharray=\"\($0)\"" } ?? "" }

    /// Whether each point gets a marker (and the legend entry one on its swatch).
    var hasMarkers: Bool { !points.isEmpty && points.count < Style.markerLimit }

    /// Every series of `plot` ready to draw, and notes that count the costs left out.
    ///
    /// Series `i` takes palette color `i mod 10` and, from its `i / 10`-th round through
    /// the palette, the next dash pattern. A series left with no points keeps its legend
    /// entry, labelled "(no data)".
    static func prepare(_ plot: CostPlot) -> (series: [PreparedSeries], notes: [String]) {
        var nonFinite = 0
        var nonPositive = 0
        var prepared: [PreparedSeries] = []
        for (i, s) in plot.series.enumerated() {
            let points = drawable(
                s.points, logScale: plot.logScale, nonFinite: &nonFinite, nonPositive: &nonPositive)
            let round = i / Style.palette.count
            prepared.append(
                PreparedSeries(
                    label: points.isEmpty ? s.label + " (no data)" : s.label, points: points,
                    color: Style.palette[i % Style.palette.count],
                    dash: Style.dashes[round % Style.dashes.count]))
        }
        var notes: [String] = []
        if nonFinite > 0 {
            notes.append("\(nonFinite) non-finite cost\(nonFinite == 1 ? "" : "s") not shown")
        }
        if nonPositive > 0 {
            notes.append("\(nonPositive) cost\(nonPositive == 1 ? "" : "s") ≤ 0 not shown on the log scale")
        }
        return (prepared, notes)
    }

    /// The points that can be drawn, in plotted units and stably sorted by iteration; counts
    /// the non-finite costs, and on a log axis the costs ≤ 0, that it drops.
    private static func drawable(
        _ points: [(iteration: Int, cost: Double)], logScale: Bool, nonFinite: inout Int,
        nonPositive: inout Int
    ) -> [(x: Double, y: Double)] {
        var kept: [(x: Double, y: Double)] = []
        kept.reserveCapacity(points.count)
        for p in points {
            if !p.cost.isFinite {
                nonFinite += 1
            } else if logScale && p.cost <= 0 {
                nonPositive += 1
            } else {
                kept.append((Double(p.iteration), logScale ? log10(p.cost) : p.cost))
            }
        }
        // Stable sort by iteration, so a shuffled history still draws left to right.
        return kept.enumerated().sorted {
            $0.element.x != $1.element.x ? $0.element.x < $1.element.x : $0.offset < $1.offset
        }.map(\.element)
    }
}
