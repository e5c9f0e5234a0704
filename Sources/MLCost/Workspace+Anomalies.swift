import Foundation
import MLCostAttribution
import MLCostCatalogs
import MLCostCore
import MLCostReports
import MLCostStore

extension Workspace {
  /// Daily cost per model, request type and service (charges + stated API costs) from `since` to the last
  /// charge day, each against its trailing robust baseline.
  public func anomalies(since: Int64?, until: Int64? = nil, rules: Rules) throws -> AnomalyReport {
    let anomalyRules = rules.anomalies
    let end = try until ?? ((try store.lastChargeDay()).map { $0 + 86_400 } ?? 0)
    let start = since ?? end - 30 * 86_400
    // The baseline window, or three months back for the same day of each month, whichever is longer.
    let historyStart = start - Int64(max(anomalyRules.baselineDays, 92)) * 86_400
    let (set, lines, infos) = try costSeries(from: historyStart, to: end, rules: rules)
    let series = set.list
    // Found without per-day contributors (the costly part of the series); each anomaly then reads its own lines.
    var found = AnomalyDetector.run(series.sorted { ($0.dimension, $0.value, $0.currency) < ($1.dimension, $1.value, $1.currency) },
                                    from: start, to: end, rules: anomalyRules).map { explained($0, set: set, lines: lines, infos: infos) }
    // Cost per 1M tokens per model, watched the same way (a price or routing change shows there first);
    // a floor of 0.01 per 1M instead of the $ floor.
    let rates = try rateSeries(series, from: historyStart, to: end)
    var rateRules = anomalyRules
    rateRules.absolute = Amount(nanos: 10_000_000)
    found += AnomalyDetector.run(rates.sorted { ($0.value, $0.currency) < ($1.value, $1.currency) }, from: start, to: end, rules: rateRules)
    var muted: [MutedAnomaly] = []
    found = AnomalyDetector.oneEachEvent(found).filter { a in
      guard let startDay = try? Self.parseDay(a.start) else { return true }
      let names = [(a.dimension, a.value)] + a.alsoSeenAs.compactMap { n in
        ["model", "request type", "service"].first { n.hasPrefix($0 + " ") }.map { ($0, String(n.dropFirst($0.count + 1))) }
      }
      guard let mute = rules.mutes.first(where: { m in names.contains { m.covers(dimension: $0.0, value: $0.1, start: startDay) } }) else { return true }
      muted.append(MutedAnomaly(anomaly: a, reason: mute.reason))
      return false
    }
    func day(_ t: Int64) -> String { String(Timestamp.iso8601(t).prefix(10)) }
    return AnomalyReport(
      from: day(start), to: day(end), basis: rules.basis,
      thresholds: ["baseline": "\(anomalyRules.baselineDays) days, same weekday when 3+ weeks; same day of the month when 2+ months", "relative": String(format: "%.0f%%", anomalyRules.relative * 100),
                   "absolute": anomalyRules.absolute.decimalString, "robust z": String(format: "%.1f", anomalyRules.robustZ)],
      anomalies: found,
      seriesWatched: series.count + rates.count, muted: muted)
  }

  /// The anomaly with its top contributors and its explanation, from the lines of its series over its days and the
  /// 28 days before.
  private func explained(_ a: Anomaly, set: SeriesSet, lines: [Line], infos: [LineInfo]) -> Anomaly {
    guard let i = set.index[.init(dimension: a.dimension, value: a.value, currency: a.currency)],
          let first = try? Self.parseDay(a.start), let last = try? Self.parseDay(a.end) else { return a }
    var s = set.list[i]
    var contributors: [String: Amount] = [:]
    for l in lines where l.day >= first - 28 * 86_400 && l.day <= last && l.adds(to: i) {
      let info = infos[Int(l.info)]
      s.lines[l.day, default: [:]][info.key, default: LineDay(cost: .zero, unit: info.unit)].cost += l.cost
      s.lines[l.day]![info.key]!.quantity += l.quantity
      s.lines[l.day]![info.key]!.inPricingCurrency += l.inPricingCurrency
      if l.day >= first { contributors[info.who, default: .zero] += l.cost }
    }
    var out = a
    let top = contributors.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
    out.topContributors = Dictionary(uniqueKeysWithValues: top.map { ($0.key, $0.value) })
    out.explanation = AnomalyExplainer.explain(s, days: (0...Int((last - first) / 86_400)).map { first + Int64($0) * 86_400 }, expected: a.expected)
    return out
  }

  /// One line of a day (a resource × SKU, or an API key × model) and the series it adds to (-1: none); its
  /// text is in a table, so a line is plain values (no allocation, no reference counting per line).
  struct Line {
    var day: Int64
    var s0: Int32, s1: Int32, s2: Int32
    var info: Int32
    var cost: Amount
    var quantity: Double
    var inPricingCurrency: Double = 0
    func adds(to i: Int) -> Bool { Int(s0) == i || Int(s1) == i || Int(s2) == i }
  }

  /// Who a line is (resource or API key), the line's key and its unit.
  struct LineInfo {
    var who: String
    var key: String
    var unit: String
  }

