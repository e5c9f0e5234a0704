import Foundation
import MLCostCore

/// A Parquet file read by MLCost itself: its rows go to the CSV importers as fields (no CSV text in between), the
/// header being the top-level column names. Reads the flat FOCUS/CUR shape: primitive columns and maps of
/// primitives (a FOCUS `Tags` map becomes a JSON object, as in a CSV export), PLAIN and dictionary encodings, data
/// pages v1 and v2, uncompressed, snappy, gzip or zstd. `open` returns nil for anything else (lists, structs,
/// other encodings or codecs); the pyarrow helper (`ParquetByteSource`) reads those.
public final class ParquetRowFeed: ByteSource, RowFeed {
  private enum Field {
    case flat(Int)
    /// Key and value leaves; `defined` is the definition level at which the map itself is present.
    case map(key: Int, value: Int, defined: Int)
  }

  private let file: FileByteSource?
  private let bytes: UnsafeRawBufferPointer
  private let metadata: ParquetFileMetadata
  private let fileName: String
  private let names: [String]
  private let fields: [Field]
  private let leaves: [ParquetLeaf]
  @exclusivity(unchecked) private var group = -1
  @exclusivity(unchecked) private var cursors: [ParquetColumnCursor] = []
  @exclusivity(unchecked) private var rowsLeft: Int64 = 0
  @exclusivity(unchecked) private var rowsDone: Int64 = 0
  @exclusivity(unchecked) private var headerDone = false

  /// Set `MLCOST_PARQUET_READER=pyarrow` to read every Parquet file through the helper (benchmarks, comparisons).
  public static var helperForced: Bool { ProcessInfo.processInfo.environment["MLCOST_PARQUET_READER"] == "pyarrow" }

