import CBLAS
import CKernels
import Synchronization

/// How `Matrix`'s products are summed: what a run records as its `arithmetic` and what
/// `verify` re-trains it with. Each is a fixed order of operations; they differ in what
/// decides the bits.
public enum Arithmetic: String, Sendable, CaseIterable {
    /// Every product on DeepNet's kernel (Sources/CKernels), each element summed over k
    /// in order, in blocks of 256, with fused multiply-adds (one rounding each, as IEEE
    /// 754 defines it): the same bits on every x86-64 processor, with every instruction
    /// set and number of threads. The default since dnn-run 0.2.
    case fma
    /// The same order with a multiply then an add (BLIS's generic kernel's sum) for the
    /// products of more than one row and column, and BLIS for the matrix-vector ones:
    /// the runs of dnn-run 0.1 after the kernel replaced BLIS (blas_library "DeepNet
    /// kernel (...)"). The matrix-vector products sum as the processor's BLIS kernel does.
    case kernel
    /// Every product through BLIS, summed as BLIS's kernel for the processor sums it: the
    /// runs of dnn-run 0.1 before its own kernel (blas_library "BLIS 0.9.0").
    case blis

    /// The arithmetic of the products from now on, for the whole process (set it before
    /// training starts; `dnn-run --arithmetic`, `verify`).
    public static var current: Arithmetic {
        get { allCases[selected.load(ordering: .relaxed)] }
        set {
            if newValue != .blis { _ = dnn_gemm_set_arithmetic(newValue == .fma ? "fma" : "kernel") }
            selected.store(allCases.firstIndex(of: newValue)!, ordering: .relaxed)
        }
    }

    private static let selected = Atomic<Int>(0)

    /// The arithmetic a manifest records, or for a run made before manifests recorded
    /// one, the one its `blas_library` names; nil when neither tells.
    public init?(recorded: String?, blasLibrary: String) {
        if let recorded {
            self.init(rawValue: recorded)
        } else if blasLibrary.hasPrefix("DeepNet kernel") {
            self = .kernel
        } else if blasLibrary.hasPrefix("BLIS") {
            self = .blis
        } else {
            return nil
        }
    }

    /// Whether some of its sums depend on the processor (on the kernel BLIS picks for it).
    public var dependsOnProcessor: Bool { self != .fma }

    /// What computes its products here, as the manifest's `blas_library` records it, e.g.
    /// "DeepNet kernel (avx2, fma)" or "BLIS 0.9.0 (zen3)".
    public var library: String {
        let isa = String(cString: dnn_gemm_isa())
        let blis = "BLIS \(String(cString: bli_info_get_version_str())) (\(BLAS.blisKernel))"
        switch self {
        case .fma: return "DeepNet kernel (\(isa), fma)"
        case .kernel: return "DeepNet kernel (\(isa)), \(blis) for matrix-vector products"
        case .blis: return blis
        }
    }
}

/// What computes `Matrix`'s products, and on how many threads: DeepNet's own kernel
/// (Sources/CKernels) or BLIS, as `Arithmetic.current` says. See `Matrix.gemm`.
public enum BLAS {
    /// The kernels of the current arithmetic, as the manifest records them.
    public static var library: String { Arithmetic.current.library }

    /// The sub-configuration BLIS chose for this processor ("zen3", "haswell", "skx",
    /// "generic"...): what decides how BLIS sums.
    public static var blisKernel: String { String(cString: bli_arch_string(bli_arch_query_id())) }

    /// Makes the kernel use the instruction set `name` ("avx512f", "avx2" or "scalar")
    /// instead of the processor's best; false when the processor lacks it. For tests.
    public static func useInstructionSet(_ name: String) -> Bool { dnn_gemm_use_isa(name) != 0 }

    /// The threads a large product may use. Several trainings at once should share the
    /// cores: jobs x threads <= cores.
    public static var threads: Int {
        get { maxThreads.load(ordering: .relaxed) }
        set { maxThreads.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Products below this many multiply-adds run on one thread: starting a second thread
    /// costs more than it saves.
    public static let parallelThreshold = 1 << 20

    private static let maxThreads = Atomic<Int>(max(1, bli_thread_get_num_threads()))
    private static let current = Atomic<Int>(0)

    /// Sets BLIS's thread count for a product of `operations` multiply-adds.
    static func useThreads(forOperations operations: Int) {
        let wanted = operations < parallelThreshold ? 1 : threads
        if current.exchange(wanted, ordering: .relaxed) != wanted {
            bli_thread_set_num_threads(wanted)
        }
    }

    /// C = alpha op(A) op(B) + beta C through BLIS, row-major, as `dnn_gemm` takes it.
    static func blisProduct(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        _ a: UnsafePointer<Double>?, lda: Int, _ b: UnsafePointer<Double>?, ldb: Int,
        beta: Double, _ c: UnsafeMutablePointer<Double>?, ldc: Int
    ) {
        useThreads(forOperations: m * n * k)
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
