import MLCostCore

/// One month's charges with identical dimensions, summed, as the store holds them (text resolved).
public struct StoredChargeGroup: Sendable {
  public var rows: Int
  public var billedCost: Amount
  public var effectiveCost: Amount
  public var consumedQuantity: Double?
  public var chargeCategory: ChargeCategory
  public var pricingCategory: PricingCategory?
  public var gpuCount: Int?
  /// Text per field (nil = null).
  public var text: [ChargeText: String]
  /// The day (UTC midnight of ChargePeriodStart) when the groups were read per day.
  public var day: Int64?
  /// The dimensions row when the groups were read per dimensions row (the FOCUS export).
  public var dimsId: Int64?
}

/// One month's usage records with identical keys, summed.
public struct StoredUsageGroup: Sendable {
  public var provider: String
  public var source: String
  public var model: String?
  public var requestType: String
  public var batch: Bool
  public var sourceRequestType: String?
  public var currency: String?
  public var cost: Amount?
  public var requests: Int64
  public var inputTokens: Int64
  public var cachedInputTokens: Int64
  public var cacheWriteTokens: Int64
  public var outputTokens: Int64
  /// The day of the bucket's start when the groups were read per day.
  public var day: Int64?
}

/// Per resource and metric over a window: sample count, mean, samples above zero, unit.
public struct StoredMetricSummary: Sendable {
  public var resourceId: String
  public var metric: String
  public var unit: String?
  public var samples: Int
  public var mean: Double
  public var max: Double
  public var sum: Double
  public var samplesAboveZero: Int
}

extension Store {
  /// The months (billing period starts) that have charges or usage, oldest first.
  public func monthsWithData() throws(StoreError) -> [BillingMonth] {
    var months = Set<BillingMonth>()
    // One index probe per month (a DISTINCT would walk every summary row).
    var after = Int64.min
    while let next = try db.scalar("SELECT min(billing_period_start) FROM charge_summary WHERE billing_period_start > ?", [.integer(after)]).int {
      months.insert(BillingMonth(containing: next))
      after = next
    }
    for r in try db.rows("SELECT DISTINCT strftime('%Y-%m', bucket_start, 'unixepoch') FROM usage") {
      if let m = BillingMonth(r[0].string ?? "") { months.insert(m) }
    }
    return months.sorted()
  }

  /// The month's charges from `charge_summary` (not a scan of `charge`), grouped by the requested text
  /// fields and the categories only — so dimensions that differ elsewhere (a description with an hourly
  /// spot price) fold into one group.
  /// - Parameters:
  ///   - days: only the charges whose ChargePeriodStart falls in these days (UTC midnights; read from `charge_daily`).
  ///   - byDay: one group per day as well (read from `charge_daily`).
  ///   - byDims: one group per dimensions row (`charge_dims`), so each line's group is known (the FOCUS export).
  public func chargeGroups(month: BillingMonth, fields: [ChargeText], days: Range<Int64>? = nil,
                           byDay: Bool = false, byDims: Bool = false) throws(StoreError) -> [StoredChargeGroup] {
    let columns = fields.map { "d." + $0.column + "_id" }.joined(separator: ", ")
    let daily = days != nil || byDay
    // Grouped here rather than by SQLite: its GROUP BY sorts ~60k summary rows on 19 columns (measured
    // 100 ms a month; a hash in Swift takes a fraction of that).
    let s = try db.prepare("""
      SELECT s.rows, s.billed_cost, s.effective_cost, s.consumed_quantity, d.charge_category, d.pricing_category, d.gpu_count, \(columns)\(
        byDay ? ", s.day" : "")\(byDims ? ", s.dims_id" : "")
      FROM \(daily ? "charge_daily" : "charge_summary") s JOIN charge_dims d ON d.id = s.dims_id
      WHERE s.billing_period_start >= ? AND s.billing_period_start < ?\(daily ? " AND s.day >= ? AND s.day < ?" : "")
      """)
    let window = days ?? (Int64.min..<Int64.max)
    try s.bind([.integer(month.start), .integer(month.next.start)] + (daily ? [.integer(window.lowerBound), .integer(window.upperBound)] : []))
    struct Sums { var rows: Int64 = 0, billed = Amount.zero, effective = Amount.zero, consumed: Double? = nil }
    var groups: [[Int64]: Sums] = [:]
    var order: [[Int64]] = []
    let width = 3 + fields.count + (byDay ? 1 : 0) + (byDims ? 1 : 0)
    var key = [Int64](repeating: 0, count: width)
    while try s.step() {
      for k in 0..<width { key[k] = s.value(4 + k).int ?? -1 }
      var sums = groups[key] ?? { order.append(key); return Sums() }()
      sums.rows += s.value(0).int ?? 0
      sums.billed += s.value(1).amountOrOverflow
      sums.effective += s.value(2).amountOrOverflow
      if let q = s.value(3).double { sums.consumed = (sums.consumed ?? 0) + q }
      groups[key] = sums
    }
    s.reset()
    var dictionary = DictionaryCache(db: db)
    var out: [StoredChargeGroup] = []
    out.reserveCapacity(order.count)
    for key in order {
      let sums = groups[key]!
      var text: [ChargeText: String] = [:]
      for (i, f) in fields.enumerated() where key[3 + i] >= 0 {
        if let v = try dictionary.value(key[3 + i]) { text[f] = v }
      }
      out.append(StoredChargeGroup(rows: Int(sums.rows), billedCost: sums.billed, effectiveCost: sums.effective,
                                   consumedQuantity: sums.consumed, chargeCategory: ChargeCategory(rawValue: Int(key[0])) ?? .usage,
                                   pricingCategory: key[1] < 0 ? nil : PricingCategory(rawValue: Int(key[1])),
                                   gpuCount: key[2] < 0 ? nil : Int(key[2]), text: text, day: byDay ? key[3 + fields.count] : nil,
                                   dimsId: byDims ? key[width - 1] : nil))
    }
    return out
  }

