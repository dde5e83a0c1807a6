import Foundation
import TestSupport
import XCTest

/// The README's table "The notebook in Swift" cannot drift from the code: every notebook
/// function has a row, and every Swift symbol in it is declared, with those argument
/// labels, in the file the row names.
final class ReadmeTableTests: XCTestCase {
    /// The notebook's functions and the course helpers it imports, as issue 9 lists them.
    static let notebookFunctions = [
        "initialize_parameters", "initialize_parameters_deep", "linear_forward",
        "linear_activation_forward", "L_model_forward", "compute_cost", "linear_backward",
        "linear_activation_backward", "L_model_backward", "update_parameters", "predict",
        "sigmoid", "relu", "sigmoid_backward", "relu_backward",
    ]

    struct Row {
        var notebook: String
        var symbols: [String]
        var file: String
        var line: Int
    }

    func testEveryNotebookFunctionHasExactlyOneRow() throws {
        let rows = try Self.table()
        XCTAssertEqual(rows.map(\.notebook).sorted(), Self.notebookFunctions.sorted())
    }

    func testEverySymbolIsDeclaredInItsFile() throws {
        for row in try Self.table() {
            XCTAssertFalse(row.symbols.isEmpty, "README.md:\(row.line): no Swift symbol for \(row.notebook)")
            let url = packageRoot().appendingPathComponent(row.file)
            guard let source = try? String(contentsOf: url, encoding: .utf8) else {
                XCTFail("README.md:\(row.line): \(row.notebook): no file \(row.file)")
                continue
            }
            for symbol in row.symbols {
                XCTAssertNil(
                    Self.problem(symbol, in: source),
                    "README.md:\(row.line): \(row.notebook): \(symbol) in \(row.file)")
            }
        }
    }

    /// The checker itself: it finds what is there and rejects near misses.
    func testTheCheckerRejectsNearMisses() {
        let source = """
            public enum Activation: String {
                case relu
                case leakyRelu = "leaky_relu"
                public func backward(_ dA: Matrix, _ z: Matrix) -> Matrix { dA }
            }
            public func modelForward(
                _ X: Matrix, _ parameters: Parameters,
                hidden: Activation = .relu, output: Activation = .sigmoid
            ) -> (AL: Matrix, caches: [LayerCache]) { fatalError() }
            func train(progress: ((Int) -> Void)? = nil, pairs: Dictionary<String, Int>) {}
            """
        for found in [
            "modelForward(_:_:hidden:output:)", "Activation.backward(_:_:)", "Activation.relu",
            "Activation.leakyRelu", "train(progress:pairs:)",
        ] {
            XCTAssertNil(Self.problem(found, in: source), found)
        }
        for missing in [
            "modelForward(_:_:)", "modelForward(_:_:hidden:output:extra:)", "modelForwards(_:_:hidden:output:)",
            "Activation.backward(_:)", "Activation.tanh", "Layer.backward(_:_:)", "train(progress:)",
        ] {
            XCTAssertNotNil(Self.problem(missing, in: source), missing)
        }
    }

    // MARK: Reading the README

    /// The rows of the table under "## The notebook in Swift".
    static func table(file: StaticString = #filePath) throws -> [Row] {
        let readme = try String(
            contentsOf: packageRoot(file: file).appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let start = try XCTUnwrap(
            lines.firstIndex(of: "## The notebook in Swift"), "README.md has no section \"## The notebook in Swift\"")
        var rows: [Row] = []
        for index in lines.indices.dropFirst(start + 1) {
            let line = lines[index]
            if line.hasPrefix("## ") { break }
            guard line.hasPrefix("| `") else { continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            XCTAssertEqual(cells.count, 3, "README.md:\(index + 1): a row has 3 cells")
            guard cells.count == 3 else { continue }
            let notebook = code(in: cells[0]).first.map { String($0.prefix { $0 != "(" }) } ?? ""
            rows.append(
                Row(notebook: notebook, symbols: code(in: cells[1]), file: code(in: cells[2]).first ?? "",
                    line: index + 1))
        }
        return rows
    }

    /// The `code spans` of a cell.
    static func code(in cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    // MARK: Reading Swift

    /// Why `symbol` is not declared in `source`, or nil when it is. A symbol is
    /// `name(label:label:)` or `Type.name(label:)`, a function with those argument labels
    /// (`_` for none), or `Type.member`, an enum case or property; a `Type.` prefix also
    /// requires `source` to declare or extend `Type`.
    static func problem(_ symbol: String, in source: String) -> String? {
        let call = symbol.firstIndex(of: "(")
        let path = symbol[..<(call ?? symbol.endIndex)].split(separator: ".").map(String.init)
        guard let name = path.last, !name.isEmpty else { return "not a symbol" }
        if path.count > 1 {
            let type = path.dropLast().joined(separator: ".")
            let declaration = #"\b(enum|struct|class|actor|protocol|extension)\s+"# + NSRegularExpression.escapedPattern(for: type) + #"\b"#
            if source.range(of: declaration, options: .regularExpression) == nil {
                return "no type \(type)"
            }
        }
        let escaped = NSRegularExpression.escapedPattern(for: name)
        guard let call else {
            let member = #"\b(case|var|let)\s+"# + escaped + #"\b"#
            return source.range(of: member, options: .regularExpression) == nil ? "no case or property \(name)" : nil
        }
        let labels = symbol[symbol.index(after: call)...].dropLast().split(separator: ":").map(String.init)
        let declared = functionLabels(named: name, in: source)
        if declared.isEmpty { return "no func \(name)" }
        return declared.contains(labels)
            ? nil : "func \(name) takes (\(declared.map { $0.map { $0 + ":" }.joined() }.joined(separator: " or ")))"
    }

    /// The argument labels of every `func name(…)` in `source`.
    static func functionLabels(named name: String, in source: String) -> [[String]] {
        let pattern = #"\bfunc\s+"# + NSRegularExpression.escapedPattern(for: name) + #"\s*(<[^>]*>)?\s*\("#
        let regex = try! NSRegularExpression(pattern: pattern)
        let text = source as NSString
        return regex.matches(in: source, range: NSRange(location: 0, length: text.length)).map { match in
            let rest = text.substring(from: match.range.location + match.range.length)
            return parameters(rest).map { parameter in
                let names = parameter.prefix { $0 != ":" }.split(whereSeparator: \.isWhitespace)
                return names.first.map(String.init) ?? ""
            }
        }
    }

    /// The parameters of a list that starts after its `(`: split at top-level commas,
    /// up to the matching `)`.
    static func parameters(_ text: String) -> [String] {
        var depth = 0
        var current = ""
        var result: [String] = []
        var previous: Character = " "
        for c in text {
            switch c {
            case "(", "[", "<": depth += 1
            case ">" where previous == "-": break  // `->` in a closure type
            case ")", "]", ">":
                if depth == 0 && c == ")" {
                    let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
                    return last.isEmpty ? result : result + [last]
                }
                depth -= 1
            case "," where depth == 0:
                result.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
                previous = c
                continue
            default: break
            }
            current.append(c)
            previous = c
        }
        return result
    }
}
