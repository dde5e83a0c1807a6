/// Image files as a trained model's inputs: decoded to 8-bit RGB, resized as the course's
/// students do it with Pillow, flattened as the training examples were.
///
/// The pixels equal, byte for byte, Pillow's
///
///     np.asarray(Image.open(path).convert("RGB").resize((width, height)))
///
/// for PNG files (except 16-bit grey, see `PNGDecoder`) and JPEG files alike (the tests
/// measure it; JPEG is decoded by libjpeg-turbo, as in Pillow). The conversion comes
/// before the resize: grey is replicated to R = G = B, alpha is dropped without
/// compositing, a palette gives its colours, 16-bit samples their high byte. (Pillow
/// without `convert("RGB")` would resize a palette image with NEAREST and an RGBA one with
/// premultiplied alpha, and give 4 channels; the course's code works on RGB photos only.)
///
///     let rgb = try ImageInput.load(path: "my_cat.jpg", width: 64, height: 64)
///     let x = ImageInput.featureColumns([rgb], scale: 255)   // (12288, 1), row-major
public enum ImageInput {
    /// The RGB bytes of the image at `path` resized to `width` x `height`: row-major,
    /// `height * width * 3` bytes, R G B per pixel (a `(height, width, 3)` uint8 array).
    ///
    /// Throws `ImageError` naming `path` when the file cannot be read, is not a PNG or
    /// JPEG image, is truncated or corrupt, or is over `limits`.
    public static func load(
        path: String, width: Int, height: Int, limits: ImageLimits = .default
    ) throws(ImageError) -> [UInt8] {
        try decode(path: path, limits: limits).resized(width: width, height: height).pixels
    }

    /// The image at `path` at its own size, as 8-bit RGB.
    public static func decode(path: String, limits: ImageLimits = .default) throws(ImageError) -> RGBImage {
        let bytes = try ImageFile.read(path, limit: limits.maximumFileBytes)
        if bytes.isEmpty { throw ImageError(path: path, reason: .empty) }
        switch SniffedFormat(bytes) {
        case .png: return try PNGDecoder.decode(bytes, path: path, limits: limits)
        case .jpeg: return try JPEGDecoder.decode(bytes, path: path, limits: limits)
        case .other(let name): throw ImageError(path: path, reason: .unsupportedFormat(name))
        case .unknown: throw ImageError(path: path, reason: .notAnImage)
        }
    }

    /// The features of one image as the model reads them: byte `i` of `pixels` (row,
    /// column, channel order) divided by `scale`, numpy's `image.reshape(-1) / scale`.
    public static func features(_ pixels: [UInt8], scale: Double) -> [Double] {
        pixels.map { Double($0) / scale }
    }

    /// The `(n, m)` feature matrix of `m` images of `n` bytes each, row-major, one image
    /// per column: element `[i * m + j]` is byte `i` of image `j` divided by `scale`, as
    /// numpy's `np.stack(images).reshape(m, -1).T / scale` for the course's (m, 64, 64, 3)
    /// arrays, and as the training data was read (`DeepNet.Matrix(rows: n, cols: m,
    /// storage:)` takes it as is). Every image must have the same byte count.
    public static func featureColumns(_ images: [[UInt8]], scale: Double) -> [Double] {
        let m = images.count
        guard let n = images.first?.count else { return [] }
        precondition(images.allSatisfy { $0.count == n }, "images of different sizes")
        var storage = [Double](repeating: 0, count: n * m)
        for (j, image) in images.enumerated() {
            for i in 0..<n { storage[i * m + j] = Double(image[i]) / scale }
        }
        return storage
    }
}
