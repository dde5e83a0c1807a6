import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Named points of a run that a test waits for instead of sleeping: in a debug build
/// (what `swift test` runs), when `DNN_RUN_TEST_MARKS` names a folder, reaching a point
/// creates an empty file of that name in it, and if the folder holds `<name>.pause`,
/// the run stays at that point until the test removes it (so that a signal is sent
/// while the run is certainly there). A release build has no marks.
///
///     shouldStop: TestMarks.once("training~\(folder)") { Interrupts.shared.isRequested }
public enum TestMarks {
    #if DEBUG
    private static let folder: String? = getenv("DNN_RUN_TEST_MARKS").map { String(cString: $0) }
    #endif

    /// Marks `name` (a file name: no `/`) as reached.
    public static func reach(_ name: String) {
        #if DEBUG
        guard let folder, !name.contains("/") else { return }
        let fd = open(folder + "/" + name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd >= 0 { close(fd) }
        var status = stat()
        while stat(folder + "/" + name + ".pause", &status) == 0 { usleep(1_000) }
        #endif
    }

    /// `poll`, marking `name` when it is first called: for a training loop's
    /// `shouldStop`, called before the first iteration.
    public static func once(_ name: String, _ poll: @escaping @Sendable () -> Bool) -> @Sendable () -> Bool {
        #if DEBUG
        guard folder != nil else { return poll }
        let reached = Mutex(false)
        return {
            if reached.withLock({ r in defer { r = true }; return !r }) { reach(name) }
            return poll()
        }
        #else
        return poll
        #endif
    }
}
