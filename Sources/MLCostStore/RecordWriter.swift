import MLCostCore

/// Inserts usage records and metric samples inside the import's transaction, and keeps what it
/// inserted for reconciliation (usage cost per month and currency) and for replacement (the time
/// range each provider and source covered).
final class RecordWriter {
  let db: SQLiteDatabase
  let importId: Int64
  private let insertUsage: Statement
  private let insertSeries: Statement
  private let selectSeries: Statement
  private let insertSample: Statement
  private let interner: Interner
  @exclusivity(unchecked) private var series: [String: Int64] = [:]
  @exclusivity(unchecked) private(set) var usageTallies: [PeriodCurrency: Totals] = [:]
  /// (provider id, source id) → the bucket starts this import covers.
  @exclusivity(unchecked) private(set) var usageScopes: [UsageScope: ClosedRange<Int64>] = [:]
  /// (series, day) pairs this import touched: their `metric_daily` rows are recomputed at the end.
  @exclusivity(unchecked) private var touchedDays = Set<SeriesDay>()
  struct SeriesDay: Hashable { var series: Int64; var day: Int64 }
  @exclusivity(unchecked) private(set) var usageRows = 0
  @exclusivity(unchecked) private(set) var metricRows = 0
  @exclusivity(unchecked) private(set) var datasetRows = 0
  /// Dataset rows per reconciliation key (invoice lines carry money; the others count rows under `none`).
  @exclusivity(unchecked) private(set) var datasetTallies: [PeriodCurrency: Totals] = [:]
  /// What this import's dataset rows cover, for replacing an older export of the same thing.
  @exclusivity(unchecked) private(set) var datasetScopes = Set<DatasetScope>()
  struct DatasetScope: Hashable { var dataset: String; var issuer: String?; var account: String?; var periodStart: Int64?; var id: String? }
  @exclusivity(unchecked) private var insertDataset: Statement?

  struct UsageScope: Hashable {
    var provider: Int64
    var source: Int64
  }

  static let slots = 14

  init(db: SQLiteDatabase, importId: Int64) throws(StoreError) {
    self.db = db
    self.importId = importId
    insertUsage = try db.prepare("""
      INSERT INTO usage (import_id, line, bucket_start, bucket_end, provider_id, source_id, model_id, request_type,
        source_request_type_id, project_id, api_key_id, user_id, team_id, end_user_id, service_tier_id, batch, request_id,
        requests, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, quantity, unit_id, cost, currency_id,
        tags_id, extra_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
      """)
    insertSeries = try db.prepare("INSERT INTO metric_series (resource_id, metric, namespace, statistic, dimensions, unit) VALUES (?,?,?,?,?,?)")
    selectSeries = try db.prepare("SELECT id FROM metric_series WHERE resource_id = ? AND metric = ? AND namespace = ? AND statistic = ? AND dimensions = ?")
    insertSample = try db.prepare("INSERT OR REPLACE INTO metric_sample (series_id, ts, value, import_id) VALUES (?,?,?,?)")
    interner = try Interner(db: db, slots: Self.slots)
  }

