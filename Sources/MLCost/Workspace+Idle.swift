import Foundation
import MLCostAttribution
import MLCostCatalogs
import MLCostCore
import MLCostReports
import MLCostStore

extension Workspace {
  /// Idle, under-used, orphaned and unknown endpoints over `[asOf − window, asOf)` (asOf defaults to the day
  /// after the last charge).
  public func idle(asOf: Int64?, windowDays: Int?, rules: Rules) throws -> IdleReport {
    var idleRules = rules.idle
    if let windowDays { idleRules.windowDays = windowDays }
    let end = try asOf ?? ((try store.lastChargeDay()).map { $0 + 86_400 } ?? 0)
    let start = end - Int64(idleRules.windowDays) * 86_400
    var readings = TagReadings(rules: rules)
    func billed(_ windows: [StoredResourceWindow]) -> [BilledResource] {
      windows.map { w in
        var r = BilledResource(resourceId: w.resourceId, currency: Currency(w.currency),
                               cost: rules.basis == .amortised ? w.effectiveCost : w.billedCost, daysBilled: w.days.count)
        r.resourceName = w.text[.resourceName]; r.resourceType = w.text[.resourceType]; r.provider = w.text[.providerName]
        r.service = ServiceNames.canonical(provider: w.text[.providerName], service: w.text[.serviceName]); r.instanceType = w.text[.instanceType]; r.gpuModel = w.text[.gpuModel]
        r.serviceCategory = w.text[.serviceCategory]
        // Tag sets are read once each; virtual tags match per resource (they may name its id, service or type).
        let reading = readings.reading(w.text[.tags])
        var g = ChargeGroup(currency: r.currency, billedCost: .zero, effectiveCost: .zero)
        g.resourceId = w.resourceId; g.resourceName = r.resourceName; g.resourceType = r.resourceType; g.provider = r.provider
        g.service = r.service; g.serviceCategory = r.serviceCategory; g.instanceType = r.instanceType; g.gpuModel = r.gpuModel
        r.model = AttributionEngine.resolve(g, reading: reading, rules: rules).values[.model]
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
    var totals: [String: Amount] = [:]
    for f in findings { if let w = f.monthlyWaste { totals[f.currency.code, default: .zero] += w } }
    func day(_ t: Int64) -> String { String(Timestamp.iso8601(t).prefix(10)) }
    return IdleReport(
      from: day(start), to: day(end), basis: rules.basis,
      thresholds: ["window": "\(idleRules.windowDays) days", "min cost": idleRules.minCost.decimalString,
                   "GPU utilisation below": String(format: "%.0f%%", idleRules.gpuBelowPercent), "orphaned after": "\(idleRules.orphanDays) days",
                   "rules": rules.source],
      findings: findings,
      totalMonthlyWaste: totals,
      notes: ["Metrics are matched to a bill's resource by its id, the id's last path part, then its name; the dimensions of each series are in the evidence.",
              "An endpoint without metrics is unknown, never idle; under-used is tested on the window's highest GPU utilisation, so it errs towards not reporting.",
              "Monthly figures are the window's cost per billed day × 30."])
  }
}
