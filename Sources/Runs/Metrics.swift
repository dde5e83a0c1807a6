import Support

/// `metrics.json`: the numbers a run ends with. Accuracies are fractions in [0, 1].
public struct Metrics: Codable, Equatable, Sendable {
    public var finalCost: Double?
    public var trainAccuracy: Double?
    public var testAccuracy: Double?
    /// Seconds of the training loop alone.
    public var seconds: Double
    public var iterations: Int

    /// The keys of `metrics.json`, in the file's order (`JSONValueEncoder` writes them
    /// in this order, a missing value as null).
    enum CodingKeys: String, CodingKey {
        case finalCost = "final_cost"
        case trainAccuracy = "train_accuracy"
        case testAccuracy = "test_accuracy"
        case seconds, iterations
    }
}
