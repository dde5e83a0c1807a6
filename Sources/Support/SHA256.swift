import CCrypto
import SystemPackage

/// SHA-256, through the system's libcrypto (OpenSSL's EVP interface, which uses the
/// processor's SHA extensions where it has them).
///
///     var hash = SHA256()
///     hash.update("abc".utf8)
///     hash.finalizeHex()   // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
public struct SHA256: ~Copyable {
    private let context: OpaquePointer

    public init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("libcrypto cannot make a SHA-256 context (out of memory)")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds bytes to the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
    }

    /// Adds bytes to the hash.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    /// The digest as 64 lowercase hex digits, as `sha256sum` prints it. Call it once:
    /// the hash takes no more bytes after it.
    public mutating func finalizeHex() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return Hex.lowercase(digest)
    }

    /// The SHA-256 of `text`'s UTF-8 bytes in hex.
    public static func hex(of text: String) -> String {
        var hash = SHA256()
        hash.update(text.utf8)
        return hash.finalizeHex()
    }

    /// The SHA-256 of a file's bytes in hex. Reads it in 1 MiB chunks, so memory stays
    /// flat whatever its size.
    ///
    ///     try SHA256.hexOfFile(at: "datasets/train_catvnoncat.h5")   // "fbe56ab6...f242"
    public static func hexOfFile(at path: String) throws(FileError) -> String {
        let file = try FileSystem.openForReading(path)   // a FIFO or a device is refused, never read
        defer { try? file.close() }
        var hash = SHA256()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try FileError.attempt(path, "cannot read") { try file.read(into: chunk) }
            if count == 0 { break }
            hash.update(UnsafeRawBufferPointer(rebasing: chunk[..<count]))
        }
        return hash.finalizeHex()
    }
}

/// The SHA-256 of a file's bytes as 64 lowercase hex digits, as `sha256sum` prints it;
/// for the dataset hashes of `manifest.json`.
///
/// - Throws: a `Diagnostic` such as "cannot open 'PATH': No such file or directory".
public func sha256OfFile(atPath path: String) throws(Diagnostic) -> String {
    do {
        return try SHA256.hexOfFile(at: path)
    } catch {
        throw Diagnostic(error)
    }
}
