import MLCostCore

/// The bulk loader: binds each canonical charge straight into prepared INSERTs inside the import's
/// transaction. A row's text (interned to ids) and categories form its dimensions, stored once in
/// `charge_dims`; `charge` keeps only instants, money, quantities and the dims id — 16 columns.
public final class ChargeLoader: ImportSink {
  public let importId: Int64
  let db: SQLiteDatabase
  private let insert: Statement
  private let insertReject: Statement
  private let insertDetail: Statement
  private let interner: Interner
  private let dims: DimsTable
  @exclusivity(unchecked) private var key: [Int64]
  @exclusivity(unchecked) private var lastDimsId: Int64 = -1
  /// What this loader inserted, per billing period start and (currency, provider, account) ids.
  @exclusivity(unchecked) private(set) var tallies: [ScopeKey: Totals] = [:]
  @exclusivity(unchecked) private var scope = ScopeKey(periodStart: 0, currency: -1, provider: -1, account: -1)
  /// Per billing period and dimensions: what `charge_summary` gets (reports read it, not `charge`).
  @exclusivity(unchecked) private(set) var summary: [SummaryKey: SummaryTotals] = [:]
  @exclusivity(unchecked) private var summaryKey = SummaryKey(periodStart: .min, dimsId: -1)
  @exclusivity(unchecked) private var summaryRunning = SummaryTotals()

  /// Per billing period, day (of ChargePeriodStart) and dimensions: `charge_daily` (idle windows, anomalies).
  @exclusivity(unchecked) private(set) var daily: [DailyKey: SummaryTotals] = [:]
  @exclusivity(unchecked) private var dailyKey = DailyKey(periodStart: .min, day: .min, dimsId: -1)
  @exclusivity(unchecked) private var dailyRunning = SummaryTotals()
  struct DailyKey: Hashable {
    var periodStart: Int64
    var day: Int64
    var dimsId: Int64
  }

  struct SummaryKey: Hashable {
    var periodStart: Int64
    var dimsId: Int64
  }
  struct SummaryTotals {
    var rows: Int64 = 0
    var billed = Amount.zero
    var effective = Amount.zero
    var consumed: Double? = nil
    var pricing: Double? = nil
    /// Effective cost in another pricing currency (daily tallies only); an overflow is dropped, never an error.
    var inPricingCurrency: Amount? = nil
    var overflowed: Bool { billed.isOverflow || effective.isOverflow }
    mutating func merge(_ o: SummaryTotals) {
      rows += o.rows; billed += o.billed; effective += o.effective
      if let a = o.inPricingCurrency { inPricingCurrency = (inPricingCurrency ?? .zero) + a }
      if let c = o.consumed { consumed = (consumed ?? 0) + c }
      if let p = o.pricing { pricing = (pricing ?? 0) + p }
    }
  }
  @exclusivity(unchecked) private var running = Totals()
  @exclusivity(unchecked) private var runningKey: ScopeKey?

  /// The reconciliation and replacement unit, by interned ids (-1 = null).
  struct ScopeKey: Hashable {
    var periodStart: Int64
    var currency: Int64
    var provider: Int64
    var account: Int64
  }
  /// Charge lines inserted (their ids are consecutive), and the source rows they stand for (more when reduced).
  @exclusivity(unchecked) public private(set) var rowsWritten = 0
  @exclusivity(unchecked) public private(set) var sourceRowsWritten = 0
  @exclusivity(unchecked) public private(set) var rowsRejected = 0
  @exclusivity(unchecked) public private(set) var rowsFlagged = 0
  /// This import's charges get the rowids firstChargeId, firstChargeId + 1, … — never an id an
  /// earlier import used, even if its rows were deleted since.
  public let firstChargeId: Int64
  @exclusivity(unchecked) private var nextChargeId: Int64

  let fileName: String

