/// What an image file may be, checked before it is decoded, so that a huge or hostile
/// file fails fast with a clear error instead of taking the machine's memory.
public struct ImageLimits: Equatable, Sendable {
    /// The largest file read, in bytes. Default 64 MiB: a 100-megapixel JPEG is far less.
    public var maximumFileBytes: Int
    /// The largest width * height decoded, checked from the file's header before decoding.
    /// Default 100,000,000 (300 MB of RGB), a little above Pillow's own decompression-bomb
    /// threshold (`Image.MAX_IMAGE_PIXELS`, 89,478,485, where Pillow starts to warn).
    public var maximumPixels: Int

    public init(maximumFileBytes: Int = 64 << 20, maximumPixels: Int = 100_000_000) {
        self.maximumFileBytes = maximumFileBytes
        self.maximumPixels = maximumPixels
    }

    public static let `default` = ImageLimits()
}
