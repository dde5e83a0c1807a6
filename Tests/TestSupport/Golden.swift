import Foundation

/// The golden values numpy made for the tests, read from the files that
/// `Tests/Fixtures/regenerate_golden.py` writes (GoldenFixtureTests checks that the
/// committed files are what it writes). JSONDecoder reads every double back exactly
/// (JSONSerialization on Linux does not).
public enum Golden {
    /// The command that rewrites every committed golden file, from the package root.
    public static let regenerate = ".venv-test/bin/python Tests/Fixtures/regenerate_golden.py"

    public static let numpyPath = "Tests/Fixtures/golden_numpy.json"
    public static let predictionsPath = "Tests/CLITests/Fixtures/numpy_cat_5layer_test_predictions.json"

    /// Tests/Fixtures/golden_numpy.json.
    public static func numpy() throws -> Numpy { try decode(Numpy.self, numpyPath) }

    public static let generatedPath = "Tests/Fixtures/golden_generated.json"

    /// Tests/Fixtures/golden_generated.json: scikit-learn's and the course's generated sets.
    public static func generated() throws -> Generated { try decode(Generated.self, generatedPath) }

    /// The numpy model's predictions on the course's test set (PredictTests).
    public static func predictions() throws -> Predictions { try decode(Predictions.self, predictionsPath) }

    private static func decode<T: Decodable>(_ type: T.Type, _ path: String) throws -> T {
        let url = packageRoot().appendingPathComponent(path)
        do {
            return try JSONDecoder().decode(type, from: Data(contentsOf: url))
        } catch {
            throw GoldenError(description: "\(path): \(error); regenerate it with `\(regenerate)`")
        }
    }

    public struct GoldenError: Error, CustomStringConvertible {
        public var description: String
    }

    public struct Numpy: Decodable {
        public var numpy: String
        public var numpy_random: NumpyRandomValues
        public var sweeps: Sweeps
    }

    /// `np.random.seed(s)` then `randn`, `random_sample`, `normal`, `shuffle` or `permutation`.
    public struct NumpyRandomValues: Decodable {
        public struct FirstFive: Decodable {
            public var seed: UInt32
            public var randn: [Double]
        }
        public struct LongStream: Decodable {
            public var seed: UInt32
            public var at_1000, at_99999, at_100000, sum: Double
        }
        /// `np.random.seed(seed); np.random.permutation(n)`: every value, or for the long
        /// ones the first and last five and `sum(p * arange(n))`.
        public struct Permutation: Decodable {
            public var seed: UInt32
            public var n: Int
            public var values: [Int]?
            public var head, tail: [Int]?
            public var weighted_sum: Int?
        }
        public struct Values<T: Decodable>: Decodable {
            public var numpy: String
            public var values: [T]
        }
        /// One stream through randn, permutation, normal and random_sample.
        public struct Mixed: Decodable {
            public var randn_3: [Double]
            public var permutation_6: [Int]
            public var normal_2x2: [Double]
            public var random_sample: Double
        }
        public var permutations: [Permutation]
        public var seed_3_shuffle_tens: Values<Int>
        public var seed_7_mixed: Mixed
        public var seed_3_normal_4x2, seed_1_normal_loc: Values<Double>
        public var first_five: [FirstFive]
        public var seed_1_randn_6: [Double]
        public var long_streams: [LongStream]
        public var seed_5_randn_3x4: [[Double]]
        public var seed_1_random_sample_2: [Double]
    }

    public struct Sweeps: Decodable {
        /// A grid form as a spec writes it (`{linspace: [0.001, 0.01], num: 10}`) and numpy's values.
        public struct Spaced: Decodable {
            public var form: String
            public var numpy: String
            public var values: [Double]
        }
        /// The random block's text and, per point, the values numpy drew for its keys.
        public struct RandomSearch: Decodable {
            public var sweep: String
            public var learning_rate: [Double]
            public var hidden_activation: [String]
            public var seed: [UInt32]
            public var scale: [Double]
        }
        /// `np.random.seed(seed)` then `randint(low, high)` for each call.
        public struct Randint: Decodable {
            public var seed: UInt32
            public var calls: [[Int]]
            public var values: [Int]
        }
        public var linspace, linspace_one, geomspace: Spaced
        public var random_search: RandomSearch
        public var randint: Randint
    }

    /// Generated data sets: each as a spec writes it, the call that made it, the features
    /// (2, m) as numpy's `X.T` and the labels.
    public struct Generated: Decodable {
        public struct Arguments: Decodable {
            public var generate: String
            public var samples: Int
            public var noise: Double?
            public var factor: Double?
            public var seed: UInt32
        }
        public struct Set: Decodable {
            public var spec: Arguments
            public var made_by: String
            public var X: [[Double]]
            public var y: [Int]
        }
        public var scikit_learn: String
        public var sets: [Set]
    }

    public struct Predictions: Decodable {
        public var made_by: String
        public var test_set: String
        public var probabilities: [Double]
        public var predictions: [Int]
        public var labels: [Int]
    }

    /// Within `ulps` units in the last place of `expected`: for the values that go
    /// through the C library's `exp`, `log` or `pow`, whose last bits may differ between
    /// C libraries (README, "Random search is reproducible").
    public static func close(_ actual: Double, _ expected: Double, ulps: Double = 16) -> Bool {
        abs(actual - expected) <= ulps * expected.ulp
    }
}

/// Any JSON value, its numbers read exactly, for comparing two JSON files entry by entry.
public indirect enum GoldenJSON: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([GoldenJSON])
    case object([String: GoldenJSON])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([GoldenJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: GoldenJSON].self))
        }
    }

    public static func read(_ url: URL) throws -> GoldenJSON {
        try JSONDecoder().decode(GoldenJSON.self, from: Data(contentsOf: url))
    }

    /// Each difference between `self` (what was made) and `expected` (what is committed),
    /// as `path: made X, committed Y`; `tolerance(path)` is the relative tolerance of a
    /// number at `path` (nil: it must be equal, bit for bit).
    public func differences(from expected: GoldenJSON, at path: String = "", tolerance: (String) -> Double?) -> [String] {
        switch (self, expected) {
        case (.number(let a), .number(let b)):
            if a == b { return [] }
            if let relative = tolerance(path), abs(a - b) <= relative * max(abs(a), abs(b)) { return [] }
            let allowed = tolerance(path).map { "relative difference > \($0)" } ?? "compared bit for bit"
            return ["\(path): made \(a), committed \(b) (\(allowed))"]
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return ["\(path): made \(a.count) entries, committed \(b.count)"] }
            return zip(a, b).enumerated().flatMap { index, pair in
                pair.0.differences(from: pair.1, at: "\(path)[\(index)]", tolerance: tolerance)
            }
        case (.object(let a), .object(let b)):
            let keys = Set(a.keys).union(b.keys).sorted()
            return keys.flatMap { key -> [String] in
                let keyPath = path.isEmpty ? key : "\(path).\(key)"
                switch (a[key], b[key]) {
                case (let made?, let committed?): return made.differences(from: committed, at: keyPath, tolerance: tolerance)
                case (nil, _): return ["\(keyPath): committed but not made"]
                case (_, nil): return ["\(keyPath): made but not committed"]
                }
            }
        default:
            return self == expected ? [] : ["\(path): made \(self), committed \(expected)"]
        }
    }
}
