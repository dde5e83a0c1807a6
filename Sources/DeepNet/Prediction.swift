/// `predict`: the network's labels for X, 1 where AL > 0.5 and 0 elsewhere, (1, m).
public func predict(
    _ X: Matrix, _ parameters: Parameters,
    hidden: Activation = .relu, output: Activation = .sigmoid
) -> Matrix {
    classify(modelForward(X, parameters, hidden: hidden, output: output).AL)
}

/// The labels the course reads off the output layer: 1 where AL > 0.5, else 0.
public func classify(_ AL: Matrix) -> Matrix {
    AL.map { $0 > 0.5 ? 1 : 0 }
}

/// The fraction of predictions equal to the labels, `np.mean(p == Y)`.
public func accuracy(predictions: Matrix, labels: Matrix) -> Double {
    precondition(predictions.count == labels.count, "predictions and labels differ in size")
    guard predictions.count > 0 else { return 0 }
    let hits = Swift.zip(predictions.storage, labels.storage).filter { $0 == $1 }.count
    return Double(hits) / Double(predictions.count)
}
