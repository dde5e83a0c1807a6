import Support

extension SpecLoader {
    /// Keys written for a technique their point does not use (`training.beta1` without
    /// Adam): a key that applies to no point of the sweep is an error; one that applies to
    /// some points only is ignored for the others, with one note (`Sweep.notes`), so that a
    /// sweep over `training.optimizer` can set `beta1` once.
    static func applicability(of points: [SweepPoint]) -> (errors: [Diagnostic], notes: [Diagnostic]) {
        var errors: [Diagnostic] = [], notes: [Diagnostic] = []
        for key in SpecSchema.keys {
            guard let condition = key.condition else { continue }
            let written = points.filter { $0.spec.locations[key.key] != nil }
            guard let first = written.first else { continue }
            let ignored = written.filter { !key.applies(to: $0.spec) }.count
            let location = first.spec.locations[key.key]
            let how = "set \(condition.key): \(condition.value), or remove \(key.key)"
            if ignored == written.count {
                errors.append(Diagnostic(
                    "\(key.key) applies only when \(condition.text), and "
                        + (points.count == 1 ? "it is not" : "it is not in any run of this spec"),
                    at: location, key: key.key, hint: how))
            } else if ignored > 0 {
                notes.append(Diagnostic(
                    "\(key.key) applies only when \(condition.text): ignored for \(ignored) of \(points.count) runs "
                        + "(left out of their spec.yaml and identity)",
                    at: location, key: key.key))
            }
        }
        return (errors, notes)
    }
}
