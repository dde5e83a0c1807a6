import Support
import Data
/// The keys a spec may hold, section by section, in the order `spec.yaml` writes them,
/// and an example line for each, used in hints.
enum SpecSchema {
    static let topLevel = ["name", "description", "data", "model", "training", "sweep"]
    static let data = ["train", "test", "scale"]
    static let model = ["layer_dims", "hidden_activation", "output_activation", "init"]
    static let training = ["learning_rate", "iterations", "seed", "record_every", "engine"]
    static let hdf5Split = ["path", "x", "y"]
    static let csvSplit = ["path", "label_column", "header"]
    static let initializer = ["scheme", "scale"]
    static let initializerSchemes = ["lecun", "he", "glorot", "scaled"]

    /// The dotted keys a sweep or `--set` may assign: every value but `name`,
    /// `description` and `sweep`.
    static let assignableKeys =
        data.map { "data.\($0)" } + model.map { "model.\($0)" } + training.map { "training.\($0)" }

    /// How each key is written, by dotted key.
    static let examples: [String: String] = [
        "name": "name: cat_5layer",
        "description": "description: 5-layer cat classifier",
        "data": "data: {train: train_catvnoncat.h5}",
        "data.train": "train: ../datasets/train_catvnoncat.h5",
        "data.test": "test: ../datasets/test_catvnoncat.h5",
        "data.scale": "scale: 255",
        "model": "model: {layer_dims: [12288, 20, 7, 5, 1]}",
        "model.layer_dims": "layer_dims: [12288, 20, 7, 5, 1]",
        "model.hidden_activation": "hidden_activation: relu",
        "model.output_activation": "output_activation: sigmoid",
        "model.init": "init: lecun",
        "model.init.scheme": "init: {scheme: scaled, scale: 0.01}",
        "model.init.scale": "init: {scheme: scaled, scale: 0.01}",
        "training": "training: {learning_rate: 0.0075, iterations: 2500}",
        "training.learning_rate": "learning_rate: 0.0075",
        "training.iterations": "iterations: 2500",
        "training.seed": "seed: 1",
        "training.record_every": "record_every: 100",
        "training.engine": "engine: auto",
        "sweep": "sweep: {training.learning_rate: [0.005, 0.01]}",
    ].merging(splitExamples) { first, _ in first }

    /// The fields of `data.train` and `data.test` written out.
    private static let splitExamples = Dictionary(
        uniqueKeysWithValues: ["train", "test"].flatMap { split in
            let hdf5 = "\(split): {path: \(split).h5, x: \(split)_set_x, y: \(split)_set_y}"
            let csv = "\(split): {path: \(split).csv, label_column: -1, header: true}"
            return [
                ("data.\(split).path", hdf5), ("data.\(split).x", hdf5), ("data.\(split).y", hdf5),
                ("data.\(split).label_column", csv), ("data.\(split).header", csv),
            ]
        })

    /// "write it as 'learning_rate: 0.0075'" for a dotted key, ignoring list indices.
    static func exampleHint(for key: String) -> String? {
        examples[String(key.prefix { $0 != "[" })].map { "write it as '\($0)'" }
    }
}
