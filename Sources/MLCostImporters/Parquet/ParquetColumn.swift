import MLCostCore

/// One leaf column of one row group, decoded a batch of levels at a time (memory stays one page and one batch per
/// column, whatever the row group's size): definition/repetition levels, and the values as text — a dictionary page is
/// formatted once; a dictionary-encoded page is then only indices into it.
final class ParquetColumnCursor {
  /// Levels decoded at a time (tests use small batches to cross their boundaries).
  let batch: Int

  let leaf: ParquetLeaf
  private let codec: Int32
  private var at: UnsafePointer<UInt8>
  private let end: UnsafePointer<UInt8>

  private var page = ScratchBytes(capacity: 1 << 16)
  /// The current batch: levels and, for a dictionary page, value indices.
  @exclusivity(unchecked) private(set) var defs: UnsafeMutablePointer<UInt32>
  @exclusivity(unchecked) private(set) var reps: UnsafeMutablePointer<UInt32>
  @exclusivity(unchecked) private var indices: UnsafeMutablePointer<UInt32>
  @exclusivity(unchecked) private(set) var levelCount = 0
  @exclusivity(unchecked) var levelIndex = 0
  @exclusivity(unchecked) private var valueIndex = 0

  /// Text of the values: `arena[offsets[k] ..< offsets[k + 1]]`: the dictionary's, or the current batch's plain values.
  @exclusivity(unchecked) private var dictionary = ScratchBytes(capacity: 1 << 12)
  @exclusivity(unchecked) private var dictionaryOffsets = [Int]()
  @exclusivity(unchecked) private var plain = ScratchBytes(capacity: 1 << 12)
  @exclusivity(unchecked) private var plainOffsets = [Int]()
  @exclusivity(unchecked) private var usesDictionary = false

  /// Where the current page stands.
  private enum Values {
    case dictionary(ParquetHybrid)
    case plain(UnsafeRawBufferPointer, offset: Int)
    /// Booleans, run-length encoded (pages v2).
    case booleans(ParquetHybrid)
  }
  @exclusivity(unchecked) private var pageLevelsLeft = 0
  @exclusivity(unchecked) private var repLevels = ParquetHybrid.empty
  @exclusivity(unchecked) private var defLevels = ParquetHybrid.empty
  @exclusivity(unchecked) private var values = Values.plain(UnsafeRawBufferPointer(start: nil, count: 0), offset: 0)

  init(leaf: ParquetLeaf, chunk: ParquetColumnChunk, file: UnsafeRawBufferPointer, batch: Int = 4096) throws(ParquetError) {
    self.leaf = leaf
    self.batch = max(1, batch)
    codec = chunk.codec
    let start = Int(chunk.start), size = Int(chunk.compressedSize)
    guard start >= 4, size >= 0, start <= file.count, size <= file.count - 8 - start else {
      throw .damaged("column \(leaf.name)'s pages lie outside the file (offset \(start), \(size) bytes)")
    }
    let base = file.baseAddress!.assumingMemoryBound(to: UInt8.self)
    at = base + start
    end = base + start + size
    defs = .allocate(capacity: self.batch)
    reps = .allocate(capacity: self.batch)
    indices = .allocate(capacity: self.batch)
  }

  deinit {
    page.free(); dictionary.free(); plain.free()
    defs.deallocate(); reps.deallocate(); indices.deallocate()
  }

  /// True when the current level has a value (not a null, not an empty list/map).
  @inline(__always) var defined: Bool { leaf.maxDef == 0 || defs[levelIndex] == leaf.maxDef }
  @inline(__always) var definition: Int { leaf.maxDef == 0 ? 0 : Int(defs[levelIndex]) }
  @inline(__always) var repetition: Int { leaf.maxRep == 0 ? 0 : Int(reps[levelIndex]) }

  /// Makes the next level current, decoding the next batch (and page) when this one is done.
  @inline(__always) func ensureLevel() throws(ParquetError) {
    while levelIndex == levelCount { try nextBatch() }
  }

  /// The repetition level of the next level (0 at the column's end: a new row).
  func peekRepetition() throws(ParquetError) -> Int {
    while levelIndex == levelCount {
      if pageLevelsLeft == 0 && at >= end { return 0 }
      try nextBatch()
    }
    return repetition
  }

