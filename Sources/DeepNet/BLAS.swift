import CBLAS

/// The BLAS library behind `Matrix`'s products: BLIS, chosen because it detects this
/// machine's processor where Debian's OpenBLAS 0.3.21 falls back to generic kernels.
public enum BLAS {
    /// The library's name and version, e.g. "BLIS 0.9.0".
    public static var library: String { "BLIS " + String(cString: bli_info_get_version_str()) }

    /// The threads each product may use. Several trainings in parallel processes should
    /// share the cores: jobs x threads <= cores.
    public static var threads: Int {
        get { bli_thread_get_num_threads() }
        set { bli_thread_set_num_threads(max(1, newValue)) }
    }
}
