import Crypto
import Foundation

/// The SHA-256 of a file's bytes as 64 lowercase hex digits, as `sha256sum` prints it.
///
/// Reads the file in 1 MiB chunks, so memory stays flat whatever its size. Used for the
/// dataset and spec hashes of `manifest.json`.
///
///     try sha256OfFile(atPath: "datasets/train_catvnoncat.h5")   // "fbe56ab6...f242"
public func sha256OfFile(atPath path: String) throws(Diagnostic) -> String {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw fileError(path, "cannot open", errno: errno) }
    defer { close(descriptor) }

    var hasher = SHA256()
    let chunkSize = 1 << 20
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { chunk.deallocate() }
    while true {
        let count = read(descriptor, chunk.baseAddress, chunkSize)
        if count == 0 { break }
        if count < 0 {
            if errno == EINTR { continue }
            throw fileError(path, "cannot read", errno: errno)
        }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: chunk[..<count]))
    }
    return hasher.finalize().map { byte in
        let hex = String(byte, radix: 16)
        return byte < 16 ? "0" + hex : hex
    }.joined()
}

/// "cannot open 'PATH': No such file or directory", from a failed system call's errno.
private func fileError(_ path: String, _ what: String, errno code: Int32) -> Diagnostic {
    Diagnostic("\(what) '\(path)': \(String(cString: strerror(code)))")
}
