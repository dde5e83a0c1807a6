import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// How many `<element ...>` tags an SVG holds.
public func count(_ element: String, in svg: String) -> Int {
    svg.components(separatedBy: "<\(element) ").count - 1
}

/// The texts of an SVG plot's legend entries, in order.
public func legend(_ svg: String) throws -> [String] {
    try XMLDocument(xmlString: svg, options: []).nodes(
        forXPath: "//*[local-name()='g'][@class='legend-entry']/*[local-name()='text']"
    ).compactMap(\.stringValue)
}
