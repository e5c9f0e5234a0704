import MLCostCore

/// Reads the first bytes of a source for sniffing, then hands out the whole stream from the start.
/// A mapped file is not copied: the head is a view and the mapping passes through.
final class HeadSource: ByteSource {
  static let headSize = 64 << 10
  private let inner: any ByteSource
  @exclusivity(unchecked) private(set) var head: [UInt8]
  @exclusivity(unchecked) private var served = 0
  private let mapped: UnsafeRawBufferPointer?

  init(_ inner: any ByteSource) throws {
    self.inner = inner
    if inner.rowFeed != nil {
      mapped = nil
      head = []
    } else if let m = inner.mappedBytes {
      mapped = m
      head = Array(m.prefix(Self.headSize))
    } else {
      mapped = nil
      var buffer = [UInt8](repeating: 0, count: Self.headSize)
      var filled = 0
      while filled < Self.headSize {
        let n = try buffer.withUnsafeMutableBytes { try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
        if n == 0 { break }
        filled += n
      }
      head = Array(buffer.prefix(filled))
    }
  }

  /// UTF-16 (some Azure portal downloads, Excel's "Unicode text"): refused with the command that converts it,
  /// never read as bytes with a NUL between every letter.
  func refuseUTF16(fileName: String) throws(ImportError) {
    let le = head.count >= 2 && head[0] == 0xFF && head[1] == 0xFE
    let be = head.count >= 2 && head[0] == 0xFE && head[1] == 0xFF
    let zeros = head.prefix(64).enumerated().filter { $0.element == 0 }.count
    guard le || be || (head.count >= 16 && zeros * 3 >= min(64, head.count)) else { return }
    let kind = le ? "UTF-16LE (it starts with a UTF-16 byte-order mark)" : be ? "UTF-16BE (it starts with a UTF-16 byte-order mark)"
      : "UTF-16 or binary (every other byte is zero)"
    throw .badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1), "the file is \(kind), not UTF-8",
      fix: "convert it: iconv -f UTF-16 -t UTF-8 \(fileName) > utf8.csv, then import utf8.csv"))
  }

  /// The first non-blank byte (after a BOM) opens a JSON value or an XML document.
  var looksLikeDocument: Bool {
    var i = 0
    if head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF { i = 3 }
    while i < head.count, [0x20, 0x09, 0x0A, 0x0D].contains(head[i]) { i += 1 }
    guard i < head.count else { return false }
    return head[i] == UInt8(ascii: "{") || head[i] == UInt8(ascii: "[") || head[i] == UInt8(ascii: "<")
  }

  var mappedBytes: UnsafeRawBufferPointer? { mapped }
  func release(before offset: Int) { inner.release(before: offset) }
  var sourceBytesRead: Int64? { inner.sourceBytesRead }
  var rowFeed: (any RowFeed)? { inner.rowFeed }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    if served < head.count {
      let n = min(buffer.count, head.count - served)
      head.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + served, byteCount: n) }
      served += n
      return n
    }
    return try inner.read(into: buffer)
  }

  /// Everything (documents are read whole); the caller has not read anything yet.
  func readAll() throws -> [UInt8] {
    if let mapped { return Array(mapped) }
    var out = head
    served = head.count
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let n = try chunk.withUnsafeMutableBytes { try inner.read(into: $0) }
      if n == 0 { break }
      out.append(contentsOf: chunk.prefix(n))
    }
    return out
  }
}
