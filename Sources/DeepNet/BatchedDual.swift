import Dispatch
import Synchronization

/// One run of a batch: its initial parameters and how it trains.
public struct BatchMember: Sendable {
    /// W_l, b_l at the start; layer_dims[0] must be the data's n_x. Layer widths may
    /// differ from the batch's other runs.
    public var initial: Parameters
    /// Learning rate, iterations, record_every and activations; `engine` is ignored (a
    /// batch is the dual engine).
    public var options: TrainingOptions

    public init(initial: Parameters, options: TrainingOptions) {
        self.initial = initial
        self.options = options
    }
}

/// Trains several networks on the same data with the dual engine at once, each exactly
/// as `train(X:Y:initial:options:dualBasis:)` would alone, bit for bit.
///
/// The dual engine's one large product per iteration is Z_1 = P + C G, with C (n_1, m)
/// and G = X^T X (m, m). Row i of a product depends only on row i of C, so the runs' C
/// stack into one (sum n_1, m) matrix, and one product with G serves them all:
///
///     [Z_1 of run 1]   [P of run 1]   [C of run 1]
///     [Z_1 of run 2] = [P of run 2] + [C of run 2] G        (one dgemm)
///     [     ...    ]   [    ...   ]   [    ...   ]
///
/// `dualProduct` computes every row from its own row of C alone, in a fixed order, so each
/// run's rows are what its own product gives, at the rate of a large product instead of
/// many small ones.
/// Everything else (bias and activation of layer 1, layers 2 ... L, the cost, backward,
/// the update C -= α/m dZ_1) stays per run, in the run's own engine.
///
/// The runs are split, in order, into groups of at most `rowsPerGroup` rows of C; `threads`
/// threads take the groups one after another. A group stacks its own runs and multiplies
/// them on its thread, so the threads never wait for each other (nor for BLAS's threads:
/// the per-run products are below BLAS's threshold for threads). A run leaves its group when it is done or its cost is NaN or infinite (a
/// NaN in its rows of C reaches only its rows of the product; the others go on); the
/// group's stack then closes up.
///
/// Measured on this project's machine (the cat sweep, 100 runs of [12288, 20, 7, 5, 1],
/// m = 209, one thread): with `dualProduct`'s kernel (G laid out once, about 106 GFLOP/s
/// on one run's 20 rows) a run's own product already runs near the kernel's rate, and
/// stacking 3, 5 or 10 runs per product was level with one run per group (3.42-3.53 s for
/// 1000 iterations of all 100); 50 runs per thread cost 30% more CPU earlier (each
/// iteration then passes ~14 MB of per-run buffers through L3, where a run alone stays in
/// L2). Hence the default of 64 rows, and `dnn-run` trains the runs of a sweep one by one.
///
/// - Parameters:
///   - basis: X, (n_x, m), and its Gram matrix, shared by every run.
///   - Y: the labels, (1, m), each 0 or 1.
///   - members: the runs; their iterations, learning rates, record_every, activations
///     and widths may differ.
///   - threads: the threads training at once; each takes the next group when done.
///   - rowsPerGroup: the most rows of C stacked into one product.
///   - progress: called after every iteration of every run with the run's index in
///     `members`, from the batch's threads (concurrently when `threads` > 1).
///   - shouldStop: polled by each thread before each iteration; when it answers true,
///     every run of that thread that has iterations left ends with
///     `TrainingError.cancelled` at the iteration it was about to begin.
/// - Returns: each member's result or `TrainingError`, in the order of `members`.
public func trainBatch(
    basis: DualBasis, Y: Matrix, members: [BatchMember], threads: Int = BLAS.threads,
    rowsPerGroup: Int = 64,
    progress: ((_ member: Int, TrainingProgress) -> Void)? = nil,
    shouldStop: (() -> Bool)? = nil
) -> [Result<TrainingResult, TrainingError>] {
    precondition(Y.rows == 1 && Y.cols == basis.X.cols, "Y must be (1, m)")
    for member in members {
        precondition(member.initial.layerDims.first == basis.X.rows, "layer_dims[0] is not n_x")
        precondition(member.options.recordEvery > 0 && member.options.iterations >= 0, "bad options")
    }
    // P = W_1(0) X for every run, here on every BLAS thread rather than in the groups.
    var groups = partition(members, rowsPerGroup: rowsPerGroup).map { indices in
        StackedGroup(basis: basis, runs: indices.map { i in
            StackedGroup.Run(
                member: i, options: members[i].options,
                engine: .stacked(
                    basis: basis, Y: Y, parameters: members[i].initial,
                    hidden: members[i].options.hidden, output: members[i].options.output),
                history: CostHistory(options: members[i].options))
        })
    }
    var finished = [[StackedGroup.Finished]](repeating: [], count: groups.count)
    let next = Atomic<Int>(0)
    groups.withUnsafeMutableBufferPointer { groups in
        finished.withUnsafeMutableBufferPointer { finished in
            DispatchQueue.concurrentPerform(iterations: max(1, min(threads, groups.count))) { _ in
                while true {
                    let g = next.add(1, ordering: .relaxed).oldValue
                    guard g < groups.count else { return }
                    finished[g] = groups[g].train(progress: progress, shouldStop: shouldStop)
                }
            }
        }
    }
    // W_1 = W_1(0) + C X^T, once per run, on every BLAS thread.
    var results = [Result<TrainingResult, TrainingError>?](repeating: nil, count: members.count)
    for run in finished.joined() {
        switch run.ending {
        case .failed(let error):
            results[run.member] = .failure(error)
        case .completed(let engine, let C, let costs, let finalCost):
            results[run.member] = .success(TrainingResult(
                parameters: C.withUnsafeBufferPointer { engine.parameters(stackedC: $0) },
                costs: costs, finalCost: finalCost, finalOutput: engine.output))
        }
    }
    return results.map { $0! }
}

