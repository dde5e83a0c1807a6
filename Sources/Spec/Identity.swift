import Data
import Support

extension ExperimentSpec {
    /// A run's identity: the SHA-256, in lowercase hex, of `identityInput(dataHashes:)`.
    /// Two runs with the same identity compute the same numbers; see there for what it
    /// holds and leaves out.
    ///
    /// - Parameter dataHashes: each data file's SHA-256 in lowercase hex, by the split's
    ///   absolute path (`DataSplit.path`); must hold every split of the spec.
    public func identity(dataHashes: [String: String]) -> String {
        SHA256.hex(of: identityInput(dataHashes: dataHashes))
    }

    /// The canonical text a run's identity hashes: one `key=value` line per key of
    /// `data`, `model` and `training` that has a value, in schema order, the value in its
    /// canonical form (`SpecSchema.keys`); a data split is its file's SHA-256 with the
    /// options that read it (format; HDF5 dataset names or CSV label column and header):
    ///
    ///     data.train=sha256=0f3c… format=hdf5 x=(default) y=(default)
    ///     data.scale=255.0
    ///     model.layer_dims=12288x20x7x5x1
    ///     ...
    ///     training.engine=auto
    ///
    /// Left out, because they do not change the numbers: data paths (checkouts at
    /// different paths, or a results tree copied elsewhere, agree), the description, and
    /// where results live. `name` is left out too: it names the folder
    /// `results/<name>/`, so runs of differently named specs never meet in one folder,
    /// and renaming a spec whose runs were copied under the new name keeps them up to date.
    public func identityInput(dataHashes: [String: String]) -> String {
        let hashes: (DataSplit) -> String = { split in
            guard let hash = dataHashes[split.path] else {
                preconditionFailure("identity(dataHashes:) has no SHA-256 for \(split.path)")
            }
            return hash
        }
        return SpecSchema.keys.filter(\.isIdentity).compactMap { key in
            key.identity(self, hashes).map { "\(key.key)=\($0)\n" }
        }.joined()
    }
}

extension PathNames {
    /// `path` relative to `folder`, both absolute and normalized:
    /// `relative("/a/datasets/x.h5", from: "/a/results/cat")` is `../../datasets/x.h5`.
    static func relative(_ path: String, from folder: String) -> String {
        let target = path.split(separator: "/")
        let base = folder.split(separator: "/")
        let common = zip(target, base).prefix { $0 == $1 }.count
        let parts = Array(repeating: "..", count: base.count - common) + target[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
