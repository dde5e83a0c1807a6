import Dispatch
import FoundationEssentials
import Synchronization

import Support
import Data
import Spec
import Glibc

/// SIGINT (Ctrl-C) and SIGTERM (Slurm's and Kubernetes' stop) turned into a flag that
/// training polls between iterations, so a run stops cleanly: its temporary folder gets
/// a manifest saying "interrupted", and nothing that looks complete is left behind.
/// A second signal ends the process at once.
public final class Interrupts: Sendable {
    public static let shared = Interrupts()

    private let requested = Atomic<Int32>(0)
    private let sources = Mutex<[DispatchSourceSignal]>([])

    /// The signal received, or nil.
    public var signal: Int32? {
        let s = requested.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }

    public var isRequested: Bool { signal != nil }

    /// Starts listening for SIGINT and SIGTERM.
    public func install() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for sig in [SIGINT, SIGTERM] {
                Glibc.signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [self, source] in  // both live as long as the process
                    let (exchanged, _) = requested.compareExchange(expected: 0, desired: sig, ordering: .relaxed)
                    // Signals that arrive before the handler runs are merged into one event;
                    // `data` counts them.
                    if !exchanged || source.data > 1 {
                        // The second signal: the user insists. Stop now, with the status of
                        // an interrupted run; a run being written stays in its hidden
                        // staging folder, so nothing incomplete looks complete. (`raise`
                        // would signal only this dispatch thread, where signals are
                        // blocked, and the process would go on.)
                        StandardStreams.error("\(Self.name(sig)) again: stopping now\n")
                        _exit(1)
                    }
                    StandardStreams.error(
                        "\n\(sig == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)"): stopping after this iteration; send it again to stop at once\n")
                }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// The name of a signal for messages.
    public static func name(_ sig: Int32) -> String { sig == SIGTERM ? "SIGTERM" : "SIGINT" }
}
