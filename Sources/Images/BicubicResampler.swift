/// Resizing exactly as Pillow's `Image.resize((width, height))` does for an 8-bit RGB
/// image by default (`Resampling.BICUBIC`, no `box`, no `reducing_gap`), the resize the
/// course's students apply to their own photos. Written from the algorithm of Pillow's
/// `libImaging/Resample.c`; the tests compare its bytes with Pillow's.
///
/// The algorithm: a separable convolution, one pass per axis, each an independent 1-D
/// resampling of every row (horizontal) or column (vertical):
///
/// * `scale = in / out`; the kernel is stretched by `filterScale = max(scale, 1)`, so a
///   downscale averages over every input pixel it covers (an antialiasing filter), an
///   upscale interpolates;
/// * the kernel is Keys' cubic convolution with a = -0.5 (Catmull-Rom), support 2:
///   `k(x) = 1.5|x|^3 - 2.5|x|^2 + 1` for |x| < 1, `-0.5|x|^3 + 2.5|x|^2 - 4|x| + 2` for
///   1 <= |x| < 2, else 0;
/// * output pixel `i` is centred at `c = (i + 0.5) * scale` in input coordinates; it takes
///   the input pixels `j` from `Int(c - support + 0.5)` (at least 0) up to
///   `Int(c + support + 0.5)` (at most `in`), with `support = 2 * filterScale`, weighted by
///   `k((j - c + 0.5) / filterScale)`, the weights divided by their sum (so edges renormalize);
/// * the weights become fixed-point integers with 22 fraction bits, rounded half away from
///   zero; a sum starts at 2^21 (rounding), and the result is `sum >> 22` clipped to
///   0...255. So each pass rounds to 8 bits, and their order matters:
/// * the order of the passes is Pillow 13's: the vertical pass first when the height
///   shrinks by more than twice as many pixels as the width does
///   (`inH - outH > 0 && inH - outH > 2 * (inW - outW)`), else the horizontal pass first,
///   over only the rows the vertical pass reads. (Pillow 12 and older ran the horizontal
///   pass first except for images over 100 times taller than wide; for resizes the rule
///   above sends vertical-first, such as a narrow strip widened and shortened, Pillow 12
///   and 13 differ from each other by a few levels. A photo resized to 64 x 64, landscape
///   or portrait, goes horizontal-first in both.) A pass is skipped when its axis keeps
///   its size, so a same-size resize is a copy.
extension RGBImage {
    public func resized(width outWidth: Int, height outHeight: Int) -> RGBImage {
        precondition(outWidth > 0 && outHeight > 0, "cannot resize to \(outWidth) x \(outHeight)")
        let horizontal = outWidth != width ? ResampleWeights(inputSize: width, outputSize: outWidth) : nil
        let vertical = outHeight != height ? ResampleWeights(inputSize: height, outputSize: outHeight) : nil

        let verticalFirst = height - outHeight > 0 && height - outHeight > (width - outWidth) * 2
        switch (horizontal, vertical) {
        case (nil, nil):
            return self
        case (let horizontal?, nil):
            return resampledHorizontally(horizontal, rows: 0..<height)
        case (nil, let vertical?):
            return resampledVertically(vertical, firstRow: 0)
        case (let horizontal?, let vertical?) where verticalFirst:
            let shorter = resampledVertically(vertical, firstRow: 0)
            return shorter.resampledHorizontally(horizontal, rows: 0..<shorter.height)
        case (let horizontal?, let vertical?):
            // Only the rows the vertical pass reads go through the horizontal one.
            let rows = vertical.inputRange
            return resampledHorizontally(horizontal, rows: rows)
                .resampledVertically(vertical, firstRow: rows.lowerBound)
        }
    }