  /// The month's usage records grouped by provider, source, model, request type, batch, cost line and currency;
  /// records that state a cost and records that do not stay apart.
  /// - Parameters:
  ///   - days: only the records whose bucket starts in these days (UTC midnights).
  ///   - byDay: one group per day of the bucket's start as well.
  public func usageGroups(month: BillingMonth, days: Range<Int64>? = nil, byDay: Bool = false) throws(StoreError) -> [StoredUsageGroup] {
    let day = "bucket_start - (((bucket_start % 86400) + 86400) % 86400)"
    let from = max(month.start, days?.lowerBound ?? month.start), to = min(month.next.start, days?.upperBound ?? month.next.start)
    let rows = try db.rows("""
      SELECT (SELECT value FROM dict WHERE id = provider_id), (SELECT value FROM dict WHERE id = source_id),
             (SELECT value FROM dict WHERE id = model_id), request_type, coalesce(batch, 0),
             (SELECT value FROM dict WHERE id = source_request_type_id), (SELECT value FROM dict WHERE id = currency_id),
             cost IS NULL, money_sum(cost), coalesce(sum(requests), 0), coalesce(sum(input_tokens), 0), coalesce(sum(cached_input_tokens), 0),
             coalesce(sum(cache_write_tokens), 0), coalesce(sum(output_tokens), 0)\(byDay ? ", " + day : "")
      FROM usage WHERE bucket_start >= ? AND bucket_start < ?
      GROUP BY provider_id, source_id, model_id, request_type, batch, source_request_type_id, currency_id, cost IS NULL\(byDay ? ", " + day : "")
      ORDER BY 1, 2, 3, 4
      """, [.integer(from), .integer(to)])
    return rows.map { r in
      StoredUsageGroup(provider: r[0].string ?? "", source: r[1].string ?? "", model: r[2].string, requestType: r[3].string ?? "other",
                       batch: r[4].int == 1, sourceRequestType: r[5].string, currency: r[6].string,
                       cost: r[7].int == 1 ? nil : r[8].amountOrOverflow, requests: r[9].int ?? 0, inputTokens: r[10].int ?? 0,
                       cachedInputTokens: r[11].int ?? 0, cacheWriteTokens: r[12].int ?? 0, outputTokens: r[13].int ?? 0,
                       day: byDay ? r[14].int : nil)
    }
  }

