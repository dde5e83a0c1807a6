/// `update_parameters`: one step of gradient descent, W = W - α dW and b = b - α db.
public func updateParameters(
    _ parameters: Parameters, _ grads: Gradients, learningRate: Double
) -> Parameters {
    var p = parameters
    for l in 0..<p.layerCount {
        p.weights[l] = p.weights[l].zip(grads.dW[l]) { w, d in w - learningRate * d }
        p.biases[l] = p.biases[l].zip(grads.db[l]) { b, d in b - learningRate * d }
    }
    return p
}

/// `predict`: the network's labels for X, 1 where AL > 0.5 and 0 elsewhere, (1, m).
public func predict(
    _ X: Matrix, _ parameters: Parameters,
    hidden: Activation = .relu, output: Activation = .sigmoid
) -> Matrix {
    modelForward(X, parameters, hidden: hidden, output: output).AL.map { $0 > 0.5 ? 1 : 0 }
}

/// The fraction of predictions equal to the labels, `np.mean(p == Y)`.
public func accuracy(predictions: Matrix, labels: Matrix) -> Double {
    precondition(predictions.count == labels.count, "predictions and labels differ in size")
    guard predictions.count > 0 else { return 0 }
    let hits = Swift.zip(predictions.storage, labels.storage).filter { $0 == $1 }.count
    return Double(hits) / Double(predictions.count)
}
