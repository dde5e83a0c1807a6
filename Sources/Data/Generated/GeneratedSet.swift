import DeepNet
import Support

/// A data split made by a generator instead of read from a file, as a spec writes it:
/// `{generate: moons, samples: 300, noise: 0.2, seed: 3}` (scikit-learn's `make_moons`
/// after `np.random.seed(3)`), `{generate: circles, ..., factor: 0.8}`, or
/// `{generate: planar, samples: 400, seed: 1}` (the course's `load_planar_dataset`).
///
/// The arguments are resolved: `noise` is 0 (no noise) when not written and nil for
/// planar, which takes none; `factor` is 0.8 for circles when not written and nil for the
/// others; `seed` is 0 when not written, as the numpy oracle has it. Equal values make
/// the same points, so the canonical text (`canonical`) stands for the data where a
/// file's SHA-256 would: in the run's identity and its manifest.
///
///     let moons = GeneratedSet(generator: .moons, samples: 300, noise: 0.2, seed: 3)
///     moons.canonical   // "generate=moons samples=300 noise=0.2 seed=3"
///     let (X, Y) = moons.make()   // X (2, 300), Y (1, 300) of 0 and 1
public struct GeneratedSet: Hashable, Sendable, Codable {
    public enum Generator: String, CaseIterable, Sendable, Codable {
        case moons, circles, planar

        /// The arguments each generator takes besides its name, in the order they are written.
        public var arguments: [String] {
            switch self {
            case .moons: ["samples", "noise", "seed"]
            case .circles: ["samples", "noise", "factor", "seed"]
            case .planar: ["samples", "seed"]
            }
        }
    }

    public var generator: Generator
    /// The number of points, m: at least 2 (even for planar, two petals of m / 2).
    public var samples: Int
    /// The standard deviation of the Gaussian noise added to each coordinate (moons,
    /// circles; 0 adds none); nil for planar, whose noise is the course's fixed 0.2.
    public var noise: Double?
    /// Circles: the inner circle's radius over the outer's, in [0, 1); nil for the others.
    public var factor: Double?
    /// `np.random.seed(seed)` before the first draw.
    public var seed: UInt32

    /// scikit-learn's default `factor` of `make_circles`.
    public static let defaultFactor = 0.8
    /// The most points a spec may ask for: (2, 10^7) doubles are 160 MB.
    public static let maximumSamples = 10_000_000

    /// The set with every argument resolved: `noise` and `factor` default as above and
    /// are dropped (nil) for a generator that does not take them.
    public init(generator: Generator, samples: Int, noise: Double? = nil, factor: Double? = nil, seed: UInt32 = 0) {
        self.generator = generator
        self.samples = samples
        self.noise = generator == .planar ? nil : noise ?? 0
        self.factor = generator == .circles ? factor ?? Self.defaultFactor : nil
        self.seed = seed
    }

    /// The arguments as `name=value` pairs, in the generator's order (numbers in Swift's
    /// shortest round-trip form, so the text gives back the same bits).
    public var pairs: [(String, String)] {
        [("generate", generator.rawValue)] + generator.arguments.compactMap { name in
            switch name {
            case "samples": (name, "\(samples)")
            case "noise": noise.map { (name, "\($0)") }
            case "factor": factor.map { (name, "\($0)") }
            default: (name, "\(seed)")
            }
        }
    }

    /// `generate=moons samples=300 noise=0.2 seed=3`: what the identity hashes and the
    /// manifest's comparisons use in place of a file's SHA-256.
    public var canonical: String {
        pairs.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
    }

    /// The features, (2, m), and the labels, (1, m), each 0 or 1, as numpy's
    /// `X.T` and `y.reshape(1, -1)` of the generator's `(X, y)`.
    public func make() -> (X: Matrix, Y: Matrix) {
        let (points, labels): ([Double], [Int])
        switch generator {
        case .moons: (points, labels) = Self.moons(samples, noise: noise ?? 0, seed: seed)
        case .circles: (points, labels) = Self.circles(samples, noise: noise ?? 0, factor: factor ?? Self.defaultFactor, seed: seed)
        case .planar: (points, labels) = Self.planar(samples, seed: seed)
        }
        let m = labels.count
        var X = Matrix(rows: 2, cols: m)
        for j in 0..<m {
            X[0, j] = points[2 * j]
            X[1, j] = points[2 * j + 1]
        }
        return (X, Matrix(rows: 1, cols: m, storage: labels.map(Double.init)))
    }

    /// The arguments as a manifest records them: `{"generate": "moons", "samples": 300,
    /// "noise": 0.2, "seed": 3}`, with only the keys the generator takes.
    enum CodingKeys: String, CodingKey {
        case generator = "generate", samples, noise, factor, seed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(generator, forKey: .generator)
        try container.encode(samples, forKey: .samples)
        if let noise { try container.encode(noise, forKey: .noise) }
        if let factor { try container.encode(factor, forKey: .factor) }
        try container.encode(seed, forKey: .seed)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            generator: try container.decode(Generator.self, forKey: .generator),
            samples: try container.decode(Int.self, forKey: .samples),
            noise: try container.decodeIfPresent(Double.self, forKey: .noise),
            factor: try container.decodeIfPresent(Double.self, forKey: .factor),
            seed: try container.decode(UInt32.self, forKey: .seed))
    }
}
