import MLCostCore

/// The bulk loader: binds each canonical charge straight into one prepared INSERT, inside the
/// import's transaction. Text goes through the interner; money and instants are integers.
public final class ChargeLoader: ImportSink {
  public let importId: Int64
  let db: SQLiteDatabase
  private let insert: Statement
  private let insertReject: Statement
  private let interner: Interner
  private let fileName: String
  public private(set) var rowsWritten = 0
  public private(set) var rowsRejected = 0
  public private(set) var rowsFlagged = 0

  static let fixedColumns = [
    "import_id", "line", "billing_period_start", "billing_period_end", "charge_period_start", "charge_period_end",
    "charge_category", "charge_class", "charge_frequency", "pricing_category", "billed_cost", "effective_cost",
    "list_cost", "contracted_cost", "consumed_quantity", "pricing_quantity", "commitment_discount_quantity",
    "gpu_count", "flags",
  ]

  init(db: SQLiteDatabase, importId: Int64, fileName: String) throws(StoreError) {
    self.db = db
    self.importId = importId
    self.fileName = fileName
    let columns = Self.fixedColumns + ChargeText.allCases.map { $0.column + "_id" }
    let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ",")
    insert = try db.prepare("INSERT INTO charge (\(columns.joined(separator: ","))) VALUES (\(placeholders))")
    insertReject = try db.prepare("INSERT INTO reject (import_id, file, line, \"column\", field, raw, reason) VALUES (?,?,?,?,?,?,?)")
    interner = try Interner(db: db, slots: ChargeText.allCases.count)
  }

  public func write(_ c: borrowing ChargeRecord) throws {
    let s = insert
    s.bind(1, importId)
    s.bind(2, Int64(c.line))
    s.bind(3, c.billingPeriodStart)
    s.bind(4, c.billingPeriodEnd)
    s.bind(5, c.chargePeriodStart)
    s.bind(6, c.chargePeriodEnd)
    s.bind(7, Int64(c.chargeCategory.rawValue))
    s.bind(8, c.chargeClass.map { Int64($0.rawValue) })
    s.bind(9, c.chargeFrequency.map { Int64($0.rawValue) })
    s.bind(10, c.pricingCategory.map { Int64($0.rawValue) })
    s.bind(11, c.billedCost)
    s.bind(12, c.effectiveCost)
    s.bind(13, c.listCost)
    s.bind(14, c.contractedCost)
    s.bind(15, c.consumedQuantity)
    s.bind(16, c.pricingQuantity)
    s.bind(17, c.commitmentDiscountQuantity)
    s.bind(18, c.gpuCount)
    s.bind(19, Int64(c.flags.rawValue))
    var p: Int32 = 20
    for slot in 0..<c.text.count {
      s.bind(p, try interner.id(c.text[slot], slot: slot))
      p += 1
    }
    try s.run()
    rowsWritten += 1
    if !c.flags.isEmpty { rowsFlagged += 1 }
  }

  public func reject(_ row: RejectedRow) throws {
    let s = insertReject
    s.bind(1, importId)
    s.bind(2, row.location.file)
    s.bind(3, Int64(row.location.line))
    s.bind(4, row.location.column.map { Int64($0) })
    s.bind(5, row.field)
    s.bind(6, row.rawText)
    s.bind(7, row.reason)
    try s.run()
    rowsRejected += 1
  }
}
