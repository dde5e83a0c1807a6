import Data
import DeepNet
import Support

/// The schema as one table: every key a spec may hold, in the order `spec.yaml` writes
/// them. Validation and defaults (`SpecValidator`), the resolved `spec.yaml`, folder
/// names, compare's columns, the identity, the keys a sweep or override may assign, the
/// hints' examples and the README's key table are all derived from it; adding a key is
/// a row here and a stored property of `ExperimentSpec`.
///
/// A data split and `model.init` are mappings with fields of their own; their fields are
/// read by `SpecValidator+Values.swift`, not by rows of this table, because which fields
/// are allowed depends on the value itself (a CSV file's options, scaled's scale).
enum SpecSchema {
    static let keys: [SpecKey] = [
        .required(
            "name", \.name, .folderName, meaning: "the experiment folder `results/<name>/`", example: "name: cat_5layer"),
        .optional(
            "description", \.description, .text, meaning: "free text",
            example: "description: 5-layer cat classifier"),
        .required(
            "data.train", \.train, .dataSplit, meaning: "the training set",
            example: "train: ../datasets/train_catvnoncat.h5", fieldExamples: splitExamples("train")),
        .optional(
            "data.test", \.test, .dataSplit, meaning: "the test set; its accuracy is reported",
            example: "test: ../datasets/test_catvnoncat.h5", fieldExamples: splitExamples("test")),
        .optional(
            "data.scale", \.scale, .positiveNumber, default: 1,
            meaning: "every feature is divided by it (255 for 8-bit images)", example: "scale: 255"),
        .required(
            "model.layer_dims", \.layerDims, .layerDims,
            meaning: "`[n_x, n_1, ..., 1]`; `n_x` must equal the data's feature count",
            example: "layer_dims: [12288, 20, 7, 5, 1]"),
        .optional(
            "model.hidden_activation", \.hiddenActivation, .choice(note: " (slope 0.01)"),
            default: .relu, meaning: "shared by all hidden layers", example: "hidden_activation: relu"),
        .optional(
            "model.output_activation", \.outputActivation, .outputActivation, default: .sigmoid,
            meaning: "the cross-entropy cost needs a sigmoid output", example: "output_activation: sigmoid"),
        .optional(
            "model.init", \.initializer, .initializer, default: .lecun,
            meaning: "`randn(n_l, n_{l-1})` per layer from one stream, then `/ sqrt(n_{l-1})` (lecun), "
                + "`* sqrt(2/n_{l-1})` (he), `* sqrt(2/(n_{l-1}+n_l))` (glorot), `* scale` (scaled, "
                + "default \(Initializer.defaultScale))",
            example: "init: lecun"),
        .required(
            "training.learning_rate", \.learningRate, .positiveNumber, meaning: "the step (the initial one with a decay)",
            example: "learning_rate: 0.0075"),
        .required(
            "training.iterations", \.iterations, .integer(1...10_000_000), meaning: "passes over the training set (epochs with mini-batches)",
            example: "iterations: 2500"),
        .optional(
            "training.seed", \.seed, .seed, default: 1, meaning: "`np.random.seed(seed)` before initialization",
            example: "seed: 1"),
        .optional(
            "training.record_every", \.recordEvery, .integer(1...Int.max), default: 100,
            meaning: "the cost of pass i is recorded when i % record_every == 0, before its update (summed over its batches with mini-batches)",
            example: "record_every: 100"),
        .optional(
            "training.engine", \.engine, .choice(), default: .auto,
            meaning: "see [Engines](#engines); every engine gives the course's numbers", example: "engine: auto"),
        .optional(
            "training.optimizer", \.optimizer, .choice(), default: .gd,
            meaning: "gradient descent, momentum or Adam, per update (see [Training techniques](#training-techniques))",
            example: "optimizer: adam", omittedAtDefault: true),
        .optional(
            "training.beta", \.beta, .fraction, default: Optimizer.defaultBeta,
            meaning: "momentum's `v = beta v + (1 - beta) dW`", example: "beta: 0.9",
            when: .when("training.optimizer", is: "momentum") { $0.optimizer == .momentum }),
        .optional(
            "training.beta1", \.beta1, .fraction, default: Optimizer.defaultAdam.beta1,
            meaning: "Adam's first-moment decay", example: "beta1: 0.9",
            when: .when("training.optimizer", is: "adam") { $0.optimizer == .adam }),
        .optional(
            "training.beta2", \.beta2, .fraction, default: Optimizer.defaultAdam.beta2,
            meaning: "Adam's second-moment decay", example: "beta2: 0.999",
            when: .when("training.optimizer", is: "adam") { $0.optimizer == .adam }),
        .optional(
            "training.epsilon", \.epsilon, .positiveNumber, default: Optimizer.defaultAdam.epsilon,
            meaning: "Adam's `epsilon` added to `sqrt(s)`", example: "epsilon: 1.0e-8",
            when: .when("training.optimizer", is: "adam") { $0.optimizer == .adam }),
        .optional(
            "training.mini_batch_size", \.miniBatchSize, .integer(1...Int.max),
            meaning: "examples per update; each pass is shuffled and cut into batches (default: all in one)",
            example: "mini_batch_size: 64"),
        .optional(
            "training.shuffle_seed", \.shuffleSeed, .seed, default: MiniBatches.defaultShuffleSeed,
            meaning: "pass e (from 1) shuffles after `np.random.seed(shuffle_seed + e)`", example: "shuffle_seed: 10",
            when: SpecCondition(text: "training.mini_batch_size is set", key: "training.mini_batch_size", value: "64") {
                $0.miniBatchSize != nil
            }),
        .optional(
            "training.decay", \.decay, .choice(), default: DecayChoice.none,
            meaning: "the learning rate after pass e: `lr / (1 + decay_rate e)` (inverse_time), "
                + "`lr / (1 + decay_rate floor(e / decay_interval))` (staircase)",
            example: "decay: staircase", omittedAtDefault: true),
        .optional(
            "training.decay_rate", \.decayRate, .positiveNumber, default: LearningRateDecay.defaultRate,
            meaning: "the decay's rate", example: "decay_rate: 1.0",
            when: SpecCondition(text: "training.decay is inverse_time or staircase", key: "training.decay", value: "staircase") {
                $0.decay != .none
            }),
        .optional(
            "training.decay_interval", \.decayInterval, .integer(1...Int.max), default: LearningRateDecay.defaultInterval,
            meaning: "passes per step of the staircase", example: "decay_interval: 1000",
            when: .when("training.decay", is: "staircase") { $0.decay == .staircase }),
    ]