/// Splits the runs, in order, into groups of at most `rowsPerGroup` stacked rows (a run
/// wider than that is a group of its own).
private func partition(_ members: [BatchMember], rowsPerGroup: Int) -> [[Int]] {
    var groups: [[Int]] = []
    var rows = 0
    for i in members.indices {
        let width = members[i].initial.weights[0].rows
        if groups.isEmpty || rows + width > rowsPerGroup {
            groups.append([])
            rows = 0
        }
        groups[groups.count - 1].append(i)
        rows += width
    }
    return groups
}

/// The runs one thread trains: their C stacked into one matrix, multiplied by G in one
/// product per iteration.
private struct StackedGroup {
    struct Run {
        let member: Int
        let options: TrainingOptions
        var engine: Engine
        var history: CostHistory
    }

    /// A run that left the group, and how.
    struct Finished {
        enum Ending {
            /// With its engine and C, (n_1, m), from which its result is formed.
            case completed(Engine, C: [Double], costs: [CostRecord], finalCost: Double)
            case failed(TrainingError)
        }
        let member: Int
        let ending: Ending
    }

    let basis: DualBasis
    /// The runs still training, in their order in the stack.
    var runs: [Run]
    /// The stacked C, (rows, m): run k's C at rows offset(k) ..< offset(k) + n_1(k).
    var C: [Double]
    /// The stacked P, then P + C G after each product, (rows, m).
    var Z: [Double]

    init(basis: DualBasis, runs: [Run]) {
        self.basis = basis
        self.runs = runs
        let m = basis.X.cols
        let rows = self.runs.reduce(0) { $0 + $1.engine.firstLayerWidth }
        C = [Double](repeating: 0, count: rows * m)
        Z = self.runs.flatMap { $0.engine.P!.storage }
    }

    /// Z = P + C G for every run in the stack, in one product on this thread.
    private mutating func multiply() {
        let rows = runs.reduce(0) { $0 + $1.engine.firstLayerWidth }
        C.withUnsafeBufferPointer { c in
            Z.withUnsafeMutableBufferPointer { z in
                dualProduct(rows: rows, basis: basis, C: c.baseAddress!, P: z.baseAddress!, Z: z.baseAddress!)
            }
        }
    }

    /// Trains every run to its end; returns them as they finished.
    mutating func train(
        progress: ((Int, TrainingProgress) -> Void)?, shouldStop: (() -> Bool)?
    ) -> [Finished] {
        let m = basis.X.cols
        var finished: [Finished] = []
        var step = 0
        while !runs.isEmpty {
            // Runs with iterations left begin iteration `step`; the others (step ==
            // iterations) only compute their final cost, as `train` does after its loop.
            if runs.contains(where: { step < $0.options.iterations }), let shouldStop, shouldStop() {
                for run in runs where step < run.options.iterations {
                    finished.append(Finished(member: run.member, ending: .failed(.cancelled(iteration: step, costs: run.history.records))))
                }
                leave(where: { step < $0.options.iterations })
                if runs.isEmpty { break }
            }
            multiply()
            var leaving: Set<Int> = []
            var offset = 0
            for k in runs.indices {
                let width = runs[k].engine.firstLayerWidth
                let range = (offset * m)..<((offset + width) * m)
                offset += width
                let final = step == runs[k].options.iterations
                let costWanted = final || runs[k].history.isRecorded(step)
                let cost = Z.withUnsafeMutableBufferPointer { z in
                    runs[k].engine.forward(stackedZ1: UnsafeMutableBufferPointer(rebasing: z[range]), costWanted: costWanted)
                }
                let run = runs[k]
                if final {
                    finished.append(Finished(member: run.member, ending: .completed(
                        run.engine, C: Array(C[range]), costs: run.history.records, finalCost: cost!)))
                    leaving.insert(run.member)
                    continue
                }
                if let error = runs[k].history.note(iteration: step, cost: cost, engine: run.engine) {
                    finished.append(Finished(member: run.member, ending: .failed(error)))
                    leaving.insert(run.member)
                    continue
                }
                C.withUnsafeMutableBufferPointer { c in
                    runs[k].engine.backwardAndUpdate(
                        learningRate: run.options.learningRate, stackedC: UnsafeMutableBufferPointer(rebasing: c[range]))
                }
                progress?(run.member, runs[k].history.progress(completed: step + 1))
            }
            if !leaving.isEmpty { leave(where: { leaving.contains($0.member) }) }
            step += 1
        }
        return finished
    }

    /// Removes the runs that match and closes up the stack: the rows of C and of Z (which
    /// hold P between products) of every later run move up.
    private mutating func leave(where isLeaving: (Run) -> Bool) {
        let m = basis.X.cols
        var kept: [Run] = []
        var from = 0, to = 0
        C.withUnsafeMutableBufferPointer { c in
            Z.withUnsafeMutableBufferPointer { z in
                for run in runs {
                    let count = run.engine.firstLayerWidth * m
                    if !isLeaving(run) {
                        if from != to {
                            // to < from: copying upwards in order never overwrites what is still to move.
                            for e in 0..<count {
                                c[to + e] = c[from + e]
                                z[to + e] = z[from + e]
                            }
                        }
                        kept.append(run)
                        to += count
                    }
                    from += count
                }
            }
        }
        runs = kept
    }
}