  private func id(_ s: String?, _ slot: Int) throws(StoreError) -> Int64? {
    guard let s else { return nil }
    let bytes = Array(s.utf8)
    let result: Result<Int64?, StoreError> = bytes.withUnsafeBytes { raw in
      do throws(StoreError) { return .success(try interner.id(TextRef(base: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, count: raw.count), slot: slot)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  func write(_ u: UsageRecord) throws(StoreError) {
    let s = insertUsage
    let provider = try id(u.provider, 0)!, source = try id(u.source, 1)!
    s.bind(1, importId); s.bind(2, Int64(u.line)); s.bind(3, u.bucketStart); s.bind(4, u.bucketEnd)
    s.bind(5, provider); s.bind(6, source); s.bind(7, try id(u.model, 2)); s.bind(8, u.requestType.rawValue)
    s.bind(9, try id(u.sourceRequestType, 3)); s.bind(10, try id(u.project, 4)); s.bind(11, try id(u.apiKey, 5))
    s.bind(12, try id(u.user, 6)); s.bind(13, try id(u.team, 7)); s.bind(14, try id(u.endUser, 8))
    s.bind(15, try id(u.serviceTier, 9)); s.bind(16, u.batch.map { $0 ? Int64(1) : 0 }); s.bind(17, u.requestId)
    s.bind(18, u.requests); s.bind(19, u.inputTokens); s.bind(20, u.cachedInputTokens); s.bind(21, u.cacheWriteTokens)
    s.bind(22, u.outputTokens); s.bind(23, u.quantity); s.bind(24, try id(u.unit, 10)); s.bind(25, u.cost)
    s.bind(26, try id(u.cost == nil ? nil : (u.currency?.code ?? "USD"), 11)); s.bind(27, try id(u.tags, 12)); s.bind(28, try id(u.extra, 13))
    try s.run()
    usageRows += 1
    let key = PeriodCurrency(period: BillingMonth(containing: u.bucketStart), currency: u.cost == nil ? "none" : (u.currency ?? .usd))
    usageTallies[key, default: Totals()].add(billed: u.cost, effective: u.cost)
    let scope = UsageScope(provider: provider, source: source)
    if let r = usageScopes[scope] {
      usageScopes[scope] = min(r.lowerBound, u.bucketStart)...max(r.upperBound, u.bucketStart)
    } else {
      usageScopes[scope] = u.bucketStart...u.bucketStart
    }
  }

  func write(_ d: DatasetRecord) throws(StoreError) {
    if insertDataset == nil {
      insertDataset = try db.prepare("""
        INSERT INTO focus_dataset_row (import_id, dataset, line, row_id, invoice_issuer, billing_account_id, invoice_id, period_start,
          period_end, category, currency, cost, quantity, unit, fields) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
        """)
    }
    let s = insertDataset!
    s.bind(1, importId); s.bind(2, d.dataset.rawValue); s.bind(3, Int64(d.line)); s.bind(4, d.id); s.bind(5, d.invoiceIssuer)
    s.bind(6, d.billingAccountId); s.bind(7, d.invoiceId); s.bind(8, d.periodStart); s.bind(9, d.periodEnd); s.bind(10, d.category)
    s.bind(11, d.currency?.code); s.bind(12, d.cost); s.bind(13, d.quantity); s.bind(14, d.unit); s.bind(15, d.fields)
    try s.run()
    datasetRows += 1
    let invoiced = d.dataset == .invoiceDetail && d.cost != nil
    let key = PeriodCurrency(period: d.period, currency: invoiced ? (d.currency ?? "?") : "none")
    datasetTallies[key, default: Totals()].add(billed: invoiced ? d.cost : nil, effective: invoiced ? d.cost : nil)
    // A commitment is replaced by its id; a billing period by issuer and period; invoice lines by issuer, account and period.
    switch d.dataset {
    case .contractCommitment: if let id = d.id { datasetScopes.insert(DatasetScope(dataset: d.dataset.rawValue, periodStart: d.periodStart, id: id)) }
    case .billingPeriod: datasetScopes.insert(DatasetScope(dataset: d.dataset.rawValue, issuer: d.invoiceIssuer, periodStart: d.periodStart))
    case .invoiceDetail:
      datasetScopes.insert(DatasetScope(dataset: d.dataset.rawValue, issuer: d.invoiceIssuer, account: d.billingAccountId, periodStart: d.periodStart))
    }
  }

  func write(_ m: MetricSample) throws(StoreError) {
    let key = "\(m.resourceId)\u{1}\(m.metric)\u{1}\(m.namespace ?? "")\u{1}\(m.statistic ?? "")\u{1}\(m.dimensions)"
    let seriesId: Int64
    if let known = series[key] {
      seriesId = known
    } else {
      try selectSeries.bind([.text(m.resourceId), .text(m.metric), .text(m.namespace ?? ""), .text(m.statistic ?? ""), .text(m.dimensions)])
      if try selectSeries.step() {
        seriesId = selectSeries.value(0).int ?? 0
        selectSeries.reset()
      } else {
        selectSeries.reset()
        try insertSeries.bind([.text(m.resourceId), .text(m.metric), .text(m.namespace ?? ""), .text(m.statistic ?? ""), .text(m.dimensions),
                               m.unit.map { .text($0) } ?? .null])
        try insertSeries.run()
        seriesId = db.lastInsertRowID
      }
      series[key] = seriesId
    }
    insertSample.bind(1, seriesId); insertSample.bind(2, m.timestamp); insertSample.bind(3, m.value); insertSample.bind(4, importId)
    try insertSample.run()
    metricRows += 1
    touchedDays.insert(SeriesDay(series: seriesId, day: m.timestamp - ((m.timestamp % 86_400) + 86_400) % 86_400))
  }

  /// Recomputes the daily metric rollups this import touched (restated samples included).
  func writeDailyMetrics() throws(StoreError) {
    guard !touchedDays.isEmpty else { return }
    let delete = try db.prepare("DELETE FROM metric_daily WHERE series_id = ? AND day = ?")
    let insert = try db.prepare("""
      INSERT INTO metric_daily SELECT series_id, ?2, count(*), sum(value), max(value), sum(value > 0)
      FROM metric_sample WHERE series_id = ?1 AND ts >= ?2 AND ts < ?2 + 86400 GROUP BY series_id
      """)
    var months = Set<SeriesDay>()
    for t in touchedDays {
      try delete.bind([.integer(t.series), .integer(t.day)]); try delete.run()
      try insert.bind([.integer(t.series), .integer(t.day)]); try insert.run()
      months.insert(SeriesDay(series: t.series, day: BillingMonth(containing: t.day).start))
    }
    touchedDays.removeAll()
    let deleteMonth = try db.prepare("DELETE FROM metric_monthly WHERE series_id = ? AND month_start = ?")
    let insertMonth = try db.prepare("""
      INSERT INTO metric_monthly SELECT ?2, series_id, sum(samples), sum(total), max(maximum), sum(above_zero)
      FROM metric_daily WHERE series_id = ?1 AND day >= ?2 AND day < ?3 GROUP BY series_id
      """)
    for m in months {
      try deleteMonth.bind([.integer(m.series), .integer(m.day)]); try deleteMonth.run()
      try insertMonth.bind([.integer(m.series), .integer(m.day), .integer(BillingMonth(containing: m.day).next.start)]); try insertMonth.run()
    }
  }
}
