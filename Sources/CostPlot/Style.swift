/// The plot's colors, dash patterns, font sizes and spacing, in pixels where a size.
enum Style {
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
    /// From one note line's baseline to the next.
    static let noteLine = 15.0
    static let tickSize = 11.0
    static let axisTitleSize = 12.0
    static let legendSize = 12.0
    static let legendRow = 18.0
    static let legendSwatch = 26.0
    static let legendGap = 6.0
    static let legendColumnGap = 16.0
    static let padding = 12.0
    /// Series with fewer points than this get a marker on each point.
    static let markerLimit = 30
    /// The opacity of a band's fill: low, so that ten overlapping bands stay readable.
    static let bandOpacity = "0.13"
    /// On a log axis, how many decades below the lowest cost drawn a band's lower bound may
    /// reach; one lower is cut at the bottom of the plot (a mean within one standard
    /// deviation of 0 would otherwise squash every curve into the top of the plot).
    static let bandDecadesBelow = 1.0
    /// The height of the shaded box behind a banded series' legend swatch.
    static let legendBandHeight = 10.0
    static let ink = "#222222"
    static let grid = "#e6e6e6"
    static let muted = "#666666"
}
