import Dispatch

/// Passes over fewer elements than this run on the calling thread: below it, waking a
/// second thread costs more than it saves.
let parallelElements = 1 << 16

/// Runs `body` over the rows 0 ..< rows of an elementwise pass over a (rows, cols)
/// matrix: in one call, or, for a pass of at least `parallelElements` elements, in
/// contiguous ranges of rows on up to `BLAS.threads` threads. Each row is computed by one
/// call the same way, so the split changes no element.
func inParallel(rows: Int, of cols: Int, _ body: (Range<Int>) -> Void) {
    let threads = min(BLAS.threads, rows)
    guard threads > 1 && rows * cols >= parallelElements else { return body(0..<rows) }
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        body((rows * t / threads)..<(rows * (t + 1) / threads))
    }
}