  init(db: SQLiteDatabase, importId: Int64, fileName: String) throws(StoreError) {
    self.fileName = fileName
    self.db = db
    self.importId = importId
    insert = try db.prepare("""
      INSERT INTO charge (import_id, line, dims_id, billing_period_start, billing_period_end, charge_period_start,
        charge_period_end, billed_cost, effective_cost, list_cost, contracted_cost, consumed_quantity, pricing_quantity,
        commitment_discount_quantity, flags, id, source_rows) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
      """)
    insertDetail = try db.prepare("""
      INSERT INTO charge_detail (charge_id, \(DimsTable.lineDetail.map(\.column).joined(separator: ", "))) VALUES (?,?,?,?,?,?)
      """)
    insertReject = try db.prepare("INSERT INTO reject (import_id, file, line, \"column\", field, raw, reason) VALUES (?,?,?,?,?,?,?)")
    interner = try Interner(db: db, slots: ChargeText.allCases.count)
    dims = try DimsTable(db: db)
    key = Array(repeating: 0, count: DimsTable.width)
    firstChargeId = (try db.scalar(
      "SELECT max(coalesce((SELECT max(id) FROM charge), 0), coalesce((SELECT max(last_charge_id) FROM import), 0)) + 1").int) ?? 1
    nextChargeId = firstChargeId
  }

  public func write(_ c: borrowing ChargeRecord) throws {
    let dimsId: Int64
    if c.sameDimensionsAsPrevious && lastDimsId >= 0 {
      dimsId = lastDimsId
    } else {
      dimsId = try dimensions(c)
      scope.currency = key[DimsTable.textOffset + ChargeText.billingCurrency.rawValue]
      scope.provider = key[DimsTable.textOffset + ChargeText.providerName.rawValue]
      scope.account = key[DimsTable.textOffset + ChargeText.billingAccountId.rawValue]
    }
    lastDimsId = dimsId
    scope.periodStart = c.billingPeriodStart
    if runningKey != scope {
      if let k = runningKey { tallies[k, default: Totals()].merge(running) }
      runningKey = scope
      running = Totals()
    }
    running.add(billed: c.billedCost, effective: c.effectiveCost, rows: Int(c.sourceRows))
    if summaryKey.dimsId != dimsId || summaryKey.periodStart != c.billingPeriodStart {
      if summaryKey.dimsId >= 0 {
        summary[summaryKey, default: SummaryTotals()].merge(summaryRunning)
        if summary.count >= tallyLimit { try spillSummary() }
      }
      summaryKey = SummaryKey(periodStart: c.billingPeriodStart, dimsId: dimsId)
      summaryRunning = SummaryTotals()
    }
    let day = c.chargePeriodStart - ((c.chargePeriodStart % 86_400) + 86_400) % 86_400
    if dailyKey.dimsId != dimsId || dailyKey.day != day || dailyKey.periodStart != c.billingPeriodStart {
      if dailyKey.dimsId >= 0 {
        daily[dailyKey, default: SummaryTotals()].merge(dailyRunning)
        if daily.count >= tallyLimit { try spillDaily() }
      }
      dailyKey = DailyKey(periodStart: c.billingPeriodStart, day: day, dimsId: dimsId)
      dailyRunning = SummaryTotals()
    }
    dailyRunning.rows += c.sourceRows
    dailyRunning.billed += c.billedCost
    dailyRunning.effective += c.effectiveCost
    summaryRunning.rows += c.sourceRows
    summaryRunning.billed += c.billedCost
    summaryRunning.effective += c.effectiveCost
    if running.overflowed || dailyRunning.overflowed || summaryRunning.overflowed || (c.listCost?.isOverflow ?? false)
      || (c.contractedCost?.isOverflow ?? false) || c.billedCost.isOverflow || c.effectiveCost.isOverflow {
      throw StoreError.overflow("\(fileName):\(c.line): the running total of BilledCost or EffectiveCost for this billing period passes ±1.7 × 10^26 units")
    }
    if let q = c.consumedQuantity {
      summaryRunning.consumed = (summaryRunning.consumed ?? 0) + q
      dailyRunning.consumed = (dailyRunning.consumed ?? 0) + q
    }
    if let a = c.pricingCurrencyCost { dailyRunning.inPricingCurrency = (dailyRunning.inPricingCurrency ?? .zero) + a }
    if let q = c.pricingQuantity { summaryRunning.pricing = (summaryRunning.pricing ?? 0) + q }
    let s = insert
    s.bind(1, importId)
    s.bind(2, Int64(c.line))
    s.bind(3, dimsId)
    s.bind(4, c.billingPeriodStart)
    s.bind(5, c.billingPeriodEnd)
    s.bind(6, c.chargePeriodStart)
    s.bind(7, c.chargePeriodEnd)
    s.bind(8, c.billedCost)
    s.bind(9, c.effectiveCost)
    s.bind(10, c.listCost)
    s.bind(11, c.contractedCost)
    s.bind(12, c.consumedQuantity)
    s.bind(13, c.pricingQuantity)
    s.bind(14, c.commitmentDiscountQuantity)
    s.bind(15, Int64(c.flags.rawValue))
    s.bind(16, nextChargeId)
    s.bind(17, c.sourceRows == 1 ? nil : c.sourceRows)
    try s.run()
    try writeDetail(c)
    nextChargeId += 1
    rowsWritten += 1
    sourceRowsWritten += Int(c.sourceRows)
    if !c.flags.isEmpty { rowsFlagged += Int(c.sourceRows) }
  }

