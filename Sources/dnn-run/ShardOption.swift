import Support

/// The value of `--shard`: `I/N` (the I-th of N disjoint slices of the sweep), or `slurm`
/// (this task's slice of a Slurm job array, I/N read from the `SLURM_ARRAY_*` variables).
///
/// For `slurm`, a job array's tasks are numbered in index order: task `SLURM_ARRAY_TASK_ID`
/// of an array with indices MIN, MIN+STEP, ..., MAX (`SLURM_ARRAY_TASK_MIN`,
/// `SLURM_ARRAY_TASK_STEP`, `SLURM_ARRAY_TASK_MAX`) and `SLURM_ARRAY_TASK_COUNT` tasks runs
///
///     I = (ID - MIN) / STEP + 1,  N = COUNT
///
/// so the array's tasks are the slices 1/N ... N/N exactly once, whatever the first index
/// and the step, and with or without a `%` throttle (which Slurm does not show the tasks).
///
/// What Slurm 22.05 sets (seen on a real Slurm by `make test-slurm`):
///
///     --array          ID           MIN  MAX  STEP  COUNT
///     0-3, 0-3%2       0 1 2 3      0    3    1     4
///     1-4              1 2 3 4      1    4    1     4
///     0-15:4           0 4 8 12     0    12   4     4
///     5                5            5    5    1     1
///     1,3,5            1 3 5        1    5    1     3    (STEP is the first range's step)
///
/// A comma list is supported only when its indices are evenly spaced with the step Slurm
/// reports (`1,2,3`); any other list (`1,3,5`, `0-2,10-12`) has MIN + (COUNT-1)*STEP != MAX
/// and is refused by every task rather than leaving slices untrained.
enum ShardOption {
    /// The variables `--shard slurm` reads; `SLURM_ARRAY_TASK_MAX` only checks the others
    /// when it is set (Slurm always sets it).
    static let slurmVariables = ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN",
                                 "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT"]

    /// Parses `text` into a 1-based slice index and a slice count, with 1 <= index <= count.
    ///
    /// - Parameter environment: the process environment (for `slurm`).
    /// - Throws: a `Diagnostic` at the flag (exit status 2) naming the malformed value or
    ///   the missing or inconsistent variable, with the value seen and what was expected.
    static func parse(_ text: String, environment: [String: String]) throws -> (index: Int, count: Int) {
        if text == "slurm" { return try slurmShard(environment) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else {
            throw Diagnostic("expected I/N with 1 <= I <= N, e.g. --shard 2/4, or 'slurm' in a Slurm job array",
                             at: .flag("--shard \(text)"),
                             hint: "in a Slurm job array: --shard slurm; in a Kubernetes Indexed Job: --shard $((JOB_COMPLETION_INDEX+1))/N")
        }
        return (i, n)
    }

    /// This task's slice of a Slurm job array, from the `SLURM_ARRAY_*` variables.
    static func slurmShard(_ environment: [String: String]) throws -> (index: Int, count: Int) {
        let id = try integer("SLURM_ARRAY_TASK_ID", in: environment, minimum: 0, meaning: "this task's array index")
        let min = try integer("SLURM_ARRAY_TASK_MIN", in: environment, minimum: 0, meaning: "the array's first index")
        let step = try integer("SLURM_ARRAY_TASK_STEP", in: environment, minimum: 1, meaning: "the step between indices")
        let count = try integer("SLURM_ARRAY_TASK_COUNT", in: environment, minimum: 1, meaning: "the number of tasks")
        let max = try environment["SLURM_ARRAY_TASK_MAX"] == nil ? nil
            : integer("SLURM_ARRAY_TASK_MAX", in: environment, minimum: 0, meaning: "the array's last index")

        let seen = "SLURM_ARRAY_TASK_ID=\(id), SLURM_ARRAY_TASK_MIN=\(min), SLURM_ARRAY_TASK_STEP=\(step), SLURM_ARRAY_TASK_COUNT=\(count)"
            + (max.map { ", SLURM_ARRAY_TASK_MAX=\($0)" } ?? "")
        if let max, min + (count - 1) * step != max {
            throw inconsistent("SLURM_ARRAY_TASK_MAX=\(max): expected SLURM_ARRAY_TASK_MIN + (SLURM_ARRAY_TASK_COUNT-1) * SLURM_ARRAY_TASK_STEP = \(min + (count - 1) * step): the array's indices are not evenly spaced (\(seen))")
        }
        guard id >= min, (id - min) % step == 0 else {
            throw inconsistent("SLURM_ARRAY_TASK_ID=\(id) is not one of the array's indices: expected SLURM_ARRAY_TASK_MIN plus a multiple of SLURM_ARRAY_TASK_STEP (\(seen))")
        }
        let index = (id - min) / step + 1
        guard index <= count else {
            throw inconsistent("SLURM_ARRAY_TASK_ID=\(id) is task \(index) of an array of SLURM_ARRAY_TASK_COUNT=\(count): expected an index at most MIN + (COUNT-1)*STEP = \(min + (count - 1) * step) (\(seen))")
        }
        return (index, count)
    }

    private static let slurmHint = """
        --shard slurm needs a Slurm job array of evenly spaced indices, \
        sbatch --array=FIRST-LAST[:STEP][%MAX_RUNNING] (e.g. --array=0-7, --array=1-16:4%2), \
        not a comma list such as 1,3,5; outside Slurm use --shard I/N
        """

    private static func integer(_ name: String, in environment: [String: String], minimum: Int, meaning: String) throws -> Int {
        guard let text = environment[name] else {
            let job = environment["SLURM_JOB_ID"].map { " (Slurm job \($0) is not a job array)" } ?? ""
            throw Diagnostic("\(name) is not set\(job): expected \(meaning), as Slurm sets it in every task of a job array (sbatch --array=...)",
                             at: .flag("--shard slurm"), hint: slurmHint)
        }
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit), let value = Int(text), value >= minimum else {
            throw Diagnostic("\(name)='\(text)': expected \(meaning), an integer >= \(minimum)",
                             at: .flag("--shard slurm"), hint: slurmHint)
        }
        return value
    }

    private static func inconsistent(_ message: String) -> Diagnostic {
        Diagnostic(message, at: .flag("--shard slurm"), hint: slurmHint)
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
