/// Where the legend goes and what it says: right of the plot or below it, in columns of
/// `rows` entries filled top to bottom, then left to right.
struct LegendLayout {
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

    /// The legend of series labelled `labels` in a `width` × `height` document whose plot
    /// area starts at `plotTop` and has `xAxisBlock` pixels of x-axis labels below it.
    ///
    /// The first that fits, in this order:
    /// 1. right of the plot, at most 34% of the width, every label whole;
    /// 2. below the plot, at most 30% of the height, every label whole;
    /// 3. right of the plot, labels cut with "…" and the series that do not fit counted
    ///    in a last entry "… and N more".
    static func arrange(
        _ labels: [String], width: Double, height: Double, plotTop: Double, xAxisBlock: Double
    ) -> LegendLayout {
        let n = labels.count
        let fullWidths = labels.map { TextMetrics.width($0, fontSize: Style.legendSize) }
        let natural = Style.legendSwatch + Style.legendGap + (fullWidths.max() ?? 0)
        let rightMax = (width * 0.34).rounded(.down)
        let rightRows = max(1, Int((height - Style.padding - xAxisBlock - plotTop - 4) / Style.legendRow))

        func fits(_ columnWidth: Double, in room: Double) -> Int {
            max(1, Int((room + Style.legendColumnGap) / (columnWidth + Style.legendColumnGap)))
        }
        /// `entries` right of the plot: as few columns of at most `rightRows` as hold them,
        /// then as few rows as those columns need.
        func right(_ entries: [String], columnWidth: Double, shown: Int) -> LegendLayout {
            let used = (entries.count + rightRows - 1) / rightRows
            let rows = (entries.count + used - 1) / used
            return LegendLayout(
                placement: .right, columns: used, rows: rows, columnWidth: columnWidth, shown: shown,
                labels: entries, overflow: n - shown)
        }

        // 1. Right of the plot, every label whole.
        if natural <= rightMax {
            let columns = fits(natural, in: rightMax)
            if n <= columns * rightRows {
                return right(labels, columnWidth: natural, shown: n)
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
        let moreWidth = TextMetrics.width(more(n), fontSize: Style.legendSize)
        let columnWidth = max(min(natural, rightMax), min(moreWidth, rightMax))
        let columns = fits(columnWidth, in: rightMax)
        let capacity = columns * rightRows
        let shown = n <= capacity ? n : capacity - 1
        let textRoom = columnWidth - Style.legendSwatch - Style.legendGap
        var cut = labels.prefix(shown).map {
            TextMetrics.truncate($0, toWidth: textRoom, fontSize: Style.legendSize)
        }
        if n > shown {
            cut.append(more(n - shown))
        }
        return right(cut, columnWidth: columnWidth, shown: shown)
    }

    /// The last entry of a legend that leaves out `count` series.
    private static func more(_ count: Int) -> String { "… and \(count) more" }
}
