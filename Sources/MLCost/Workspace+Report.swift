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
  static func attributionInput(_ month: BillingMonth, prices: APIPriceBook?, store: Store, withActivity: Bool = true) throws -> AttributionInput {
    var tagCache: [String: [String: String]] = [:]
    let groups = try store.chargeGroups(month: month, fields: Self.reportFields).map { g -> ChargeGroup in
      var c = ChargeGroup(currency: g.text[.billingCurrency] ?? "?", billedCost: g.billedCost, effectiveCost: g.effectiveCost, rows: g.rows,
                          chargeCategory: g.chargeCategory)
      c.pricingCategory = g.pricingCategory; c.gpuCount = g.gpuCount; c.consumedQuantity = g.consumedQuantity
      c.provider = g.text[.providerName]; c.account = g.text[.billingAccountId]; c.subAccount = g.text[.subAccountId]
      c.service = g.text[.serviceName]; c.serviceCategory = g.text[.serviceCategory]; c.resourceId = g.text[.resourceId]
      c.resourceName = g.text[.resourceName]; c.resourceType = g.text[.resourceType]; c.sku = g.text[.skuId]
      c.region = g.text[.regionId]; c.instanceType = g.text[.instanceType]; c.gpuModel = g.text[.gpuModel]
      c.consumedUnit = g.text[.consumedUnit]; c.commitmentStatus = g.text[.commitmentDiscountStatus]
      if let raw = g.text[.tags] {
        if let cached = tagCache[raw] { c.tags = cached } else {
          let object = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any] ?? [:]
          let tags = object.mapValues { "\($0)" }
          tagCache[raw] = tags
          c.tags = tags
        }
      }
      return c
    }
    var usage: [UsageGroup] = []
    var priceMap: [String: TokenPrice] = [:]
    for u in try store.usageGroups(month: month) {
      var g = UsageGroup(provider: u.provider, source: u.source, model: u.model, requestType: RequestType(rawValue: u.requestType) ?? .other,
                         batch: u.batch)
      g.sourceRequestType = u.sourceRequestType; g.currency = u.currency; g.cost = u.cost; g.requests = u.requests
      g.inputTokens = u.inputTokens; g.cachedInputTokens = u.cachedInputTokens; g.cacheWriteTokens = u.cacheWriteTokens
      g.outputTokens = u.outputTokens
      usage.append(g)
      if u.cost == nil, let model = u.model, let book = prices, let p = book.price(provider: u.provider, model: model, at: month.start) {
        priceMap[TokenPrice.key(provider: u.provider, model: model)] = TokenPrice(
          inputPer1M: p.inputPer1M, cachedInputPer1M: p.cachedInputPer1M, cacheWritePer1M: p.cacheWritePer1M, outputPer1M: p.outputPer1M,
          batchDiscountPPB: p.batchDiscount.map { Int64(($0 * 1e9).rounded()) }, source: "\(p.source), as of \(p.asOf)")
      }
    }
    return AttributionInput(month: month, charges: groups, usage: usage, activity: withActivity ? try activity(month, store: store) : [:], prices: priceMap)
  }

  /// What the metrics say per resource over the month: GPU utilisation, or hours that served requests.
  static func activity(_ month: BillingMonth, store: Store) throws -> [String: Activity] {
    var out: [String: Activity] = [:]
    for s in try store.metricSummaries(from: month.start, to: month.next.start) {
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
                            title: String = "MLCost monthly cost per model") throws -> MonthlyReport {
    let months = try store.monthsWithData().filter { $0 <= month }
    let previousMonth = months.last { $0 < month }
    // The month, the one before and the trend's months, attributed in parallel (one read connection each).
    let wanted = Array(Set(months.suffix(6) + [month] + (previousMonth.map { [$0] } ?? []))).sorted()
    let results = ParallelResults<Attribution>(count: wanted.count)
    let path = databasePath
    // The anomaly section reads the daily rollups: on its own connection, beside the attribution.
    let anomalyResult = ParallelResults<AnomalyReport>(count: 1)
    let anomalyDone = DispatchGroup()
    DispatchQueue.global().async(group: anomalyDone) {
      anomalyResult.set(0, Result { try Workspace(databasePath: path).anomalies(since: month.start, until: month.next.start, rules: rules) })
    }
    let idleResult = ParallelResults<IdleReport>(count: 1)
    DispatchQueue.global().async(group: anomalyDone) {
      idleResult.set(0, Result { try Workspace(databasePath: path).idle(asOf: month.next.start, windowDays: nil, rules: rules) })
    }
    DispatchQueue.concurrentPerform(iterations: wanted.count) { i in
      results.set(i, Result {
        let reader = try Store(path: path)
        return try AttributionEngine.run(try Workspace.attributionInput(wanted[i], prices: prices, store: reader,
                                                                         withActivity: wanted[i] == month), rules: rules)
      })
    }
    var byMonth: [BillingMonth: Attribution] = [:]
    for (i, m) in wanted.enumerated() { byMonth[m] = try results.get(i) }
    let current = byMonth[month]!
    let previous = previousMonth.flatMap { byMonth[$0] }
    var trend: [TrendPoint] = []
    for m in months.suffix(6) {
      let a = byMonth[m]!
      var byOwner: [String: [Owner: Int64]] = [:]
      for x in a.allocations { byOwner[x.currency, default: [:]][x.owner, default: 0] += x.cost }
      for (currency, owners) in byOwner.sorted(by: { $0.key < $1.key }) {
        for (owner, cost) in owners.sorted(by: { $0.key < $1.key }) {
          trend.append(TrendPoint(month: m.description, owner: owner.description, currency: currency, cost: ExactDecimal.format(nanos: cost)))
        }
      }
    }
    var report = ReportBuilder.build(current: current, previous: previous, trend: trend, title: title)
    anomalyDone.wait()
    let idle = try idleResult.get(0)
    report.idle = idle.findings.map {
      IdleRow(kind: $0.kind, resourceId: $0.resourceId, model: $0.model, currency: $0.currency, monthlyWaste: $0.monthlyWaste, action: $0.action)
    }
    report.anomalies = try anomalyResult.get(0).anomalies.map {
      AnomalyRow(dimension: $0.dimension, value: $0.value, currency: $0.currency, start: $0.start, days: $0.days, expected: $0.expected,
                 actual: $0.actual, impact: $0.impact)
    }
    for (currency, total) in idle.totalMonthlyWaste.sorted(by: { $0.key < $1.key }) {
      report.notes.append("Idle and under-used endpoints waste \(total) \(currency) a month (\(idle.from) to \(idle.to), thresholds: rules file's idle block).")
    }
    return report
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
  public static func render(_ report: MonthlyReport, format: ReportFormat, out: String?) throws -> [(path: String?, text: String)] {
    switch format {
    case .table: return [(out, TextRenderer.render(report))]
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
    var candidates: [String] = []
    if let dir { candidates.append(dir) }
    if let env = ProcessInfo.processInfo.environment["MLCOST_CATALOGS"], !env.isEmpty { candidates.append(env) }
    let binary = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent()
    candidates += [binary.appendingPathComponent("catalogs").path, "catalogs"]
    for c in candidates {
      let path = (c as NSString).appendingPathComponent("api_prices.csv")
      if FileManager.default.fileExists(atPath: path) { return try APIPriceBook.load(path: path) }
    }
    if dir != nil { throw ImportError.missingInput(path: dir!, reason: "no api_prices.csv in the catalogs folder") }
    return nil
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
  /// Idle, under-used, orphaned and unknown endpoints over `[asOf − window, asOf)` (asOf defaults to the day
  /// after the last charge).
  public func idle(asOf: Int64?, windowDays: Int?, rules: Rules) throws -> IdleReport {
    var idleRules = rules.idle
    if let windowDays { idleRules.windowDays = windowDays }
    let end = try asOf ?? ((try store.lastChargeDay()).map { $0 + 86_400 } ?? 0)
    let start = end - Int64(idleRules.windowDays) * 86_400
    var tagCache: [String: String?] = [:]
    func billed(_ windows: [StoredResourceWindow]) -> [BilledResource] {
      windows.map { w in
        var r = BilledResource(resourceId: w.resourceId, currency: w.currency,
                               cost: rules.basis == .amortised ? w.effectiveCost : w.billedCost, daysBilled: w.days.count)
        r.resourceName = w.text[.resourceName]; r.resourceType = w.text[.resourceType]; r.provider = w.text[.providerName]
        r.service = w.text[.serviceName]; r.instanceType = w.text[.instanceType]; r.gpuModel = w.text[.gpuModel]
        r.serviceCategory = w.text[.serviceCategory]
        if let raw = w.text[.tags] {
          if tagCache[raw] == nil {
            let object = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any] ?? [:]
            var g = ChargeGroup(currency: w.currency, billedCost: 0, effectiveCost: 0, tags: object.mapValues { "\($0)" })
            g.resourceId = w.resourceId
            tagCache[raw] = .some(AttributionEngine.resolve(g, rules: rules).values[.model])
          }
          r.model = tagCache[raw]!
        }
        return r
      }
    }
    let resources = billed(try store.resourceWindows(from: start, to: end))
    // Instances billed in the 30 days before the window and not in it: stopped, if their storage is still billed.
    let inWindow = Set(resources.map(\.resourceId))
    let stopped = billed(try store.resourceWindows(from: start - 30 * 86_400, to: start))
      .filter { !inWindow.contains($0.resourceId) && ($0.instanceType != nil || $0.gpuModel != nil) }
    var series: [String: [SeriesWindow]] = [:]
    for s in try store.seriesWindows(from: start, to: end) {
      series[s.resourceId, default: []].append(SeriesWindow(resource: s.resourceId, metric: s.metric, dimensions: s.dimensions, days: s.days,
                                                            samples: s.samples, total: s.total, maximum: s.maximum))
    }
    let findings = IdleDetector.run(resources: resources, series: series, rules: idleRules, stopped: stopped)
    var totals: [String: Int64] = [:]
    for f in findings { if let w = f.monthlyWaste, let n = try? ExactDecimal.parseNanos(w) { totals[f.currency, default: 0] += n } }
    func day(_ t: Int64) -> String { String(Timestamp.iso8601(t).prefix(10)) }
    return IdleReport(
      from: day(start), to: day(end), basis: rules.basis.rawValue,
      thresholds: ["window": "\(idleRules.windowDays) days", "min cost": ExactDecimal.format(nanos: idleRules.minCost),
                   "GPU utilisation below": String(format: "%.0f%%", idleRules.gpuBelowPercent), "orphaned after": "\(idleRules.orphanDays) days",
                   "rules": rules.source],
      findings: findings,
      totalMonthlyWaste: totals.mapValues { ExactDecimal.format(nanos: $0) },
      notes: ["Metrics are matched to a bill's resource by its id, the id's last path part, then its name; the dimensions of each series are in the evidence.",
              "An endpoint without metrics is unknown, never idle; under-used is tested on the window's highest GPU utilisation, so it errs towards not reporting.",
              "Monthly figures are the window's cost per billed day × 30."])
  }
}

extension Workspace {
  /// `2026-11-01` → UTC seconds.
  public static func parseDay(_ s: String) throws -> Int64 {
    do { return try Timestamp.parse(s) } catch {
      throw ImportError.usage("'\(s)' is not a date: \(error)")
    }
  }
}

extension Workspace {
  /// Daily cost per model, request type and service (charges + stated API costs) from `since` to the last
  /// charge day, each against its trailing robust baseline.
  public func anomalies(since: Int64?, until: Int64? = nil, rules: Rules) throws -> AnomalyReport {
    let anomalyRules = rules.anomalies
    let end = try until ?? ((try store.lastChargeDay()).map { $0 + 86_400 } ?? 0)
    let start = since ?? end - 30 * 86_400
    let historyStart = start - Int64(anomalyRules.baselineDays) * 86_400
    let fields: [ChargeText] = [.billingCurrency, .providerName, .serviceName, .resourceId, .resourceName, .tags, .commitmentDiscountStatus]
    let (groups, dims) = try store.dailyGroups(from: historyStart, to: end, fields: fields)
    var resolved: [Int64: (model: String, requestType: String)] = [:]
    for (id, text) in dims {
      var g = ChargeGroup(currency: text[.billingCurrency] ?? "?", billedCost: 0, effectiveCost: 0)
      if let raw = text[.tags], let object = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any] { g.tags = object.mapValues { "\($0)" } }
      g.provider = text[.providerName]; g.service = text[.serviceName]; g.resourceId = text[.resourceId]
      let r = AttributionEngine.resolve(g, rules: rules)
      resolved[id] = (r.values[.model] ?? Owner.unallocated.description, AttributionEngine.requestTypeName(r.values[.requestType]))
    }
    var series: [String: DailySeries] = [:]
    func add(_ dimension: String, _ value: String, _ currency: String, _ day: Int64, _ cost: Int64, _ contributor: String) {
      let k = "\(dimension)|\(value)|\(currency)"
      if series[k] == nil { series[k] = DailySeries(dimension: dimension, value: value, currency: currency, days: [:]) }
      // In place: copying the series out and back would copy its dictionaries on every row.
      series[k]!.days[day, default: 0] += cost
      series[k]!.contributors[day, default: [:]][contributor, default: 0] += cost
    }
    for g in groups {
      let text = dims[g.dimsId] ?? [:]
      let cost = rules.basis == .amortised ? g.effectiveCost : g.billedCost
      let currency = text[.billingCurrency] ?? "?"
      let who = text[.resourceId] ?? text[.resourceName] ?? "(\(text[.serviceName] ?? "no service"))"
      let (model, requestType) = resolved[g.dimsId] ?? ("(unallocated)", "unspecified")
      add("model", model, currency, g.day, cost, who)
      add("request type", requestType, currency, g.day, cost, who)
      add("service", "\(text[.providerName] ?? "?") \(text[.serviceName] ?? "?")", currency, g.day, cost, who)
    }
    for u in try store.dailyUsageCosts(from: historyStart, to: end) {
      add("model", u.model ?? "(unallocated)", u.currency, u.day, u.cost, u.key.map { "api key \($0)" } ?? u.provider)
      add("service", "\(u.provider) API", u.currency, u.day, u.cost, u.key.map { "api key \($0)" } ?? u.provider)
    }
    var found = AnomalyDetector.run(series.values.sorted { ($0.dimension, $0.value, $0.currency) < ($1.dimension, $1.value, $1.currency) },
                                    from: start, to: end, rules: anomalyRules)
    // Cost per 1M tokens per model, watched the same way (a price or routing change shows there first);
    // only days with at least 100k tokens, and a floor of 0.01 per 1M instead of the $ floor.
    var rates: [DailySeries] = []
    var tokens: [String: [Int64: Int64]] = [:]
    for t in try store.dailyTokens(from: historyStart, to: end) { tokens[t.model, default: [:]][t.day, default: 0] += t.tokens }
    for s in series.values where s.dimension == "model" {
      guard let perDay = tokens[s.value] else { continue }
      var values: [Int64: Int64] = [:]
      for (day, n) in perDay where n >= 100_000 { values[day] = LargestRemainder.scale(s.days[day] ?? 0, 1_000_000, n) }
      if values.count >= 7 { rates.append(DailySeries(dimension: "cost per 1M tokens", value: s.value, currency: s.currency, days: values, missingIsZero: false)) }
    }
    var rateRules = anomalyRules
    rateRules.absolute = 10_000_000
    found += AnomalyDetector.run(rates.sorted { ($0.value, $0.currency) < ($1.value, $1.currency) }, from: start, to: end, rules: rateRules)
    func day(_ t: Int64) -> String { String(Timestamp.iso8601(t).prefix(10)) }
    return AnomalyReport(
      from: day(start), to: day(end), basis: rules.basis.rawValue,
      thresholds: ["baseline": "\(anomalyRules.baselineDays) days, same weekday when 3+ weeks", "relative": String(format: "%.0f%%", anomalyRules.relative * 100),
                   "absolute": ExactDecimal.format(nanos: anomalyRules.absolute), "robust z": String(format: "%.1f", anomalyRules.robustZ)],
      anomalies: found,
      seriesWatched: series.count + rates.count)
  }
}
