import Glibc

/// Programs run to completion for what they print.
public enum ChildProcess {
    /// What `arguments` (a program found on PATH, then its arguments) writes to standard
    /// output, with standard input and error on /dev/null; nil when it cannot start or
    /// exits with anything but 0. `environment` ("NAME=value" entries) replaces this
    /// process's environment when given; the program is still found on this process's PATH.
    /// A program still running after `timeout` seconds (a git stuck on a FIFO in the
    /// repository it reads) is killed, and gives nil.
    public static func output(of arguments: [String], environment: [String]? = nil, timeout: Double = 60) -> [UInt8]? {
        guard !arguments.isEmpty else { return nil }
        var pipe: [Int32] = [-1, -1]
        guard Glibc.pipe(&pipe) == 0 else { return nil }
        // Neither end outlives an exec: the child gets the write end as its standard output.
        _ = fcntl(pipe[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipe[1], F_SETFD, FD_CLOEXEC)
        defer { close(pipe[0]) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)

        // The child starts with every signal at its default action and none blocked, whatever
        // this process ignores or blocks (dnn-run ignores SIGINT and SIGTERM to handle them).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var envp: [UnsafeMutablePointer<CChar>?] = (environment ?? []).map { strdup($0) } + [nil]
        defer { for p in envp { free(p) } }
        var pid: pid_t = 0
        let spawned = environment == nil
            ? posix_spawnp(&pid, arguments[0], &actions, &attributes, &argv, environ)
            : posix_spawnp(&pid, arguments[0], &actions, &attributes, &argv, &envp)
        close(pipe[1])
        guard spawned == 0 else { return nil }

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let deadline = monotonicSeconds() + timeout
        var timedOut = false
        while true {
            let left = deadline - monotonicSeconds()
            guard left > 0 else {
                timedOut = true
                break
            }
            var ready = pollfd(fd: pipe[0], events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, Int32(min(left, 1) * 1000) + 1)
            if polled < 0 && errno != EINTR { break }
            guard polled > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { read(pipe[0], $0.baseAddress, $0.count) }
            if n > 0 {
                output += chunk[..<n]
            } else if n == 0 || errno != EINTR {
                break
            }
        }
        if timedOut { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return nil }
        }
        // WIFEXITED and WEXITSTATUS: a normal exit with status 0.
        return !timedOut && (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0 ? output : nil
    }

    /// Seconds on a clock that never jumps (CLOCK_MONOTONIC).
    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
