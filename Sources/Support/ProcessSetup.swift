import Glibc

/// What a dnn-run process sets up before anything else.
public enum ProcessSetup {
    /// Standard streams that never end the process (`StandardStreams.prepare`), and
    /// SIGXFSZ ignored: past a file-size limit (`ulimit -f`) a write then fails with EFBIG
    /// ("File too large") and is reported like a full disk, instead of the signal killing
    /// the process without a word.
    public static func prepare() {
        StandardStreams.prepare()
        signal(SIGXFSZ, SIG_IGN)
    }
}
