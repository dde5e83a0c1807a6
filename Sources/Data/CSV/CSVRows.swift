import Dispatch
import DeepNet
import FoundationEssentials
import Glibc
import Support

/// The example rows of a CSV file after its first one, parsed straight into the (n_x, m)
/// feature matrix, on every core.
///
/// The rows are cut into chunks at line starts; a first pass counts each chunk's lines
/// and examples (its non-blank lines), so every chunk knows the line number and the
/// column of the matrix its first row has, and all are then parsed at once. A chunk stops
/// at its first bad row; the first chunk with one names it, so the error is the one a
/// reader going row by row would report.
///
/// Rows of plain numbers (`-12`, `0.5`, `255`, `2.550000000000000000e+02`) are parsed by
/// hand without allocating: digits (trailing zeros after the point dropped) that make an
/// integer M of at most 2^53, a point and an exponent that make the power of ten p, with
/// |p| <= 22. M and 10^p are then exact doubles and the value is M * 10^p or M / 10^-p,
/// one correctly rounded operation (Clinger's fast path): the correctly rounded value, as
/// `Double(String)` gives it. Any other cell (`1e-30`, `+5`, `.5`, 20 digits, `nan`) is
/// parsed by `Double(String)`, as before; any row with a problem (a cell that is not a number, a NUL byte, a missing or
/// extra column, a label other than 0 or 1, an infinite feature) is read again by
/// `CSVLayout.read`, which says what is wrong and where.
struct CSVRows {
    /// Chunks of the rows: byte ranges, their first line number and example index.
    struct Chunk {
        var bytes: Range<Int>
        var firstLine = 0
        var lines = 0
        /// Line feeds: `lines`, less one for a last line without one.
        var newlines = 0
        var firstExample = 0
        var examples = 0
    }

    private let contents: [UInt8]
    private(set) var chunks: [Chunk] = []
    /// The examples (non-blank lines) of every chunk together.
    private(set) var examples = 0
    /// The line feeds of every chunk together.
    private(set) var newlines = 0

    /// Rows of the matrix gathered before they are written out, column block by block:
    /// each write then fills whole cache lines of the (n_x, m) matrix.
    static let tileRows = 32
    /// Bytes below which the rows are parsed on one thread.
    static let parallelBytes = 1 << 20

    /// The rows of `contents` from byte `start`, where line `line` begins.
    init(_ contents: [UInt8], from start: Int, line: Int) {
        self.contents = contents
        let count = contents.count
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let pieces = count - start < CSVRows.parallelBytes ? 1 : max(1, min(4 * cores, (count - start) / (256 << 10)))
        var bounds = [start]
        if pieces > 1 {
            contents.withUnsafeBufferPointer { bytes in
                for k in 1..<pieces {
                    let target = max(bounds.last!, start + (count - start) / pieces * k)
                    bounds.append(CSVRows.lineStart(in: bytes, atOrAfter: target, from: start))
                }
            }
        }
        bounds.append(count)
        chunks = (0..<bounds.count - 1).map { Chunk(bytes: bounds[$0]..<bounds[$0 + 1]) }
        chunks.withUnsafeMutableBufferPointer { chunks in
            contents.withUnsafeBufferPointer { bytes in
                let base = bytes.baseAddress
                DispatchQueue.concurrentPerform(iterations: chunks.count) { k in
                    var lines = 0, newlines = 0, examples = 0
                    var p = chunks[k].bytes.lowerBound
                    let end = chunks[k].bytes.upperBound
                    while p < end, let base {
                        let lineEnd = CSVRows.lineEnd(base, p, end)
                        if !CSVRows.isBlank(base, p, CSVRows.contentEnd(base, p, lineEnd)) { examples += 1 }
                        lines += 1
                        if lineEnd < end { newlines += 1 }
                        p = lineEnd + 1
                    }
                    chunks[k].lines = lines
                    chunks[k].newlines = newlines
                    chunks[k].examples = examples
                }
            }
        }
        var nextLine = line, nextExample = 0
        for k in chunks.indices {
            chunks[k].firstLine = nextLine
            chunks[k].firstExample = nextExample
            nextLine += chunks[k].lines
            nextExample += chunks[k].examples
            newlines += chunks[k].newlines
        }
        examples = nextExample
    }

