import Dispatch
import FoundationEssentials

import Support
import Data
import Spec
import Glibc

/// How training reports progress on stderr.
public enum ProgressStyle: Sendable, Equatable {
    /// A bar redrawn in place (iteration, cost, iterations per second, ETA): stderr is a terminal.
    case bar
    /// A plain line every `interval` seconds: stderr is a file or a pipe (CI logs, Slurm).
    case lines(interval: Double)
    /// Nothing but errors.
    case quiet

    /// `.bar` on a terminal that understands cursor movement, `.lines` otherwise (a
    /// file, a pipe, or a terminal whose TERM is unset or `dumb`: Emacs shells, some CI
    /// consoles), `.quiet` when asked.
    public static func automatic(
        quiet: Bool, terminal: String? = ProcessInfo.processInfo.environment["TERM"]
    ) -> ProgressStyle {
        if quiet { return .quiet }
        let canRedraw = isatty(STDERR_FILENO) == 1 && !(terminal ?? "").isEmpty && terminal != "dumb"
        return canRedraw ? .bar : .lines(interval: 5)
    }
}

/// One display for every run in progress in this process (several with `--jobs`): each
/// run calls `update` after every iteration; the display is redrawn at most ten times a
/// second (a bar) or once per interval (lines), so reporting costs nothing measurable.
public final class ProgressBoard: @unchecked Sendable {
    private struct Entry {
        var label: String
        var completed = 0
        var total: Int
        var cost = Double.nan
        var started: Double
        /// When the first iteration was reported, and its count: the rate is measured from
        /// there, so one-time work before the loop (loading, the Gram matrix) does not
        /// distort it.
        var first: (time: Double, completed: Int)?
    }

    private let style: ProgressStyle
    private let lock = Lock()
    private var entries: [Int: Entry] = [:]
    private var nextID = 0
    private var lastDraw = 0.0
    private var drewBar = false
    /// Data files being loaded (`DataLoadObserver`), by path, in the order they began.
    private var loads: [(path: String, stage: DataLoadStage, done: Int, total: Int)] = []
    /// Runs finished so far and in all, for the "[3/9]" prefix of a sweep.
    private var finishedRuns = 0
    private let totalRuns: Int

    public init(style: ProgressStyle, totalRuns: Int) {
        self.style = style
        self.totalRuns = totalRuns
    }

    /// Starts showing a run; returns the handle for `update` and `finish`.
    public func begin(label: String, iterations: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        nextID += 1
        entries[nextID] = Entry(label: label, total: iterations, started: now())
        return nextID
    }

    /// Records that run `id` completed `completed` iterations, the last with `cost`.
    public func update(_ id: Int, completed: Int, cost: Double) {
        guard style != .quiet else { return }
        let t = now()
        lock.lock()
        defer { lock.unlock() }
        entries[id]?.completed = completed
        entries[id]?.cost = cost
        if entries[id]?.first == nil { entries[id]?.first = (t, completed) }
        let interval: Double
        switch style {
        case .bar: interval = 0.1
        case .lines(let seconds): interval = seconds
        case .quiet: return
        }
        if t - lastDraw >= interval {
            lastDraw = t
            draw(at: t)
        }
    }

    /// Stops showing run `id`.
    public func finish(_ id: Int) {
        lock.lock()
        defer { lock.unlock() }
        entries[id] = nil
        finishedRuns += 1
        clearBar()
    }

    /// Prints a line above the display (a run's summary, a warning) without garbling it.
    public func print(_ line: String, toStandardError: Bool = false) {
        let line = FrontEndOption.render(line)
        lock.lock()
        defer { lock.unlock() }
        clearBar()
        if toStandardError {
            StandardStreams.error(line + "\n")
        } else {
            Swift.print(line)
            fflush(stdout)
        }
    }

    private func draw(at t: Double) {
        let prefix = totalRuns > 1 && !entries.isEmpty ? "[\(finishedRuns + 1)/\(totalRuns)] " : ""
        let alone = entries.count + loads.count == 1
        let loading = loads.map { load in
            let fraction = load.total > 0 ? Double(load.done) / Double(load.total) : 1
            var text = "loading \(ProgressBoard.printable(PathNames.relativeToWorkingDirectory(load.path))): "
                + "\(load.stage.rawValue) "
            if alone { text += ProgressBoard.bar(fraction) }
            return text + "\(Int(fraction * 100))%"
        }
        let parts = loading + entries.keys.sorted().compactMap { id -> String? in
            guard let e = entries[id] else { return nil }
            let measured = e.first.map { (iterations: e.completed - $0.completed, seconds: t - $0.time) }
            let rate = measured.flatMap { $0.iterations > 0 && $0.seconds > 0 ? Double($0.iterations) / $0.seconds : nil }
            let fraction = e.total > 0 ? Double(e.completed) / Double(e.total) : 1
            var text = e.label.isEmpty ? "" : e.label + " "
            if style == .bar && alone { text += ProgressBoard.bar(fraction) }
            let cost = e.completed == 0 ? "-" : cFormat("%.6f", e.cost)
            text += "iteration \(e.completed)/\(e.total) cost \(cost)"
            if let rate {
                text += " \(cFormat("%.0f", rate)) it/s ETA \(durationText(Double(e.total - e.completed) / rate))"
            } else {
                text += " - it/s ETA -"
            }
            return text
        }
        guard !parts.isEmpty else { return }
        let line = prefix + parts.joined(separator: " | ")
        if style == .bar {
            StandardStreams.error("\r\u{1B}[K" + line)
            drewBar = true
        } else {
            StandardStreams.error(line + "\n")
        }
    }

    /// "[######------------------] ", `fraction` of 24 marks filled.
    private static func bar(_ fraction: Double) -> String {
        let width = 24
        let filled = max(0, min(width, Int(fraction * Double(width))))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
    }

    /// `text` with control characters (from a file name) shown as `?`: nothing read from
    /// disk moves the cursor.
    private static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? "?" : scalar
        }))
    }

    private func clearBar() {
        if drewBar {
            StandardStreams.error("\r\u{1B}[K")
            drewBar = false
        }
    }

    private func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}

/// The loading of a large data file, on the same line as training's bar, by the same
/// rules: drawn only as a bar on a terminal that can redraw (nothing in a pipe, a file,
/// with TERM=dumb or --quiet), at most ten times a second, and cleared when the file is
/// loaded.
extension ProgressBoard: DataLoadObserver {
    /// Files of at least 64 MiB, which take a noticeable time to read and parse (about a
    /// second per 200 MB of CSV).
    public var minimumFileBytes: Int { 64 << 20 }

    public func loading(_ path: String, stage: DataLoadStage, done: Int, total: Int) {
        guard style == .bar else { return }
        let t = now()
        lock.lock()
        defer { lock.unlock() }
        if let i = loads.firstIndex(where: { $0.path == path }) {
            loads[i] = (path, stage, done, total)
        } else {
            loads.append((path, stage, done, total))
        }
        if t - lastDraw >= 0.1 {
            lastDraw = t
            draw(at: t)
        }
    }

    public func loaded(_ path: String) {
        guard style == .bar else { return }
        lock.lock()
        defer { lock.unlock() }
        loads.removeAll { $0.path == path }
        clearBar()
    }
}
