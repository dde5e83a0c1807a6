extension SpecSchema {
    /// The README's key table, one row per key and one for `sweep`, in schema order:
    ///
    ///     | key | type | default | meaning |
    ///     |---|---|---|---|
    ///     | `name` | text of ... | required | the experiment folder `results/<name>/` |
    ///
    /// A test checks that README.md holds exactly this table.
    static var markdownTable: String {
        let rows =
            keys.map { "| `\($0.key)` | \($0.type) | \($0.defaultText) | \($0.meaning) |" }
            + ["| `sweep` | \(sweep.type) | none | \(sweep.meaning) |"]
        return (["| key | type | default | meaning |", "|---|---|---|---|"] + rows).joined(separator: "\n") + "\n"
    }
}
