import Dispatch
import DeepNet
import FoundationEssentials
import Glibc
import Support

/// The examples and labels of one data split, in the course's layout, ready for training.
///
/// `X` is (n_x, m), one example per column, already divided by the spec's `data.scale`;
/// `Y` is (1, m), each label 0 or 1. Images (m, h, w, c) are flattened per example like
/// numpy's `x.reshape(m, -1).T`, so the cat images give X of (12288, 209) where
/// `X[1, 0]` is the green channel of the top-left pixel of the first image.
///
///     let train = try Dataset(contentsOf: DataSplit(path: "/abs/train_catvnoncat.h5", format: .hdf5),
///                             scale: 255)
///     train.features   // 12288
///     train.examples   // 209
public struct Dataset: Equatable, Sendable {
    /// The features, (n_x, m), float64.
    public var X: Matrix
    /// The labels, (1, m), each 0 or 1.
    public var Y: Matrix
    /// SHA-256 of the file's bytes, 64 lowercase hex digits, for the run's manifest (of a
    /// generated set's canonical text, `init(generated:scale:)`).
    public var sha256: String
    /// Absolute path of the file the data came from; empty for a generated set.
    public var path: String

    /// n_x, the number of features of each example.
    public var features: Int { X.rows }
    /// m, the number of examples.
    public var examples: Int { X.cols }

    public init(X: Matrix, Y: Matrix, sha256: String, path: String) {
        precondition(Y.rows == 1 && Y.cols == X.cols, "Y is (\(Y.rows), \(Y.cols)) for \(X.cols) examples")
        self.X = X
        self.Y = Y
        self.sha256 = sha256
        self.path = path
    }

    /// Loads a split from its HDF5 or CSV file, dividing every feature by `scale`.
    ///
    /// The file is read once, through one descriptor, into memory; `sha256` is the hash of
    /// exactly those bytes, and the examples are parsed from them (an HDF5 file is opened
    /// by libhdf5 as an in-memory image of them), so the hash always describes the numbers,
    /// even when the file is replaced or rewritten meanwhile.
    ///
    /// Every problem with the file (missing, unreadable, not HDF5, corrupt, no examples,
    /// a shape too large, non-numeric data, a NaN or infinite feature, a label other than
    /// 0 or 1, values kept outside the file) is a `Diagnostic` at `split.location` naming
    /// the file; nothing is allocated for a dataset before its size has been checked
    /// against the file's and against `memoryLimit`.
    ///
    /// - Parameter scale: a positive finite divisor, e.g. 255 for 8-bit pixels; the
    ///   division is `x / scale`, as numpy's `X / 255`, so values agree bit for bit.
    /// - Parameter memoryLimit: the memory this process may use (`MemoryLimit.current()`).
    /// - Parameter observer: told how the load advances, when the file is large enough
    ///   for it (`DataLoadObserver.minimumFileBytes`), to draw a progress line.
    public init(
        contentsOf split: DataSplit, scale: Double = 1, memoryLimit: MemoryLimit = .current(),
        observer: (any DataLoadObserver)? = nil
    ) throws(Diagnostic) {
        guard scale.isFinite, scale > 0 else {
            throw Diagnostic(
                "data.scale must be a positive finite number, not \(displayText(scale))",
                at: split.location, key: "data.scale")
        }
        if let generated = split.generated {
            self.init(generated: generated, scale: scale)
            return
        }
        let file = try DataFile(split)
        let progress = LoadProgress(observer, path: file.path, size: file.size)
        defer { progress.end() }
        let contents = try file.read(memoryLimit: memoryLimit, progress: progress)
        // The bytes are hashed while they are parsed.
        let hashing = DispatchGroup()
        let hash = HashResult()
        DispatchQueue.global().async(group: hashing) {
            var sha = SHA256()
            contents.withUnsafeBytes { sha.update($0) }
            hash.hex = sha.finalizeHex()
        }
        defer { hashing.wait() }
        let (X, Y) = switch split.format {
        case .hdf5:
            try Dataset.readHDF5(
                file, contents, x: split.x, y: split.y, scale: scale, memoryLimit: memoryLimit, progress: progress)
        case .csv:
            try Dataset.readCSV(
                file, contents, labelColumn: split.labelColumn, header: split.header, scale: scale, progress: progress)
        case .generated:
            preconditionFailure("a generated set is made above, never read from a file")
        }
        hashing.wait()
        self.init(X: X, Y: Y, sha256: hash.hex, path: file.path)
    }

    /// A generated set, made in memory, each feature divided by `scale` (as a file's).
    /// `path` is empty and `sha256` is the SHA-256 of `generated.canonical`, the text that
    /// stands for the data in place of a file's bytes.
    public init(generated: GeneratedSet, scale: Double = 1) {
        var (X, Y) = generated.make()
        if scale != 1 {
            for k in X.storage.indices { X.storage[k] /= scale }
        }
        self.init(X: X, Y: Y, sha256: SHA256.hex(of: generated.canonical), path: "")
    }

    /// The most features an example may have: the widest layer a spec accepts
    /// (`model.layer_dims` entries are at most 1,000,000), so a file with more can be
    /// trained by no model.
    public static let maximumFeatures = 1_000_000
}

/// The hash of a file's bytes, computed on another thread.
private final class HashResult: @unchecked Sendable {
    var hex = ""
}

/// Bytes the feature matrix of one split may take, float64: 8 GiB. A shape beyond it is
/// refused before anything is allocated; it is far beyond what full-batch training on
/// this machine could use, and what a corrupt header tends to claim.
let maximumFeatureBytes = 8 << 30
