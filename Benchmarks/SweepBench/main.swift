// sweep-bench: the 100-point sweep of the course's 5-layer cat model (10 learning rates x
// 10 seeds, 2500 iterations, lecun, data / 255) trained by `trainBatch`, beside the
// dual engine's FLOP floor for it: 2 n_1 m^2 operations per run and iteration (the product
// C G) at the best rate this machine reaches on a 2000 x 2000 product on --threads threads
// (through Matrix.gemm, which runs DeepNet's packed kernel on --threads threads, or through
// dnn_gemm, the dual product's entry into the same kernel, with the rows split over threads).
//
//     swift run -c release sweep-bench [--data datasets/train_catvnoncat.h5] [--threads 2]
//         [--iterations 2500] [--rows 64] [--alone K] [--json]
//
// --rows: the most rows of C a thread stacks into one product (trainBatch's rowsPerGroup).
// --alone K also trains the first K points one by one with `train` (the dual engine, as
// `dnn-run --jobs 1` does) and checks that the batch's costs and parameters are theirs,
// bit for bit. --json prints one JSON object instead of lines.
import Foundation
import CKernels
import Data
import DeepNet
import Dispatch
import Glibc

struct Options {
    var data = "datasets/train_catvnoncat.h5"
    var threads = 2
    var iterations = 2500
    var alone = 0
    var rows = 64
    var json = false
}

func parse() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst()
    func value(_ flag: String) -> String {
        guard let v = args.popFirst() else { fail("\(flag) needs a value") }
        return v
    }
    while let a = args.popFirst() {
        switch a {
        case "--data": o.data = value(a)
        case "--threads": o.threads = Int(value(a)) ?? { fail("--threads: expected a positive integer") }()
        case "--iterations": o.iterations = Int(value(a)) ?? { fail("--iterations: expected an integer") }()
        case "--alone": o.alone = Int(value(a)) ?? { fail("--alone: expected an integer") }()
        case "--rows": o.rows = Int(value(a)) ?? { fail("--rows: expected a positive integer") }()
        case "--json": o.json = true
        default: fail("unknown argument \(a); see the comment at the top of Benchmarks/SweepBench/main.swift")
        }
    }
    guard o.threads >= 1, o.iterations >= 1, o.alone >= 0 else { fail("--threads and --iterations must be >= 1, --alone >= 0") }
    return o
}

func fail(_ message: String) -> Never {
    fputs("sweep-bench: error: \(message)\n", stderr)
    exit(2)
}

/// Wall and process CPU seconds of `body`.
func timed<T>(_ body: () throws -> T) rethrows -> (T, wall: Double, cpu: Double) {
    func cpuNow() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
    let clock = ContinuousClock()
    let c0 = cpuNow()
    let t0 = clock.now
    let result = try body()
    let d = (clock.now - t0).components
    return (result, Double(d.seconds) + Double(d.attoseconds) * 1e-18, cpuNow() - c0)
}

/// The best GFLOP/s of three runs of `product`, a 2000 x 2000 product of `a` and `b` into `c`.
func bestRate(_ product: (Matrix, Matrix, inout Matrix) -> Void) -> Double {
    let n = 2000
    var rng = NumpyRandom(seed: 0)
    let a = rng.randn(n, n), b = rng.randn(n, n)
    var c = Matrix(rows: n, cols: n)
    var best = Double.infinity
    for _ in 0..<3 {
        let (_, wall, _) = timed { product(a, b, &c) }
        best = min(best, wall)
    }
    return 2 * Double(n * n * n) / best / 1e9
}

/// Through Matrix.gemm on `threads` threads.
func matrixGemmRate(threads: Int) -> Double {
    BLAS.threads = threads
    return bestRate { a, b, c in Matrix.gemm(a, b, into: &c) }
}

/// Through dnn_gemm (the dual product's entry into DeepNet's kernel), the rows split over
/// `threads` threads.
func kernelRate(threads: Int) -> Double {
    bestRate { a, b, c in
        let n = a.rows
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    let (pa, pb, pc) = (pa.baseAddress!, pb.baseAddress!, pc.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: threads) { t in
                        let r0 = n * t / threads, r1 = n * (t + 1) / threads
                        dnn_gemm(0, 0, r1 - r0, n, n, 1, pa + r0 * n, n, pb, n, 0, pc + r0 * n, n)
                    }
                }
            }
        }
    }
}

