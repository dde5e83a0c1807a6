import Data
import Support

/// One row of the schema table: a dotted key, what it holds, its default, and how each
/// stage reads or writes it (see `SpecSchema.keys`).
///
/// The closures are built once, by `required` and `optional`, from the key's stored
/// property and its `ValueType`; nothing else in the package spells a key's type,
/// default or canonical form.
struct SpecKey {
    /// `training.learning_rate`; the part before the first dot is its section.
    let key: String
    /// The README's type column.
    let type: String
    /// "required", "none" (absent unless given) or the default's canonical text.
    let defaultText: String
    /// The README's meaning column.
    let meaning: String
    /// How the key is written, for hints: `learning_rate: 0.0075`.
    let example: String
    /// Whether folder names show the value as written (`ValueType.namesFoldersAsWritten`).
    let namesFoldersAsWritten: Bool
    /// Hints for the fields of a mapping value (`data.train.x`), by their dotted key.
    let fieldExamples: [String: String]
    /// When the key applies (`training.beta1` only to Adam): a spec where it does not
    /// ignores it, and leaves it out of `spec.yaml` and the identity. Nil: always.
    let condition: SpecCondition?
    /// Whether the key is left out of `spec.yaml` and the identity at its default: a key
    /// added after runs were made, so that their identity does not change.
    let omittedAtDefault: Bool

    /// Sets the key on `spec` from its node, or to its default when `node` is nil (absent
    /// or null); a required key's absence has been reported by then.
    let read: (SpecValidator, YAMLNode?, inout ExperimentSpec) -> Void
    /// Sets the key to its default (nil for a key absent unless given); nothing for a
    /// required key.
    let setDefault: (inout ExperimentSpec) -> Void
    /// The canonical text of the value; nil when absent.
    let canonical: (ExperimentSpec) -> String?
    let resolved: (ExperimentSpec, DataPaths) -> ResolvedValue?
    let same: (ExperimentSpec, ExperimentSpec) -> Bool
    /// The value's text in a run's identity; nil when absent.
    let identity: (ExperimentSpec, DataHashes) -> String?

    var isRequired: Bool { defaultText == "required" }
    /// Whether the key applies to `spec` (see `condition`).
    func applies(to spec: ExperimentSpec) -> Bool { condition?.holds(spec) ?? true }
    /// Whether a sweep or an override may assign it, and whether it determines a run's
    /// numbers (`ExperimentSpec.identity(dataHashes:)`): both hold for every key of
    /// `data`, `model` and `training`, and for neither `name` nor `description`, which
    /// only label a run.
    var isAssignable: Bool { !section.isEmpty }
    var isIdentity: Bool { !section.isEmpty }
    /// `training`, or "" for a top-level key.
    /// (Searched by `Character`: `String.contains(".")` is Foundation's substring search,
    /// which cost a fifth of the time of validating each sweep point.)
    var section: String { key.firstIndex(of: ".").map { String(key[..<$0]) } ?? "" }
    /// `learning_rate`: the key inside its section.
    var name: String { key.firstIndex(of: ".").map { String(key[key.index(after: $0)...]) } ?? key }
}

extension SpecKey {
    /// A key that must be given.
    static func required<Value>(
        _ key: String, _ property: WritableKeyPath<ExperimentSpec, Value>, _ type: ValueType<Value>,
        meaning: String, example: String, fieldExamples: [String: String] = [:]
    ) -> SpecKey {
        row(
            key, type, defaultText: "required", meaning: meaning, example: example, fieldExamples: fieldExamples,
            condition: nil, value: { $0[keyPath: property] }, setDefault: { _ in },
            read: { validator, node, spec in
                if let node, let value = type.parse(validator, node, key) { spec[keyPath: property] = value }
            })
    }

    /// A key with a default.
    static func optional<Value>(
        _ key: String, _ property: WritableKeyPath<ExperimentSpec, Value>, _ type: ValueType<Value>,
        default defaultValue: Value, meaning: String, example: String, when condition: SpecCondition? = nil,
        omittedAtDefault: Bool = false
    ) -> SpecKey {
        row(
            key, type, defaultText: "`\(type.canonical(defaultValue))`", meaning: meaning, example: example,
            fieldExamples: [:], condition: condition,
            isDefault: omittedAtDefault ? { type.same($0[keyPath: property], defaultValue) } : nil,
            value: { $0[keyPath: property] },
            setDefault: { $0[keyPath: property] = defaultValue },
            read: { validator, node, spec in
                guard let node else { return spec[keyPath: property] = defaultValue }
                if let value = type.parse(validator, node, key) { spec[keyPath: property] = value }
            })
    }

    /// A key that is absent unless given.
    static func optional<Value>(
        _ key: String, _ property: WritableKeyPath<ExperimentSpec, Value?>, _ type: ValueType<Value>,
        meaning: String, example: String, fieldExamples: [String: String] = [:], when condition: SpecCondition? = nil
    ) -> SpecKey {
        row(
            key, type, defaultText: "none", meaning: meaning, example: example, fieldExamples: fieldExamples,
            condition: condition, value: { $0[keyPath: property] }, setDefault: { $0[keyPath: property] = nil },
            read: { validator, node, spec in
                spec[keyPath: property] = node.flatMap { type.parse(validator, $0, key) }
            })
    }

    /// The row for a key whose value `value` gets (nil when absent) and `read` sets.
    private static func row<Value>(
        _ key: String, _ type: ValueType<Value>, defaultText: String, meaning: String, example: String,
        fieldExamples: [String: String], condition: SpecCondition?,
        isDefault: ((ExperimentSpec) -> Bool)? = nil, value: @escaping (ExperimentSpec) -> Value?,
        setDefault: @escaping (inout ExperimentSpec) -> Void,
        read: @escaping (SpecValidator, YAMLNode?, inout ExperimentSpec) -> Void
    ) -> SpecKey {
        // What spec.yaml and the identity hold: nothing where the key does not apply, or
        // (for a key added later) is at its default.
        let written: (ExperimentSpec) -> Value? = { spec in
            if let condition, !condition.holds(spec) { return nil }
            if let isDefault, isDefault(spec) { return nil }
            return value(spec)
        }
        return SpecKey(
            key: key, type: type.summary, defaultText: defaultText, meaning: meaning, example: example,
            namesFoldersAsWritten: type.namesFoldersAsWritten, fieldExamples: fieldExamples,
            condition: condition, omittedAtDefault: isDefault != nil, read: read,
            setDefault: setDefault,
            canonical: { spec in
                if let condition, !condition.holds(spec) { return nil }
                return value(spec).map(type.canonical)
            },
            resolved: { spec, paths in written(spec).map { type.yaml($0, paths) } },
            same: { lhs, rhs in
                switch (value(lhs), value(rhs)) {
                case (nil, nil): return true
                case let (l?, r?): return type.same(l, r)
                default: return false
                }
            },
            identity: { spec, hashes in written(spec).map { type.identity?($0, hashes) ?? type.canonical($0) } })
    }
}

/// When a key applies: to the specs where `holds` answers true, which `text` says for
/// notes and errors ("training.optimizer is adam").
struct SpecCondition {
    /// "training.optimizer is adam"
    let text: String
    /// The key it depends on, and the value that makes it apply ("adam"), for the hint.
    let key: String
    let value: String
    let holds: (ExperimentSpec) -> Bool

    /// `key` (an optional key of the schema) has the canonical text `value`.
    static func when(_ key: String, is value: String, _ holds: @escaping (ExperimentSpec) -> Bool) -> SpecCondition {
        SpecCondition(text: "\(key) is \(value)", key: key, value: value, holds: holds)
    }
}
