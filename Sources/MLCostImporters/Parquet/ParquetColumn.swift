import MLCostCore

/// One leaf column of one row group, decoded a page at a time: its definition/repetition levels and its values as
/// text (a dictionary page is formatted once; a dictionary-encoded page is then only indices into it).
final class ParquetColumnCursor {
  let leaf: ParquetLeaf
  private let codec: Int32
  private var at: UnsafePointer<UInt8>
  private let end: UnsafePointer<UInt8>

  private var page = ScratchBytes(capacity: 1 << 16)
  @exclusivity(unchecked) private(set) var defs = [UInt32]()
  @exclusivity(unchecked) private(set) var reps = [UInt32]()
  @exclusivity(unchecked) private(set) var levelCount = 0
  @exclusivity(unchecked) var levelIndex = 0

  /// Text of the values: `arena[offsets[k] ..< offsets[k + 1]]`; a dictionary page's or the current plain page's.
  @exclusivity(unchecked) private var dictionary = ScratchBytes(capacity: 1 << 12)
  @exclusivity(unchecked) private var dictionaryOffsets = [Int]()
  @exclusivity(unchecked) private var plain = ScratchBytes(capacity: 1 << 12)
  @exclusivity(unchecked) private var plainOffsets = [Int]()
  @exclusivity(unchecked) private var indices = [UInt32]()
  @exclusivity(unchecked) private var usesDictionary = false
  @exclusivity(unchecked) private var valueIndex = 0

  init(leaf: ParquetLeaf, chunk: ParquetColumnChunk, file: UnsafeRawBufferPointer) throws(ParquetError) {
    self.leaf = leaf
    codec = chunk.codec
    let start = Int(chunk.start), size = Int(chunk.compressedSize)
    guard start >= 4, size >= 0, start <= file.count, size <= file.count - 8 - start else {
      throw .damaged("column \(leaf.name)'s pages lie outside the file (offset \(start), \(size) bytes)")
    }
    let base = file.baseAddress!.assumingMemoryBound(to: UInt8.self)
    at = base + start
    end = base + start + size
  }

  deinit { page.free(); dictionary.free(); plain.free() }

  /// True when the current level has a value (not a null, not an empty list/map).
  @inline(__always) var defined: Bool { leaf.maxDef == 0 || defs[levelIndex] == leaf.maxDef }
  @inline(__always) var definition: Int { leaf.maxDef == 0 ? 0 : Int(defs[levelIndex]) }

  /// Makes the next level current, reading the next page when this one is done.
  @inline(__always) func ensureLevel() throws(ParquetError) {
    while levelIndex == levelCount { try readPage() }
  }

