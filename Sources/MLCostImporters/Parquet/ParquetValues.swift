import MLCostCore

/// How a leaf column's values become the text the CSV importers read: the same text the CSV of the same data has
/// (decimals exact at their scale, timestamps ISO 8601 UTC, dates YYYY-MM-DD, strings as they are).
struct ParquetLeaf {
  enum Kind: Equatable {
    case boolean, int32, int64, int96, float, double, bytes
    case fixed(Int)
  }
  enum Text: Equatable {
    case plain
    case unsigned
    case decimal(scale: Int)
    case date
    /// Seconds per unit as a divisor: 1,000 (ms), 1,000,000 (µs), 1,000,000,000 (ns).
    case timestamp(perSecond: Int64)
  }
  var name: String
  var kind: Kind
  var text: Text
  var maxDef: Int
  var maxRep: Int

  init(element e: ParquetSchemaElement, path: [String], maxDef: Int, maxRep: Int) throws(ParquetError) {
    name = path.joined(separator: ".")
    self.maxDef = maxDef
    self.maxRep = maxRep
    switch e.type {
    case 0: kind = .boolean
    case 1: kind = .int32
    case 2: kind = .int64
    case 3: kind = .int96
    case 4: kind = .float
    case 5: kind = .double
    case 6: kind = .bytes
    case 7:
      guard e.typeLength > 0, e.typeLength <= 1 << 16 else { throw .damaged("column \(name) has a fixed length of \(e.typeLength)") }
      kind = .fixed(Int(e.typeLength))
    default: throw .unsupported("column \(name) has physical type \(e.type.map(String.init) ?? "none")")
    }
    switch (e.logical, e.convertedType) {
    case (.decimal(let scale, _)?, _): text = .decimal(scale: scale)
    case (nil, 5?): text = .decimal(scale: Int(e.scale))
    case (.date?, _), (nil, 6?): text = .date
    case (.timestamp(let unit)?, _):
      text = .timestamp(perSecond: unit == 1 ? 1_000 : unit == 2 ? 1_000_000 : 1_000_000_000)
    case (nil, 9?): text = .timestamp(perSecond: 1_000)
    case (nil, 10?): text = .timestamp(perSecond: 1_000_000)
    case (.integer(_, false)?, _), (nil, 11?), (nil, 12?), (nil, 13?), (nil, 14?): text = .unsigned
    default: text = kind == .int96 ? .timestamp(perSecond: 1_000_000_000) : .plain
    }
    if case .decimal(let scale) = text, scale < 0 || scale > 38 { throw .unsupported("column \(name) has decimal scale \(scale)") }
    if case .decimal = text, kind == .boolean || kind == .float || kind == .double || kind == .int96 {
      throw .damaged("column \(name) is a decimal stored as \(kind)")
    }
  }

  /// Bytes one PLAIN value takes, nil for variable length (byte arrays) and booleans (bits).
  var plainWidth: Int? {
    switch kind {
    case .int32, .float: return 4
    case .int64, .double: return 8
    case .int96: return 12
    case .fixed(let n): return n
    case .bytes, .boolean: return nil
    }
  }

  /// Appends the text of one fixed-width PLAIN value at `p`.
  @inline(__always)
  func format(_ p: UnsafeRawPointer, into out: inout ScratchBytes) {
    switch kind {
    case .int32:
      let v = Int64(p.loadUnaligned(as: Int32.self).littleEndian)
      formatInteger(text == .unsigned ? Int64(UInt32(truncatingIfNeeded: v)) : v, into: &out)
    case .int64:
      let v = p.loadUnaligned(as: Int64.self).littleEndian
      if text == .unsigned && v < 0 { out.append(String(UInt64(bitPattern: v))) } else { formatInteger(v, into: &out) }
    case .int96:
      let nanos = p.loadUnaligned(as: Int64.self).littleEndian
      let julian = Int64(p.loadUnaligned(fromByteOffset: 8, as: Int32.self).littleEndian)
      var (q, r) = nanos.quotientAndRemainder(dividingBy: 1_000_000_000)
      if r < 0 { q -= 1; r += 1_000_000_000 }
      Self.formatTimestamp(seconds: (julian - 2_440_588) * 86_400 + q, fraction: r, digits: 9, into: &out)
    case .float: Self.formatDouble(Double(Float(bitPattern: p.loadUnaligned(as: UInt32.self).littleEndian)), shortest: Float(bitPattern: p.loadUnaligned(as: UInt32.self).littleEndian).description, into: &out)
    case .double:
      let v = Double(bitPattern: p.loadUnaligned(as: UInt64.self).littleEndian)
      if v == v.rounded(), abs(v) < 1e15 { Self.formatSigned(Int64(v), into: &out) } else { out.append(v.description) }
    case .fixed(let n): formatBytes(UnsafeRawBufferPointer(start: p, count: n), into: &out)
    case .bytes, .boolean: break
    }
  }

