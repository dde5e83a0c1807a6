import Data
import Support

/// Generated data splits: `{generate: moons | circles | planar, samples, noise, factor,
/// seed}` (`GeneratedSet`). Every argument is checked where it is written, with the
/// generator's rules: samples an integer of at least 2 (even for planar, two petals of
/// samples / 2), noise a finite number of at least 0 (moons and circles only), factor
/// in [0, 1) (circles only, scikit-learn's rule), seed numpy's 0 ... 2^32 - 1.
extension SpecValidator {
    /// Whether a split's mapping is a generated set: it names a generator, or it has no
    /// `path` and some field that only generated sets have (a forgotten `generate`).
    func isGenerated(_ pairs: [YAMLPair], key: String) -> Bool {
        let names = Set(pairs.map(\.key))
        if names.contains("generate") {
            guard let path = pairs.first(where: { $0.key == "path" }) else { return true }
            diagnostics.append(
                Diagnostic(
                    "\(key): a split is read from a file ('path') or generated ('generate'), not both",
                    at: path.keyLocation, key: "\(key).path",
                    hint: "remove 'path' to generate the data, or 'generate' and its arguments to read the file"))
            return true
        }
        let fileFields = Set(SpecSchema.hdf5Split + SpecSchema.csvSplit)
        return !names.contains("path") && names.contains { !fileFields.contains($0) && SpecSchema.generatedSplit.contains($0) }
    }

    /// `{generate: moons, samples: 300, noise: 0.2, seed: 3}`: nil (reported) unless
    /// every argument is valid for its generator.
    func generatedSplit(_ node: YAMLNode, key: String) -> DataSplit? {
        let errorsBefore = diagnostics.count
        // `path` beside `generate` is reported once, by `isGenerated`.
        let hasPath = node.mapping?.contains { $0.key == "path" } ?? false
        guard let fields = entries(of: node, key: key, allowed: SpecSchema.generatedSplit + (hasPath ? ["path"] : []))
        else { return nil }
        let names = GeneratedSet.Generator.allCases.map(\.rawValue)
        let generator = required("generate", in: fields, of: node, key: key)
            .flatMap { choice($0, key: "\(key).generate", among: names) }
            .flatMap(GeneratedSet.Generator.init(rawValue:))
        let samplesNode = required("samples", in: fields, of: node, key: key)
        let samples = samplesNode.flatMap { integer($0, key: "\(key).samples", in: 2...GeneratedSet.maximumSamples) }
        // An invalid argument is reported, and then stops below.
        let noise = optional("noise", in: fields).flatMap { nonNegativeNumber($0, key: "\(key).noise") }
        let factor = optional("factor", in: fields).flatMap { circlesFactor($0, key: "\(key).factor") }
        let seed = optional("seed", in: fields).flatMap { integer($0, key: "\(key).seed", in: 0...Int(UInt32.max)) }
        if let generator {
            rejectArguments(fields, notTakenBy: generator, key: key)
            if generator == .planar, let samplesNode, let samples, samples % 2 != 0 {
                fail(
                    samplesNode, key: "\(key).samples",
                    message: "planar makes two petals of samples / 2 points each, so samples must be even, not \(samples)",
                    hint: "use \(samples - 1) or \(samples + 1)")
            }
        }
        guard diagnostics.count == errorsBefore, let generator, let samples else { return nil }
        let set = GeneratedSet(
            generator: generator, samples: samples, noise: noise, factor: factor, seed: seed.map(UInt32.init) ?? 0)
        return DataSplit(generated: set, location: node.location)
    }

    /// Reports `noise` on planar (its noise is the course's, fixed) and `factor` on
    /// anything but circles.
    private func rejectArguments(_ fields: [String: YAMLNode], notTakenBy generator: GeneratedSet.Generator, key: String) {
        for name in ["noise", "factor"] where !generator.arguments.contains(name) {
            guard let node = fields[name] else { continue }
            let (message, hint) =
                name == "noise"
                ? ("planar takes no noise: its points have the course's own (randn * 0.2 on angle and radius)",
                   "remove 'noise', or generate moons or circles for a noise of your choice")
                : ("factor (the inner circle's radius) applies only to circles, not \(generator.rawValue)",
                   "remove 'factor', or write '\(key.split(separator: ".").last ?? ""): {generate: circles, samples: 300, noise: 0.05, factor: 0.8}'")
            fail(node, key: "\(key).\(name)", message: message, hint: hint)
        }
    }

    /// A finite number of at least 0; integers are accepted.
    private func nonNegativeNumber(_ node: YAMLNode, key: String) -> Double? {
        guard let number = number(node), number.isFinite, number >= 0 else {
            fail(
                node, key: key, expected: "a finite number of at least 0 (the standard deviation of the noise)",
                hint: "0 adds no noise; the course's moons have 0.2, its circles 0.05")
            return nil
        }
        return number
    }

    /// scikit-learn's `make_circles` rule: `0 <= factor < 1`.
    private func circlesFactor(_ node: YAMLNode, key: String) -> Double? {
        guard let number = number(node), number >= 0, number < 1 else {
            fail(
                node, key: key, expected: "a number from 0 up to but not including 1",
                hint: "factor is the inner circle's radius over the outer's (scikit-learn's 0 <= factor < 1); the default is 0.8")
            return nil
        }
        return number
    }

    private func number(_ node: YAMLNode) -> Double? {
        switch node.scalar?.value {
        case .int(let value)?: Double(value)
        case .float(let value)?: value
        default: nil
        }
    }
}
