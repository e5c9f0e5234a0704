import Foundation
import MLCostCore

/// One problem found across the catalog files.
public struct CatalogIssue: Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var message: String
  /// A row that looks wrong but may be right (a price far from every other provider's for the same model): reported, not
  /// refused.
  public var warning = false
  public var description: String { "\(file):\(line): \(warning ? "warning" : "error"): \(message)" }
}

extension Catalog {
  /// Cross-file checks: names resolve, keys are unique, prices are positive and spot ≤ on-demand,
  /// committed ≤ on-demand, no date after `now`, every row sourced (enforced at load).
  /// With `maxAgeDays`, rows whose as_of is older than that are flagged as stale too.
  public func validate(now: Int64, maxAgeDays: Int? = nil) -> [CatalogIssue] {
    var list = IssueList(now: now, maxAgeDays: maxAgeDays)
    list.unique("gpus.csv", gpus, provenance: \.provenance) { g in Array(Set(([g.name] + g.aliases).map(catalogKey))).sorted() }
    list.unique("models.csv", models, provenance: \.provenance) { m in Array(Set(([m.name] + m.aliases).map(catalogKey))).sorted() }
    list.unique("instances.csv", instances, provenance: \.provenance) { ["\($0.provider)|\($0.region)|\($0.instanceType)".lowercased()] }
    list.unique("regions.csv", regions, provenance: \.provenance) { [Self.regionKey($0.provider, $0.region)] }
    list.unique("spot_risk.csv", spotRisk, provenance: \.provenance) { [Self.regionKey($0.provider, $0.region) + "|" + $0.instanceType.lowercased()] }
    for g in gpus { list.future("gpus.csv", g.provenance) }
    for m in models { list.future("models.csv", m.provenance) }
    for r in regions { list.future("regions.csv", r.provenance) }
    for r in spotRisk { list.future("spot_risk.csv", r.provenance) }
    instanceIssues(&list)
    for b in benchmarks {
      list.future("benchmarks.csv", b.provenance)
      if gpu(named: b.gpu) == nil { list.issue("benchmarks.csv", b.provenance, "unknown GPU '\(b.gpu)'") }
      if model(named: b.model) == nil { list.issue("benchmarks.csv", b.provenance, "unknown model '\(b.model)'") }
      if b.gpuCount <= 0 { list.issue("benchmarks.csv", b.provenance, "gpu_count must be positive") }
    }
    apiPriceIssues(&list)
    return list.issues.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
  }

  /// Known GPU and region, prices in order (spot and commitments at most on-demand), zones consistent.
  func instanceIssues(_ list: inout IssueList) {
    for o in instances {
      list.future("instances.csv", o.provenance)
      if gpu(named: o.gpu) == nil { list.issue("instances.csv", o.provenance, "unknown GPU '\(o.gpu)' (add it or an alias to gpus.csv)") }
      if region(provider: o.provider, region: o.region) == nil {
        list.issue("instances.csv", o.provenance, "unknown region \(o.provider) \(o.region) (add it to regions.csv)")
      }
      if let od = o.onDemandPerHour {
        if let s = o.spotPerHour, s > od { list.issue("instances.csv", o.provenance, "spot \(s) is above on-demand \(od)") }
        if let c = o.commit1yPerHour, c > od { list.issue("instances.csv", o.provenance, "1-year commitment \(c) is above on-demand \(od)") }
        if let c = o.commit3yPerHour, c > (o.commit1yPerHour ?? od) {
          list.issue("instances.csv", o.provenance, "3-year commitment \(c) is above the 1-year or on-demand rate")
        }
      } else if o.spotPerHour == nil && o.commit1yPerHour == nil && o.commit3yPerHour == nil {
        list.issue("instances.csv", o.provenance, "no price at all: drop the row")
      } else if o.spotPerHour != nil {
        list.issue("instances.csv", o.provenance, "a spot price without an on-demand price: spot cannot be judged against on-demand")
      }
      if o.zonesWithoutSpotDiscount > o.zones { list.issue("instances.csv", o.provenance, "zones_without_spot_discount exceeds zones") }
    }
  }

