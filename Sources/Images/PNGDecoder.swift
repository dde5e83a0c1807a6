import CStb

/// PNG through Debian's stb_image (libstb), to 8-bit RGB as Pillow's
/// `Image.open(path).convert("RGB")` gives it:
///
/// * grey (1, 2, 4, 8 bits) -> R = G = B, low bit depths scaled to 0...255 (1 bit: 0 or 255);
/// * palette -> the palette's colours;
/// * alpha (grey + alpha, RGBA, a tRNS chunk) -> dropped: the colour channels as stored,
///   not composited on any background (Pillow's convert("RGB") drops it too);
/// * 16 bits per channel -> the high byte of each sample (`v >> 8`), as Pillow reads
///   16-bit RGB, RGBA and grey + alpha PNGs. For 16-bit grey alone Pillow differs: it
///   opens it as mode "I;16", and convert("RGB") clips every value above 255 to 255
///   (a normal 16-bit grey photo comes out white); here it is the high byte, like the rest.
///
/// No gamma or colour profile is applied (neither does Pillow). Interlaced PNGs are read.
enum PNGDecoder {
    static func decode(_ bytes: [UInt8], path: String, limits: ImageLimits) throws(ImageError) -> RGBImage {
        func fail(_ reason: ImageError.Reason) -> ImageError { ImageError(path: path, reason: reason) }
        let (width, height) = try checkChunks(bytes, path: path)
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > limits.maximumPixels {
            throw fail(.tooManyPixels(width: width, height: height, limit: limits.maximumPixels))
        }
        let result: Result<RGBImage, ImageError> = bytes.withUnsafeBufferPointer { buffer in
            var width: Int32 = 0
            var height: Int32 = 0
            var channels: Int32 = 0
            // The length fits: ImageLimits' file size is far below 2 GiB.
            guard let pixels = stbi_load_from_memory(buffer.baseAddress!, Int32(buffer.count),
                                                     &width, &height, &channels, 3) else {
                return .failure(fail(stbFailure()))
            }
            defer { stbi_image_free(pixels) }
            let count = Int(width) * Int(height) * 3
            return .success(RGBImage(
                width: Int(width), height: Int(height),
                pixels: Array(UnsafeBufferPointer(start: pixels, count: count))))
        }
        return try result.get()
    }

    private static func stbFailure() -> ImageError.Reason {
        let reason = stbi_failure_reason().map { String(cString: $0) } ?? "unknown error"
        if reason == "outofmem" { return .outOfMemory }
        return .corrupt("PNG: \(reason)")
    }

    /// Walks the chunks from the signature to IEND, so that a file cut short is reported
    /// as truncated (stb_image would read zeros past the end and say something vaguer);
    /// returns the width and height of the IHDR chunk.
    private static func checkChunks(_ bytes: [UInt8], path: String) throws(ImageError) -> (width: Int, height: Int) {
        func uint32(at offset: Int) -> Int {
            bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        var offset = 8
        var first = true
        var size = (width: 0, height: 0)
        while true {
            guard offset + 8 <= bytes.count else { throw ImageError(path: path, reason: .truncated) }
            let length = uint32(at: offset)
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            guard length <= 0x7FFF_FFFF else {
                throw ImageError(path: path, reason: .corrupt("PNG: chunk '\(type)' claims \(length) bytes"))
            }
            guard offset + 12 + length <= bytes.count else { throw ImageError(path: path, reason: .truncated) }
            if first {
                guard type == "IHDR", length == 13 else {
                    throw ImageError(path: path, reason: .corrupt("PNG: the first chunk is '\(type)', not IHDR"))
                }
                size = (uint32(at: offset + 8), uint32(at: offset + 12))
                first = false
            }
            if type == "IEND" { return size }
            offset += 12 + length
        }
    }
}