  /// The dimensions key: categories, GPU count, then one interned id per text field (-1 = null).
  private func dimensions(_ c: borrowing ChargeRecord) throws -> Int64 {
    key[0] = Int64(c.chargeCategory.rawValue)
    key[1] = c.chargeClass.map { Int64($0.rawValue) } ?? -1
    key[2] = c.chargeFrequency.map { Int64($0.rawValue) } ?? -1
    key[3] = c.pricingCategory.map { Int64($0.rawValue) } ?? -1
    key[4] = c.gpuCount ?? -1
    for slot in 0..<c.text.count {
      if DimsTable.isLineDetail[slot] { key[DimsTable.textOffset + slot] = -1; continue }
      let id: Int64?
      do throws(StoreError) { id = try interner.id(c.text[slot], slot: slot) } catch {
        guard case .encoding(let why) = error else { throw error }
        throw StoreError.encoding("\(fileName):\(c.line): \(ChargeText(rawValue: slot).map { "\($0)" } ?? "a field"): \(why)")
      }
      key[DimsTable.textOffset + slot] = id ?? -1
    }
    return try dims.id(for: key)
  }

  /// The charge's line detail (`DimsTable.lineDetail`), as text in `charge_detail`, when it has any.
  private func writeDetail(_ c: borrowing ChargeRecord) throws {
    var any = false
    for f in DimsTable.lineDetail where c[f].base != nil { any = true; break }
    guard any else { return }
    let s = insertDetail
    s.bind(1, nextChargeId)
    for (i, f) in DimsTable.lineDetail.enumerated() {
      let ref = c[f]
      if let why = Interner.problem(ref) { throw StoreError.encoding("\(fileName):\(c.line): \(f): \(why)") }
      s.bindStatic(Int32(i + 2), ref.bytes)
    }
    try s.run()
  }

  /// Writes this import's `charge_summary` rows (call once, before commit).
  func writeSummary() throws(StoreError) {
    if summaryKey.dimsId >= 0 { summary[summaryKey, default: SummaryTotals()].merge(summaryRunning) }
    summaryKey = SummaryKey(periodStart: .min, dimsId: -1)
    summaryRunning = SummaryTotals()
    try spillSummary()
    if dailyKey.dimsId >= 0 { daily[dailyKey, default: SummaryTotals()].merge(dailyRunning) }
    dailyKey = DailyKey(periodStart: .min, day: .min, dimsId: -1)
    dailyRunning = SummaryTotals()
    try spillDaily()
    try recordWriter?.writeDailyMetrics()
  }

  /// Daily and monthly tallies held in memory, each, before they go to `charge_daily` / `charge_summary`:
  /// (resource × day) groups grow with the file (~450k for a million realistic rows, ~60 MB), so past this many
  /// they are added to the table and dropped.
  @exclusivity(unchecked) var tallyLimit = 1 << 16
  @exclusivity(unchecked) private var spilledDaily = false
  @exclusivity(unchecked) private var dailyInsert: Statement?
  @exclusivity(unchecked) private var dailySelect: Statement?

  @exclusivity(unchecked) private var spilledSummary = false
  @exclusivity(unchecked) private var summaryInsert: Statement?
  @exclusivity(unchecked) private var summarySelect: Statement?

