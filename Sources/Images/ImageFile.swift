import Glibc

/// Reading an image file whole, within `ImageLimits.maximumFileBytes`.
enum ImageFile {
    /// The bytes of the regular file at `path`; refuses a file over `limit` bytes from its
    /// size before reading it (and stops reading one that grows past it meanwhile).
    static func read(_ path: String, limit: Int) throws(ImageError) -> [UInt8] {
        func fail(_ reason: ImageError.Reason) -> ImageError { ImageError(path: path, reason: reason) }
        func systemMessage() -> String { String(cString: strerror(errno)) }

        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw fail(.unreadable(systemMessage())) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw fail(.unreadable(systemMessage())) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw fail(.notARegularFile) }
        let size = Int(status.st_size)
        guard size <= limit else { throw fail(.fileTooLarge(bytes: size, limit: limit)) }

        // Read to the end, not just `size` bytes, but never past the limit: the file may
        // change while it is read.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while bytes.count <= limit {
            let wanted = min(chunk.count, limit + 1 - bytes.count)
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, wanted) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail(.unreadable(systemMessage()))
            }
            bytes += chunk[0..<n]
        }
        guard bytes.count <= limit else { throw fail(.fileTooLarge(bytes: max(size, bytes.count), limit: limit)) }
        return bytes
    }
}

/// What a file's first bytes say it is.
enum SniffedFormat: Equatable {
    case png
    case jpeg
    /// Another image format, by name, that is recognized but not read.
    case other(String)
    case unknown

    init(_ bytes: [UInt8]) {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        let ascii = { (s: String) in Array(s.utf8) }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if starts([0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if starts(ascii("GIF87a")) || starts(ascii("GIF89a")) {
            self = .other("GIF")
        } else if starts(ascii("BM")) && bytes.count >= 26 {
            self = .other("BMP")
        } else if starts(ascii("RIFF")) && starts(ascii("WEBP"), at: 8) {
            self = .other("WebP")
        } else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) {
            self = .other("TIFF")
        } else if starts(ascii("ftyp"), at: 4),
                  let brand = String(validatingUTF8: bytes[8..<min(12, bytes.count)].map { CChar(bitPattern: $0) } + [0]) {
            switch brand {
            case "avif", "avis": self = .other("AVIF")
            case "heic", "heix", "hevc", "hevx", "mif1", "msf1": self = .other("HEIF/HEIC")
            case "jp2 ", "jpx ": self = .other("JPEG 2000")
            default: self = .unknown
            }
        } else if starts([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) {
            self = .other("JPEG 2000")
        } else if starts([0xFF, 0x0A]) || starts([0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20]) {
            self = .other("JPEG XL")
        } else if starts(ascii("8BPS")) {
            self = .other("Photoshop (PSD)")
        } else if starts(ascii("qoif")) {
            self = .other("QOI")
        } else {
            self = .unknown
        }
    }
}