  /// Dates, one row per provider, model, zone and date, no zero or missing prices, known data zones.
  func apiPriceIssues(_ list: inout IssueList) {
    var seenPrices: Set<String> = []
    for (i, p) in apiPrices.prices.enumerated() {
      let prov = Provenance(source: p.source, asOf: p.asOf, line: i + 2, asOfSeconds: (try? Timestamp.parse(p.asOf)) ?? 0)
      if (try? Timestamp.parse(p.asOf)) == nil { list.issue("api_prices.csv", prov, "as_of '\(p.asOf)' is not a date") }
      list.future("api_prices.csv", prov)
      let key = "\(p.provider)|\(p.model)|\(p.dataZone)|\(p.effectiveFrom ?? 0)".lowercased()
      if !seenPrices.insert(key).inserted { list.issue("api_prices.csv", prov, "\(p.provider) \(p.model) is listed twice for the same date and data zone") }
      if p.inputPer1M?.isZero == true || p.outputPer1M?.isZero == true { list.issue("api_prices.csv", prov, "a zero price: leave it empty when unpriced") }
      if p.inputPer1M == nil && p.outputPer1M == nil { list.issue("api_prices.csv", prov, "neither an input nor an output price") }
      if let c = p.cachedInputPer1M, let i = p.inputPer1M, c > i { list.issue("api_prices.csv", prov, "cached input costs more than input") }
      if let d = p.batchDiscount, !(0..<1).contains(d) { list.issue("api_prices.csv", prov, "batch_discount is a fraction 0…1") }
      for z in p.dataZones where !Self.dataZoneNames.contains(z) && !z.contains("-") {
        list.issue("api_prices.csv", prov, "data_zone '\(z)' is neither a zone (\(Self.dataZoneNames.sorted().joined(separator: ", "))) nor a region id")
      }
    }
    outlierPrices(&list)
  }

  /// The same model across providers (its name without the host's prefix, region profile and packaging suffixes): an
  /// output price under a fifth or over five times the median of at least three providers is a placeholder, a unit
  /// slip or a mistake until someone checks it (a warning: the row is kept).
  func outlierPrices(_ list: inout IssueList) {
    for o in priceOutliers() {
      let p = apiPrices.prices[o.index]
      list.issue("api_prices.csv", Provenance(source: p.source, asOf: p.asOf, line: o.index + 2, asOfSeconds: 0), o.message, warning: true)
    }
  }

  /// API prices far from every other host's for the same model (`catalog validate` warns; the planner notes it on the
  /// option): the row's index in `apiPrices.prices` and what is wrong.
  public func priceOutliers() -> [(index: Int, message: String)] {
    var groups: [String: [(Int, APIPrice)]] = [:]
    for (i, p) in apiPrices.prices.enumerated() where p.outputPer1M != nil { groups[Self.peerKey(p.model), default: []].append((i, p)) }
    var out: [(index: Int, message: String)] = []
    for (key, rows) in groups.sorted(by: { $0.key < $1.key }) where Set(rows.map { $0.1.provider.lowercased() }).count >= 3 {
      let prices = rows.compactMap { Double($0.1.outputPer1M!.decimalString) }.sorted()
      let median = prices.count % 2 == 1 ? prices[prices.count / 2] : (prices[prices.count / 2 - 1] + prices[prices.count / 2]) / 2
      guard median > 0 else { continue }
      for (i, p) in rows {
        guard let o = Double(p.outputPer1M!.decimalString), o < median / 5 || o > median * 5 else { continue }
        out.append((i, "\(p.provider) \(p.model): output \(p.outputPer1M!.decimalString)/1M is \(o < median ? "under a fifth" : "over five times") of the median of \(rows.count) prices of \(key) (\(median)): check it"))
      }
    }
    return out.sorted { $0.index < $1.index }
  }

  /// A model's name as every host would share it: `meta-llama/Llama-3.3-70B-Instruct-Turbo` → `llama-3.3-70b`.
  static func peerKey(_ model: String) -> String {
    var m = model.lowercased().split(separator: "/").last.map(String.init) ?? model.lowercased()
    for prefix in ["us.", "eu.", "apac.", "global."] where m.hasPrefix(prefix) { m.removeFirst(prefix.count) }
    var changed = true
    while changed {
      changed = false
      for suffix in ["-instruct", "-turbo", "-versatile", "-fp8", "-hf", ":free", "-chat"] where m.hasSuffix(suffix) {
        m.removeLast(suffix.count); changed = true
      }
    }
    return m
  }

  /// The issues found so far, and the checks every file shares.
  struct IssueList {
    let now: Int64
    let maxAgeDays: Int?
    var issues: [CatalogIssue] = []

    mutating func issue(_ file: String, _ p: Provenance, _ message: String, warning: Bool = false) {
      issues.append(CatalogIssue(file: file, line: p.line, message: message, warning: warning))
    }

    /// No date in the future, and none older than `maxAgeDays` when given.
    mutating func future(_ file: String, _ p: Provenance) {
      if p.asOfSeconds > now { issue(file, p, "as_of \(p.asOf) is in the future") }
      if let days = maxAgeDays, p.asOfSeconds < now - Int64(days) * 86_400 {
        issue(file, p, "as_of \(p.asOf) is older than \(days) days: refresh it (docs/catalogs.md)")
      }
    }

    /// Every key defined once per file.
    mutating func unique<T>(_ file: String, _ rows: [T], provenance: (T) -> Provenance, keys: (T) -> [String]) {
      var seen: [String: Int] = [:]
      for r in rows {
        for k in keys(r) {
          if let first = seen[k] { issue(file, provenance(r), "'\(k)' is already defined on line \(first)") } else { seen[k] = provenance(r).line }
        }
      }
    }
  }

  /// The data zones api_prices.csv may name besides region ids.
  static let dataZoneNames: Set<String> = ["eu", "us", "apac", "jp", "au", "ca", "global", "us-gov"]
}
