/// Thrift's compact protocol, read-only: what Parquet's footer and page headers are written in.
/// Every read is bounds-checked; a damaged file throws `ParquetError`, never reads past its buffer.
struct ThriftReader {
  private(set) var p: UnsafePointer<UInt8>
  let end: UnsafePointer<UInt8>
  private var depth = 0

  init(_ bytes: UnsafeRawBufferPointer) {
    let base = bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? UnsafePointer(bitPattern: 1)!
    p = base
    end = base + bytes.count
  }

  var consumed: UnsafePointer<UInt8> { p }

  mutating func byte() throws(ParquetError) -> UInt8 {
    guard p < end else { throw .damaged("metadata ends in the middle of a value") }
    let b = p.pointee
    p += 1
    return b
  }

  mutating func varint() throws(ParquetError) -> UInt64 {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      let b = try byte()
      result |= UInt64(b & 0x7F) << shift
      if b & 0x80 == 0 { return result }
      shift += 7
      guard shift < 64 else { throw .damaged("a varint longer than 10 bytes") }
    }
  }

  mutating func zigzag() throws(ParquetError) -> Int64 {
    let v = try varint()
    return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
  }

  mutating func i32() throws(ParquetError) -> Int32 { Int32(truncatingIfNeeded: try zigzag()) }
  mutating func i64() throws(ParquetError) -> Int64 { try zigzag() }

  mutating func binary() throws(ParquetError) -> UnsafeRawBufferPointer {
    let n = Int(truncatingIfNeeded: try varint())
    guard n >= 0, n <= end - p else { throw .damaged("a string longer than the metadata") }
    defer { p += n }
    return UnsafeRawBufferPointer(start: p, count: n)
  }

  mutating func string() throws(ParquetError) -> String { String(decoding: try binary(), as: UTF8.self) }

  /// A list's element count and element type.
  mutating func listHeader() throws(ParquetError) -> (count: Int, type: UInt8) {
    let h = try byte()
    var n = Int(h >> 4)
    if n == 15 { n = Int(truncatingIfNeeded: try varint()) }
    guard n >= 0, n <= end - p else { throw .damaged("a list longer than the metadata") }
    return (n, h & 0x0F)
  }

  /// Calls `field` with each field's id and type until the struct's stop byte; the handler reads the value or
  /// returns false to have it skipped.
  mutating func fields(_ field: (inout ThriftReader, Int16, UInt8) throws(ParquetError) -> Bool) throws(ParquetError) {
    depth += 1
    defer { depth -= 1 }
    guard depth < 64 else { throw .damaged("metadata nested deeper than 64 levels") }
    var last: Int16 = 0
    while true {
      let h = try byte()
      if h == 0 { return }
      let type = h & 0x0F
      let delta = h >> 4
      let id = delta != 0 ? last &+ Int16(delta) : Int16(truncatingIfNeeded: try zigzag())
      last = id
      if try !field(&self, id, type) { try skip(type) }
    }
  }

  /// A boolean struct field: its value is in the type nibble.
  static func bool(_ type: UInt8) -> Bool { type == 1 }

  mutating func skip(_ type: UInt8) throws(ParquetError) {
    switch type {
    case 1, 2: return
    case 3: _ = try byte()
    case 4, 5, 6: _ = try varint()
    case 7:
      guard end - p >= 8 else { throw .damaged("metadata ends in the middle of a double") }
      p += 8
    case 8: _ = try binary()
    case 9, 10:
      let (n, t) = try listHeader()
      for _ in 0..<n { if t == 1 || t == 2 { _ = try byte() } else { try skip(t) } }
    case 11:
      let n = Int(truncatingIfNeeded: try varint())
      guard n >= 0, n <= end - p else { throw .damaged("a map longer than the metadata") }
      if n > 0 {
        let kv = try byte()
        for _ in 0..<n {
          if kv >> 4 == 1 || kv >> 4 == 2 { _ = try byte() } else { try skip(kv >> 4) }
          if kv & 0x0F == 1 || kv & 0x0F == 2 { _ = try byte() } else { try skip(kv & 0x0F) }
        }
      }
    case 12: try fields { _, _, _ in false }
    default: throw .damaged("unknown Thrift type \(type)")
    }
  }
}

/// Why a Parquet file cannot be read by the built-in reader: damaged, or using something it does not implement
/// (then the pyarrow helper reads it, when installed).
enum ParquetError: Error, Equatable {
  case damaged(String)
  case unsupported(String)
}
