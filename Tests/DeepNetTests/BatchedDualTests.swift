@testable import DeepNet
import CKernels
import Foundation
import XCTest

/// `trainBatch` against `train` run by run: the same costs, parameters and errors, bit for bit.
final class BatchedDualTests: XCTestCase {
    private func problem(m: Int, nx: Int, seed: UInt32) -> (X: Matrix, Y: Matrix) {
        var rng = NumpyRandom(seed: seed)
        let X = rng.randn(nx, m)
        var Y = Matrix(rows: 1, cols: m)
        for j in 0..<m { Y[0, j] = X[0, j] - 0.5 * X[1, j] + X[2, j] > 0 ? 1 : 0 }
        return (X, Y)
    }

    /// Runs of different widths, depths, activations, learning rates, lengths and
    /// record_every, one of which diverges and one of which has no iterations.
    private func members(nx: Int) -> [BatchMember] {
        let shapes: [([Int], Activation, Double, Int, Int)] = [
            ([nx, 6, 4, 1], .relu, 0.05, 60, 7),
            ([nx, 20, 7, 5, 1], .relu, 0.0075, 45, 1),
            ([nx, 3, 1], .tanh, 0.1, 30, 100),
            ([nx, 1], .relu, 0.2, 50, 10),
            ([nx, 9, 9, 1], .leakyRelu, 0.02, 1, 1),
            ([nx, 5, 2, 1], .sigmoid, 0.5, 0, 1),
            ([nx, 12, 1], .relu, 1e4, 40, 3),  // diverges
            ([nx, 7, 3, 1], .relu, 0.01, 60, 5),
        ]
        return shapes.enumerated().map { i, shape in
            let (dims, hidden, rate, iterations, every) = shape
            return BatchMember(
                initial: initializeParametersDeep(dims, initializer: i % 2 == 0 ? .lecun : .he, seed: UInt32(i + 1)),
                options: TrainingOptions(learningRate: rate, iterations: iterations, recordEvery: every, hidden: hidden))
        }
    }

    private func assertBitIdentical(
        _ batch: Result<TrainingResult, TrainingError>, _ alone: Result<TrainingResult, TrainingError>,
        _ what: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        func bits(_ m: Matrix) -> [UInt64] { m.storage.map(\.bitPattern) }
        func bits(_ costs: [CostRecord]) -> [String] { costs.map { "\($0.iteration):\($0.cost.bitPattern)" } }
        switch (batch, alone) {
        case (.success(let b), .success(let a)):
            XCTAssertEqual(bits(b.costs), bits(a.costs), "\(what): costs", file: file, line: line)
            XCTAssertEqual(b.finalCost.bitPattern, a.finalCost.bitPattern, "\(what): final cost", file: file, line: line)
            XCTAssertEqual(bits(b.finalOutput), bits(a.finalOutput), "\(what): final output", file: file, line: line)
            XCTAssertEqual(b.parameters.layerCount, a.parameters.layerCount, what, file: file, line: line)
            for (l, (wb, wa)) in zip(b.parameters.weights, a.parameters.weights).enumerated() {
                XCTAssertEqual(bits(wb), bits(wa), "\(what): W\(l + 1)", file: file, line: line)
            }
            for (l, (bb, ba)) in zip(b.parameters.biases, a.parameters.biases).enumerated() {
                XCTAssertEqual(bits(bb), bits(ba), "\(what): b\(l + 1)", file: file, line: line)
            }
        case (.failure(.nonFiniteCost(let ib, let cb, let lb, let costsB)), .failure(.nonFiniteCost(let ia, let ca, let la, let costsA))):
            XCTAssertEqual(ib, ia, "\(what): diverging iteration", file: file, line: line)
            XCTAssertEqual(cb.bitPattern, ca.bitPattern, "\(what): non-finite cost", file: file, line: line)
            XCTAssertEqual(lb?.bitPattern, la?.bitPattern, "\(what): last finite cost", file: file, line: line)
            XCTAssertEqual(bits(costsB), bits(costsA), "\(what): costs", file: file, line: line)
        case (.failure(let b), .failure(let a)):
            XCTAssertEqual(b, a, what, file: file, line: line)
        default:
            XCTFail("\(what): batch \(batch), alone \(alone)", file: file, line: line)
        }
    }

