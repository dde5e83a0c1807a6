import FoundationEssentials
import Glibc
import Support

/// Text width estimates; the SVG cannot measure its own text. Each ASCII width is the larger
/// of Helvetica's and DejaVu Sans's (the usual fallback on Linux), so labels fit in either.
enum TextMetrics {
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
        return kept.trimmed(newlines: false) + "…"
    }
}