  /// Per resource and metric over [start, end): what the samples say (absent series are absent).
  public func metricSummaries(from start: Int64, to end: Int64) throws(StoreError) -> [StoredMetricSummary] {
    // From the monthly rollups when the window is whole months (the report), else the daily ones; never the
    // raw samples: a month of 100k hourly series is 72M samples.
    let monthly = BillingMonth(containing: start).start == start && BillingMonth(containing: end).start == end
    return try db.rows(monthly ? """
      SELECT s.resource_id, s.metric, s.unit, a.samples, a.total / a.samples, a.maximum, a.total, a.above_zero
      FROM (SELECT series_id, sum(samples) AS samples, sum(total) AS total, max(maximum) AS maximum, sum(above_zero) AS above_zero
            FROM metric_monthly WHERE month_start >= ?1 AND month_start < ?2 GROUP BY series_id) a
      JOIN metric_series s ON s.id = a.series_id ORDER BY 1, 2
      """ : """
      SELECT s.resource_id, s.metric, s.unit, a.samples, a.total / a.samples, a.maximum, a.total, a.above_zero
      FROM (SELECT series_id, sum(samples) AS samples, sum(total) AS total, max(maximum) AS maximum, sum(above_zero) AS above_zero
            FROM metric_daily WHERE day >= ?1 AND day < ?2 GROUP BY series_id) a
      JOIN metric_series s ON s.id = a.series_id ORDER BY 1, 2
      """, [.integer(start), .integer(end)]).reduce(into: [StoredMetricSummary]()) { out, r in
      let summary = StoredMetricSummary(resourceId: r[0].string ?? "", metric: r[1].string ?? "", unit: r[2].string, samples: Int(r[3].int ?? 0),
                                        mean: r[4].double ?? 0, max: r[5].double ?? 0, sum: r[6].double ?? 0, samplesAboveZero: Int(r[7].int ?? 0))
      // Several series of one resource and metric (variants) add up, as the raw query did.
      if let last = out.last, last.resourceId == summary.resourceId, last.metric == summary.metric {
        let n = last.samples + summary.samples
        out[out.count - 1] = StoredMetricSummary(resourceId: last.resourceId, metric: last.metric, unit: last.unit ?? summary.unit, samples: n,
          mean: n == 0 ? 0 : (last.sum + summary.sum) / Double(n), max: Swift.max(last.max, summary.max), sum: last.sum + summary.sum,
          samplesAboveZero: last.samplesAboveZero + summary.samplesAboveZero)
      } else {
        out.append(summary)
      }
    }
  }
}

/// Interned text by id, looked up once each.
struct DictionaryCache {
  let db: SQLiteDatabase
  var values: [Int64: String] = [:]
  var statement: Statement?

  init(db: SQLiteDatabase) { self.db = db }

  mutating func value(_ id: Int64) throws(StoreError) -> String? {
    if let v = values[id] { return v }
    if statement == nil { statement = try db.prepare("SELECT value FROM dict WHERE id = ?") }
    let s = statement!
    try s.bind([.integer(id)])
    let v = try s.step() ? s.value(0).string : nil
    s.reset()
    if let v { values[id] = v }
    return v
  }
}

/// One resource's charges over a window of days (from `charge_daily`).
public struct StoredResourceWindow: Sendable {
  public var resourceId: String
  public var currency: String
  public var billedCost = Amount.zero
  public var effectiveCost = Amount.zero
  public var days = Set<Int64>()
  public var text: [ChargeText: String] = [:]
}

/// One metric series over a window of days (from `metric_daily`).
public struct StoredSeriesWindow: Sendable {
  public var resourceId: String
  public var metric: String
  public var dimensions: String
  public var days: Int
  public var samples: Int
  public var total: Double
  public var maximum: Double
}

extension Store {
  /// The last day with charges, if any (UTC seconds of its midnight).
  public func lastChargeDay() throws(StoreError) -> Int64? {
    try db.scalar("SELECT max(day) FROM charge_daily").int
  }

  /// Per resource and currency: the cost of [start, end) by day, and its descriptive text.
  public func resourceWindows(from start: Int64, to end: Int64) throws(StoreError) -> [StoredResourceWindow] {
    let fields: [ChargeText] = [.resourceName, .resourceType, .providerName, .serviceName, .instanceType, .gpuModel, .tags, .serviceCategory]
    let s = try db.prepare("""
      SELECT c.day, c.billed_cost, c.effective_cost, d.resource_id_id, d.billing_currency_id, \(fields.map { "d." + $0.column + "_id" }.joined(separator: ", "))
      FROM charge_daily c JOIN charge_dims d ON d.id = c.dims_id
      WHERE c.day >= ? AND c.day < ? AND d.resource_id_id IS NOT NULL
      """)
    try s.bind([.integer(start), .integer(end)])
    var byKey: [[Int64]: StoredResourceWindow] = [:]
    var dictionary = DictionaryCache(db: db)
    while try s.step() {
      let rid = s.value(3).int ?? 0, cur = s.value(4).int ?? 0
      var w: StoredResourceWindow
      if let existing = byKey[[rid, cur]] { w = existing } else {
        w = StoredResourceWindow(resourceId: try dictionary.value(rid) ?? "?", currency: try dictionary.value(cur) ?? "?")
      }
      w.billedCost += s.value(1).amountOrOverflow
      w.effectiveCost += s.value(2).amountOrOverflow
      w.days.insert(s.value(0).int ?? 0)
      for (i, f) in fields.enumerated() where w.text[f] == nil {
        if let id = s.value(5 + i).int, let v = try dictionary.value(id) { w.text[f] = v }
      }
      byKey[[rid, cur]] = w
    }
    s.reset()
    return byKey.values.sorted { ($0.resourceId, $0.currency) < ($1.resourceId, $1.currency) }
  }