  /// Series in an array, found by key: each daily group adds to three of them in place.
  private struct SeriesSet {
    struct Key: Hashable { var dimension: String, value: String, currency: Currency }
    var index: [Key: Int] = [:]
    var list: [DailySeries] = []
    mutating func at(_ dimension: String, _ value: String, _ currency: Currency) -> Int {
      let k = Key(dimension: dimension, value: value, currency: currency)
      if let i = index[k] { return i }
      index[k] = list.count
      list.append(DailySeries(dimension: dimension, value: value, currency: currency, days: [:]))
      return list.count - 1
    }
    mutating func add(_ i: Int, _ day: Int64, _ cost: Amount) { list[i].days[day, default: .zero] += cost }
  }

  /// Daily cost per model, request type and service (charges + stated API costs), with who contributed.
  private func costSeries(from historyStart: Int64, to end: Int64, rules: Rules) throws -> (SeriesSet, [Line], [LineInfo]) {
    let fields: [ChargeText] = [.billingCurrency, .providerName, .serviceName, .resourceId, .resourceName, .tags, .commitmentDiscountStatus,
                                .skuId, .consumedUnit]
    let (groups, dims) = try store.dailyGroups(from: historyStart, to: end, fields: fields)
    var set = SeriesSet()
    // Per dimension combination, once: its three series and who it is. Tag sets are read once each.
    var readings = TagReadings(rules: rules)
    var perDims: [Int64: (series: (Int, Int, Int), info: Int32)] = [:]
    var infos: [LineInfo] = []
    for (id, text) in dims {
      var g = ChargeGroup(currency: Currency(text[.billingCurrency] ?? "?"), billedCost: .zero, effectiveCost: .zero)
      g.provider = text[.providerName]; g.service = ServiceNames.canonical(provider: text[.providerName], service: text[.serviceName])
      g.resourceId = text[.resourceId]
      let reading = readings.reading(text[.tags])
      let r = AttributionEngine.resolve(g, reading: reading, rules: rules)
      let model = r.values[.model] ?? Owner.unallocated.description, requestType = AttributionEngine.requestTypeName(r.values[.requestType])
      let currency = g.currency
      let who = text[.resourceId] ?? text[.resourceName] ?? "(\(text[.serviceName] ?? "no service"))"
      perDims[id] = ((set.at("model", model, currency), set.at("request type", requestType, currency),
                      set.at("service", "\(text[.providerName] ?? "?") \(g.service ?? "?")", currency)), Int32(infos.count))
      infos.append(LineInfo(who: who, key: who + " · " + (text[.skuId] ?? "no SKU"), unit: text[.consumedUnit] ?? ""))
    }
    var lines: [Line] = []
    lines.reserveCapacity(groups.count)
    for g in groups {
      guard let d = perDims[g.dimsId] else { continue }
      let cost = rules.basis == .amortised ? g.effectiveCost : g.billedCost
      for i in [d.series.0, d.series.1, d.series.2] { set.add(i, g.day, cost) }
      lines.append(Line(day: g.day, s0: Int32(d.series.0), s1: Int32(d.series.1), s2: Int32(d.series.2), info: d.info, cost: cost,
                        quantity: g.consumedQuantity ?? 0, inPricingCurrency: g.inPricingCurrency?.approximateDouble ?? 0))
    }
    for u in try store.dailyUsageCosts(from: historyStart, to: end) {
      let who = u.key.map { "api key \($0)" } ?? u.provider
      let model = set.at("model", u.model ?? "(unallocated)", Currency(u.currency)), service = set.at("service", "\(u.provider) API", Currency(u.currency))
      set.add(model, u.day, u.cost)
      set.add(service, u.day, u.cost)
      infos.append(LineInfo(who: who, key: "\(who) · \(u.model ?? "no model")", unit: "Tokens"))
      lines.append(Line(day: u.day, s0: Int32(model), s1: Int32(service), s2: -1, info: Int32(infos.count - 1), cost: u.cost,
                        quantity: Double(u.tokens)))
    }
    return (set, lines, infos)
  }

  /// Cost per 1M tokens per model and day, on days with at least 100k tokens (7 such days at least).
  private func rateSeries(_ series: [DailySeries], from historyStart: Int64, to end: Int64) throws -> [DailySeries] {
    var rates: [DailySeries] = []
    var tokens: [String: [Int64: Int64]] = [:]
    for t in try store.dailyTokens(from: historyStart, to: end) { tokens[t.model, default: [:]][t.day, default: 0] += t.tokens }
    for s in series where s.dimension == "model" {
      guard let perDay = tokens[s.value] else { continue }
      var values: [Int64: Amount] = [:]
      for (day, n) in perDay where n >= 100_000 { values[day] = LargestRemainder.scale(s.days[day] ?? .zero, 1_000_000, n) }
      if values.count >= 7 { rates.append(DailySeries(dimension: "cost per 1M tokens", value: s.value, currency: s.currency, days: values, missingIsZero: false)) }
    }
    return rates
  }
}
