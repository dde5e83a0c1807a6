/// Why an image file cannot be used: the file's path and what was wrong with it.
///
/// `description` is a whole sentence for the user: the file, what was found, what was
/// expected and how to fix it. The command line decides the exit status (a bad input).
public struct ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The file could not be opened or read; the system's message (`strerror`).
        case unreadable(String)
        /// A directory, a device or a pipe: not a regular file.
        case notARegularFile
        /// The file is bigger than `ImageLimits.maximumFileBytes`.
        case fileTooLarge(bytes: Int, limit: Int)
        /// The file has no bytes.
        case empty
        /// Neither PNG nor JPEG, nor any image format recognized by its first bytes.
        case notAnImage
        /// A recognized image format (named) that is not read: only PNG and JPEG are.
        case unsupportedFormat(String)
        /// The file ends before the image does.
        case truncated
        /// The format was recognized but the decoder refused the data; the decoder's words.
        case corrupt(String)
        /// width * height is over `ImageLimits.maximumPixels`.
        case tooManyPixels(width: Int, height: Int, limit: Int)
        /// The decoded pixels could not be allocated.
        case outOfMemory
    }

    /// The path as it was given.
    public let path: String
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        let expected = "expected a PNG or JPEG image"
        switch reason {
        case .unreadable(let message):
            return "\(path): cannot read the file: \(message)"
        case .notARegularFile:
            return "\(path): not a regular file; \(expected)"
        case .fileTooLarge(let bytes, let limit):
            return "\(path): the file has \(mebibytes(bytes)), more than the \(mebibytes(limit)) an image file may have; "
                + "save a smaller copy of the image"
        case .empty:
            return "\(path): the file is empty; \(expected)"
        case .notAnImage:
            return "\(path): not a PNG or JPEG image (its first bytes are neither format's signature); \(expected)"
        case .unsupportedFormat(let format):
            return "\(path): a \(format) image, which is not read; \(expected): convert it, "
                + "e.g. Image.open(path).convert(\"RGB\").save(\"image.png\") with Pillow"
        case .truncated:
            return "\(path): the file is truncated: it ends before the image data does; copy or download it again"
        case .corrupt(let message):
            return "\(path): corrupt image data (\(message)); \(expected) that other programs open"
        case .tooManyPixels(let width, let height, let limit):
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            return "\(path): the image is \(width) x \(height)\(overflow ? "" : " = \(pixels)") pixels, more than "
                + "the limit of \(limit); save a smaller copy of the image"
        case .outOfMemory:
            return "\(path): not enough memory to decode the image; save a smaller copy of the image"
        }
    }
}

private func mebibytes(_ bytes: Int) -> String {
    let mib = Double(bytes) / 1_048_576
    if mib >= 1, mib == mib.rounded() { return "\(Int(mib)) MiB" }
    if bytes < 1_048_576 { return "\(bytes) bytes" }
    return "\((mib * 10).rounded() / 10) MiB (\(bytes) bytes)"
}
