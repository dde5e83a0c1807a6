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
