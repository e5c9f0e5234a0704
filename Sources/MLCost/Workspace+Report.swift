import Foundation
import MLCostAttribution
import MLCostCatalogs
import MLCostCore
import MLCostReports
import MLCostStore

extension Workspace {
  /// Reads a rules file (`mlcost.yaml`); errors name line and column.
  public static func loadRules(path: String) throws -> Rules {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw ImportError.missingInput(path: path, reason: "cannot read the rules file")
    }
    do { return try Rules.parse(yaml: text, file: (path as NSString).lastPathComponent) } catch {
      throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: error.file, line: error.line, column: error.column),
                                           error.message, fix: error.fix))
    }
  }

  /// The fields attribution reads from a charge's dimensions.
  static let reportFields: [ChargeText] = [.billingCurrency, .providerName, .billingAccountId, .subAccountId, .serviceName, .serviceCategory,
                                           .resourceId, .resourceName, .resourceType, .skuId, .regionId, .instanceType, .gpuModel,
                                           .consumedUnit, .commitmentDiscountStatus, .tags]

  /// One month's attribution input, read from the store's summaries.
  /// - Parameter days: only these days of the month (UTC midnights): charges by their ChargePeriodStart, usage by its
  ///   bucket, metrics over the same days.
  static func attributionInput(_ month: BillingMonth, prices: APIPriceBook?, store: Store, withActivity: Bool = true,
                               sliceFields: [SliceField] = [], days: Range<Int64>? = nil) throws -> AttributionInput {
    var tagCache: [String: (set: Int, tags: [String: String])] = [:]
    let byDay = sliceFields.contains(.day), byDims = sliceFields.contains(.origin)
    let groups = try store.chargeGroups(month: month, fields: Self.reportFields, days: days, byDay: byDay, byDims: byDims).map { g -> ChargeGroup in
      var c = ChargeGroup(currency: Currency(g.text[.billingCurrency] ?? "?"), billedCost: g.billedCost, effectiveCost: g.effectiveCost, rows: g.rows,
                          chargeCategory: g.chargeCategory)
      c.pricingCategory = g.pricingCategory; c.gpuCount = g.gpuCount; c.consumedQuantity = g.consumedQuantity; c.day = g.day
      c.origin = g.dimsId.map(String.init)
      fill(&c, text: g.text)
      if let raw = g.text[.tags] {
        if let cached = tagCache[raw] { c.tags = cached.tags; c.tagSet = cached.set } else {
          let tags = tags(json: raw)
          tagCache[raw] = (tagCache.count, tags)
          c.tags = tags; c.tagSet = tagCache.count - 1
        }
      }
      return c
    }
    var usage: [UsageGroup] = []
    var priceMap: [String: TokenPrice] = [:]
    for u in try store.usageGroups(month: month, days: days, byDay: byDay) {
      var g = UsageGroup(provider: u.provider, source: u.source, model: u.model, requestType: RequestType(rawValue: u.requestType) ?? .other,
                         batch: u.batch)
      g.sourceRequestType = u.sourceRequestType; g.currency = u.currency.map { Currency($0) }; g.cost = u.cost; g.requests = u.requests
      g.inputTokens = u.inputTokens; g.cachedInputTokens = u.cachedInputTokens; g.cacheWriteTokens = u.cacheWriteTokens
      g.outputTokens = u.outputTokens; g.day = u.day
      usage.append(g)
      if u.cost == nil, let model = u.model, let book = prices, let p = book.price(provider: u.provider, model: model, at: month.start) {
        priceMap[TokenPrice.key(provider: u.provider, model: model)] = TokenPrice(
          inputPer1M: p.inputPer1M, cachedInputPer1M: p.cachedInputPer1M, cacheWritePer1M: p.cacheWritePer1M, outputPer1M: p.outputPer1M,
          batchDiscountPPB: p.batchDiscount.map { Int64(clampingRounded: $0 * 1e9, to: 0...1_000_000_000) }, source: "\(p.source), as of \(p.asOf)")
      }
    }
    return AttributionInput(month: month, charges: groups, usage: usage, activity: withActivity ? try activity(month, days: days, store: store) : [:], prices: priceMap,
                            sliceFields: sliceFields)
  }

  /// A charge group's text fields, from the store's dimensions (tags apart).
  static func fill(_ c: inout ChargeGroup, text: [ChargeText: String]) {
    c.provider = text[.providerName]; c.account = text[.billingAccountId]; c.subAccount = text[.subAccountId]
    c.service = ServiceNames.canonical(provider: text[.providerName], service: text[.serviceName]); c.serviceCategory = text[.serviceCategory]
    c.resourceId = text[.resourceId]; c.resourceName = text[.resourceName]; c.resourceType = text[.resourceType]; c.sku = text[.skuId]
    c.region = text[.regionId]; c.instanceType = text[.instanceType]; c.gpuModel = text[.gpuModel]
    c.consumedUnit = text[.consumedUnit]; c.commitmentStatus = text[.commitmentDiscountStatus]
  }

  /// Tag sets read once each: a store holds far fewer tag sets than dimension rows.
  struct TagReadings {
    let rules: Rules
    private var cache: [String: AttributionEngine.TagReading] = [:]
    init(rules: Rules) { self.rules = rules }
    mutating func reading(_ raw: String?) -> AttributionEngine.TagReading {
      let raw = raw ?? ""
      if let r = cache[raw] { return r }
      let r = AttributionEngine.read(tags: Workspace.tags(json: raw), rules: rules)
      cache[raw] = r
      return r
    }
  }

  /// A charge's tags as stored (a JSON object); values that are not strings as their text; not an object → none.
  static func tags(json raw: String) -> [String: String] {
    ((try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any] ?? [:]).mapValues { "\($0)" }
  }

  /// What the metrics say per resource over the month: GPU utilisation, or hours that served requests.
  static func activity(_ month: BillingMonth, days: Range<Int64>? = nil, store: Store) throws -> [String: Activity] {
    var out: [String: Activity] = [:]
    // Over the days asked for, whichever billing month their charges are filed under.
    for s in try store.metricSummaries(from: days?.lowerBound ?? month.start, to: days?.upperBound ?? month.next.start) {
      let name = s.metric.lowercased().replacingOccurrences(of: "_", with: "")
      var a = out[s.resourceId] ?? Activity()
      if ["gpuutilization", "gpuutil", "dcgmfidevgpuutil", "gpuutilisation"].contains(name) {
        // CloudWatch and DCGM report percent; only a unit that says so is read as a 0–1 ratio.
        let unit = s.unit?.lowercased() ?? ""
        let ratio = unit.contains("ratio") || unit.contains("fraction")
        a.gpuUtilisation = ratio ? s.mean : s.mean / 100
      } else if ["invocations", "requests", "requestcount", "invocationcount"].contains(name) {
        a.invocations = (a.invocations ?? 0) + s.sum
        a.hoursWithInvocations = (a.hoursWithInvocations ?? 0) + s.samplesAboveZero
        a.hoursObserved = max(a.hoursObserved ?? 0, s.samples)
      } else {
        continue
      }
      out[s.resourceId] = a
    }
    return out
  }

  /// The monthly per-model report: this month's attribution, the previous month's for the change,
  /// and up to six months of totals per owner for the trend.
  public func monthlyReport(month: BillingMonth, rules: Rules, prices: APIPriceBook? = nil,
                            title: String = "MLCost monthly cost per model", slice: ReportSlice = ReportSlice()) throws -> MonthlyReport {
    try periodReport(months: [month], rules: rules, prices: prices, title: title, slice: slice)
  }

  /// The report over consecutive billing months (a quarter, a year to date): each month attributed on its own, then
  /// summed; compared with as many months just before; the trend's last six months end at the last one.
  public func periodReport(months range: [BillingMonth], rules: Rules, prices: APIPriceBook? = nil,
                           title: String = "MLCost monthly cost per model", slice: ReportSlice = ReportSlice()) throws -> MonthlyReport {
    let range = range.sorted()
    guard let first = range.first, let month = range.last else { throw ImportError.usage("a report needs at least one month") }
    let withData = try store.monthsWithData()
    // The months just before the range, as many as it has (one for a single month: the last month with data).
    let previousRange: [BillingMonth]
    if range.count == 1 {
      previousRange = withData.filter { $0 <= month }.last { $0 < month }.map { [$0] } ?? []
    } else {
      var p: [BillingMonth] = []
      var m = first
      for _ in range { m = m.previous; p.append(m) }
      previousRange = p.filter { withData.contains($0) }.sorted()
    }
    var report = try report(Period(parts: range.map { PeriodPart(month: $0) }, start: first.start, end: month.next.start),
                            previous: Period(parts: previousRange.map { PeriodPart(month: $0) }, start: previousRange.first?.start ?? 0,
                                             end: previousRange.last?.next.start ?? 0),
                            withData: withData, rules: rules, prices: prices, title: title, slice: slice)
    if range.count > 1 {
      let inRange = range.filter { withData.contains($0) }
      report.month = Self.label(range)
      report.previousMonth = previousRange.isEmpty ? nil : Self.label(previousRange)
      report.months = inRange.map(\.description)
      if inRange.count < range.count {
        report.notes.append("No data for \(range.filter { !inRange.contains($0) }.map(\.description).joined(separator: ", ")): the period's figures are the other months'.")
      }
      if !previousRange.isEmpty && previousRange.count < range.count {
        report.notes.append("The comparison period \(Self.label(previousRange)) has data for \(previousRange.count) of \(range.count) months.")
      }
    }
    return report
  }

  /// The report over any days, `from` up to (not including) `to`, both UTC midnights: each billing month's part
  /// attributed on its own (charges by the day of their ChargePeriodStart, usage by its bucket, metrics over the same
  /// days, pools split by the days' own drivers), then summed; compared with as many days just before. Whole months
  /// are the month report.
  public func dayRangeReport(from: Int64, to: Int64, rules: Rules, prices: APIPriceBook? = nil,
                             title: String = "MLCost monthly cost per model", slice: ReportSlice = ReportSlice()) throws -> MonthlyReport {
    guard from < to, from % 86_400 == 0, to % 86_400 == 0 else { throw ImportError.usage("a day range runs from one UTC midnight to a later one") }
    let first = BillingMonth(containing: from), last = BillingMonth(containing: to - 1)
    if first.start == from && last.next.start == to {
      var months: [BillingMonth] = [], m = first
      while m <= last { months.append(m); m = m.next }
      return try periodReport(months: months, rules: rules, prices: prices, title: title, slice: slice)
    }
    let withData = try store.monthsWithData()
    let previousFrom = from - (to - from)
    var report = try report(Self.period(from: from, to: to, withData: withData), previous: Self.period(from: previousFrom, to: from, withData: withData),
                            withData: withData, rules: rules, prices: prices, title: title, slice: slice)
    report.month = Self.dayLabel(from, to)
    report.previousMonth = Self.dayLabel(previousFrom, from)
    report.months = Self.period(from: from, to: to, withData: withData).parts.map(\.month)
      .filter { BillingMonth(containing: from) <= $0 && $0 <= BillingMonth(containing: to - 1) }.map(\.description)
    report.notes.append("Days \(report.month) (UTC, by the day each charge starts): pools are split by these days' own drivers, "
      + "commitments by what these days used; compared with the \((to - from) / 86_400) days before.")
    return report
  }

  /// A report's period: its parts (whole billing months, or some of a month's days) and the instants it spans.
  struct Period {
    var parts: [PeriodPart]
    var start: Int64, end: Int64
  }

  /// A billing month, or some of its days.
  struct PeriodPart: Hashable, Comparable {
    var month: BillingMonth
    var days: Range<Int64>?
    static func < (a: PeriodPart, b: PeriodPart) -> Bool {
      (a.month, a.days?.lowerBound ?? a.month.start) < (b.month, b.days?.lowerBound ?? b.month.start)
    }
  }

  /// [from, to): the charges that start on those days, whatever billing month they are filed under (a late charge or
  /// credit can be billed a month later), so one part per billing month from the one before to the one after.
  static func period(from: Int64, to: Int64, withData: [BillingMonth]) -> Period {
    var parts: [PeriodPart] = []
    var m = BillingMonth(containing: from).previous
    let last = BillingMonth(containing: to - 1).next
    while m <= last {
      if withData.contains(m) { parts.append(PeriodPart(month: m, days: from..<to)) }
      m = m.next
    }
    return Period(parts: parts, start: from, end: to)
  }

  /// `2026-10-05..2026-10-12` (the last day included).
  public static func dayLabel(_ from: Int64, _ to: Int64) -> String {
    let a = String(Timestamp.iso8601(from).prefix(10)), b = String(Timestamp.iso8601(to - 86_400).prefix(10))
    return a == b ? a : "\(a)..\(b)"
  }

  /// The report of a period compared with another: the parts, the ones before and the trend's months attributed in
  /// parallel (one read connection each), filtered, summed.
  func report(_ period: Period, previous: Period, withData: [BillingMonth], rules: Rules, prices: APIPriceBook?, title: String,
              slice: ReportSlice) throws -> MonthlyReport {
    guard let lastPart = period.parts.last else { throw ImportError.usage("no data in \(Self.dayLabel(period.start, period.end))") }
    let month = BillingMonth(containing: period.end - 1)
    // The day last: the parts read without it (below) then carry the same leading fields.
    let asked = Slicer.chargeFields(slice.filters.map(\.key) + slice.groupings.flatMap { $0 })
    let fields = asked.filter { $0 != .day } + (asked.contains(.day) ? [.day] : [])
    // A day filter matches no other month: no comparison and no trend to compute.
    let dayFilter = slice.filters.contains { $0.key == .charge(.day) }
    let months = withData.filter { $0 <= month }
    let inRange = period.parts.filter { withData.contains($0.month) }
    let previousParts = dayFilter ? [] : previous.parts.filter { withData.contains($0.month) }
    let trendParts = dayFilter ? [] : months.suffix(6).map { PeriodPart(month: $0) }
    let wanted = Array(Set(trendParts + inRange + previousParts)).sorted()
    // Grouping by day reads the daily rollups, and reading them with the other groupings' fields multiplies the cells
    // (resource × SKU × day): the day groupings get their own attribution of the period's parts, with only their own
    // fields and the filters' (days have no counterpart before the period, so nothing else needs the day).
    let dayGroupings = dayFilter ? [] : slice.groupings.filter { $0.contains(.charge(.day)) }
    let otherFields = fields.filter { $0 != .day }
    let dayFields: [SliceField] = {
      let f = Slicer.chargeFields(slice.filters.map(\.key) + dayGroupings.flatMap { $0 }).filter { $0 != .day }
      return f + [.day]
    }()
    struct Job { var part: PeriodPart; var fields: [SliceField]; var forDays: Bool }
    var jobs = wanted.map { Job(part: $0, fields: dayFilter && inRange.contains($0) ? fields : otherFields, forDays: false) }
    if !dayGroupings.isEmpty { jobs += inRange.map { Job(part: $0, fields: dayFields, forDays: true) } }
    let results = ParallelResults<Attribution>(count: jobs.count)
    let path = databasePath
    // The anomaly section reads the daily rollups: on its own connection, beside the attribution.
    let anomalyResult = ParallelResults<AnomalyReport>(count: 1)
    let anomalyDone = DispatchGroup()
    let idleResult = ParallelResults<IdleReport>(count: 1)
    // A filtered report leaves out the sections that read the whole store (idle, anomalies, budgets).
    let whole = slice.filters.isEmpty
    if whole {
      DispatchQueue.global().async(group: anomalyDone) {
        anomalyResult.set(0, Result { try Workspace(databasePath: path).anomalies(since: period.start, until: period.end, rules: rules) })
      }
      DispatchQueue.global().async(group: anomalyDone) {
        idleResult.set(0, Result { try Workspace(databasePath: path).idle(asOf: period.end, windowDays: nil, rules: rules) })
      }
    }
    let jobList = jobs
    DispatchQueue.concurrentPerform(iterations: jobList.count) { i in
      let job = jobList[i]
      results.set(i, Result {
        let reader = try Store(path: path)
        return try AttributionEngine.run(try Workspace.attributionInput(job.part.month, prices: prices, store: reader,
                                                                         withActivity: !job.forDays && (job.part == lastPart || (job.part.days != nil && inRange.contains(job.part))),
                                                                         sliceFields: job.fields, days: job.part.days), rules: rules)
      })
    }
    var byPart: [PeriodPart: Attribution] = [:], dayParts: [Attribution] = []
    var unfiltered: [Attribution] = []
    for (i, job) in jobList.enumerated() {
      let a = try results.get(i)
      if job.forDays { dayParts.append(Slicer.filter(a, slice.filters, fields: job.fields)); continue }
      if inRange.contains(job.part) { unfiltered.append(a) }
      byPart[job.part] = Slicer.filter(a, slice.filters, fields: job.fields)
    }
    guard let merged = Attribution.merged(unfiltered) else { throw ImportError.usage("no data in \(Self.dayLabel(period.start, period.end))") }
    let unmatched = Slicer.unmatched(slice.filters, in: merged, fields: dayFilter ? fields : otherFields)
    let current = Attribution.merged(inRange.map { byPart[$0]! })!
    // A day filter has no counterpart in the period before: no comparison rather than everything "new".
    let before = dayFilter ? nil : Attribution.merged(previousParts.map { byPart[$0]! })
    var trend: [TrendPoint] = []
    for part in trendParts {
      let a = byPart[part]!
      var byOwner: [Currency: [Owner: Amount]] = [:]
      for x in a.allocations { byOwner[x.currency, default: [:]][x.owner, default: .zero] += x.cost }
      for (currency, owners) in byOwner.sorted(by: { $0.key < $1.key }) {
        for (owner, cost) in owners.sorted(by: { $0.key < $1.key }) {
          trend.append(TrendPoint(month: part.month.description, owner: owner.description, currency: currency, cost: cost))
        }
      }
    }
    var report = ReportBuilder.build(current: current, previous: before, trend: trend, title: title)
    anomalyDone.wait()
    if !slice.isEmpty {
      let rest = ReportSlice(filters: slice.filters, groupings: slice.groupings.filter { !dayGroupings.contains($0) })
      let main = ReportBuilder.slice(rest, current: current, previous: before, fields: dayFilter ? fields : otherFields)
      let days = dayGroupings.isEmpty ? nil
        : ReportBuilder.slice(ReportSlice(filters: slice.filters, groupings: dayGroupings), current: Attribution.merged(dayParts)!, previous: nil,
                              fields: dayFields)
      // The groupings in the order asked for.
      var fromMain = main.groupings.makeIterator(), fromDays = (days?.groupings ?? []).makeIterator()
      report.slice = SliceSection(filters: main.filters, groupings: slice.groupings.map { dayGroupings.contains($0) ? fromDays.next()! : fromMain.next()! })
      for (filter, seen) in unmatched {
        let near = seen.first { v in filter.patterns.contains { Spelling.near($0.description, v) } }
        report.notes.append("Nothing in \(report.month) matches \(filter.description)\(near.map { " (did you mean '\($0)'?)" } ?? ""); its values: "
          + (seen.count > 12 ? seen.prefix(12).joined(separator: ", ") + ", …" : seen.joined(separator: ", ")) + ".")
      }
      if !whole {
        report.notes.append("Filtered (\(slice.filters.map(\.description).joined(separator: ", "))): every figure is the matching allocations "
          + "(pools split over the whole month first); idle, anomalies and budgets read the whole store and are left out"
          + (fields.isEmpty ? "." : "; requests, tokens, GPU-hours and unit costs are not split by charge fields (shown as 0 or —), "
             + "nor are pools, tag coverage and unpriced usage unless the filter is by provider or service."))
        return report
      }
    }
    let idle = try idleResult.get(0)
    report.idle = idle.findings.map {
      IdleRow(kind: $0.kind, resourceId: $0.resourceId, model: $0.model, currency: $0.currency, monthlyWaste: $0.monthlyWaste, action: $0.action)
    }
    report.anomalies = try anomalyResult.get(0).anomalies.map {
      AnomalyRow(dimension: $0.dimension, value: $0.value, currency: $0.currency, start: $0.start, days: $0.days, expected: $0.expected,
                 actual: $0.actual, impact: $0.impact, explanation: $0.explanation)
    }
    if !rules.budgets.isEmpty {
      let last = try store.lastChargeDay().map { $0 + 86_400 } ?? period.end
      report.budgets = try budgets(asOf: min(period.end, max(last, (lastPart.days?.lowerBound ?? month.start) + 86_400)), rules: rules).budgets
    }
    for (currency, total) in idle.totalMonthlyWaste.sorted(by: { $0.key < $1.key }) {
      report.notes.append("Idle and under-used endpoints waste \(total) \(currency) a month (\(idle.from) to \(idle.to), thresholds: rules file's idle block).")
    }
    return report
  }
}