  /// Per metric series: samples, total and maximum over [start, end), from the daily rollups.
  public func seriesWindows(from start: Int64, to end: Int64) throws(StoreError) -> [StoredSeriesWindow] {
    // Aggregate first, then join: 100k series joins instead of one per daily row (0.79 s → 0.44 s at 100k series).
    try db.rows("""
      SELECT s.resource_id, s.metric, s.dimensions, a.n, a.samples, a.total, a.maximum
      FROM (SELECT series_id, count(*) AS n, sum(samples) AS samples, sum(total) AS total, max(maximum) AS maximum
            FROM metric_daily WHERE day >= ? AND day < ? GROUP BY series_id) a
      JOIN metric_series s ON s.id = a.series_id
      """, [.integer(start), .integer(end)]).map {
      StoredSeriesWindow(resourceId: $0[0].string ?? "", metric: $0[1].string ?? "", dimensions: $0[2].string ?? "{}",
                         days: Int($0[3].int ?? 0), samples: Int($0[4].int ?? 0), total: $0[5].double ?? 0, maximum: $0[6].double ?? 0)
    }
  }
}

/// One day's charges with identical dimensions (from `charge_daily`), text resolved.
public struct StoredDailyGroup: Sendable {
  public var day: Int64
  public var billedCost: Amount
  public var effectiveCost: Amount
  /// The key of the group's text in `dailyGroups(…).dims`.
  public var dimsId: Int64
  public var chargeCategory: ChargeCategory = .usage
  /// Σ ConsumedQuantity (nil when no row stated one; databases before migration 0009 filled from their charges).
  public var consumedQuantity: Double?
  /// Σ effective cost in another pricing currency (nil when no row stated one, or imported before migration 0010).
  public var inPricingCurrency: Amount?
}

