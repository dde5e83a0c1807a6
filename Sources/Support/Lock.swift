import Glibc

/// A mutual-exclusion lock with NSLock's interface (`lock`, `unlock`, `withLock`), on a
/// pthread mutex, so that the modules need FoundationEssentials only. Synchronization's
/// `Mutex` guards one value it owns; the sites that took NSLock lock around code over
/// several stored properties (and Runner around a queue and a result list in turn), so
/// they keep that form.
public final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
