import DeepNet
import FoundationEssentials
import Glibc
import Support

/// What `predict` found: one row per example, and for each input with labels its accuracy
/// and confusion counts (class 1 is the positive class: "cat" for the course's files).
public struct PredictionReport: Sendable {
    public struct Row: Equatable, Sendable {
        /// The image's path as given, or `FILE[i]` for example i (from 0) of a set.
        public var name: String
        /// AL, the network's output: its probability that the example is of class 1.
        public var probability: Double
        /// `classify`'s label: 1 where AL > 0.5, else 0.
        public var prediction: Int
        /// The example's label in its file; nil when the file has none.
        public var label: Int?
    }

    /// How the predictions of one labelled input compare with its labels.
    public struct Score: Equatable, Sendable {
        public var input: String
        public var examples: Int
        /// The fraction of correct predictions, `accuracy(predictions:labels:)` as for
        /// metrics.json's accuracies.
        public var accuracy: Double
        public var truePositives = 0, falsePositives = 0, trueNegatives = 0, falseNegatives = 0

        public var correct: Int { truePositives + trueNegatives }

        init(input: String, predictions: Matrix, labels: Matrix) {
            self.input = input
            examples = labels.count
            accuracy = DeepNet.accuracy(predictions: predictions, labels: labels)
            for (p, y) in zip(predictions.storage, labels.storage) {
                switch (p == 1, y == 1) {
                case (true, true): truePositives += 1
                case (true, false): falsePositives += 1
                case (false, false): trueNegatives += 1
                case (false, true): falseNegatives += 1
                }
            }
        }
    }

    /// The run folder the model came from.
    public var run: String
    /// The names of labels 0 and 1 (`["non-cat", "cat"]`, or `["0", "1"]`).
    public var classNames: [String]
    public var rows: [Row]
    public var scores: [Score]

    /// Examples predicted as `label`.
    public func count(of label: Int) -> Int { rows.filter { $0.prediction == label }.count }

    // MARK: Renderings

    /// `name,probability,prediction,class,label`: every digit of the probability (the
    /// shortest decimal that reads back to the same Double), the label empty when unknown.
    public func csv() -> String {
        var text = "name,probability,prediction,class,label\n"
        for row in rows {
            text += [csvField(row.name), shortestDecimal(row.probability), String(row.prediction),
                     csvField(classNames[row.prediction]), row.label.map(String.init) ?? ""].joined(separator: ",") + "\n"
        }
        return text
    }

    /// An aligned table (probabilities to 6 decimals; a `label` column of class names when
    /// some input has labels), then the summary lines: for a terminal, so every name and
    /// class name (from the command line, from a data file) is `terminalSafe`.
    public func table() -> String {
        let labelled = rows.contains { $0.label != nil }
        let header = ["name", "probability", "class"] + (labelled ? ["label"] : [])
        let shownClass = classNames.map { terminalSafe($0) }
        let cells = rows.map { row in
            [terminalSafe(row.name), cFormat("%.6f", row.probability), shownClass[row.prediction]]
                + (labelled ? [row.label.map { shownClass[$0] } ?? ""] : [])
        }
        let widths = header.indices.map { c in ([header] + cells).map { $0[c].count }.max() ?? 0 }
        let line = { (cells: [String]) in
            zip(cells, widths).map { $0.padded(to: $1) }
                .joined(separator: "  ").trimmed(newlines: false)
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + cells.map(line)
            + summaryLines().map { terminalSafe($0) }).joined(separator: "\n") + "\n"
    }

    /// The rows and the summary as one JSON object.
    public func json() -> String {
        let predictions = rows.map { row in
            JSONValue.object([
                ("name", .string(row.name)), ("probability", .number(row.probability)),
                ("prediction", .int(row.prediction)), ("class", .string(classNames[row.prediction])),
                ("label", row.label.map(JSONValue.int) ?? .null),
            ])
        }
        let scores = scores.map { score in
            JSONValue.object([
                ("input", .string(score.input)), ("examples", .int(score.examples)),
                ("accuracy", .number(score.accuracy)), ("correct", .int(score.correct)),
                ("true_positives", .int(score.truePositives)), ("false_positives", .int(score.falsePositives)),
                ("true_negatives", .int(score.trueNegatives)), ("false_negatives", .int(score.falseNegatives)),
            ])
        }
        return JSONValue.object([
            ("run", .string(run)),
            ("classes", .array(classNames.map(JSONValue.string))),
            ("predictions", .array(predictions)),
            ("summary", .object([
                ("examples", .int(rows.count)),
                ("counts", .object([(classNames[1], .int(count(of: 1))), (classNames[0], .int(count(of: 0)))])),
                ("scores", .array(scores)),
            ])),
        ]).rendered()
    }

    /// "50 examples: 33 cat, 17 non-cat", then for each input with labels
    /// "test.h5: accuracy 80.00% (40 of 50); TP 30, FP 3, TN 10, FN 7 (positive class: cat)".
    public func summaryLines() -> [String] {
        let n = rows.count
        var lines = ["\(n) example\(n == 1 ? "" : "s"): \(count(of: 1)) \(classNames[1]), \(count(of: 0)) \(classNames[0])"]
        for score in scores {
            lines.append(
                "\(score.input): accuracy \(cFormat("%.2f", 100 * score.accuracy))% "
                    + "(\(score.correct) of \(score.examples)); TP \(score.truePositives), FP \(score.falsePositives), "
                    + "TN \(score.trueNegatives), FN \(score.falseNegatives) (positive class: \(classNames[1]))")
        }
        return lines
    }
}
