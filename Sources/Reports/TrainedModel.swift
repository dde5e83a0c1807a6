import Data
import DeepNet
import FoundationEssentials
import Glibc
import Runs
import Spec
import Support

/// A completed run folder as a model to apply: its parameters (parameters.json), its
/// activations and `data.scale` (spec.yaml), the shape of one training example and the
/// class names (manifest.json).
///
///     let model = try TrainedModel(folder: "results/cat_5layer/default")
///     model.inputShape   // [64, 64, 3]
///     model.classes      // ["non-cat", "cat"]
public struct TrainedModel: Sendable {
    /// The run folder, as given.
    public var folder: String
    public var parameters: Parameters
    public var hidden: Activation
    public var output: Activation
    /// What the training features were divided by (`data.scale`).
    public var scale: Double
    /// One training example's shape: `[64, 64, 3]` for the cat images, `[n_x]` for CSV.
    public var inputShape: [Int]
    /// The names of labels 0 and 1; nil when the training file named none (they print
    /// as "0" and "1").
    public var classes: [String]?
    /// The training split (its CSV label column applies to CSV inputs with labels).
    public var trainSplit: DataSplit

    /// The name printed for `label` (0 or 1).
    public func className(_ label: Int) -> String {
        classes.map { $0[label] } ?? String(label)
    }

    /// Loads the run in `folder`.
    ///
    /// - Throws: `Diagnostic` (exit status 2) when the folder is not a completed run, its
    ///   files changed after they were written, its parameters do not fit its spec, or
    ///   (for a run made before manifests recorded the input shape) the training data that
    ///   would tell the shape cannot be read.
    public init(folder: String) throws {
        self.folder = folder
        let fixHint = "pass a run folder that dnn-run completed, e.g. results/cat_5layer/default"
        guard FileSystem.isDirectory(folder) else {
            throw Diagnostic(
                "'\(folder)' is not a directory; expected a completed run folder (spec.yaml, parameters.json, manifest.json)",
                hint: fixHint)
        }
        let manifest = try RunFiles.loadManifest(inFolder: folder, shown: folder)
        guard manifest.status == .completed else {
            throw Diagnostic(
                "'\(folder)' holds a \(manifest.status.rawValue) run"
                    + (manifest.error.map { " (\($0))" } ?? "") + "; predict needs a completed run",
                hint: "rerun its spec to complete it (dnn-run SPEC), then predict with it")
        }
        let damage = RunFiles.damage(inFolder: folder, manifest: manifest)
        guard damage.isEmpty else {
            throw Diagnostic(
                "'\(folder)': \(damage.joined(separator: "; ")) since the run wrote it; its parameters cannot be trusted",
                hint: "rerun its spec with --force to train it again")
        }
        let spec = try SpecLoader.load(path: folder + "/" + RunFile.spec, checksDataFiles: false).base
        parameters = try TrainedModel.readParameters(folder: folder, layerDims: spec.layerDims)
        hidden = spec.hiddenActivation
        output = spec.outputActivation
        scale = spec.scale
        trainSplit = spec.train

        if let shape = manifest.inputShape {
            guard shape.reduce(1, *) == spec.layerDims[0] else {
                throw Diagnostic(
                    "'\(folder)/manifest.json' records examples of shape \(shape) but the model takes "
                        + "\(spec.layerDims[0]) features; the run folder is inconsistent",
                    hint: "rerun its spec with --force")
            }
            inputShape = shape
            classes = manifest.classes
        } else {
            // A run made before manifests recorded it: the training file tells.
            do throws(Diagnostic) {
                let layout = try ExampleLayout(of: spec.train, features: spec.layerDims[0])
                inputShape = layout.shape
                classes = layout.classes
            } catch {
                throw Diagnostic(
                    "'\(folder)/manifest.json' does not record the shape of the training examples (the run was "
                        + "made by an older dnn-run), and the training data that tells it cannot be read: "
                        + error.message,
                    hint: "rerun the run's spec with --force where its data is, to record the shape")
            }
        }
        if let names = classes, names.count != 2 { classes = nil }
    }

    /// parameters.json, checked against the spec's layer_dims.
    private static func readParameters(folder: String, layerDims: [Int]) throws -> Parameters {
        let path = folder + "/" + RunFile.parameters
        let named: [(name: String, rows: [[Double]])]
        do {
            named = try RunFiles.readParameters(atPath: path)
        } catch {
            throw Diagnostic(
                "'\(path)' cannot be read as the run's parameters (W1, b1, ...): \(reasonText(error))",
                hint: "rerun its spec with --force")
        }
        var weights: [Matrix] = []
        var biases: [Matrix] = []
        for (name, rows) in named {
            let l = Int(name.dropFirst()) ?? 0
            let (outputs, inputs) = l >= 1 && l < layerDims.count
                ? (layerDims[l], name.hasPrefix("W") ? layerDims[l - 1] : 1) : (0, 0)
            guard outputs > 0, rows.count == outputs, rows.allSatisfy({ $0.count == inputs }) else {
                throw Diagnostic(
                    "'\(path)': \(name) is not (\(outputs), \(inputs)) as model.layer_dims \(layerDims) "
                        + "of its spec.yaml needs; the run folder is inconsistent",
                    hint: "rerun its spec with --force")
            }
            let matrix = Matrix(rows)
            if name.hasPrefix("W") { weights.append(matrix) } else { biases.append(matrix) }
        }
        guard weights.count == layerDims.count - 1 else {
            throw Diagnostic(
                "'\(path)' has \(weights.count) layers; model.layer_dims \(layerDims) has \(layerDims.count - 1)",
                hint: "rerun its spec with --force")
        }
        return Parameters(weights: weights, biases: biases)
    }
}
