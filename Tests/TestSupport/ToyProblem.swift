import Foundation

/// A small, learnable binary problem written as CSV files, for end-to-end tests that
/// must run in a fraction of a second: `m` examples of 6 features, the label 1 when a
/// fixed linear rule is positive. Deterministic (a linear congruential generator).
public func writeToyData(in directory: URL, name: String = "train.csv", examples m: Int = 40, seed: UInt64 = 1) throws {
    var state = seed
    func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }
    var text = "f1,f2,f3,f4,f5,f6,label\n"
    for _ in 0..<m {
        let x = (0..<6).map { _ in uniform() }
        let label = x[0] - 0.5 * x[1] + 0.25 * x[2] > 0 ? 1 : 0
        text += x.map { String(format: "%.6f", $0) }.joined(separator: ",") + ",\(label)\n"
    }
    try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
}

/// A spec for the toy data; `extra` is appended verbatim (a `sweep:` block, say).
public func writeToySpec(
    in directory: URL, file: String = "toy.yaml", name: String = "toy",
    learningRate: String = "0.5", iterations: Int = 200, extra: String = ""
) throws -> URL {
    try writeToyData(in: directory)
    try writeToyData(in: directory, name: "test.csv", examples: 20, seed: 2)
    let text = """
        name: \(name)
        description: a toy problem for tests
        data:
          train: train.csv
          test: test.csv
        model:
          layer_dims: [6, 4, 3, 1]
          init: he
        training:
          learning_rate: \(learningRate)
          iterations: \(iterations)
          record_every: 10

        """ + extra
    let url = directory.appendingPathComponent(file)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
}
