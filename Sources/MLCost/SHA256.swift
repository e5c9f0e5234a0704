import CCrypto
import Foundation
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
///
/// A mapped file is not hashed by the reading thread: `release(before:)` only records how far the
/// reader got, and `catchUp()` — called by the storing thread between batches — hashes up to there
/// and only then lets the file drop those pages. `finish()` hashes whatever is left.
final class HashingByteSource: ByteSource, @unchecked Sendable {
  let inner: any ByteSource
  private let hasher = SHA256Hasher()
  @exclusivity(unchecked) private var hashed = 0
  private let lock = NSLock()
  @exclusivity(unchecked) private var readUpTo = 0
  /// Set once a reader takes the mapping; otherwise every byte is hashed in `read(into:)`.
  @exclusivity(unchecked) private var mapped = false

  init(_ inner: any ByteSource) { self.inner = inner }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let n = try inner.read(into: buffer)
    if n > 0 { hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
    return n
  }

  var mappedBytes: UnsafeRawBufferPointer? {
    let bytes = inner.mappedBytes
    if bytes != nil { mapped = true }
    return bytes
  }

  /// Reading thread: bytes before `offset` are parsed.
  func release(before offset: Int) {
    lock.lock()
    readUpTo = max(readUpTo, offset)
    lock.unlock()
  }

  /// Any thread but the reader's: hashes what the reader has passed, then drops those pages.
  func catchUp() {
    guard mapped, let bytes = inner.mappedBytes else { return }
    lock.lock()
    let end = min(readUpTo, bytes.count)
    lock.unlock()
    guard end > hashed else { return }
    hasher.update(UnsafeRawBufferPointer(rebasing: bytes[hashed..<end]))
    hashed = end
    inner.release(before: hashed)
  }

  /// The digest of every byte of the source. Call once reading is over.
  func finish() -> String {
    if mapped, let bytes = inner.mappedBytes, hashed < bytes.count {
      hasher.update(UnsafeRawBufferPointer(rebasing: bytes[hashed...]))
      hashed = bytes.count
    }
    return hasher.finish()
  }
}