  /// Adds the monthly tallies to `charge_summary` (to the row an earlier spill wrote, if any) and empties them:
  /// bounded like the daily ones, for files where every row is its own dimensions.
  private func spillSummary() throws(StoreError) {
    if summaryInsert == nil {
      summaryInsert = try db.prepare("INSERT OR REPLACE INTO charge_summary VALUES (?,?,?,?,?,?,?,?)")
      summarySelect = try db.prepare("""
        SELECT rows, billed_cost, effective_cost, consumed_quantity, pricing_quantity FROM charge_summary
        WHERE billing_period_start = ? AND dims_id = ? AND import_id = ?
        """)
    }
    let s = summaryInsert!, q = summarySelect!
    for (k, tally) in summary {
      var t = tally
      if spilledSummary {
        q.bind(1, k.periodStart); q.bind(2, k.dimsId); q.bind(3, importId)
        if try q.step() {
          var earlier = SummaryTotals()
          earlier.rows = q.value(0).int ?? 0
          earlier.billed = q.value(1).amountOrOverflow
          earlier.effective = q.value(2).amountOrOverflow
          earlier.consumed = q.value(3).double
          earlier.pricing = q.value(4).double
          earlier.merge(t)
          t = earlier
        }
        q.reset()
      }
      if t.overflowed { throw StoreError.overflow("\(fileName): the month's total of one set of dimensions passes ±1.7 × 10^26 units") }
      s.bind(1, k.periodStart); s.bind(2, k.dimsId); s.bind(3, importId); s.bind(4, t.rows)
      s.bind(5, t.billed); s.bind(6, t.effective); s.bind(7, t.consumed); s.bind(8, t.pricing)
      try s.run()
    }
    summary.removeAll(keepingCapacity: true)
    spilledSummary = true
  }

  /// Adds the daily tallies to `charge_daily` (to the row an earlier spill wrote, if any) and empties them.
  private func spillDaily() throws(StoreError) {
    if dailyInsert == nil {
      dailyInsert = try db.prepare("""
        INSERT OR REPLACE INTO charge_daily (billing_period_start, day, dims_id, import_id, rows, billed_cost, effective_cost, consumed_quantity,
          pricing_currency_cost)
        VALUES (?,?,?,?,?,?,?,?,?)
        """)
      dailySelect = try db.prepare("""
        SELECT rows, billed_cost, effective_cost, consumed_quantity, pricing_currency_cost FROM charge_daily
        WHERE day = ? AND dims_id = ? AND import_id = ? AND billing_period_start = ?
        """)
    }
    let d = dailyInsert!, q = dailySelect!
    for (k, tally) in daily {
      var t = tally
      if spilledDaily {
        q.bind(1, k.day); q.bind(2, k.dimsId); q.bind(3, importId); q.bind(4, k.periodStart)
        if try q.step() {
          var earlier = SummaryTotals()
          earlier.rows = q.value(0).int ?? 0
          earlier.billed = q.value(1).amountOrOverflow
          earlier.effective = q.value(2).amountOrOverflow
          earlier.consumed = q.value(3).double
          earlier.inPricingCurrency = q.value(4).amount
          earlier.merge(t)
          t = earlier
        }
        q.reset()
      }
      if t.overflowed { throw StoreError.overflow("\(fileName): one day's total of one set of dimensions passes ±1.7 × 10^26 units") }
      d.bind(1, k.periodStart); d.bind(2, k.day); d.bind(3, k.dimsId); d.bind(4, importId); d.bind(5, t.rows)
      d.bind(6, t.billed); d.bind(7, t.effective); d.bind(8, t.consumed)
      d.bind(9, t.inPricingCurrency.flatMap { $0.isOverflow ? nil : $0 })
      try d.run()
    }
    daily.removeAll(keepingCapacity: true)
    spilledDaily = true
  }

  /// Folds the running tally in; call before reading `tallies`.
  func closeTallies() {
    if let k = runningKey { tallies[k, default: Totals()].merge(running) }
    runningKey = nil
    running = Totals()
  }

  /// Usage records and metric samples, written by a helper created on first use.
  @exclusivity(unchecked) private(set) var recordWriter: RecordWriter?
  private func records() throws(StoreError) -> RecordWriter {
    if let r = recordWriter { return r }
    let r = try RecordWriter(db: db, importId: importId)
    recordWriter = r
    return r
  }
  public func writeUsage(_ usage: UsageRecord) throws { try records().write(usage) }
  public func writeMetric(_ sample: MetricSample) throws { try records().write(sample) }
  public func writeDataset(_ row: DatasetRecord) throws { try records().write(row) }
  /// Charges, usage records, metric samples and dataset rows written.
  public var recordsWritten: Int { sourceRowsWritten + (recordWriter.map { $0.usageRows + $0.metricRows + $0.datasetRows } ?? 0) }

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
    rowsRejected += row.sourceRows
  }
}
