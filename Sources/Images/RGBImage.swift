/// An 8-bit RGB image: `pixels` holds `height` rows of `width` pixels of R, G, B bytes,
/// row-major (numpy's `(height, width, 3)` uint8 array, as Pillow's `np.asarray(image)`).
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 3,
                     "\(pixels.count) bytes for a \(width) x \(height) RGB image")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
