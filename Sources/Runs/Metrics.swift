import Support

/// `metrics.json`: the numbers a run ends with. Accuracies are fractions in [0, 1].
public struct Metrics: Codable, Equatable, Sendable {
    public var finalCost: Double?
    public var trainAccuracy: Double?
    public var testAccuracy: Double?
    /// Seconds of the training loop alone.
    public var seconds: Double
    public var iterations: Int

    enum CodingKeys: String, CodingKey {
        case seconds, iterations
        case finalCost = "final_cost"
        case trainAccuracy = "train_accuracy"
        case testAccuracy = "test_accuracy"
    }

    var json: JSONValue {
        .object([
            ("final_cost", finalCost.map(JSONValue.number) ?? .null),
            ("train_accuracy", trainAccuracy.map(JSONValue.number) ?? .null),
            ("test_accuracy", testAccuracy.map(JSONValue.number) ?? .null),
            ("seconds", .number(seconds)),
            ("iterations", .int(iterations)),
        ])
    }
}