extension Workspace {
  /// `2026-10`, or `2026-08..2026-10` for several months.
  static func label(_ months: [BillingMonth]) -> String {
    guard let f = months.min(), let l = months.max() else { return "" }
    return f == l ? f.description : "\(f)..\(l)"
  }

}

/// The report formats.
public enum ReportFormat: String, CaseIterable, Sendable {
  case table, md, csv, json, html
  public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}

extension Workspace {
  /// The files a report becomes: one for most formats; one per section for CSV (`name-models.csv` …).
  /// With no `out`, the texts to print (CSV sections one after another under `# section` lines).
  public static func render(_ report: MonthlyReport, format: ReportFormat, out: String?,
                            columns: ColumnChoice = .core) throws -> [(path: String?, text: String)] {
    switch format {
    case .table: return [(out, TextRenderer.render(report, columns: columns))]
    case .md: return [(out, MarkdownRenderer.render(report))]
    case .json: return [(out, try JSONRenderer.render(report))]
    case .html: return [(out, HTMLRenderer.render(report))]
    case .csv:
      guard let out else { return [(nil, CSVRenderer.renderAll(report))] }
      let base = out.hasSuffix(".csv") ? String(out.dropLast(4)) : out
      return CSVRenderer.render(report).map { ("\(base)-\($0.0).csv", $0.1) }
    }
  }