  /// The built-in reader for `path`, or nil when the file uses what only the helper reads (the reason in `why`).
  public static func open(path: String, fileName: String, why: inout String?, batch: Int = 4096) throws(ImportError) -> ParquetRowFeed? {
    let file = try FileByteSource(path: path)
    guard let bytes = file.mappedBytes, bytes.count >= 12 else {
      throw .badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1, column: nil),
        "the Parquet file is too short to hold its footer", fix: "export or download the file again"))
    }
    do {
      return try ParquetRowFeed(file: file, bytes: bytes, fileName: fileName, batch: batch)
    } catch {
      guard case .damaged(let reason) = error else {
        if case .unsupported(let reason) = error { why = reason }
        return nil
      }
      throw .badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1, column: nil),
        "the Parquet file could not be read: \(reason)",
        fix: "check that it is a whole Parquet file (AWS Data Exports and Azure write them in parts: import each part)"))
    }
  }

  private let batch: Int

  /// A Parquet file already in memory (fuzzing); `bytes` must outlive the feed. Nil when only the helper reads it.
  public static func open(bytes: UnsafeRawBufferPointer, fileName: String) throws(ImportError) -> ParquetRowFeed? {
    guard bytes.count >= 12 else {
      throw .badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1, column: nil),
        "the Parquet file is too short to hold its footer", fix: "export or download the file again"))
    }
    do {
      return try ParquetRowFeed(file: nil, bytes: bytes, fileName: fileName, batch: 1 + bytes.count % 64)
    } catch {
      guard case .damaged(let reason) = error else { return nil }
      throw .badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1, column: nil), "the Parquet file could not be read: \(reason)"))
    }
  }

  private init(file: FileByteSource?, bytes: UnsafeRawBufferPointer, fileName: String, batch: Int) throws(ParquetError) {
    self.batch = batch
    self.file = file
    self.bytes = bytes
    self.fileName = fileName
    let n = bytes.count
    guard bytes[n - 4] == 0x50, bytes[n - 3] == 0x41, bytes[n - 2] == 0x52, bytes[n - 1] == 0x31 else {
      throw .damaged("it does not end with PAR1 (a partial download?)")
    }
    let footer = Int(bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt32.self).littleEndian)
    guard footer > 0, footer <= n - 12 else { throw .damaged("its footer length (\(footer)) does not fit the file") }
    if bytes[n - 8 - footer ..< n - 8].starts(with: [0x50, 0x41, 0x52, 0x45]) { throw .unsupported("encrypted footers") }
    metadata = try ParquetFileMetadata.read(UnsafeRawBufferPointer(rebasing: bytes[(n - 8 - footer)..<(n - 8)]))
    guard let root = metadata.schema.first, root.type == nil, root.numChildren >= 0 else { throw .damaged("it has no schema") }
    var index = 1
    var names: [String] = [], fields: [Field] = [], leaves: [ParquetLeaf] = []
    for _ in 0..<Int(root.numChildren) {
      guard index < metadata.schema.count else { throw .damaged("its schema is shorter than it says") }
      let e = metadata.schema[index]
      index += 1
      names.append(e.name)
      if e.type != nil {
        guard e.repetition != 2 else { throw .unsupported("a repeated column (\(e.name))") }
        fields.append(.flat(leaves.count))
        leaves.append(try ParquetLeaf(element: e, path: [e.name], maxDef: e.repetition == 1 ? 1 : 0, maxRep: 0))
        continue
      }
      let isMap = e.logical == .map || e.convertedType == 1 || e.convertedType == 2
      guard isMap, e.numChildren == 1, index + 2 < metadata.schema.count else {
        throw .unsupported("a nested column that is not a map of plain values (\(e.name))")
      }
      let entries = metadata.schema[index], key = metadata.schema[index + 1], value = metadata.schema[index + 2]
      guard entries.type == nil, entries.repetition == 2, entries.numChildren == 2, key.type != nil, value.type != nil,
            key.repetition != 2, value.repetition != 2 else {
        throw .unsupported("a map whose keys or values are not plain values (\(e.name))")
      }
      index += 3
      let defined = e.repetition == 1 ? 1 : 0
      let keyDef = defined + 1 + (key.repetition == 1 ? 1 : 0), valueDef = defined + 1 + (value.repetition == 1 ? 1 : 0)
      fields.append(.map(key: leaves.count, value: leaves.count + 1, defined: defined))
      leaves.append(try ParquetLeaf(element: key, path: [e.name, entries.name, key.name], maxDef: keyDef, maxRep: 1))
      leaves.append(try ParquetLeaf(element: value, path: [e.name, entries.name, value.name], maxDef: valueDef, maxRep: 1))
    }
    guard index == metadata.schema.count else { throw .unsupported("a schema with nested groups") }
    for g in metadata.rowGroups {
      guard g.columns.count == leaves.count else { throw .damaged("a row group with \(g.columns.count) columns of \(leaves.count)") }
      guard g.numRows >= 0 else { throw .damaged("a row group with a negative row count") }
      for (c, leaf) in zip(g.columns, leaves) {
        guard ParquetCodec.supported(c.codec) else { throw .unsupported("\(ParquetCodec.name(c.codec)) compression (column \(leaf.name))") }
        if let e = c.encodings.first(where: { ![0, 2, 3, 8].contains($0) }) {
          throw .unsupported("encoding \(e) (column \(leaf.name))")
        }
      }
    }
    self.names = names
    self.fields = fields
    self.leaves = leaves
  }

  // MARK: - Rows

  public func nextRow(into reader: CSVReader) throws -> Bool {
    if !headerDone {
      headerDone = true
      for name in names { name.utf8CString.withUnsafeBytes { reader.feedField(UnsafeRawBufferPointer(rebasing: $0.dropLast())) } }
      return true
    }
    do {
      while rowsLeft == 0 {
        group += 1
        cursors = []
        guard group < metadata.rowGroups.count else { return false }
        let g = metadata.rowGroups[group]
        cursors = try zip(leaves, g.columns).map { leaf, chunk throws(ParquetError) in try ParquetColumnCursor(leaf: leaf, chunk: chunk, file: bytes, batch: batch) }
        rowsLeft = g.numRows
      }
      try cursors.withUnsafeBufferPointer { c throws(ParquetError) in
        for field in fields {
          switch field {
          case .flat(let i): try Self.flat(c[i], into: reader)
          case .map(let k, let v, let defined): try Self.map(key: c[k], value: c[v], defined: defined, into: reader)
          }
        }
      }
    } catch {
      let reason: String
      switch error { case .damaged(let r), .unsupported(let r): reason = r }
      throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: reader.rowLine, column: nil),
        "the Parquet file could not be read at row \(rowsDone + 1): \(reason)",
        fix: "check that it is a whole Parquet file; to read it through pyarrow instead, set MLCOST_PARQUET_READER=pyarrow"))
    }
    rowsLeft -= 1
    rowsDone += 1
    return true
  }

  @inline(__always)
  private static func flat(_ c: ParquetColumnCursor, into reader: CSVReader) throws(ParquetError) {
    try c.ensureLevel()
    if c.defined {
      reader.feedField(c.value())
    } else {
      reader.feedField(UnsafeRawBufferPointer(start: nil, count: 0))
    }
    c.advance()
  }

  /// A map as a JSON object (`{"k":"v",…}`, a null value as `null`); a null map is an empty field, an empty map `{}`.
  private static func map(key k: ParquetColumnCursor, value v: ParquetColumnCursor, defined: Int, into reader: CSVReader) throws(ParquetError) {
    try k.ensureLevel()
    try v.ensureLevel()
    guard k.repetition == 0 else { throw .damaged("a map entry of \(k.leaf.name) continues no row") }
    let start = reader.feedFieldStart()
    let d = k.definition
    if d <= defined {
      if d == defined { reader.feedByte(UInt8(ascii: "{")); reader.feedByte(UInt8(ascii: "}")) }
      k.advance(); v.advance()
      reader.feedFieldEnd(start)
      return
    }
    reader.feedByte(UInt8(ascii: "{"))
    var first = true
    while true {
      if !first { reader.feedByte(UInt8(ascii: ",")) }
      first = false
      if k.defined { json(k.value(), into: reader) } else { json(UnsafeRawBufferPointer(start: nil, count: 0), into: reader) }
      reader.feedByte(UInt8(ascii: ":"))
      if v.defined { json(v.value(), into: reader) } else { "null".utf8CString.withUnsafeBytes { reader.feedBytes(UnsafeRawBufferPointer(rebasing: $0.dropLast())) } }
      k.advance(); v.advance()
      if try k.peekRepetition() == 0 { break }
      try v.ensureLevel()
      guard k.definition > defined else { throw .damaged("an empty entry inside a map of \(k.leaf.name)") }
    }
    reader.feedByte(UInt8(ascii: "}"))
    reader.feedFieldEnd(start)
  }

  /// A JSON string literal.
  @inline(__always)
  private static func json(_ text: UnsafeRawBufferPointer, into reader: CSVReader) {
    reader.feedByte(UInt8(ascii: "\""))
    if !text.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
      reader.feedBytes(text)
    } else {
      let hex = Array("0123456789abcdef".utf8)
      for b in text {
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): reader.feedByte(UInt8(ascii: "\\")); reader.feedByte(b)
        case 0x0A: reader.feedByte(UInt8(ascii: "\\")); reader.feedByte(UInt8(ascii: "n"))
        case 0x0D: reader.feedByte(UInt8(ascii: "\\")); reader.feedByte(UInt8(ascii: "r"))
        case 0x09: reader.feedByte(UInt8(ascii: "\\")); reader.feedByte(UInt8(ascii: "t"))
        case ..<0x20:
          for c in [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 15)]] { reader.feedByte(c) }
        default: reader.feedByte(b)
        }
      }
    }
    reader.feedByte(UInt8(ascii: "\""))
  }

  // MARK: - ByteSource (the rows come through `rowFeed`; there is no text)

  public var rowFeed: (any RowFeed)? { self }
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { 0 }
  public var sourceBytesRead: Int64? {
    metadata.numRows > 0 ? Int64(Double(bytes.count) * Double(rowsDone) / Double(metadata.numRows)) : Int64(bytes.count)
  }
  public func verifyUnchanged() throws { try file?.verifyUnchanged() }
}