    private func alone(_ X: Matrix, _ Y: Matrix, _ member: BatchMember, basis: DualBasis) -> Result<TrainingResult, TrainingError> {
        var options = member.options
        options.engine = .dual
        do {
            return .success(try train(X: X, Y: Y, initial: member.initial, options: options, dualBasis: basis))
        } catch let error as TrainingError {
            return .failure(error)
        } catch {
            fatalError("\(error)")
        }
    }

    func testEveryRunIsBitForBitItsTrainingAlone() {
        // m = 300 is more than BLIS's k-block of 256: the stacked product accumulates in blocks too.
        for (m, nx) in [(40, 30), (300, 20)] {
            let (X, Y) = problem(m: m, nx: nx, seed: UInt32(m))
            let basis = DualBasis(X)
            let members = members(nx: nx)
            let alone = members.map { self.alone(X, Y, $0, basis: basis) }
            if case .failure(.nonFiniteCost) = alone[6] {} else { XCTFail("run 6 was meant to diverge: \(alone[6])") }
            for (threads, rows) in [(1, 1000), (2, 1000), (3, 30), (2, 1)] {
                let batch = trainBatch(basis: basis, Y: Y, members: members, threads: threads, rowsPerGroup: rows)
                XCTAssertEqual(batch.count, members.count)
                for i in members.indices {
                    assertBitIdentical(batch[i], alone[i], "m \(m), \(threads) threads, \(rows) rows, run \(i)")
                }
            }
        }
    }

    func testProgressReportsEveryIterationOfEveryRun() {
        let (X, Y) = problem(m: 25, nx: 10, seed: 7)
        let members = members(nx: 10)
        let lock = NSLock()
        var seen = [[Int]](repeating: [], count: members.count)
        _ = trainBatch(basis: DualBasis(X), Y: Y, members: members, threads: 2, progress: { member, p in
            lock.lock()
            seen[member].append(p.completed)
            lock.unlock()
        })
        for (i, member) in members.enumerated() where i != 6 {
            XCTAssertEqual(seen[i], Array(stride(from: 1, through: member.options.iterations, by: 1)), "run \(i)")
        }
    }

    func testStoppingCancelsEveryRunWithIterationsLeft() {
        let (X, Y) = problem(m: 25, nx: 10, seed: 8)
        let members = members(nx: 10)
        let lock = NSLock()
        var polls = 0
        let results = trainBatch(basis: DualBasis(X), Y: Y, members: members, threads: 1, shouldStop: {
            lock.lock()
            defer { lock.unlock() }
            polls += 1
            return polls > 10
        })
        for (i, result) in results.enumerated() {
            switch (members[i].options.iterations, result) {
            case (0...1, .success), (_, .failure(.cancelled(iteration: 10, _))): break
            case (_, .failure(.nonFiniteCost(let iteration, _, _, _))) where i == 6 && iteration < 10: break
            default: XCTFail("run \(i): \(result)")
            }
        }
    }
}

/// The dual engine's own product: the arithmetic kernels.c promises, in both arithmetics,
/// on every path (a test per instruction set: one the processor lacks is reported
/// skipped, not tested).
final class DualProductTests: XCTestCase {
    /// Z += C G summed as kernels.c says: blocks of 256 along k, each summed in order, in
    /// the current arithmetic.
    private func reference(_ C: Matrix, _ G: Matrix, _ P: Matrix) -> Matrix {
        let fused = Arithmetic.current == .fma
        var Z = P
        for i in 0..<C.rows {
            for j in 0..<G.cols {
                var z = Z[i, j]
                for p0 in stride(from: 0, to: C.cols, by: 256) {
                    var ab = 0.0
                    for p in p0..<min(p0 + 256, C.cols) { ab = fused ? ab.addingProduct(C[i, p], G[p, j]) : ab + C[i, p] * G[p, j] }
                    z = z + ab
                }
                Z[i, j] = z
            }
        }
        return Z
    }

    /// The basis keeps G only as the kernel's layout on AVX-512, made a block of rows at a
    /// time (from 1025 examples on): the G it gives back is X^T X, bit for bit, and a
    /// basis made on one instruction set still serves a product on another.
    func testTheLayoutOfGIsGExactly() {
        let usual = dualProductInstructionSet, usualArithmetic = Arithmetic.current
        defer { _ = dnn_gemm_use_isa(usual); Arithmetic.current = usualArithmetic }
        for arithmetic in [Arithmetic.fma, .kernel] {
            Arithmetic.current = arithmetic
            checkLayout(usual)
        }
    }