  /// The repetition level of the next level (0 at the column's end: a new row).
  func peekRepetition() throws(ParquetError) -> Int {
    while levelIndex == levelCount {
      if at >= end { return 0 }
      try readPage()
    }
    return leaf.maxRep == 0 ? 0 : Int(reps[levelIndex])
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

  // MARK: - Pages

  private func readPage() throws(ParquetError) {
    guard at < end else { throw .damaged("column \(leaf.name) has fewer values than its row group has rows") }
    var r = ThriftReader(UnsafeRawBufferPointer(start: at, count: end - at))
    let header = try ParquetPageHeader.read(&r)
    guard header.numValues <= 1 << 24, header.repLength >= 0, header.defLength >= 0 else {
      throw .damaged("a page header of column \(leaf.name) with impossible counts")
    }
    let body = r.consumed
    guard header.compressedSize <= end - body else { throw .damaged("a page of column \(leaf.name) runs past its column chunk") }
    at = body + header.compressedSize
    let compressed = UnsafeRawBufferPointer(start: body, count: header.compressedSize)
    switch header.type {
    case 2:  // dictionary page
      let bytes = try decompress(compressed, size: header.uncompressedSize)
      dictionary.reset()
      dictionaryOffsets.removeAll(keepingCapacity: true)
      try decodePlain(bytes, count: header.numValues, into: &dictionary, offsets: &dictionaryOffsets)
    case 0:
      let bytes = try decompress(compressed, size: header.uncompressedSize)
      var p = 0
      reps.removeAll(keepingCapacity: true)
      defs.removeAll(keepingCapacity: true)
      if leaf.maxRep > 0 { p += try levelsV1(bytes, from: p, max: leaf.maxRep, count: header.numValues, into: &reps, encoding: header.repEncoding) }
      if leaf.maxDef > 0 { p += try levelsV1(bytes, from: p, max: leaf.maxDef, count: header.numValues, into: &defs, encoding: header.defEncoding) }
      try values(UnsafeRawBufferPointer(rebasing: bytes[p...]), levels: header.numValues, encoding: header.encoding)
    case 3:
      let levelBytes = header.repLength + header.defLength
      guard levelBytes <= header.compressedSize, levelBytes <= header.uncompressedSize else {
        throw .damaged("a v2 page of column \(leaf.name) whose levels are longer than the page")
      }
      reps.removeAll(keepingCapacity: true)
      defs.removeAll(keepingCapacity: true)
      if leaf.maxRep > 0 {
        try ParquetHybrid.decode(UnsafeRawBufferPointer(start: body, count: header.repLength), bitWidth: ParquetHybrid.width(leaf.maxRep),
                                 count: header.numValues, into: &reps, what: leaf.name)
      }
      if leaf.maxDef > 0 {
        try ParquetHybrid.decode(UnsafeRawBufferPointer(start: body + header.repLength, count: header.defLength),
                                 bitWidth: ParquetHybrid.width(leaf.maxDef), count: header.numValues, into: &defs, what: leaf.name)
      }
      let rest = UnsafeRawBufferPointer(start: body + levelBytes, count: header.compressedSize - levelBytes)
      let bytes = header.valuesCompressed ? try decompress(rest, size: header.uncompressedSize - levelBytes) : rest
      try values(bytes, levels: header.numValues, encoding: header.encoding)
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

  /// Data page v1 levels: a 4-byte length, then the RLE/bit-packed hybrid. Returns the bytes taken.
  private func levelsV1(_ bytes: UnsafeRawBufferPointer, from p: Int, max: Int, count: Int, into out: inout [UInt32],
                        encoding: Int32) throws(ParquetError) -> Int {
    guard encoding == 3 else { throw .unsupported("levels in encoding \(encoding) (column \(leaf.name))") }
    guard p + 4 <= bytes.count else { throw .damaged("a page of column \(leaf.name) ends before its levels") }
    let n = Int(bytes.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian)
    guard n <= bytes.count - p - 4 else { throw .damaged("the levels of a page of column \(leaf.name) run past it") }
    try ParquetHybrid.decode(UnsafeRawBufferPointer(rebasing: bytes[(p + 4)..<(p + 4 + n)]), bitWidth: ParquetHybrid.width(max),
                             count: count, into: &out, what: leaf.name)
    return 4 + n
  }

  private func values(_ bytes: UnsafeRawBufferPointer, levels: Int, encoding: Int32) throws(ParquetError) {
    var present = levels
    if leaf.maxDef > 0 {
      present = 0
      let full = UInt32(leaf.maxDef)
      for d in defs where d == full { present += 1 }
    }
    levelCount = levels
    levelIndex = 0
    valueIndex = 0
    switch encoding {
    case 0:
      usesDictionary = false
      plain.reset()
      plainOffsets.removeAll(keepingCapacity: true)
      try decodePlain(bytes, count: present, into: &plain, offsets: &plainOffsets)
    case 2, 8:
      guard !dictionaryOffsets.isEmpty || present == 0 else { throw .damaged("column \(leaf.name) uses a dictionary it does not have") }
      usesDictionary = true
      indices.removeAll(keepingCapacity: true)
      guard present > 0 else { return }
      guard let width = bytes.first, width <= 32 else { throw .damaged("a dictionary page of column \(leaf.name) without its bit width") }
      try ParquetHybrid.decode(UnsafeRawBufferPointer(rebasing: bytes[1...]), bitWidth: Int(width), count: present, into: &indices, what: leaf.name)
      let size = UInt32(dictionaryOffsets.count - 1)
      for k in indices where k >= size { throw .damaged("column \(leaf.name) refers to dictionary entry \(k) of \(size)") }
    case 3 where leaf.kind == .boolean:
      // Booleans run-length encoded (data pages v2): a 4-byte length, then the hybrid at one bit.
      usesDictionary = false
      plain.reset()
      plainOffsets.removeAll(keepingCapacity: true)
      plainOffsets.append(0)
      guard present > 0 else { return }
      guard bytes.count >= 4 else { throw .damaged("a page of column \(leaf.name) ends before its values") }
      let n = Int(bytes.loadUnaligned(as: UInt32.self).littleEndian)
      guard n <= bytes.count - 4 else { throw .damaged("the values of a page of column \(leaf.name) run past it") }
      indices.removeAll(keepingCapacity: true)
      try ParquetHybrid.decode(UnsafeRawBufferPointer(rebasing: bytes[4..<(4 + n)]), bitWidth: 1, count: present, into: &indices, what: leaf.name)
      for v in indices {
        plain.append(v == 1 ? "true" : "false")
        plainOffsets.append(plain.count)
      }
    default:
      throw .unsupported("encoding \(encoding) (column \(leaf.name))")
    }
  }

  /// PLAIN values into text, `offsets` getting `count + 1` entries.
  private func decodePlain(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout ScratchBytes, offsets: inout [Int]) throws(ParquetError) {
    guard count <= (leaf.kind == .boolean ? bytes.count * 8 : bytes.count / (leaf.plainWidth ?? 4)) else {
      throw .damaged("a page of column \(leaf.name) holds fewer values than it says")
    }
    offsets.reserveCapacity(count + 1)
    offsets.append(out.count)
    guard count > 0 else { return }
    let base = bytes.baseAddress!
    if let width = leaf.plainWidth {
      guard count <= bytes.count / width else { throw .damaged("a page of column \(leaf.name) holds fewer values than it says") }
      for k in 0..<count {
        leaf.format(base + k * width, into: &out)
        offsets.append(out.count)
      }
    } else if leaf.kind == .boolean {
      guard count <= bytes.count * 8 else { throw .damaged("a page of column \(leaf.name) holds fewer values than it says") }
      for k in 0..<count {
        out.append(bytes[k >> 3] >> (k & 7) & 1 == 1 ? "true" : "false")
        offsets.append(out.count)
      }
    } else {
      var p = 0
      for _ in 0..<count {
        guard p + 4 <= bytes.count else { throw .damaged("a page of column \(leaf.name) ends inside a value") }
        let n = Int(bytes.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian)
        guard n <= bytes.count - p - 4 else { throw .damaged("a value of column \(leaf.name) runs past its page") }
        leaf.formatBytes(UnsafeRawBufferPointer(start: base + p + 4, count: n), into: &out)
        offsets.append(out.count)
        p += 4 + n
      }
    }
  }
}

/// The RLE / bit-packed hybrid encoding (levels and dictionary indices).
enum ParquetHybrid {
  static func width(_ max: Int) -> Int { max == 0 ? 0 : Int.bitWidth - max.leadingZeroBitCount }

  static func decode(_ bytes: UnsafeRawBufferPointer, bitWidth: Int, count: Int, into out: inout [UInt32], what: String) throws(ParquetError) {
    guard bitWidth > 0 else { out.append(contentsOf: repeatElement(0, count: count)); return }
    let n = bytes.count
    var p = 0
    let mask: UInt64 = bitWidth == 32 ? 0xFFFF_FFFF : (1 << UInt64(bitWidth)) - 1
    var left = count
    while left > 0 {
      var header: UInt64 = 0, shift: UInt64 = 0
      while true {
        guard p < n, shift < 64 else { throw .damaged("the levels or indices of column \(what) end early") }
        let b = bytes[p]; p += 1
        header |= UInt64(b & 0x7F) << shift
        if b & 0x80 == 0 { break }
        shift += 7
      }
      if header & 1 == 0 {
        let run = Int(truncatingIfNeeded: header >> 1)
        let width = (bitWidth + 7) / 8
        guard p + width <= n else { throw .damaged("the levels or indices of column \(what) end early") }
        var v: UInt32 = 0
        for k in 0..<width { v |= UInt32(bytes[p + k]) << (8 * k) }
        p += width
        let take = min(run, left)
        out.append(contentsOf: repeatElement(v, count: take))
        left -= take
      } else {
        let groups = Int(truncatingIfNeeded: header >> 1)
        guard groups <= n - p, groups * bitWidth <= n - p else {
          throw .damaged("the levels or indices of column \(what) end early")
        }
        let values = groups * 8, size = groups * bitWidth
        var buffer: UInt64 = 0, bits = 0, q = p
        let take = min(values, left)
        for _ in 0..<take {
          while bits < bitWidth { buffer |= UInt64(bytes[q]) << UInt64(bits); q += 1; bits += 8 }
          out.append(UInt32(truncatingIfNeeded: buffer & mask))
          buffer >>= UInt64(bitWidth); bits -= bitWidth
        }
        p += size
        left -= take
      }
    }
  }
}
