/// "Did you mean" suggestions for mistyped keys and values.
public enum Suggestion {
    /// The candidate nearest to `word` by edit distance, if it is near enough to be a
    /// plausible typo: at most 2 edits, or a third of the word for long words. Ties go to
    /// the earlier candidate.
    /// With `ignoringCase`, letters are compared without their case (dataset names in
    /// files are spelled many ways).
    public static func nearest(to word: String, among candidates: [String], ignoringCase: Bool = false) -> String? {
        let fold: (String) -> String = ignoringCase ? { $0.lowercased() } : { $0 }
        let scored = candidates.map { (candidate: $0, distance: editDistance(fold(word), fold($0))) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        return best.distance <= max(2, word.count / 3) ? best.candidate : nil
    }

    /// A hint naming the nearest candidate, or listing them all when none is near.
    public static func hint(for word: String, among candidates: [String]) -> String {
        if let nearest = nearest(to: word, among: candidates) { return "did you mean '\(nearest)'?" }
        return "expected one of: \(candidates.joined(separator: ", "))"
    }

    /// Levenshtein distance: the fewest insertions, deletions and substitutions of
    /// characters turning `a` into `b`.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for (i, charA) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, charB) in b.enumerated() {
                let substitution = previous[j] + (charA == charB ? 0 : 1)
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}
