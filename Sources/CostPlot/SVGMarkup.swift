import FoundationEssentials
import Glibc
import Support

// The pieces of SVG text every part of the plot writes: numbers, escaped text, lines.

/// A coordinate with two decimals; never "NaN", "inf" or "-0.00".
func coordinate(_ v: Double) -> String {
    guard v.isFinite else { return "0.00" }
    let s = cFormat("%.2f", v)
    return s == "-0.00" ? "0.00" : s
}

/// `<line x1=… y1=… x2=… y2=…/>`; `attributes` (each with a leading space) follow the
/// coordinates. Without them the line takes its stroke from the enclosing group.
func lineElement(x1: Double, y1: Double, x2: Double, y2: Double, attributes: String = "") -> String {
    "<line x1=\"\(coordinate(x1))\" y1=\"\(coordinate(y1))\" x2=\"\(coordinate(x2))\" y2=\"\(coordinate(y2))\"\(attributes)/>"
}

/// Text safe in XML content and attribute values.
///
/// (Support escapes JSON and YAML; this is XML's, here because only the plots write XML.)
func xmlEscape(_ s: String) -> String {
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