  /// Passes the current level, and its value when it has one.
  @inline(__always) func advance() {
    if defined { valueIndex += 1 }
    levelIndex += 1
  }

  /// The current level's value text (call only when `defined`).
  @inline(__always) func value() -> UnsafeRawBufferPointer {
    if usesDictionary {
      let k = Int(indices[valueIndex])
      return UnsafeRawBufferPointer(start: dictionary.base + dictionaryOffsets[k], count: dictionaryOffsets[k + 1] - dictionaryOffsets[k])
    }
    return UnsafeRawBufferPointer(start: plain.base + plainOffsets[valueIndex], count: plainOffsets[valueIndex + 1] - plainOffsets[valueIndex])
  }

  // MARK: - Batches

  private func nextBatch() throws(ParquetError) {
    while pageLevelsLeft == 0 { try readPage() }
    let n = min(batch, pageLevelsLeft)
    if leaf.maxRep > 0 { try repLevels.next(into: reps, count: n, what: leaf.name) }
    var present = n
    if leaf.maxDef > 0 {
      try defLevels.next(into: defs, count: n, what: leaf.name)
      present = 0
      let full = UInt32(leaf.maxDef)
      for i in 0..<n where defs[i] == full { present += 1 }
    }
    pageLevelsLeft -= n
    levelCount = n
    levelIndex = 0
    valueIndex = 0
    switch values {
    case .dictionary(var d):
      try d.next(into: indices, count: present, what: leaf.name)
      values = .dictionary(d)
      let size = UInt32(dictionaryOffsets.count - 1)
      for i in 0..<present where indices[i] >= size { throw .damaged("column \(leaf.name) refers to dictionary entry \(indices[i]) of \(size)") }
    case .plain(let bytes, let offset):
      plain.reset()
      plainOffsets.removeAll(keepingCapacity: true)
      let used = try decodePlain(bytes, from: offset, count: present, into: &plain, offsets: &plainOffsets)
      values = .plain(bytes, offset: offset + used)
    case .booleans(var d):
      try d.next(into: indices, count: present, what: leaf.name)
      values = .booleans(d)
      plain.reset()
      plainOffsets.removeAll(keepingCapacity: true)
      plainOffsets.append(0)
      for i in 0..<present {
        plain.append(indices[i] == 1 ? "true" : "false")
        plainOffsets.append(plain.count)
      }
    }
  }

  // MARK: - Pages

  private func readPage() throws(ParquetError) {
    guard at < end else { throw .damaged("column \(leaf.name) has fewer values than its row group has rows") }
    var r = ThriftReader(UnsafeRawBufferPointer(start: at, count: end - at))
    let header = try ParquetPageHeader.read(&r)
    guard header.repLength >= 0, header.defLength >= 0 else { throw .damaged("a page header of column \(leaf.name) with negative lengths") }
    let body = r.consumed
    guard header.compressedSize <= end - body else { throw .damaged("a page of column \(leaf.name) runs past its column chunk") }
    at = body + header.compressedSize
    let compressed = UnsafeRawBufferPointer(start: body, count: header.compressedSize)
    switch header.type {
    case 2:  // dictionary page
      let bytes = try decompress(compressed, size: header.uncompressedSize)
      dictionary.reset()
      dictionaryOffsets.removeAll(keepingCapacity: true)
      _ = try decodePlain(bytes, from: 0, count: header.numValues, into: &dictionary, offsets: &dictionaryOffsets)
    case 0:
      let bytes = try decompress(compressed, size: header.uncompressedSize)
      var p = 0
      if leaf.maxRep > 0 { repLevels = try levelsV1(bytes, at: &p, max: leaf.maxRep, encoding: header.repEncoding) }
      if leaf.maxDef > 0 { defLevels = try levelsV1(bytes, at: &p, max: leaf.maxDef, encoding: header.defEncoding) }
      try startValues(UnsafeRawBufferPointer(rebasing: bytes[p...]), encoding: header.encoding)
      pageLevelsLeft = header.numValues
    case 3:
      let levelBytes = header.repLength + header.defLength
      guard levelBytes <= header.compressedSize, levelBytes <= header.uncompressedSize else {
        throw .damaged("a v2 page of column \(leaf.name) whose levels are longer than the page")
      }
      repLevels = ParquetHybrid(UnsafeRawBufferPointer(start: body, count: header.repLength), bitWidth: ParquetHybrid.width(leaf.maxRep))
      defLevels = ParquetHybrid(UnsafeRawBufferPointer(start: body + header.repLength, count: header.defLength), bitWidth: ParquetHybrid.width(leaf.maxDef))
      let rest = UnsafeRawBufferPointer(start: body + levelBytes, count: header.compressedSize - levelBytes)
      let bytes = header.valuesCompressed ? try decompress(rest, size: header.uncompressedSize - levelBytes) : rest
      try startValues(bytes, encoding: header.encoding)
      pageLevelsLeft = header.numValues
    default:
      return  // index pages and unknown page types carry no rows
    }
  }

