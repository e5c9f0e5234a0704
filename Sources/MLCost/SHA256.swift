import CCrypto
import MLCostCore

/// SHA-256 through OpenSSL's EVP interface (libcrypto): ~1.5 GB/s here, so hashing never
/// dominates an import.
final class SHA256Hasher {
  private let ctx: OpaquePointer

  init() {
    ctx = EVP_MD_CTX_new()
    EVP_DigestInit_ex(ctx, EVP_sha256(), nil)
  }

  deinit { EVP_MD_CTX_free(ctx) }

  func update(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    EVP_DigestUpdate(ctx, base, bytes.count)
  }

  /// The digest as lower-case hex.
  func finish() -> String {
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    EVP_DigestFinal_ex(ctx, &digest, &length)
    let hex: [Character] = Array("0123456789abcdef")
    var out = ""
    for b in digest.prefix(Int(length)) { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
    return out
  }

  /// Hashes a whole source.
  static func hash(_ source: any ByteSource) throws -> String {
    let hasher = SHA256Hasher()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
    defer { buffer.deallocate() }
    while true {
      let n = try source.read(into: buffer)
      if n == 0 { break }
      hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    }
    return hasher.finish()
  }
}

/// Passes bytes through while hashing them, so an import reads its file once.
final class HashingByteSource: ByteSource {
  let inner: any ByteSource
  let hasher = SHA256Hasher()
  init(_ inner: any ByteSource) { self.inner = inner }
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let n = try inner.read(into: buffer)
    if n > 0 { hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
    return n
  }
}