  /// A report saved as JSON, read back for re-rendering.
  public static func readReport(path: String) throws -> MonthlyReport {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ImportError.missingInput(path: path, reason: "cannot read the report")
    }
    return try JSONRenderer.read(data, file: (path as NSString).lastPathComponent)
  }

  /// The API price catalog: `dir` (flag), else `MLCOST_CATALOGS`, else next to the binary, else `./catalogs`.
  public static func apiPrices(catalogs dir: String?) throws -> APIPriceBook? {
    for c in catalogCandidates(dir) {
      let path = (c as NSString).appendingPathComponent("api_prices.csv")
      if FileManager.default.fileExists(atPath: path) { return try APIPriceBook.load(path: path) }
    }
    if dir != nil { throw ImportError.missingInput(path: dir!, reason: "no api_prices.csv in the catalogs folder") }
    return nil
  }

  /// What a report says when no API price catalog was found: where it looked and how to point at one (a demo run from
  /// another folder silently dropped 134.84 USD of catalog-priced usage into "unpriced").
  public static func missingCatalogNote(catalogs dir: String?) -> String {
    "No API price catalog found (looked in: \(catalogCandidates(dir).joined(separator: ", "))): API usage without a stated cost is listed as "
      + "unpriced, not counted. Pass --catalogs DIR or set MLCOST_CATALOGS to the folder with api_prices.csv."
  }
}

/// Results written from concurrent iterations, each slot once.
final class ParallelResults<T>: @unchecked Sendable {
  private var slots: [Result<T, any Error>?]
  private let lock = NSLock()
  init(count: Int) { slots = Array(repeating: nil, count: count) }
  func set(_ i: Int, _ r: Result<T, any Error>) { lock.lock(); slots[i] = r; lock.unlock() }
  func get(_ i: Int) throws -> T { try slots[i]!.get() }
}


extension Workspace {
  /// `2026-11-01` → UTC seconds.
  public static func parseDay(_ s: String) throws -> Int64 {
    do { return try Timestamp.parse(s) } catch {
      throw ImportError.usage("'\(s)' is not a date: \(error)")
    }
  }
}