  private func decompress(_ input: UnsafeRawBufferPointer, size: Int) throws(ParquetError) -> UnsafeRawBufferPointer {
    if codec == 0 {
      guard input.count == size else { throw .damaged("an uncompressed page of column \(leaf.name) whose size is not its header's") }
      return input
    }
    guard size <= 1 << 28 else { throw .damaged("a page of column \(leaf.name) claims \(size) bytes") }
    page.reset()
    page.reserve(size)
    try ParquetCodec.decompress(codec, input, into: UnsafeMutableRawBufferPointer(start: page.base, count: size))
    return UnsafeRawBufferPointer(start: page.base, count: size)
  }

  /// Data page v1 levels: a 4-byte length, then the RLE/bit-packed hybrid.
  private func levelsV1(_ bytes: UnsafeRawBufferPointer, at p: inout Int, max: Int, encoding: Int32) throws(ParquetError) -> ParquetHybrid {
    guard encoding == 3 else { throw .unsupported("levels in encoding \(encoding) (column \(leaf.name))") }
    guard p + 4 <= bytes.count else { throw .damaged("a page of column \(leaf.name) ends before its levels") }
    let n = Int(bytes.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian)
    guard n <= bytes.count - p - 4 else { throw .damaged("the levels of a page of column \(leaf.name) run past it") }
    defer { p += 4 + n }
    return ParquetHybrid(UnsafeRawBufferPointer(rebasing: bytes[(p + 4)..<(p + 4 + n)]), bitWidth: ParquetHybrid.width(max))
  }

  private func startValues(_ bytes: UnsafeRawBufferPointer, encoding: Int32) throws(ParquetError) {
    switch encoding {
    case 0:
      usesDictionary = false
      values = .plain(bytes, offset: 0)
    case 2, 8:
      guard !dictionaryOffsets.isEmpty else { throw .damaged("column \(leaf.name) uses a dictionary it does not have") }
      usesDictionary = true
      guard let width = bytes.first else { values = .dictionary(.empty); return }  // a page of nulls only
      guard width <= 32 else { throw .damaged("a dictionary page of column \(leaf.name) with a bit width of \(width)") }
      values = .dictionary(ParquetHybrid(UnsafeRawBufferPointer(rebasing: bytes[1...]), bitWidth: Int(width)))
    case 3 where leaf.kind == .boolean:
      // Booleans run-length encoded (data pages v2): a 4-byte length, then the hybrid at one bit.
      usesDictionary = false
      guard bytes.count >= 4 else { values = .booleans(.empty); return }
      let n = Int(bytes.loadUnaligned(as: UInt32.self).littleEndian)
      guard n <= bytes.count - 4 else { throw .damaged("the values of a page of column \(leaf.name) run past it") }
      values = .booleans(ParquetHybrid(UnsafeRawBufferPointer(rebasing: bytes[4..<(4 + n)]), bitWidth: 1))
    default:
      throw .unsupported("encoding \(encoding) (column \(leaf.name))")
    }
  }