  /// A byte array or fixed-length value: a big-endian decimal, else the bytes as they are.
  @inline(__always)
  func formatBytes(_ b: UnsafeRawBufferPointer, into out: inout ScratchBytes) {
    guard case .decimal(let scale) = text else { out.append(b); return }
    guard b.count > 0 else { out.append(UInt8(ascii: "0")); return }
    guard b.count <= 16 else { out.append(UInt8(ascii: "?")); return }
    var v: Int128 = b[0] & 0x80 != 0 ? -1 : 0
    for byte in b { v = v << 8 | Int128(byte) }
    Self.formatDecimal(v, scale: scale, into: &out)
  }

  @inline(__always)
  private func formatInteger(_ v: Int64, into out: inout ScratchBytes) {
    switch text {
    case .decimal(let scale): Self.formatDecimal(Int128(v), scale: scale, into: &out)
    case .date: Self.formatDate(days: v, into: &out)
    case .timestamp(let perSecond):
      let (s, f) = v.quotientAndRemainder(dividingBy: perSecond)
      let seconds = f < 0 ? s - 1 : s, fraction = f < 0 ? f + perSecond : f
      Self.formatTimestamp(seconds: seconds, fraction: fraction, digits: perSecond == 1_000 ? 3 : perSecond == 1_000_000 ? 6 : 9, into: &out)
    default: Self.formatSigned(v, into: &out)
    }
  }

  /// A float as the CSV of the same column has it: whole numbers without ".0", others in their shortest form.
  static func formatDouble(_ v: Double, shortest: String, into out: inout ScratchBytes) {
    if v == v.rounded(), abs(v) < 1e15 { formatSigned(Int64(v), into: &out) } else { out.append(shortest) }
  }

  static func formatSigned(_ v: Int64, into out: inout ScratchBytes) {
    if v < 0 { out.append(UInt8(ascii: "-")) }
    formatDigits(v.magnitude, minimum: 1, into: &out)
  }

  @inline(__always)
  static func formatDigits(_ v: UInt64, minimum: Int, into out: inout ScratchBytes) {
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, written from the end
    withUnsafeMutableBytes(of: &digits) { d in
      var n = v, i = 24
      repeat { i -= 1; d[i] = UInt8(48 + n % 10); n /= 10 } while n > 0 || 24 - i < minimum
      out.append(d.baseAddress!.assumingMemoryBound(to: UInt8.self) + i, 24 - i)
    }
  }

  /// `v / 10^scale` written exactly with `scale` decimals (the text the CSV of a decimal(p, s) column has).
  static func formatDecimal(_ v: Int128, scale: Int, into out: inout ScratchBytes) {
    if v < 0 { out.append(UInt8(ascii: "-")) }
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 96) { d in
      var i = 96, count = 0
      var m = v.magnitude
      while m > UInt128(UInt64.max) { i -= 1; d[i] = UInt8(48 + Int(m % 10)); m /= 10; count += 1 }
      var small = UInt64(m)
      repeat { i -= 1; d[i] = UInt8(48 + small % 10); small /= 10; count += 1 } while small > 0
      while count <= scale { i -= 1; d[i] = UInt8(ascii: "0"); count += 1 }
      let base = d.baseAddress!
      out.append(base + i, count - scale)
      if scale > 0 {
        out.append(UInt8(ascii: "."))
        out.append(base + i + count - scale, scale)
      }
    }
  }

  static func formatDate(days: Int64, into out: inout ScratchBytes) {
    guard days.magnitude < 1 << 32 else { formatSigned(days, into: &out); return }
    let (y, m, d) = Timestamp.civil(fromDays: days)
    formatSigned(Int64(y), into: &out)
    out.append(UInt8(ascii: "-")); formatDigits(UInt64(m), minimum: 2, into: &out)
    out.append(UInt8(ascii: "-")); formatDigits(UInt64(d), minimum: 2, into: &out)
  }

  /// `YYYY-MM-DDTHH:MM:SSZ`, with the fraction (to the unit's digits, trailing zeros cut) when it is not zero.
  static func formatTimestamp(seconds: Int64, fraction: Int64, digits: Int, into out: inout ScratchBytes) {
    // Past year ±30,000 it is not a billing timestamp: the number as it is, which the importer then refuses.
    guard seconds.magnitude < 1 << 40, fraction >= 0 else { formatSigned(seconds, into: &out); return }
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let rest = seconds - days * 86_400
    formatDate(days: days, into: &out)
    out.append(UInt8(ascii: "T")); formatDigits(UInt64(rest / 3600), minimum: 2, into: &out)
    out.append(UInt8(ascii: ":")); formatDigits(UInt64(rest / 60 % 60), minimum: 2, into: &out)
    out.append(UInt8(ascii: ":")); formatDigits(UInt64(rest % 60), minimum: 2, into: &out)
    if fraction != 0 {
      var f = fraction, width = digits
      while f % 10 == 0 { f /= 10; width -= 1 }
      out.append(UInt8(ascii: ".")); formatDigits(UInt64(f), minimum: width, into: &out)
    }
    out.append(UInt8(ascii: "Z"))
  }
}