extension Store {
  /// Usage charges per day over [start, end) (purchases, taxes and credits are not daily costs), grouped by the requested text fields only (dimensions that differ
  /// elsewhere fold together); `dims` maps each group's key to its text, resolved once.
  /// With `allCategories`, purchases, taxes, credits and adjustments come too, each group with its category.
  public func dailyGroups(from start: Int64, to end: Int64, fields: [ChargeText], allCategories: Bool = false) throws(StoreError)
    -> (groups: [StoredDailyGroup], dims: [Int64: [ChargeText: String]]) {
    // The dimensions rows the window uses, read once each rather than joined to every daily row (the join was a
    // b-tree search per row: 0.33 s of 0.43 s for 470k realistic-shape rows).
    let d = try db.prepare("""
      SELECT id, charge_category, \(fields.map { $0.column + "_id" }.joined(separator: ", "))
      FROM charge_dims WHERE id IN (SELECT DISTINCT dims_id FROM charge_daily WHERE day >= ? AND day < ?)
      \(allCategories ? "" : "AND charge_category = \(ChargeCategory.usage.rawValue)")
      """)
    try d.bind([.integer(start), .integer(end)])
    let width = fields.count + 1
    var rowOfDims: [Int64: Int32] = [:]
    var tuples: [Int64] = []
    var maxId: Int64 = -1
    while try d.step() {
      let id = d.value(0).int ?? -1
      rowOfDims[id] = Int32(tuples.count / width)
      for i in 0..<fields.count { tuples.append(d.value(2 + i).int ?? -1) }
      tuples.append(d.value(1).int ?? 1)
      maxId = max(maxId, id)
    }
    d.reset()
    // Rows come in the primary key's order (day first), so each day is summed on its own; a dimensions row's key is
    // found once (by its id, in an array), and a day's keys are kept in arrays, not a dictionary.
    let s = try db.prepare("""
      SELECT day, billed_cost, effective_cost, consumed_quantity, dims_id, pricing_currency_cost
      FROM charge_daily WHERE day >= ? AND day < ? ORDER BY day
      """)
    try s.bind([.integer(start), .integer(end)])
    var keyIds: [ArraySlice<Int64>: Int32] = [:]
    var keyOfDims = [Int32](repeating: -1, count: Int(maxId + 1))
    var categories: [Int64] = []
    var groups: [StoredDailyGroup] = []
    var sums: [(billed: Amount, effective: Amount, quantity: Double?, inPricing: Amount?)] = []
    var touched: [Int32] = []
    var marked: [Bool] = []
    var day = Int64.min
    func flush() {
      touched.sort()
      for k in touched {
        let v = sums[Int(k)]
        groups.append(StoredDailyGroup(day: day, billedCost: v.billed, effectiveCost: v.effective, dimsId: Int64(k),
                                       chargeCategory: ChargeCategory(rawValue: Int(categories[Int(k)])) ?? .usage, consumedQuantity: v.quantity,
                                       inPricingCurrency: v.inPricing.flatMap { $0.isOverflow ? nil : $0 }))
        sums[Int(k)] = (.zero, .zero, nil, nil)
        marked[Int(k)] = false
      }
      touched.removeAll(keepingCapacity: true)
    }
    while try s.step() {
      let dimsId = s.value(4).int ?? -1
      guard dimsId >= 0, dimsId <= maxId else { continue }
      var k = keyOfDims[Int(dimsId)]
      if k < 0 {
        guard let row = rowOfDims[dimsId] else { continue }   // another category, when only usage is asked for
        let tuple = tuples[Int(row) * width..<Int(row) * width + width]
        k = keyIds[tuple] ?? {
          let n = Int32(keyIds.count)
          keyIds[tuple] = n
          categories.append(tuple.last!)
          sums.append((.zero, .zero, nil, nil))
          marked.append(false)
          return n
        }()
        keyOfDims[Int(dimsId)] = k
      }
      let dd = s.value(0).int ?? 0
      if dd != day { flush(); day = dd }
      var v = sums[Int(k)]
      if !marked[Int(k)] { marked[Int(k)] = true; touched.append(k) }
      v.billed += s.value(1).amountOrOverflow
      v.effective += s.value(2).amountOrOverflow
      if let q = s.value(3).double { v.quantity = (v.quantity ?? 0) + q }
      if let a = s.value(5).amount { v.inPricing = (v.inPricing ?? .zero) + a }
      sums[Int(k)] = v
    }
    flush()
    s.reset()
    var dictionary = DictionaryCache(db: db)
    var dims: [Int64: [ChargeText: String]] = [:]
    for (combo, k) in keyIds {
      var text: [ChargeText: String] = [:]
      for (i, f) in fields.enumerated() where combo[combo.startIndex + i] >= 0 {
        if let v = try dictionary.value(combo[combo.startIndex + i]) { text[f] = v }
      }
      dims[Int64(k)] = text
    }
    return (groups, dims)
  }


  /// API usage with a stated cost, per day, provider, model and API key.
  public func dailyUsageCosts(from start: Int64, to end: Int64) throws(StoreError)
    -> [(day: Int64, provider: String, model: String?, key: String?, currency: String, cost: Amount, tokens: Int64)] {
    try db.rows("""
      SELECT bucket_start - bucket_start % 86400, (SELECT value FROM dict WHERE id = provider_id), (SELECT value FROM dict WHERE id = model_id),
             (SELECT value FROM dict WHERE id = api_key_id), coalesce((SELECT value FROM dict WHERE id = currency_id), 'USD'), money_sum(cost),
             sum(coalesce(input_tokens, 0) + coalesce(cached_input_tokens, 0) + coalesce(cache_write_tokens, 0) + coalesce(output_tokens, 0))
      FROM usage WHERE cost IS NOT NULL AND bucket_start >= ? AND bucket_start < ? GROUP BY 1, provider_id, model_id, api_key_id, currency_id
      """, [.integer(start), .integer(end)]).map {
      ($0[0].int ?? 0, $0[1].string ?? "", $0[2].string, $0[3].string, $0[4].string ?? "USD", $0[5].amountOrOverflow, $0[6].int ?? 0)
    }
  }
}

extension Store {
  /// All tokens per day and model (stated cost or not).
  public func dailyTokens(from start: Int64, to end: Int64) throws(StoreError) -> [(day: Int64, model: String, tokens: Int64)] {
    try db.rows("""
      SELECT bucket_start - bucket_start % 86400, (SELECT value FROM dict WHERE id = model_id),
             sum(coalesce(input_tokens, 0) + coalesce(cached_input_tokens, 0) + coalesce(cache_write_tokens, 0) + coalesce(output_tokens, 0))
      FROM usage WHERE model_id IS NOT NULL AND bucket_start >= ? AND bucket_start < ? GROUP BY 1, model_id
      """, [.integer(start), .integer(end)]).map { ($0[0].int ?? 0, $0[1].string ?? "", $0[2].int ?? 0) }
  }
}
