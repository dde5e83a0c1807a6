import Data
import DeepNet
import Support

/// The values that are more than a scalar of a type: the name, data splits (whose
/// allowed fields depend on the file's format), `layer_dims`, the output activation and
/// `init` (whose `scale` applies to one scheme). Each reports what is wrong with it and
/// returns nil then.
extension SpecValidator {
    func name(_ node: YAMLNode) -> String? {
        guard let name = text(node, key: "name") else { return nil }
        // `[A-Za-z0-9._-]+` scalar by scalar: a Regex literal is compiled on every call, each sweep point.
        let isSafe =
            !name.isEmpty && name != "." && name != ".."
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0)
                || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }
        guard isSafe, name.count <= 100 else {
            fail(
                node, key: "name", expected: "a name of at most 100 letters, digits, '.', '_' or '-'",
                hint: "the name becomes the results folder; write it as 'name: cat_5layer'")
            return nil
        }
        return name
    }

    // MARK: Data splits

    /// A split: a path, or `{path, x, y}` for HDF5, or `{path, label_column, header}` for
    /// CSV, or a generated set (`generatedSplit`, when it has `generate` or only its fields).
    func split(_ node: YAMLNode, key: String) -> DataSplit? {
        if let pairs = node.mapping, isGenerated(pairs, key: key) { return generatedSplit(node, key: key) }
        guard node.mapping != nil else {
            guard let written = text(node, key: key), let path = dataFile(written, at: node, key: key) else {
                return nil
            }
            return DataSplit(path: path, format: DataSplit.format(ofPath: path), location: node.location)
        }
        let allKeys = SpecSchema.hdf5Split + SpecSchema.csvSplit.dropFirst()
        guard let fields = entries(of: node, key: key, allowed: allKeys) else { return nil }
        let errorsBefore = diagnostics.count
        guard let pathNode = required("path", in: fields, of: node, key: key),
            let written = text(pathNode, key: "\(key).path")
        else { return nil }
        let format = DataSplit.format(ofPath: written)
        rejectForeignKeys(fields, of: format, path: written, key: key)
        let path = dataFile(written, at: pathNode, key: "\(key).path")
        let x = optional("x", in: fields).flatMap { text($0, key: "\(key).x") }
        let y = optional("y", in: fields).flatMap { text($0, key: "\(key).y") }
        let labelColumn =
            optional("label_column", in: fields).map {
                integer($0, key: "\(key).label_column", in: -1_000_000...1_000_000)
            } ?? -1
        let header = optional("header", in: fields).map { boolean($0, key: "\(key).header") } ?? true
        guard diagnostics.count == errorsBefore, let path, let labelColumn, let header else { return nil }
        return DataSplit(
            path: path, format: format, x: x, y: y, labelColumn: labelColumn, header: header,
            location: node.location)
    }

    /// Reports `x`/`y` on a CSV split and `label_column`/`header` on an HDF5 one.
    private func rejectForeignKeys(
        _ fields: [String: YAMLNode], of format: DataSplit.Format, path: String, key: String
    ) {
        let foreign = format == .hdf5 ? SpecSchema.csvSplit.dropFirst() : SpecSchema.hdf5Split.dropFirst()
        let other = format == .hdf5 ? "CSV" : "HDF5"
        for name in foreign {
            guard let node = fields[name] else { continue }
            diagnostics.append(
                Diagnostic(
                    "\(key).\(name) applies only to \(other) files, and '\(path)' is read as "
                        + "\(format == .hdf5 ? "HDF5" : "CSV") (by its extension)",
                    at: node.location, key: "\(key).\(name)",
                    hint: "remove '\(name)', or name a .\(format == .hdf5 ? "csv" : "h5") file"))
        }
    }

    /// The absolute path of a data file: relative paths start at the spec's folder, or at
    /// the working directory for a value given on the command line. When `checksDataFiles`,
    /// the file must be one the data stage can read (`DataFileProblem.check`).
    private func dataFile(_ written: String, at node: YAMLNode, key: String) -> String? {
        let base: String
        if case .flag = node.location { base = workingDirectory } else { base = PathNames.parent(of: specPath) }
        let path = PathNames.normalized(written, relativeTo: base)
        guard checksDataFiles, let problem = DataFileProblem.check(path) else { return path }
        switch problem {
        case .missing:
            fail(node, key: key, message: "no such file: \(path)", hint: "relative paths start at \(base)")
        case .directory:
            fail(node, key: key, message: "\(path) \(problem.description)", hint: "relative paths start at \(base)")
        case .notRegularFile, .unreadable:
            fail(node, key: key, message: "\(path) \(problem.description)", hint: problem.hint)
        }
        return nil
    }

    // MARK: Model values

    func layerDims(_ node: YAMLNode) -> [Int]? {
        let key = "model.layer_dims"
        guard let elements = node.sequence, elements.count >= 2 else {
            fail(node, key: key, expected: "a list of at least 2 layer sizes, input first and 1 output unit last")
            return nil
        }
        let dims = elements.enumerated().map { index, element in
            integer(element, key: "\(key)[\(index)]", in: 1...1_000_000)
        }
        if let last = dims[dims.count - 1], last != 1 {
            fail(
                elements[elements.count - 1], key: "\(key)[\(elements.count - 1)]",
                message: "the output layer must have 1 unit (a binary classifier with a sigmoid output)",
                hint: "end layer_dims with 1, e.g. [12288, 20, 1]")
            return nil
        }
        let valid = dims.compactMap { $0 }
        return valid.count == dims.count ? valid : nil
    }

    func outputActivation(_ node: YAMLNode) -> Activation? {
        let key = "model.output_activation"
        guard let activation = choice(node, key: key, among: Activation.allCases.map(\.rawValue)) else { return nil }
        guard activation == Activation.sigmoid.rawValue else {
            fail(
                node, key: key, expected: "sigmoid",
                hint: "the cross-entropy cost -(y log a + (1 - y) log(1 - a)) needs outputs in (0, 1), "
                    + "which only sigmoid gives; remove the key or write 'output_activation: sigmoid'")
            return nil
        }
        return .sigmoid
    }

    /// `init: lecun` or `init: {scheme: scaled, scale: 0.01}`.
    func initializer(_ node: YAMLNode) -> Initializer? {
        let key = "model.init"
        guard node.mapping != nil else {
            return choice(node, key: key, among: SpecSchema.initializerSchemes).flatMap { initializer(scheme: $0) }
        }
        guard let fields = entries(of: node, key: key, allowed: SpecSchema.initializer),
            let scheme = required("scheme", in: fields, of: node, key: key).flatMap({
                choice($0, key: "\(key).scheme", among: SpecSchema.initializerSchemes)
            })
        else { return nil }
        guard let scaleNode = optional("scale", in: fields) else { return initializer(scheme: scheme) }
        guard scheme == "scaled" else {
            fail(
                scaleNode, key: "\(key).scale", message: "a scale applies only to the scaled scheme, not \(scheme)",
                hint: "remove 'scale', or write 'init: {scheme: scaled, scale: 0.01}'")
            return nil
        }
        return positiveNumber(scaleNode, key: "\(key).scale").map(Initializer.scaled)
    }

    private func initializer(scheme: String) -> Initializer? {
        switch scheme {
        case "lecun": return .lecun
        case "he": return .he
        case "glorot": return .glorot
        case "scaled": return .scaled(Initializer.defaultScale)
        default: return nil
        }
    }
}