    private func checkLayout(_ usual: String) {
        var rng = NumpyRandom(seed: 8)
        for m in [2, 25, 209, 1100] {
            let X = rng.randn(7, m)
            var expected = Matrix(rows: m, cols: m)
            Matrix.gemm(X, transposeA: true, X, into: &expected)
            let basis = DualBasis(X)
            XCTAssertEqual(basis.gram.storage.map(\.bitPattern), expected.storage.map(\.bitPattern), "m = \(m)")
            let C = rng.randn(3, m), P = rng.randn(3, m)
            for isa in ["scalar", "avx2", "avx512f"] where dnn_gemm_use_isa(isa) != 0 {
                var Z = P
                C.storage.withUnsafeBufferPointer { c in
                    Z.storage.withUnsafeMutableBufferPointer { z in
                        dualProduct(rows: 3, basis: basis, C: c.baseAddress!, P: z.baseAddress!, Z: z.baseAddress!)
                    }
                }
                XCTAssertEqual(Z.storage.map(\.bitPattern), reference(C, expected, P).storage.map(\.bitPattern),
                               "m = \(m) on \(isa), basis made on \(usual), \(Arithmetic.current)")
            }
            _ = dnn_gemm_use_isa(usual)
        }
    }

    func testTheScalarPathSumsInOrderInBlocksOf256() throws { try checkPath("scalar") }
    func testTheAVX2PathSumsInOrderInBlocksOf256() throws { try checkPath("avx2") }
    func testTheAVX512PathSumsInOrderInBlocksOf256() throws { try checkPath("avx512f") }

    private func checkPath(_ isa: String) throws {
        let usual = dualProductInstructionSet, usualArithmetic = Arithmetic.current
        defer { _ = dnn_gemm_use_isa(usual); Arithmetic.current = usualArithmetic }
        guard dnn_gemm_use_isa(isa) != 0 else {
            throw XCTSkip("NOT TESTED here: this processor lacks \(isa); its path is tested only on one that has it")
        }
        for arithmetic in [Arithmetic.fma, .kernel] {
            Arithmetic.current = arithmetic
            checkProducts()
        }
    }

    private func checkProducts() {
        var rng = NumpyRandom(seed: 5)
        let usualThreads = BLAS.threads
        defer { BLAS.threads = usualThreads }
        // Widths around the kernels' 8-row tiles, 8-lane vectors and 24-column strips; m
        // past 256 (two blocks along k); the last two large enough to split over threads.
        for (rows, m) in [(1, 1), (3, 7), (8, 16), (9, 17), (20, 209), (13, 300), (41, 515), (100, 209)] {
            let basis = DualBasis(rng.randn(3, m))
            let C = rng.randn(rows, m), P = rng.randn(rows, m)
            let expected = reference(C, basis.gram, P).storage.map(\.bitPattern)
            for threads in 1...3 {
                BLAS.threads = threads
                // Z apart from P, and Z over P (as a batch computes it).
                var Z = Matrix(rows: rows, cols: m, repeating: .nan)
                var inPlace = P
                C.storage.withUnsafeBufferPointer { c in
                    P.storage.withUnsafeBufferPointer { p in
                        Z.storage.withUnsafeMutableBufferPointer { z in
                            dualProduct(rows: rows, basis: basis, C: c.baseAddress!, P: p.baseAddress!, Z: z.baseAddress!)
                        }
                    }
                    inPlace.storage.withUnsafeMutableBufferPointer { z in
                        dualProduct(rows: rows, basis: basis, C: c.baseAddress!, P: z.baseAddress!, Z: z.baseAddress!)
                    }
                }
                XCTAssertEqual(Z.storage.map(\.bitPattern), expected,
                               "\(rows) x \(m) on \(dualProductInstructionSet), \(Arithmetic.current), \(threads) threads")
                XCTAssertEqual(inPlace.storage.map(\.bitPattern), expected,
                               "\(rows) x \(m) in place on \(dualProductInstructionSet), \(threads) threads")
            }
        }
    }
}
