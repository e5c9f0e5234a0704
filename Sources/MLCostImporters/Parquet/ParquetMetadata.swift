/// Parquet's footer (parquet.thrift `FileMetaData`), only the fields the reader uses.
struct ParquetSchemaElement {
  enum Logical: Equatable {
    case string, map, list, json, date, other
    case decimal(scale: Int, precision: Int)
    /// Unit: 1 milli, 2 micro, 3 nano.
    case timestamp(unit: Int)
    case integer(bits: Int, signed: Bool)
  }
  var type: Int32?
  var typeLength: Int32 = 0
  var repetition: Int32 = 0
  var name = ""
  var numChildren: Int32 = 0
  var convertedType: Int32?
  var scale: Int32 = 0
  var precision: Int32 = 0
  var logical: Logical?

  static func read(_ r: inout ThriftReader) throws(ParquetError) -> Self {
    var e = Self()
    try r.fields { r, id, type throws(ParquetError) in
      switch (id, type) {
      case (1, 5): e.type = try r.i32()
      case (2, 5): e.typeLength = try r.i32()
      case (3, 5): e.repetition = try r.i32()
      case (4, 8): e.name = try r.string()
      case (5, 5): e.numChildren = try r.i32()
      case (6, 5): e.convertedType = try r.i32()
      case (7, 5): e.scale = try r.i32()
      case (8, 5): e.precision = try r.i32()
      case (10, 12): e.logical = try readLogical(&r)
      default: return false
      }
      return true
    }
    return e
  }

  private static func readLogical(_ r: inout ThriftReader) throws(ParquetError) -> Logical {
    var logical = Logical.other
    try r.fields { r, id, type throws(ParquetError) in
      guard type == 12 else { return false }
      switch id {
      case 1, 4: logical = .string; try r.skip(12)
      case 2: logical = .map; try r.skip(12)
      case 3: logical = .list; try r.skip(12)
      case 12: logical = .json; try r.skip(12)
      case 6: logical = .date; try r.skip(12)
      case 5:
        var scale = 0, precision = 0
        try r.fields { r, id, _ throws(ParquetError) in
          switch id {
          case 1: scale = Int(try r.i32())
          case 2: precision = Int(try r.i32())
          default: return false
          }
          return true
        }
        logical = .decimal(scale: scale, precision: precision)
      case 8:
        var unit = 0
        try r.fields { r, id, type throws(ParquetError) in
          guard id == 2, type == 12 else { return false }
          try r.fields { r, id, _ throws(ParquetError) in unit = Int(id); try r.skip(12); return true }
          return true
        }
        logical = .timestamp(unit: unit)
      case 10:
        var bits = 0, signed = true
        try r.fields { r, id, type throws(ParquetError) in
          switch id {
          case 1: bits = Int(try r.byte())
          case 2: signed = ThriftReader.bool(type)
          default: return false
          }
          return true
        }
        logical = .integer(bits: bits, signed: signed)
      default: return false
      }
      return true
    }
    return logical
  }
}

struct ParquetColumnChunk {
  var type: Int32 = 0
  var encodings: [Int32] = []
  var path: [String] = []
  var codec: Int32 = 0
  var numValues: Int64 = 0
  var compressedSize: Int64 = 0
  var dataPageOffset: Int64 = 0
  var dictionaryPageOffset: Int64?

  /// Where the chunk's first page starts.
  var start: Int64 {
    if let d = dictionaryPageOffset, d > 0, d < dataPageOffset { return d }
    return dataPageOffset
  }