    /// `sweep:` is read by `SpecLoader` before validation; it is documented with the keys.
    static let sweep = (
        type: "map of dotted keys to lists or ranges, and `paired`, `random`",
        meaning: "one run per combination; see [Sweeps](#sweep-kinds)",
        example: "sweep: {training.learning_rate: [0.005, 0.01]}"
    )

    /// The sections, in order: "" (top-level keys), `data`, `model`, `training`.
    static let sections: [String] = keys.map(\.section).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }

    /// The keys a section may hold, in order: `names(in: "training")` is
    /// `["learning_rate", "iterations", ...]`; the top level also holds the sections and `sweep`.
    static func names(in section: String) -> [String] { namesBySection[section] ?? [] }

    /// `names(in:)` for every section, computed once: the validator asks for each point.
    private static let namesBySection: [String: [String]] = Dictionary(
        uniqueKeysWithValues: sections.map { section in
            let own = keys.filter { $0.section == section }.map(\.name)
            return (section, section.isEmpty ? own + sections.dropFirst() + ["sweep"] : own)
        })

    /// The dotted keys a sweep or an override may assign, in table order.
    static let assignableKeys = keys.filter(\.isAssignable).map(\.key)

    static func key(_ dotted: String) -> SpecKey? { keys.first { $0.key == dotted } }

    // MARK: Nested values

    /// The fields of an HDF5 and of a CSV split; `path` first in both.
    static let hdf5Split = ["path", "x", "y"]
    static let csvSplit = ["path", "label_column", "header"]
    /// The fields of a generated split (`GeneratedSet`); `generate` first.
    static let generatedSplit = ["generate", "samples", "noise", "factor", "seed"]
    /// The fields of `init: {scheme: scaled, scale: 0.01}`, and the schemes.
    static let initializer = ["scheme", "scale"]
    static let initializerSchemes = ["lecun", "he", "glorot", "scaled"]

    /// Hints for the fields of `data.<split>`.
    private static func splitExamples(_ split: String) -> [String: String] {
        let hdf5 = "\(split): {path: \(split).h5, x: \(split)_set_x, y: \(split)_set_y}"
        let csv = "\(split): {path: \(split).csv, label_column: -1, header: true}"
        let generated = "\(split): {generate: moons, samples: 300, noise: 0.2, seed: 3}"
        let circles = "\(split): {generate: circles, samples: 300, noise: 0.05, factor: 0.8, seed: 1}"
        return [
            "data.\(split).path": hdf5, "data.\(split).x": hdf5, "data.\(split).y": hdf5,
            "data.\(split).label_column": csv, "data.\(split).header": csv,
            "data.\(split).generate": generated, "data.\(split).samples": generated,
            "data.\(split).noise": generated, "data.\(split).seed": generated, "data.\(split).factor": circles,
        ]
    }

    // MARK: Hints

    /// How each key is written, by dotted key: every row's example, its fields', and a
    /// section's as a flow mapping of its required keys'.
    static let examples: [String: String] = {
        var examples = ["sweep": sweep.example, "model.init.scheme": "init: {scheme: scaled, scale: 0.01}"]
        examples["model.init.scale"] = examples["model.init.scheme"]
        for key in keys {
            examples[key.key] = key.example
            examples.merge(key.fieldExamples) { first, _ in first }
        }
        for section in sections.dropFirst() {
            let required = keys.filter { $0.section == section && $0.isRequired }.map(\.example)
            examples[section] = "\(section): {\(required.joined(separator: ", "))}"
        }
        return examples
    }()

    /// "write it as 'learning_rate: 0.0075'" for a dotted key, ignoring list indices.
    static func exampleHint(for key: String) -> String? {
        examples[String(key.prefix { $0 != "[" })].map { "write it as '\($0)'" }
    }
}