let options = parse()
let learningRates = [0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.0125, 0.015, 0.02]
let seeds: [UInt32] = Array(1...10)
let layerDims = [12288, 20, 7, 5, 1]

let gemmRate = matrixGemmRate(threads: options.threads)
let ownRate = kernelRate(threads: options.threads)
let rate = max(gemmRate, ownRate)
let dataset: Dataset
do {
    dataset = try Dataset(contentsOf: DataSplit(path: options.data, format: .hdf5), scale: 255)
} catch {
    fail("\(error)")
}
guard dataset.features == layerDims[0] else { fail("\(options.data) has \(dataset.features) features, the cat model needs 12288") }
BLAS.threads = options.threads
let (basis, gramSeconds, _) = timed { DualBasis(dataset.X) }

func member(_ k: Int) -> BatchMember {
    BatchMember(
        initial: initializeParametersDeep(layerDims, initializer: .lecun, seed: seeds[k % 10]),
        options: TrainingOptions(learningRate: learningRates[k / 10], iterations: options.iterations, recordEvery: 100, engine: .dual))
}
let members = (0..<100).map(member)
let (results, batchWall, batchCPU) = timed {
    trainBatch(basis: basis, Y: dataset.Y, members: members, threads: options.threads, rowsPerGroup: options.rows)
}
let m = Double(dataset.examples)
let flops = 100 * Double(options.iterations) * 2 * Double(layerDims[1]) * m * m
let floor = flops / (rate * 1e9)
let failed = results.filter { if case .failure = $0 { return true } else { return false } }.count

var aloneSeconds: Double?
var identical: Bool?
if options.alone > 0 {
    BLAS.threads = 1
    var same = true
    let (_, wall, _) = timed {
        for k in 0..<min(options.alone, 100) {
            let alone = Result { try train(X: dataset.X, Y: dataset.Y, initial: members[k].initial, options: members[k].options, dualBasis: basis) }
            switch (alone, results[k]) {
            case (.success(let a), .success(let b)):
                let bits = { (p: Parameters) in p.weights.flatMap { $0.storage.map(\.bitPattern) } + p.biases.flatMap { $0.storage.map(\.bitPattern) } }
                same = same && a.costs.map(\.cost.bitPattern) == b.costs.map(\.cost.bitPattern)
                    && a.finalCost.bitPattern == b.finalCost.bitPattern && bits(a.parameters) == bits(b.parameters)
            default: same = false
            }
        }
    }
    aloneSeconds = wall / Double(min(options.alone, 100))
    identical = same
}

if options.json {
    var fields = [
        "\"dgemm_gflops\": \(rate)", "\"matrix_gemm_gflops\": \(gemmRate)", "\"own_kernel_gflops\": \(ownRate)", "\"threads\": \(options.threads)", "\"iterations\": \(options.iterations)",
        "\"gram_seconds\": \(gramSeconds)", "\"batch_seconds\": \(batchWall)", "\"batch_cpu_seconds\": \(batchCPU)",
        "\"floor_seconds\": \(floor)", "\"failed_runs\": \(failed)",
    ]
    if let aloneSeconds { fields.append("\"alone_seconds_per_run\": \(aloneSeconds)") }
    if let identical { fields.append("\"bit_identical\": \(identical)") }
    print("{" + fields.joined(separator: ", ") + "}")
} else {
    print("2000x2000 products on \(options.threads) threads: Matrix.gemm (\(BLAS.library)) \(String(format: "%.1f", gemmRate)) GFLOP/s, dnn_gemm with the rows split (\(dualProductInstructionSet)) \(String(format: "%.1f", ownRate)) GFLOP/s")
    print("G = X^T X: \(String(format: "%.2f", gramSeconds)) s")
    print("100 runs x \(options.iterations) iterations, batched: \(String(format: "%.2f", batchWall)) s wall, \(String(format: "%.2f", batchCPU)) s CPU; \(failed) failed")
    print("floor (2 n_1 m^2 per run and iteration at \(String(format: "%.1f", rate)) GFLOP/s): \(String(format: "%.2f", floor)) s; batched / floor = \(String(format: "%.2f", batchWall / floor))")
    if let aloneSeconds, let identical {
        print("alone (train, dual, 1 BLAS thread): \(String(format: "%.3f", aloneSeconds)) s per run; first \(options.alone) runs bit-identical: \(identical)")
    }
}
