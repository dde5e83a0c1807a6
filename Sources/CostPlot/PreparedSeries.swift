import FoundationEssentials
import Glibc

/// One series as it is drawn: the points that can be drawn, in plotted units (log10 of the
/// cost on a log axis), sorted by iteration, with the series' color and dash pattern.
struct PreparedSeries {
    var label: String
    var points: [(x: Double, y: Double)]
    var color: String
    var dash: String?
    /// The band's points that can be drawn, in plotted units, sorted by iteration; a nil
    /// `lower` is a lower bound cut on a log axis (≤ 0, or more than `Style.bandDecadesBelow`
    /// decades below the lowest cost drawn), drawn at the bottom of the plot area.
    var band: [(x: Double, lower: Double?, upper: Double)] = []

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
        // On a log axis, lower bounds go down to a decade below the lowest cost drawn.
        let lowest = prepared.lazy.flatMap(\.points).map(\.y).min()
        let floor = plot.logScale ? lowest.map { $0 - Style.bandDecadesBelow } : nil
        var bandsCut = 0
        for (i, s) in plot.series.enumerated() {
            prepared[i].band = drawableBand(s.band, logScale: plot.logScale, floor: floor, cut: &bandsCut)
        }
        var notes: [String] = []
        if nonFinite > 0 {
            notes.append("\(nonFinite) non-finite cost\(nonFinite == 1 ? "" : "s") not shown")
        }
        if nonPositive > 0 {
            notes.append("\(nonPositive) cost\(nonPositive == 1 ? "" : "s") ≤ 0 not shown on the log scale")
        }
        if bandsCut > 0 {
            notes.append("\(bandsCut) band lower bound\(bandsCut == 1 ? "" : "s") cut at the bottom of the log scale")
        }
        return (prepared, notes)
    }

    /// The band points that can be drawn, in plotted units and stably sorted by iteration:
    /// points with a non-finite bound are dropped, and on a log axis those with an upper
    /// bound ≤ 0. On a log axis a lower bound ≤ 0, or below `floor` (log10 units), becomes
    /// nil (drawn at the bottom of the plot area), counted in `cut`.
    private static func drawableBand(
        _ band: [(iteration: Int, lower: Double, upper: Double)], logScale: Bool, floor: Double?,
        cut: inout Int
    ) -> [(x: Double, lower: Double?, upper: Double)] {
        var kept: [(x: Double, lower: Double?, upper: Double)] = []
        kept.reserveCapacity(band.count)
        for b in band where b.lower.isFinite && b.upper.isFinite {
            if !logScale {
                kept.append((Double(b.iteration), b.lower, b.upper))
            } else if b.upper > 0 {
                var lower = b.lower > 0 ? log10(b.lower) : nil
                if let l = lower, let floor, l < floor { lower = nil }
                if lower == nil { cut += 1 }
                kept.append((Double(b.iteration), lower, log10(b.upper)))
            }
        }
        return kept.enumerated().sorted {
            $0.element.x != $1.element.x ? $0.element.x < $1.element.x : $0.offset < $1.offset
        }.map(\.element)
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
