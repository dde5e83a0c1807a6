import CostPlot
import Foundation
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The cost-curve SVG: well-formed, one curve and one legend entry per series, nice ticks,
/// escaped labels, and no NaN or crash on the awkward inputs a results tree can hold.
final class CostPlotTests: XCTestCase {
    /// The course's cost history, iterations 0, 100, …, 2400.
    static let course: [(iteration: Int, cost: Double)] = history(
        every: 100,
        [
            0.7717, 0.6721, 0.6483, 0.6115, 0.5670, 0.5401, 0.5279, 0.4655, 0.3691, 0.3917, 0.3152,
            0.2727, 0.2374, 0.1996, 0.1893, 0.1612, 0.1482, 0.1378, 0.1297, 0.1212, 0.1138, 0.1078,
            0.1024, 0.0979, 0.0930,
        ])

    /// A learning-rate × seed sweep: nine decaying curves.
    static let sweep: [CostSeries] = [0.0075, 0.005, 0.01].flatMap { (rate: Double) -> [CostSeries] in
        (1...3).map { (seed: Int) -> CostSeries in
            let costs: [Double] = (0..<25).map { (i: Int) -> Double in
                0.7 * exp(-rate * Double(i * 100) / 8) + 0.03 * Double(seed)
            }
            return CostSeries(label: "training.learning_rate=\(rate),training.seed=\(seed)", points: history(every: 100, costs))
        }
    }

    static func history(every step: Int, _ costs: [Double]) -> [(iteration: Int, cost: Double)] {
        costs.indices.map { (iteration: $0 * step, cost: costs[$0]) }
    }

    /// Every awkward input named in the design, each a plot that must still render.
    static var edgeCases: [(name: String, plot: CostPlot)] {
        typealias Points = [(iteration: Int, cost: Double)]
        var cases: [(name: String, plot: CostPlot)] = []
        func add(_ name: String, _ series: [CostSeries], log: Bool = false, title: String = "plot", size: Int = 800) {
            cases.append((name, CostPlot(series: series, title: title, logScale: log, width: size, height: size * 5 / 8)))
        }
        func one(_ label: String, _ points: Points) -> [CostSeries] { [CostSeries(label: label, points: points)] }
        let flat = history(every: 10, Array(repeating: 0.25, count: 10))
        let dense = history(every: 1, (0...20_000).map { (i: Int) -> Double in 1 / Double(i + 1) })
        let diverged: Points = [(0, 0.7), (1, .nan), (2, .infinity), (3, -.infinity), (4, 0.3)]

        add("no series", [])
        add("one point", one("single", [(0, 0.5)]))
        add("one point, log", one("single", [(7, 0.5)]), log: true)
        add("flat", one("flat", flat))
        add("flat, log", one("flat", flat), log: true)
        add("flat at zero", one("zero", [(0, 0), (5, 0)]))
        add("non-finite", one("diverged", diverged) + one("nothing finite", [(0, .nan)]))
        add("non-positive, log", one("zeros", [(0, 1), (10, 0), (20, -1), (30, 1e-6)]), log: true)
        add("only non-positive, log", one("z", [(0, 0), (1, -2)]), log: true)
        add("empty series", one("none", []))
        add("hundred series", hundred)
        add("long label", one(String(repeating: "long ", count: 80), course), title: String(repeating: "title ", count: 80))
        add("huge costs", one("huge", [(0, 1e308), (1, -1e308), (2, .greatestFiniteMagnitude)]))
        add("tiny costs, log", one("tiny", [(0, 1e-300), (1, .leastNonzeroMagnitude)]), log: true)
        add("tiny document", sweep, size: 1)
        add("unsorted, negative iterations", one("odd", [(50, 0.2), (-10, 0.4), (20, 0.3)]))
        add("dense", one("dense", dense), log: true)
        return cases
    }