    /// Resamples each of `rows` to `weights.outputSize` pixels.
    func resampledHorizontally(_ weights: ResampleWeights, rows: Range<Int>) -> RGBImage {
        let outWidth = weights.outputSize
        var out = [UInt8](repeating: 0, count: rows.count * outWidth * 3)
        pixels.withUnsafeBufferPointer { input in
            weights.coefficients.withUnsafeBufferPointer { k in
                out.withUnsafeMutableBufferPointer { output in
                    for (outRow, row) in rows.enumerated() {
                        let line = input.baseAddress! + row * width * 3
                        let outLine = output.baseAddress! + outRow * outWidth * 3
                        for x in 0..<outWidth {
                            let first = weights.first[x]
                            let taps = weights.count[x]
                            let kx = k.baseAddress! + x * weights.taps
                            var r = ResampleWeights.half
                            var g = ResampleWeights.half
                            var b = ResampleWeights.half
                            var p = line + first * 3
                            for t in 0..<taps {
                                let w = kx[t]
                                r &+= Int32(p[0]) &* w
                                g &+= Int32(p[1]) &* w
                                b &+= Int32(p[2]) &* w
                                p += 3
                            }
                            outLine[x * 3] = ResampleWeights.clip(r)
                            outLine[x * 3 + 1] = ResampleWeights.clip(g)
                            outLine[x * 3 + 2] = ResampleWeights.clip(b)
                        }
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: rows.count, pixels: out)
    }

    /// Resamples each column to `weights.outputSize` pixels; this image's row 0 is row
    /// `firstRow` of the image the weights were computed for.
    func resampledVertically(_ weights: ResampleWeights, firstRow: Int) -> RGBImage {
        let outHeight = weights.outputSize
        let rowBytes = width * 3
        var out = [UInt8](repeating: 0, count: outHeight * rowBytes)
        var sums = [Int32](repeating: 0, count: rowBytes)
        pixels.withUnsafeBufferPointer { input in
            weights.coefficients.withUnsafeBufferPointer { k in
                out.withUnsafeMutableBufferPointer { output in
                    sums.withUnsafeMutableBufferPointer { sums in
                        for y in 0..<outHeight {
                            let first = weights.first[y] - firstRow
                            let ky = k.baseAddress! + y * weights.taps
                            for i in 0..<rowBytes { sums[i] = ResampleWeights.half }
                            // Row by row, so the inner loop runs along memory.
                            for t in 0..<weights.count[y] {
                                let w = ky[t]
                                let line = input.baseAddress! + (first + t) * rowBytes
                                for i in 0..<rowBytes { sums[i] &+= Int32(line[i]) &* w }
                            }
                            let outLine = output.baseAddress! + y * rowBytes
                            for i in 0..<rowBytes { outLine[i] = ResampleWeights.clip(sums[i]) }
                        }
                    }
                }
            }
        }
        return RGBImage(width: width, height: outHeight, pixels: out)
    }
}

/// The fixed-point weights of one axis: output pixel `i` is the weighted sum of input
/// pixels `first[i] ..< first[i] + count[i]` with weights
/// `coefficients[i * taps ..< i * taps + count[i]]`, each a fraction times 2^22.
struct ResampleWeights {
    static let precisionBits: Int32 = 22
    /// The rounding term every sum starts from: one half in fixed point.
    static let half: Int32 = 1 << (precisionBits - 1)

    let outputSize: Int
    /// The room for weights per output pixel: `2 * ceil(support) + 1`.
    let taps: Int
    var first: [Int]
    var count: [Int]
    var coefficients: [Int32]

    /// The input pixels that any output pixel reads.
    var inputRange: Range<Int> {
        first[0]..<(first[outputSize - 1] + count[outputSize - 1])
    }

    init(inputSize: Int, outputSize: Int) {
        self.outputSize = outputSize
        // Pillow takes the box edges as 32-bit floats: in - 0 is Float(in) (exact below 2^24).
        let scale = Double(Float(inputSize)) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = 2 * filterScale
        taps = Int(support.rounded(.up)) * 2 + 1
        first = [Int](repeating: 0, count: outputSize)
        count = [Int](repeating: 0, count: outputSize)
        coefficients = [Int32](repeating: 0, count: outputSize * taps)
        let inverseFilterScale = 1 / filterScale
        var weights = [Double](repeating: 0, count: taps)
        for i in 0..<outputSize {
            let center = (Double(i) + 0.5) * scale
            // Int(_:) truncates toward zero, as C's (int) cast does.
            let lower = max(Int(center - support + 0.5), 0)
            let upper = min(Int(center + support + 0.5), inputSize)
            let n = upper - lower
            var sum = 0.0
            for j in 0..<n {
                let w = Self.bicubic((Double(j + lower) - center + 0.5) * inverseFilterScale)
                weights[j] = w
                sum += w
            }
            for j in 0..<n {
                let w = sum != 0 ? weights[j] / sum : weights[j]
                let fixed = w * Double(1 << Self.precisionBits)
                coefficients[i * taps + j] = Int32(w < 0 ? -0.5 + fixed : 0.5 + fixed)
            }
            first[i] = lower
            count[i] = n
        }
    }

    /// Keys' cubic convolution kernel with a = -0.5, in Pillow's arithmetic order.
    static func bicubic(_ t: Double) -> Double {
        let a = -0.5
        let x = abs(t)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    /// A fixed-point sum to a byte: `sum >> 22` clipped to 0...255.
    @inline(__always)
    static func clip(_ sum: Int32) -> UInt8 {
        UInt8(clamping: sum >> precisionBits)
    }
}