  static func read(_ r: inout ThriftReader) throws(ParquetError) -> Self {
    var c = Self()
    var external = false
    try r.fields { r, id, type throws(ParquetError) in
      switch (id, type) {
      case (1, 8): external = true; _ = try r.binary()
      case (3, 12):
        try r.fields { r, id, type throws(ParquetError) in
          switch (id, type) {
          case (1, 5): c.type = try r.i32()
          case (2, 9):
            let (n, _) = try r.listHeader()
            for _ in 0..<n { c.encodings.append(try r.i32()) }
          case (3, 9):
            let (n, _) = try r.listHeader()
            for _ in 0..<n { c.path.append(try r.string()) }
          case (4, 5): c.codec = try r.i32()
          case (5, 6): c.numValues = try r.i64()
          case (7, 6): c.compressedSize = try r.i64()
          case (9, 6): c.dataPageOffset = try r.i64()
          case (11, 6): c.dictionaryPageOffset = try r.i64()
          default: return false
          }
          return true
        }
      default: return false
      }
      return true
    }
    if external { throw .unsupported("a column chunk in another file") }
    return c
  }
}

struct ParquetRowGroup {
  var columns: [ParquetColumnChunk] = []
  var numRows: Int64 = 0
}

struct ParquetFileMetadata {
  var schema: [ParquetSchemaElement] = []
  var numRows: Int64 = 0
  var rowGroups: [ParquetRowGroup] = []

  static func read(_ bytes: UnsafeRawBufferPointer) throws(ParquetError) -> Self {
    var r = ThriftReader(bytes)
    var m = Self()
    try r.fields { r, id, type throws(ParquetError) in
      switch (id, type) {
      case (2, 9):
        let (n, _) = try r.listHeader()
        for _ in 0..<n { m.schema.append(try .read(&r)) }
      case (3, 6): m.numRows = try r.i64()
      case (4, 9):
        let (n, _) = try r.listHeader()
        for _ in 0..<n {
          var g = ParquetRowGroup()
          try r.fields { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, 9):
              let (n, _) = try r.listHeader()
              for _ in 0..<n { g.columns.append(try .read(&r)) }
            case (3, 6): g.numRows = try r.i64()
            default: return false
            }
            return true
          }
          m.rowGroups.append(g)
        }
      default: return false
      }
      return true
    }
    return m
  }
}

/// A page header (`PageHeader`): data pages v1/v2 and dictionary pages; index pages are skipped.
struct ParquetPageHeader {
  var type: Int32 = 0
  var uncompressedSize = 0
  var compressedSize = 0
  var numValues = 0
  var encoding: Int32 = 0
  var defEncoding: Int32 = 3
  var repEncoding: Int32 = 3
  /// Data page v2: level byte lengths (uncompressed, before the values) and whether the values are compressed.
  var defLength = 0
  var repLength = 0
  var valuesCompressed = true

  static func read(_ r: inout ThriftReader) throws(ParquetError) -> Self {
    var h = Self()
    try r.fields { r, id, type throws(ParquetError) in
      switch (id, type) {
      case (1, 5): h.type = try r.i32()
      case (2, 5): h.uncompressedSize = Int(try r.i32())
      case (3, 5): h.compressedSize = Int(try r.i32())
      case (5, 12), (7, 12):
        try r.fields { r, id, type throws(ParquetError) in
          switch (id, type) {
          case (1, 5): h.numValues = Int(try r.i32())
          case (2, 5): h.encoding = try r.i32()
          case (3, 5): h.defEncoding = try r.i32()
          case (4, 5): h.repEncoding = try r.i32()
          default: return false
          }
          return true
        }
      case (8, 12):
        try r.fields { r, id, type throws(ParquetError) in
          switch (id, type) {
          case (1, 5): h.numValues = Int(try r.i32())
          case (4, 5): h.encoding = try r.i32()
          case (5, 5): h.defLength = Int(try r.i32())
          case (6, 5): h.repLength = Int(try r.i32())
          case (7, 1), (7, 2): h.valuesCompressed = ThriftReader.bool(type)
          default: return false
          }
          return true
        }
      default: return false
      }
      return true
    }
    guard h.uncompressedSize >= 0, h.compressedSize >= 0, h.numValues >= 0 else { throw .damaged("a page header with a negative size") }
    return h
  }
}
