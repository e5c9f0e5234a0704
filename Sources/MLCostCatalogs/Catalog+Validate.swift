import Foundation
import MLCostCore

/// One problem found across the catalog files.
public struct CatalogIssue: Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var message: String
  public var description: String { "\(file):\(line): error: \(message)" }
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
  }

  /// The issues found so far, and the checks every file shares.
  struct IssueList {
    let now: Int64
    let maxAgeDays: Int?
    var issues: [CatalogIssue] = []

    mutating func issue(_ file: String, _ p: Provenance, _ message: String) { issues.append(CatalogIssue(file: file, line: p.line, message: message)) }

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
