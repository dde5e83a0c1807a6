import CBLAS
import CKernels
import Synchronization

/// What computes `Matrix`'s products, and on how many threads: DeepNet's own kernel
/// (Sources/CKernels) for every product of more than one row and column, BLIS for the
/// matrix-vector ones. See `Matrix.gemm`.
public enum BLAS {
    /// The kernels, as the manifest records them, e.g.
    /// "DeepNet kernel (avx512f), BLIS 0.9.0 for matrix-vector products".
    public static var library: String {
        "DeepNet kernel (\(String(cString: dnn_gemm_isa()))), BLIS "
            + String(cString: bli_info_get_version_str()) + " for matrix-vector products"
    }

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
}