    static let hundred: [CostSeries] = (0..<100).map { (k: Int) -> CostSeries in
        let costs: [Double] = (0..<40).map { (i: Int) -> Double in 1 / Double(i + k + 1) }
        return CostSeries(label: "run \(k)", points: history(every: 10, costs))
    }

    // MARK: Structure

    func testEveryEdgeCaseIsWellFormedAndHasNoNonFiniteNumbers() throws {
        for (name, plot) in Self.edgeCases + [("course", CostPlot(series: [CostSeries(label: "cat", points: Self.course)], title: "cat"))] {
            let svg = plot.svg()
            let document = try parse(svg, name)
            XCTAssertEqual(document.rootElement()?.name, "svg", name)
            XCTAssertTrue(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "), name)
            XCTAssertTrue(svg.hasSuffix("</svg>\n"), name)
            let lower = svg.lowercased()
            for bad in ["nan", "inf"] {
                XCTAssertFalse(lower.contains(bad), "\(name): the SVG contains \"\(bad)\"")
            }
        }
    }

    func testOnePolylineAndOneLegendEntryPerSeries() throws {
        let document = try parse(CostPlot(series: Self.sweep, title: "sweep").svg())
        let lines = try elements("polyline", in: document)
        XCTAssertEqual(lines.count, 9)
        XCTAssertEqual(Set(lines.compactMap { value(of: "stroke", $0) }).count, 9, "nine colors")
        XCTAssertEqual(lines.map { $0.stringValue }, Self.sweep.map(\.label), "each curve titled with its label")
        let entries = try legendTexts(document)
        XCTAssertEqual(entries, Self.sweep.map(\.label), "every label whole, in order")
        for line in lines {
            let points = value(of: "points", line)?.split(separator: " ") ?? []
            XCTAssertEqual(points.count, 25)
        }
    }

    func testMarkersOnlyForShortSeries() throws {
        let short = try parse(CostPlot(series: [CostSeries(label: "cat", points: Self.course)], title: "").svg())
        XCTAssertEqual(try elements("circle", in: short, under: "series").count, 25)
        let long = Self.history(every: 1, (0..<30).map { (i: Int) -> Double in 1 / Double(i + 1) })
        let dense = try parse(CostPlot(series: [CostSeries(label: "cat", points: long)], title: "").svg())
        XCTAssertEqual(try elements("circle", in: dense, under: "series").count, 0)
    }

    func testNoSeriesSaysNoRuns() throws {
        let svg = CostPlot(series: [], title: "experiment").svg()
        XCTAssertTrue(svg.contains(">no runs</text>"))
        XCTAssertEqual(try elements("polyline", in: parse(svg)).count, 0)
    }

    func testSkippedCostsAreCountedInANote() throws {
        let cases = Dictionary(uniqueKeysWithValues: Self.edgeCases.map { ($0.name, $0.plot) })
        XCTAssertTrue(cases["non-finite"]!.svg().contains(">4 non-finite costs not shown</text>"))
        XCTAssertTrue(cases["non-finite"]!.svg().contains(">nothing finite (no data)</text>"))
        XCTAssertTrue(cases["non-positive, log"]!.svg().contains(">2 costs ≤ 0 not shown on the log scale</text>"))
        XCTAssertEqual(try elements("polyline", in: parse(cases["non-finite"]!.svg())).count, 1)
    }

    // MARK: Labels

    func testLabelsAreEscaped() throws {
        let label = #"<b>lr="0.01" & 'x'</b>"#
        let svg = CostPlot(series: [CostSeries(label: label, points: Self.course)], title: "a < b & c").svg()
        XCTAssertTrue(svg.contains("&lt;b&gt;lr=&quot;0.01&quot; &amp; &apos;x&apos;&lt;/b&gt;"))
        XCTAssertFalse(svg.contains("<b>"))
        let document = try parse(svg)
        XCTAssertEqual(try legendTexts(document), [label], "the parsed text is the label itself")
        XCTAssertEqual(try elements("text", in: document).first?.stringValue, "a < b & c")
    }

    func testLongLabelsAreCutWithAnEllipsis() throws {
        let label = String(repeating: "training.learning_rate=0.0075,", count: 10)
        let document = try parse(CostPlot(series: [CostSeries(label: label, points: Self.course)], title: "").svg())
        let shown = try XCTUnwrap(legendTexts(document).first)
        XCTAssertTrue(shown.hasSuffix("…"))
        XCTAssertTrue(label.hasPrefix(String(shown.dropLast())))
    }

    func testHundredSeriesSummarizeWhatDoesNotFit() throws {
        let document = try parse(CostPlot(series: Self.hundred, title: "").svg())
        XCTAssertEqual(try elements("polyline", in: document).count, 100, "every curve is drawn")
        let entries = try legendTexts(document)
        let more = try XCTUnwrap(try elements("text", in: document, under: "legend").last?.stringValue)
        let hidden = try XCTUnwrap(Int(more.replacingOccurrences(of: "… and ", with: "").replacingOccurrences(of: " more", with: "")), more)
        XCTAssertGreaterThan(entries.count, 10)
        XCTAssertEqual(entries.count + hidden, 100)
        XCTAssertEqual(entries, Self.hundred.prefix(entries.count).map { $0.label })
        let styles = try elements("polyline", in: document).map { "\(value(of: "stroke", $0) ?? "") \(value(of: "stroke-dasharray", $0) ?? "solid")" }
        XCTAssertEqual(Set(styles.prefix(60)).count, 60, "10 colors × 6 dash patterns before a style repeats")
        XCTAssertEqual(styles[60], styles[0])
    }

    func testEveryTextStartsInsideTheDocument() throws {
        for (name, plot) in Self.edgeCases + [("sweep", CostPlot(series: Self.sweep, title: "sweep"))] {
            let document = try parse(plot.svg(), name)
            let width = Double(max(plot.width, 240))
            let height = Double(max(plot.height, 180))
            for text in try elements("text", in: document) {
                let x = Double(value(of: "x", text) ?? "") ?? -1
                let y = Double(value(of: "y", text) ?? "") ?? -1
                XCTAssertTrue((0...width).contains(x) && (0...height).contains(y), "\(name): \(text.stringValue ?? "") at \(x), \(y)")
            }
        }
    }

    func testTheLegendStaysOutOfThePlotArea() throws {
        let cases = [
            ("one short label", CostPlot(series: [CostSeries(label: "cat", points: Self.course)], title: "")),
            ("nine long labels", CostPlot(series: Self.sweep, title: "")),
            ("hundred", CostPlot(series: Self.hundred, title: "")),
        ]
        for (name, plot) in cases {
            let document = try parse(plot.svg(), name)
            let frame = try XCTUnwrap(elements("rect", in: document, under: "axes").first, name)
            let number = { (attribute: String) in Double(self.value(of: attribute, frame) ?? "") ?? .nan }
            let right = number("x") + number("width")
            let bottom = number("y") + number("height")
            let swatches = try elements("line", in: document, under: "legend-entry")
            XCTAssertFalse(swatches.isEmpty, name)
            for swatch in swatches {
                let x = Double(value(of: "x1", swatch) ?? "") ?? .nan
                let y = Double(value(of: "y1", swatch) ?? "") ?? .nan
                XCTAssertTrue(x > right || y > bottom, "\(name): legend entry at \(x), \(y) inside the plot")
            }
        }
    }

    // MARK: Ticks

    func testLinearTicksAreOneTwoFiveSteps() throws {
        let document = try parse(CostPlot(series: [CostSeries(label: "cat", points: Self.course)], title: "").svg())
        let (x, y) = try tickLabels(document)
        XCTAssertEqual(x, ["0", "500", "1000", "1500", "2000", "2500"])
        XCTAssertEqual(y, ["0.0", "0.2", "0.4", "0.6", "0.8"])
    }

    func testLogTicksOnANarrowRangeSubdivideDecades() throws {
        let svg = CostPlot(series: [CostSeries(label: "cat", points: Self.course)], title: "", logScale: true).svg()
        let (_, y) = try tickLabels(parse(svg))
        XCTAssertEqual(y, ["0.05", "0.1", "0.2", "0.5", "1"])
        XCTAssertTrue(svg.contains(">cost (log scale)</text>"))
    }

    func testLogTicksOnAWideRangeAreDecades() throws {
        func labels(downTo exponent: Int) throws -> [String] {
            let points = Self.history(every: 1, (0...(-exponent)).map { (i: Int) -> Double in pow(10, -Double(i)) })
            let plot = CostPlot(series: [CostSeries(label: "w", points: points)], title: "", logScale: true)
            return try tickLabels(parse(plot.svg())).y
        }
        XCTAssertEqual(try labels(downTo: -4), ["0.0001", "0.001", "0.01", "0.1", "1"])
        XCTAssertEqual(try labels(downTo: -6), ["10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰"])
        XCTAssertEqual(try labels(downTo: -30).count, 7, "every fifth decade")
    }

    // MARK: Determinism

    /// Two plots built from equal inputs (not one plot rendered twice, which proves
    /// nothing); across processes, whose hash seeds differ, PlotGroupTests compares the
    /// bytes two `dnn-run plot` runs write.
    func testTheSameInputGivesTheSameBytes() {
        let a = CostPlot(series: Self.sweep, title: "sweep", logScale: true).svg()
        let b = CostPlot(series: Self.sweep.map { CostSeries(label: $0.label, points: $0.points) }, title: "sweep", logScale: true).svg()
        XCTAssertEqual(a, b)
    }

    // MARK: Helpers

    private func parse(_ svg: String, _ name: String = "", file: StaticString = #filePath, line: UInt = #line) throws -> XMLDocument {
        do {
            return try XMLDocument(xmlString: svg, options: [])
        } catch {
            XCTFail("\(name): not well-formed XML: \(error)", file: file, line: line)
            throw error
        }
    }

    /// The elements named `name`, optionally only those inside `<g class="under">`.
    private func elements(_ name: String, in document: XMLDocument, under group: String? = nil) throws -> [XMLElement] {
        let prefix = group.map { "//*[local-name()='g'][@class='\($0)']" } ?? ""
        return try document.nodes(forXPath: "\(prefix)//*[local-name()='\(name)']").compactMap { $0 as? XMLElement }
    }

    private func legendTexts(_ document: XMLDocument) throws -> [String] {
        try document.nodes(forXPath: "//*[local-name()='g'][@class='legend-entry']/*[local-name()='text']")
            .compactMap { $0.stringValue }
    }

    /// An attribute's value. (`XMLElement.attribute(forName:)` finds nothing on elements in a
    /// default namespace in swift-corelibs-foundation, so look through the list.)
    private func value(of attribute: String, _ element: XMLElement) -> String? {
        element.attributes?.first { $0.name == attribute }?.stringValue
    }

    /// The x tick labels left to right and the y tick labels bottom to top.
    private func tickLabels(_ document: XMLDocument) throws -> (x: [String], y: [String]) {
        let texts = try elements("text", in: document, under: "ticks")
        func number(_ e: XMLElement, _ attribute: String) -> Double {
            Double(value(of: attribute, e) ?? "") ?? .nan
        }
        let x = texts.filter { value(of: "text-anchor", $0) == "middle" }
            .sorted { number($0, "x") < number($1, "x") }.compactMap(\.stringValue)
        let y = texts.filter { value(of: "text-anchor", $0) == "end" }
            .sorted { number($0, "y") > number($1, "y") }.compactMap(\.stringValue)
        return (x, y)
    }
}
