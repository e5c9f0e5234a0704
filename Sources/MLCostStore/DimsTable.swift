import MLCostCore

/// `charge_dims`: each distinct combination of a charge's categories and text ids, stored once.
/// Found by the previous row (usually the same), then a bounded in-memory map, then `key_hash` in SQL.
final class DimsTable {
  static let fixed = ["charge_category", "charge_class", "charge_frequency", "pricing_category", "gpu_count"]
  static let textOffset = fixed.count
  static let width = fixed.count + ChargeText.allCases.count
  static let columns = fixed + ChargeText.allCases.map { $0.column + "_id" }
  /// Text that varies line by line and that no report groups by: kept per charge in `charge_detail`, never in
  /// the dimensions (their columns here stay null), so charges of one resource share one `charge_dims` row.
  static let lineDetail: [ChargeText] = [.skuPriceId, .skuPriceDetails, .chargeDescription, .listUnitPrice, .contractedUnitPrice]
  static let isLineDetail: [Bool] = ChargeText.allCases.map { lineDetail.contains($0) }

  private let db: SQLiteDatabase
  private let select: Statement
  private let insert: Statement
  @exclusivity(unchecked) private var cache = BytesTable(maxEntries: 16_384)
  @exclusivity(unchecked) private var lastKey: [Int64] = []
  @exclusivity(unchecked) private var lastId: Int64 = -1

  deinit { cache.free() }

  init(db: SQLiteDatabase) throws(StoreError) {
    self.db = db
    select = try db.prepare("SELECT id, \(Self.columns.joined(separator: ", ")) FROM charge_dims WHERE key_hash = ?")
    let placeholders = Array(repeating: "?", count: Self.width + 1).joined(separator: ",")
    insert = try db.prepare("INSERT INTO charge_dims (key_hash, \(Self.columns.joined(separator: ", "))) VALUES (\(placeholders))")
  }

  func id(for key: [Int64]) throws(StoreError) -> Int64 {
    if lastId >= 0 && key == lastKey { return lastId }
    let (h, cached) = key.withUnsafeBytes { bytes in
      let h = BytesTable.hash(bytes)
      return (h, cache.find(bytes, hash: h))
    }
    let id: Int64
    if let cached { id = cached } else {
      id = try lookupOrInsert(key)
      key.withUnsafeBytes { cache.insert($0, hash: h, id: id) }
    }
    lastKey = key
    lastId = id
    return id
  }

  private func lookupOrInsert(_ key: [Int64]) throws(StoreError) -> Int64 {
    let hash = Self.hash(key)
    select.reset()
    select.bind(1, hash)
    while try select.step() {
      var same = true
      for k in 0..<Self.width where (select.value(k + 1).int ?? -1) != key[k] { same = false; break }
      if same {
        let id = select.value(0).int ?? 0
        select.reset()
        return id
      }
    }
    select.reset()
    insert.bind(1, hash)
    for k in 0..<Self.width { insert.bind(Int32(k + 2), key[k] < 0 ? nil : key[k]) }
    try insert.run()
    return db.lastInsertRowID
  }

  /// FNV-1a over the key; stable across runs (Swift's Hasher is seeded per process).
  static func hash(_ key: [Int64]) -> Int64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for v in key {
      var x = UInt64(bitPattern: v)
      for _ in 0..<8 { h = (h ^ (x & 0xFF)) &* 0x100_0000_01b3; x >>= 8 }
    }
    return Int64(bitPattern: h)
  }
}
