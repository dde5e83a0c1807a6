import CJPEG

/// JPEG through Debian's libjpeg-turbo, with libjpeg's defaults as Pillow uses them
/// (integer IDCT, fancy upsampling): the RGB bytes equal Pillow's
/// `Image.open(path).convert("RGB")` exactly. Baseline and progressive, any chroma
/// subsampling; greyscale -> R = G = B. CMYK and YCCK JPEGs are refused. The EXIF
/// orientation is not applied (Pillow does not apply it either unless asked).
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], path: String, limits: ImageLimits) throws(ImageError) -> RGBImage {
        var image = dnn_jpeg_image()
        let status = bytes.withUnsafeBufferPointer { buffer in
            dnn_jpeg_decode_rgb(buffer.baseAddress!, buffer.count, UInt64(limits.maximumPixels), &image)
        }
        let message = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let reason: ImageError.Reason
        switch status {
        case DNN_JPEG_OK:
            defer { dnn_jpeg_free(image.pixels) }
            let (width, height) = (Int(image.width), Int(image.height))
            return RGBImage(
                width: width, height: height,
                pixels: Array(UnsafeBufferPointer(start: image.pixels, count: width * height * 3)))
        case DNN_JPEG_TRUNCATED:
            reason = .truncated
        case DNN_JPEG_TOO_MANY_PIXELS:
            reason = .tooManyPixels(width: Int(image.width), height: Int(image.height), limit: limits.maximumPixels)
        case DNN_JPEG_UNSUPPORTED_COLOR_SPACE:
            reason = .unsupportedFormat("\(message) JPEG")
        case DNN_JPEG_OUT_OF_MEMORY:
            reason = .outOfMemory
        default:
            reason = .corrupt("JPEG: \(message)")
        }
        throw ImageError(path: path, reason: reason)
    }
}
