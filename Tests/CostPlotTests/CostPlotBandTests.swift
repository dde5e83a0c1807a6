import CostPlot
import Foundation
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Bands (mean ± one standard deviation of a group of runs): a filled polygon under the
/// curves, a shaded legend swatch, cut at the bottom of a log axis, and no trace at all in
/// plots without them.
final class CostPlotBandTests: XCTestCase {
    /// Costs 2, 1.5, 1 at iterations 0, 10, 20, each ± 0.5.
    static let banded = CostSeries(
        label: "lr=0.1 (n=3)", points: [(0, 2), (10, 1.5), (20, 1)],
        band: [(20, 0.5, 1.5), (0, 1.5, 2.5), (10, 1, 2)])

    /// Ten groups as a learning-rate sweep would give, each with a band.
    static let tenGroups: [CostSeries] = (0..<10).map { (k: Int) -> CostSeries in
        let rate = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0][k]
        let iterations = Array(stride(from: 0, through: 2500, by: 100))
        let mean = iterations.map { (i: Int) -> Double in 0.1 + 0.6 * exp(-rate * Double(i) / 20) }
        return CostSeries(
            label: "learning_rate=\(rate) (n=10)", points: Array(zip(iterations, mean)),
            band: zip(iterations, mean).map { ($0, $1 * 0.9, $1 * 1.1) })
    }

    func testTheBandIsAPolygonUpperLeftToRightThenLowerBack() {
        let svg = CostPlot(series: [Self.banded], title: "band", width: 400, height: 250).svg()
        // The axis spans 0…4 over pixel rows 195…44: y = 195 - cost / 4 × 151. The band's
        // points come in any order and are drawn sorted by iteration.
        let bands = """
            <g class="bands" clip-path="url(#plot-area)" stroke="none" fill-opacity="0.13">
            <polygon fill="#4e79a7" points="47.00,100.62 155.56,119.50 264.12,138.38 264.12,176.12 155.56,157.25 47.00,138.38"><title>lr=0.1 (n=3)</title></polygon>
            </g>
            <g class="series" clip-path="url(#plot-area)" fill="none" stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round">
            <polyline stroke="#4e79a7" points="47.00,119.50 155.56,138.38 264.12,157.25"><title>lr=0.1 (n=3)</title></polyline>

            """
        XCTAssertTrue(svg.contains(bands), svg)
        let legend = ##"<g class="legend-entry"><rect x="280.12" y="52.00" width="26.00" height="10.00" fill="#4e79a7" fill-opacity="0.13"/><line x1="280.12" y1="57.00" x2="306.12" y2="57.00" stroke="#4e79a7" stroke-width="2.20"/>"##
        XCTAssertTrue(svg.contains(legend), svg)
        XCTAssertTrue(try XMLDocument(xmlString: svg, options: []).rootElement() != nil)
    }

    func testPlotsWithoutBandsHaveNoTraceOfThem() {
        let plain = CostSeries(label: "lr=0.1", points: Self.banded.points)
        let svg = CostPlot(series: [plain], title: "band", width: 400, height: 250).svg()
        XCTAssertFalse(svg.contains("bands"))
        XCTAssertFalse(svg.contains("polygon"))
        XCTAssertFalse(svg.contains("fill-opacity"))
        XCTAssertEqual(svg, CostPlot(series: [CostSeries(label: "lr=0.1", points: Self.banded.points, band: [])], title: "band", width: 400, height: 250).svg())
    }

    func testTheAxesSpanTheBand() throws {
        let wide = CostSeries(label: "w", points: [(0, 1), (10, 1)], band: [(0, -3, 5), (10, 0, 2)])
        let svg = CostPlot(series: [wide], title: "").svg()
        let document = try XMLDocument(xmlString: svg, options: [])
        let yLabels = try document.nodes(forXPath: "//*[local-name()='g'][@class='ticks']/*[@text-anchor='end']").compactMap(\.stringValue)
        XCTAssertEqual(yLabels.first, "-4", svg)
        XCTAssertEqual(yLabels.last, "6", svg)
    }

    func testOnALogAxisLowerBoundsAtOrBelowZeroOrADecadeUnderTheCurvesAreCut() throws {
        // Means 1, 0.5, 0.1; the band's lower bounds 0.5, -0.1 (≤ 0) and 0.001 (two decades
        // below the lowest cost): the last two drawn at the bottom of the plot and counted.
        let series = CostSeries(
            label: "g", points: [(0, 1), (10, 0.5), (20, 0.1)],
            band: [(0, 0.5, 1.5), (10, -0.1, 1.1), (20, 0.001, 0.199)])
        let svg = CostPlot(series: [series], title: "", logScale: true).svg()
        XCTAssertTrue(svg.contains(">2 band lower bounds cut at the bottom of the log scale</text>"), svg)
        let document = try XMLDocument(xmlString: svg, options: [])
        let frame = try XCTUnwrap(document.nodes(forXPath: "//*[local-name()='g'][@class='axes']/*[local-name()='rect']").first as? XMLElement)
        let top = Double(attribute("y", frame))!
        let bottom = top + Double(attribute("height", frame))!
        let polygon = try XCTUnwrap(document.nodes(forXPath: "//*[local-name()='polygon']").first as? XMLElement)
        let ys = attribute("points", polygon).split(separator: " ").map { Double($0.split(separator: ",")[1])! }
        XCTAssertEqual(ys.count, 6)
        // Lower bounds, right to left: 0.001 and -0.1 cut at the bottom, 0.5 above it.
        XCTAssertEqual(ys[3], bottom, accuracy: 0.006)
        XCTAssertEqual(ys[4], bottom, accuracy: 0.006)
        XCTAssertLessThan(ys[5], bottom - 10)
        XCTAssertTrue(ys.allSatisfy { $0 >= top - 4 && $0 <= bottom + 0.006 }, "\(ys)")
        // The cut bounds do not stretch the axis: it starts at the lowest cost, 0.1.
        let yLabels = try document.nodes(forXPath: "//*[local-name()='g'][@class='ticks']/*[@text-anchor='end']").compactMap(\.stringValue)
        XCTAssertEqual(yLabels, ["0.1", "0.2", "0.5", "1", "2"])

        // A lower bound within the decade under the lowest cost is drawn, and the axis spans it.
        let near = CostSeries(label: "g", points: [(0, 1), (10, 0.1)], band: [(0, 0.5, 1.5), (10, 0.02, 0.18)])
        let nearSVG = CostPlot(series: [near], title: "", logScale: true).svg()
        XCTAssertFalse(nearSVG.contains("cut at the bottom"), nearSVG)
        let nearLabels = try XMLDocument(xmlString: nearSVG, options: []).nodes(forXPath: "//*[local-name()='g'][@class='ticks']/*[@text-anchor='end']").compactMap(\.stringValue)
        XCTAssertEqual(nearLabels.first, "0.02", "\(nearLabels)")
    }

    func testCallerNotesComeALineEachAboveTheSkippedCounts() throws {
        let series = CostSeries(label: "d", points: [(0, 0.7), (1, .nan), (2, 0.3)])
        let plot = CostPlot(series: [series], title: "t", notes: ["10 of 2000 runs drawn", "second"])
        let document = try XMLDocument(xmlString: plot.svg(), options: [])
        let notes = try document.nodes(forXPath: "//*[local-name()='text'][@class='note']").map { $0 as! XMLElement }
        XCTAssertEqual(notes.compactMap(\.stringValue), ["10 of 2000 runs drawn", "second", "1 non-finite cost not shown"])
        XCTAssertEqual(notes.map { attribute("y", $0) }, ["49.00", "64.00", "79.00"])
        let frame = try XCTUnwrap(document.nodes(forXPath: "//*[local-name()='g'][@class='axes']/*[local-name()='rect']").first as? XMLElement)
        XCTAssertGreaterThan(Double(attribute("y", frame))!, 79, "the plot starts under the notes")
    }

    func testTenGroupsAreEachDistinctAndWholeInTheLegend() throws {
        let svg = CostPlot(series: Self.tenGroups, title: "ten").svg()
        let document = try XMLDocument(xmlString: svg, options: [])
        let polygons = try document.nodes(forXPath: "//*[local-name()='polygon']").map { $0 as! XMLElement }
        let lines = try document.nodes(forXPath: "//*[local-name()='polyline']").map { $0 as! XMLElement }
        XCTAssertEqual(polygons.count, 10)
        XCTAssertEqual(lines.count, 10)
        XCTAssertEqual(Set(lines.map { attribute("stroke", $0) }).count, 10, "ten colors")
        XCTAssertEqual(polygons.map { attribute("fill", $0) }, lines.map { attribute("stroke", $0) })
        let entries = try document.nodes(forXPath: "//*[local-name()='g'][@class='legend-entry']/*[local-name()='text']").compactMap(\.stringValue)
        XCTAssertEqual(entries, Self.tenGroups.map(\.label), "every label whole")
        // Every band lies under every curve: the bands group comes first.
        let bandsAt = try XCTUnwrap(svg.range(of: "<g class=\"bands\"")).lowerBound
        let seriesAt = try XCTUnwrap(svg.range(of: "<g class=\"series\"")).lowerBound
        XCTAssertLessThan(bandsAt, seriesAt)
    }

    private func attribute(_ name: String, _ element: XMLElement) -> String {
        element.attributes?.first { $0.name == name }?.stringValue ?? ""
    }
}
