import CBLAS
import Synchronization

/// The BLAS library behind `Matrix`'s products: BLIS, chosen because it detects this
/// machine's processor where Debian's OpenBLAS 0.3.21 falls back to generic kernels.
public enum BLAS {
    /// The library's name and version, e.g. "BLIS 0.9.0".
    public static var library: String { "BLIS " + String(cString: bli_info_get_version_str()) }

    /// The threads a large product may use. Several trainings at once should share the
    /// cores: jobs x threads <= cores.
    public static var threads: Int {
        get { maxThreads.load(ordering: .relaxed) }
        set { maxThreads.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Products below this many multiply-adds run on one thread: waking a second thread
    /// costs more than it saves, and a busy machine makes BLIS's spinning threads wait.
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
