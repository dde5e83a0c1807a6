import Foundation

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
    private let lock = NSLock()
    private var entries: [Int: Entry] = [:]
    private var nextID = 0
    private var lastDraw = 0.0
    private var drewBar = false
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
        let prefix = totalRuns > 1 ? "[\(finishedRuns + 1)/\(totalRuns)] " : ""
        let parts = entries.keys.sorted().compactMap { id -> String? in
            guard let e = entries[id] else { return nil }
            let measured = e.first.map { (iterations: e.completed - $0.completed, seconds: t - $0.time) }
            let rate = measured.flatMap { $0.iterations > 0 && $0.seconds > 0 ? Double($0.iterations) / $0.seconds : nil }
            let fraction = e.total > 0 ? Double(e.completed) / Double(e.total) : 1
            var text = e.label.isEmpty ? "" : e.label + " "
            if style == .bar && entries.count == 1 {
                let width = 24
                let filled = Int(fraction * Double(width))
                text += "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            }
            let cost = e.completed == 0 ? "-" : String(format: "%.6f", e.cost)
            text += "iteration \(e.completed)/\(e.total) cost \(cost)"
            if let rate {
                text += " \(String(format: "%.0f", rate)) it/s ETA \(durationText(Double(e.total - e.completed) / rate))"
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

    private func clearBar() {
        if drewBar {
            StandardStreams.error("\r\u{1B}[K")
            drewBar = false
        }
    }

    private func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