  /// `count` PLAIN values from `start` into text, `offsets` getting `count + 1` entries; returns the bytes taken.
  private func decodePlain(_ bytes: UnsafeRawBufferPointer, from start: Int, count: Int, into out: inout ScratchBytes,
                           offsets: inout [Int]) throws(ParquetError) -> Int {
    offsets.append(out.count)
    guard count > 0 else { return 0 }
    if leaf.kind == .boolean {
      // Bit-packed booleans: `start` counts bits here (a batch may end inside a byte).
      guard count <= bytes.count * 8 - start else { throw .damaged("a page of column \(leaf.name) holds fewer values than it says") }
      let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
      for k in start..<(start + count) {
        out.append(base[k >> 3] >> UInt8(k & 7) & 1 == 1 ? "true" : "false")
        offsets.append(out.count)
      }
      return count
    }
    let available = bytes.count - start
    guard count <= available / (leaf.plainWidth ?? 4) else {
      throw .damaged("a page of column \(leaf.name) holds fewer values than it says")
    }
    offsets.reserveCapacity(offsets.count + count)
    let base = bytes.baseAddress! + start
    if let width = leaf.plainWidth {
      for k in 0..<count {
        leaf.format(base + k * width, into: &out)
        offsets.append(out.count)
      }
      return count * width
    } else {
      var p = 0
      for _ in 0..<count {
        guard p + 4 <= available else { throw .damaged("a page of column \(leaf.name) ends inside a value") }
        let n = Int(base.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian)
        guard n <= available - p - 4 else { throw .damaged("a value of column \(leaf.name) runs past its page") }
        leaf.formatBytes(UnsafeRawBufferPointer(start: base + p + 4, count: n), into: &out)
        offsets.append(out.count)
        p += 4 + n
      }
      return p
    }
  }
}

/// The RLE / bit-packed hybrid encoding (levels and dictionary indices), decoded as a stream.
struct ParquetHybrid {
  private var p: UnsafePointer<UInt8>?
  private var end: UnsafePointer<UInt8>?
  private let bitWidth: Int
  private var runLeft = 0
  private var rle = true
  private var rleValue: UInt32 = 0
  private var buffer: UInt64 = 0
  private var bits = 0
  private var packedEnd: UnsafePointer<UInt8>?

  static var empty: ParquetHybrid { ParquetHybrid(UnsafeRawBufferPointer(start: nil, count: 0), bitWidth: 0) }
  static func width(_ max: Int) -> Int { max == 0 ? 0 : Int.bitWidth - max.leadingZeroBitCount }

  init(_ bytes: UnsafeRawBufferPointer, bitWidth: Int) {
    p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
    end = p.map { $0 + bytes.count }
    self.bitWidth = bitWidth
  }

  mutating func next(into out: UnsafeMutablePointer<UInt32>, count: Int, what: String) throws(ParquetError) {
    guard bitWidth > 0 else { out.update(repeating: 0, count: count); return }
    let mask: UInt64 = bitWidth == 32 ? 0xFFFF_FFFF : (1 << UInt64(bitWidth)) - 1
    var i = 0
    while i < count {
      if runLeft == 0 { try startRun(what) }
      let take = min(runLeft, count - i)
      if rle {
        (out + i).update(repeating: rleValue, count: take)
      } else {
        for k in 0..<take {
          while bits < bitWidth { buffer |= UInt64(p![0]) << UInt64(bits); p! += 1; bits += 8 }
          out[i + k] = UInt32(truncatingIfNeeded: buffer & mask)
          buffer >>= UInt64(bitWidth); bits -= bitWidth
        }
      }
      runLeft -= take
      i += take
      if runLeft == 0 && !rle { p = packedEnd; buffer = 0; bits = 0 }
    }
  }

  private mutating func startRun(_ what: String) throws(ParquetError) {
    guard var q = p, let end else { throw .damaged("the levels or indices of column \(what) end early") }
    var header: UInt64 = 0, shift: UInt64 = 0
    while true {
      guard q < end, shift < 64 else { throw .damaged("the levels or indices of column \(what) end early") }
      let b = q.pointee; q += 1
      header |= UInt64(b & 0x7F) << shift
      if b & 0x80 == 0 { break }
      shift += 7
    }
    let n = Int(truncatingIfNeeded: header >> 1)
    if header & 1 == 0 {
      let width = (bitWidth + 7) / 8
      guard width <= end - q else { throw .damaged("the levels or indices of column \(what) end early") }
      var v: UInt32 = 0
      for k in 0..<width { v |= UInt32(q[k]) << (8 * k) }
      rle = true; rleValue = v; runLeft = n
      p = q + width
    } else {
      // n groups of 8 values, bitWidth bytes each; the last run may stop short of its padding.
      guard n <= end - q, n * bitWidth <= end - q else { throw .damaged("the levels or indices of column \(what) end early") }
      rle = false; runLeft = n * 8
      packedEnd = q + n * bitWidth
      p = q; buffer = 0; bits = 0
    }
    guard runLeft > 0 else { return try startRun(what) }
  }
}