    /// The (n_x, m) matrix of `first`, the file's first example row, and of these rows
    /// after it, features divided by `scale`; their labels (none when the layout has no
    /// label column); and whether every feature is finite after the division. The matrix
    /// is filled in place, once: no second copy of the data.
    func matrix(
        after first: CSVReader.Record, layout: CSVLayout, scale: Double, progress: LoadProgress?
    ) throws(Diagnostic) -> (X: Matrix, labels: [Double], allFinite: Bool) {
        let m = 1 + examples, n = layout.features
        var failure: Diagnostic?
        var allFinite = true
        var labels = [Double](repeating: 0, count: layout.labelIndex == nil ? 0 : m)
        let storage = [Double](unsafeUninitializedCapacity: n * m) { destination, initialized in
            initialized = n * m  // Double needs no initialization to be released
            prepareLargeBuffer(destination)
            let out = destination.baseAddress!
            labels.withUnsafeMutableBufferPointer { labels in
                do throws(Diagnostic) {
                    try layout.read(first, example: 0) { feature, value in
                        if let feature {
                            let x = value / scale
                            allFinite = allFinite && x.isFinite
                            out[feature * m] = x
                        } else {
                            labels[0] = value
                        }
                    }
                    allFinite = try parse(
                        into: out, labels: labels.baseAddress, examples: m, firstExample: 1,
                        layout: layout, scale: scale, progress: progress) && allFinite
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        return (Matrix(rows: n, cols: m, storage: storage), labels, allFinite)
    }

    /// Parses every row into `out`, the (n_x, m) matrix with m `examples` (row-major:
    /// feature j of example i at `j * m + i`), features divided by `scale`, and `labels`
    /// (nil when the layout has none), the first of them being example `firstExample`.
    ///
    /// - Returns: whether every feature is finite after the division.
    /// - Throws: the diagnostic of the first bad row in the file.
    func parse(
        into out: UnsafeMutablePointer<Double>, labels: UnsafeMutablePointer<Double>?, examples m: Int,
        firstExample: Int, layout: CSVLayout, scale: Double, progress: LoadProgress?
    ) throws(Diagnostic) -> Bool {
        let total = chunks.last.map { $0.bytes.upperBound - chunks[0].bytes.lowerBound } ?? 0
        progress?.begin(.parsing, total: total)
        // The features of small integers, divided once: pixels of 0...255 are most files.
        let small = (0..<1024).map { Double($0) / scale }
        var results = [Result<Bool, Diagnostic>](repeating: .success(true), count: chunks.count)
        contents.withUnsafeBufferPointer { bytes in
            small.withUnsafeBufferPointer { small in
                results.withUnsafeMutableBufferPointer { results in
                    DispatchQueue.concurrentPerform(iterations: chunks.count) { k in
                        var parser = CSVChunkParser(
                            contents: contents, bytes: bytes.baseAddress!, layout: layout, scale: scale,
                            small: small.baseAddress!, out: out, labels: labels, examples: m, progress: progress)
                        let chunk = chunks[k]
                        do throws(Diagnostic) {
                            results[k] = .success(try parser.parse(
                                chunk.bytes, firstLine: chunk.firstLine, firstExample: firstExample + chunk.firstExample))
                        } catch {
                            results[k] = .failure(error)
                        }
                    }
                }
            }
        }
        var allFinite = true
        for result in results {
            switch result {
            case .success(let finite): allFinite = allFinite && finite
            case .failure(let error): throw error
            }
        }
        return allFinite
    }

    /// Checks the first `count` (at least 1) rows one by one, as `layout` reads them,
    /// storing nothing, and returns the record of the last of them: for the error about
    /// more features than one split may take, which a reader going row by row gives at the
    /// row that passes the limit, once that row and those before it have been checked.
    /// Slow, and only for files that will be refused.
    func checkRows(count: Int, layout: CSVLayout) throws(Diagnostic) -> CSVReader.Record {
        guard let first = chunks.first, count >= 1, count <= examples else {
            preconditionFailure("checkRows(count: \(count)) of \(examples) rows")
        }
        var checked = 0
        var line = first.firstLine
        var p = first.bytes.lowerBound
        while true {
            let lineEnd = contents.withUnsafeBufferPointer { CSVRows.lineEnd($0.baseAddress!, p, $0.count) }
            let end = lineEnd > p && contents[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd
            if !contents[p..<end].allSatisfy(CSVReader.isSpace) {
                let record = CSVReader.record(contents[p..<end], line: line)
                try layout.read(record, example: checked + 1) { _, _ in }
                checked += 1
                if checked == count { return record }
            }
            line += 1
            p = lineEnd + 1
        }
    }

    // MARK: Lines

    /// The number of line feeds in `bytes`.
    static func newlines(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var count = 0
        var p = 0
        while p < bytes.count {
            p = lineEnd(base, p, bytes.count)
            if p < bytes.count { count += 1 }
            p += 1
        }
        return count
    }

    /// The index of the line feed ending the line at `p`, or `end`.
    @inline(__always)
    static func lineEnd(_ base: UnsafePointer<UInt8>, _ p: Int, _ end: Int) -> Int {
        guard let found = memchr(base + p, 0x0A, end - p) else { return end }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// The end of a line's text: before a `\r` ending it, as `CSVReader` reads it.
    @inline(__always)
    static func contentEnd(_ base: UnsafePointer<UInt8>, _ p: Int, _ lineEnd: Int) -> Int {
        lineEnd > p && base[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd
    }

    /// Whether a line holds only spaces and tabs, as `CSVReader` skips it.
    @inline(__always)
    static func isBlank(_ base: UnsafePointer<UInt8>, _ p: Int, _ end: Int) -> Bool {
        var q = p
        while q < end {
            if !CSVReader.isSpace(base[q]) { return false }
            q += 1
        }
        return true
    }

    /// The first line start at or after `target`, no earlier than `start`.
    private static func lineStart(in bytes: UnsafeBufferPointer<UInt8>, atOrAfter target: Int, from start: Int) -> Int {
        guard target > start, target < bytes.count, let base = bytes.baseAddress else {
            return min(max(target, start), bytes.count)
        }
        return min(bytes.count, lineEnd(base, target - 1, bytes.count) + 1)
    }
}

/// Parses one chunk of rows, on its own thread.
private struct CSVChunkParser {
    let contents: [UInt8]
    let bytes: UnsafePointer<UInt8>
    let layout: CSVLayout
    let scale: Double
    /// `small[v]` is `Double(v) / scale` for v < 1024.
    let small: UnsafePointer<Double>
    let out: UnsafeMutablePointer<Double>
    let labels: UnsafeMutablePointer<Double>?
    /// m, the columns of `out`.
    let examples: Int
    let progress: LoadProgress?

    /// Powers of ten exact as doubles: 10^0 ... 10^22.
    private static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { x, _ in x * 10 } }

    init(
        contents: [UInt8], bytes: UnsafePointer<UInt8>, layout: CSVLayout, scale: Double,
        small: UnsafePointer<Double>, out: UnsafeMutablePointer<Double>, labels: UnsafeMutablePointer<Double>?,
        examples: Int, progress: LoadProgress?
    ) {
        self.contents = contents
        self.bytes = bytes
        self.layout = layout
        self.scale = scale
        self.small = small
        self.out = out
        self.labels = labels
        self.examples = examples
        self.progress = progress
    }

    /// Parses the rows in `range`, the first on line `firstLine` and, unless blank,
    /// example `firstExample`. Returns whether every feature is finite.
    mutating func parse(_ range: Range<Int>, firstLine: Int, firstExample: Int) throws(Diagnostic) -> Bool {
        let n = layout.features
        let tileRows = CSVRows.tileRows
        let tile = UnsafeMutablePointer<Double>.allocate(capacity: tileRows * n)
        defer { tile.deallocate() }
        var allFinite = true
        var line = firstLine
        var example = firstExample
        var row = 0  // rows in the tile, examples `example ..< example + row`
        var p = range.lowerBound
        var reported = p
        let reportEvery = 4 << 20
        while p < range.upperBound {
            let lineEnd = CSVRows.lineEnd(bytes, p, range.upperBound)
            let end = CSVRows.contentEnd(bytes, p, lineEnd)
            if !CSVRows.isBlank(bytes, p, end) {
                if !parseRow(p, end, into: tile + row, stride: tileRows, label: labels.map { $0 + example + row },
                             finite: &allFinite) {
                    allFinite = try readRow(p, end, line: line, example: example + row, into: tile + row, stride: tileRows)
                        && allFinite
                }
                row += 1
                if row == tileRows {
                    flush(tile, rows: row, at: example)
                    example += row
                    row = 0
                }
            }
            line += 1
            p = lineEnd + 1
            if let progress, p - reported >= reportEvery {
                progress.advance(by: min(p, range.upperBound) - reported)
                reported = p
            }
        }
        flush(tile, rows: row, at: example)
        if let progress, range.upperBound > reported { progress.advance(by: range.upperBound - reported) }
        return allFinite
    }

    /// Writes `rows` rows of the tile (feature j of row r at `j * tileRows + r`) to the
    /// columns from `example` on.
    private func flush(_ tile: UnsafeMutablePointer<Double>, rows: Int, at example: Int) {
        guard rows > 0 else { return }
        for j in 0..<layout.features {
            (out + j * examples + example).update(from: tile + j * CSVRows.tileRows, count: rows)
        }
    }

    /// Parses the row in `start..<end` when every cell is a plain number, the row has the
    /// width of the first and its label is 0 or 1: feature j goes to `features[j * stride]`
    /// divided by the scale, the label to `label`. Returns false otherwise, having perhaps
    /// written some of it: `readRow` then reads the row again.
    @inline(__always)
    private func parseRow(
        _ start: Int, _ end: Int, into features: UnsafeMutablePointer<Double>, stride: Int,
        label: UnsafeMutablePointer<Double>?, finite: inout Bool
    ) -> Bool {
        let b = bytes
        let width = layout.width, labelIndex = layout.labelIndex ?? -1
        var p = start
        var field = 0
        var feature = 0
        var allFinite = true
        while true {
            while p < end && (b[p] == 0x20 || b[p] == 0x09) { p += 1 }
            let fieldStart = p
            var negative = false
            if p < end && b[p] == 0x2D {
                negative = true
                p += 1
            }
            var mantissa: UInt64 = 0
            var digits = 0
            while p < end {
                let d = b[p] &- 0x30
                if d > 9 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                digits += 1
                p += 1
            }
            var simple = digits > 0
            var fraction = 0
            if simple && p < end && b[p] == 0x2E {
                p += 1
                var zeros = 0
                var fractionDigits = 0
                while p < end {
                    let d = b[p] &- 0x30
                    if d > 9 { break }
                    fractionDigits += 1
                    if d == 0 {
                        zeros += 1
                    } else {
                        // Zeros are kept back until a digit follows them: trailing ones
                        // change nothing.
                        for _ in 0...zeros { mantissa = mantissa &* 10 }
                        mantissa = mantissa &+ UInt64(d)
                        digits += zeros + 1
                        fraction += zeros + 1
                        zeros = 0
                    }
                    p += 1
                }
                simple = fractionDigits > 0
            }
            var exponent = 0
            if simple && p < end && b[p] | 0x20 == 0x65 {  // e or E
                var q = p + 1
                let negativeExponent = q < end && b[q] == 0x2D
                if q < end && (b[q] == 0x2B || b[q] == 0x2D) { q += 1 }
                var exponentDigits = 0
                while q < end {
                    let d = b[q] &- 0x30
                    if d > 9 { break }
                    exponent = exponent &* 10 &+ Int(d)
                    exponentDigits += 1
                    q += 1
                }
                simple = exponentDigits > 0 && exponentDigits <= 4
                if negativeExponent { exponent = -exponent }
                p = q
            }
            while p < end && (b[p] == 0x20 || b[p] == 0x09) { p += 1 }
            let value: Double
            var x = 0.0
            // The power of ten the digits are multiplied by: exact as a double up to 10^22.
            let power = exponent - fraction
            if simple && digits <= 19 && mantissa <= 1 << 53 && power >= -22 && power <= 22
                && (p == end || b[p] == 0x2C) {
                if power == 0 {
                    value = negative ? -Double(mantissa) : Double(mantissa)
                    if !negative && mantissa < 1024 { x = small[Int(mantissa)] } else { x = value / scale }
                } else {
                    let magnitude = power > 0
                        ? Double(mantissa) * CSVChunkParser.powersOfTen[power]
                        : Double(mantissa) / CSVChunkParser.powersOfTen[-power]
                    value = negative ? -magnitude : magnitude
                    x = value / scale
                }
            } else {
                // Not a plain number: the cell as `CSVReader` cuts it, parsed as before.
                var cellEnd = fieldStart
                while cellEnd < end && b[cellEnd] != 0x2C { cellEnd += 1 }
                p = cellEnd
                while cellEnd > fieldStart && (b[cellEnd - 1] == 0x20 || b[cellEnd - 1] == 0x09) { cellEnd -= 1 }
                let cell = UnsafeBufferPointer(start: b + fieldStart, count: cellEnd - fieldStart)
                guard !cell.contains(0), let parsed = Double(String(decoding: cell, as: UTF8.self)) else { return false }
                value = parsed
                x = value / scale
                if field != labelIndex && !value.isFinite { return false }
            }
            if field == labelIndex {
                guard value == 0 || value == 1 else { return false }
                label?.pointee = value
            } else {
                features[feature * stride] = x
                allFinite = allFinite && x.isFinite
                feature += 1
            }
            field += 1
            if p == end { break }
            // A comma: another cell follows.
            p += 1
            if field == width { return false }
        }
        guard field == width else { return false }
        finite = finite && allFinite
        return true
    }

    /// Reads the row in `start..<end` (line `line`, example `example`) cell by cell, as
    /// `CSVLayout.read` checks it, into the tile and the labels; throws what is wrong
    /// with it. Returns whether its features are finite once divided by the scale.
    private func readRow(
        _ start: Int, _ end: Int, line: Int, example: Int, into features: UnsafeMutablePointer<Double>, stride: Int
    ) throws(Diagnostic) -> Bool {
        var allFinite = true
        let record = CSVReader.record(contents[start..<end], line: line)
        try layout.read(record, example: example) { feature, value in
            guard let feature else {
                labels?[example] = value
                return
            }
            let x = value / scale
            allFinite = allFinite && x.isFinite
            features[feature * stride] = x
        }
        return allFinite
    }
}
