import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// A FOCUS export billed in EUR and priced in USD: the same hours at the same USD price every day, then a day
/// when the euro is weaker. The whole anomaly is FX, from import to `mlcost anomalies`.
struct FXAnomalyTests {
  /// 100 h a day at USD 2.00 = USD 200, at 0.90 = EUR 180.00; on 2026-10-20 the rate is 1.50: EUR 300.00.
  static func export() -> String {
    var csv = "BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingCurrency,"
      + "PricingCurrency,PricingCurrencyEffectiveCost,ConsumedQuantity,ConsumedUnit,ProviderName,ServiceName,ResourceId,Tags\n"
    let start: Int64 = 1_788_220_800   // 2026-09-01
    for i in 0..<56 {
      let day = start + Int64(i) * 86_400
      let eur = Timestamp.iso8601(day).hasPrefix("2026-10-20") ? "300.00" : "180.00"
      let month = Timestamp.iso8601(BillingMonth(containing: day).start)
      csv += "\(eur),\(eur),Usage,\(Timestamp.iso8601(day)),\(Timestamp.iso8601(day + 86_400)),\(month),EUR,USD,200.00,100,Hours,Cloud,GPU VMs,vm-1,"
        + "\"{\"\"model\"\":\"\"llama-3.1-70b\"\"}\"\n"
    }
    return csv
  }

  @Test func aWeakerEuroIsAllFX() throws {
    let dir = Repo.temporaryDirectory()
    try Self.export().write(toFile: dir + "/eur.csv", atomically: true, encoding: .utf8)
    let imported = try Binary.run(["import", dir + "/eur.csv", "--db", dir + "/fx.db"])
    #expect(imported.status == 0, "\(imported.stderr)")
    let r = try Binary.run(["anomalies", "--db", dir + "/fx.db", "--since", "2026-10-01", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let report = try JSONDecoder().decode(AnomalyReport.self, from: Data(r.stdout.utf8))
    let a = try #require(report.anomalies.first)
    #expect(report.anomalies.count == 1 && a.currency == "EUR" && a.impact == "120")
    let e = try #require(a.explanation)
    #expect(e.fx == "120" && e.volume == .zero && e.mix == .zero && e.unitPrice == .zero)
  }
}

/// FOCUS 1.3 split-cost rows: each is attributed by its consumer's AllocatedTags, not by the shared cluster's Tags.
struct ProviderSplitTests {
  @Test func aSplitRowBelongsToItsConsumer() throws {
    let dir = Repo.temporaryDirectory()
    let imported = try Binary.run(["import", Repo.path("Tests/Fixtures/focus/v1.3-split-cost-allocation/input.csv"), "--db", dir + "/split.db"])
    #expect(imported.status == 0, "\(imported.stderr)")
    let r = try Binary.run(["report", "monthly", "--db", dir + "/split.db", "--month", "2026-10", "--format", "json", "--group-by", "model,team"])
    #expect(r.status == 0, "\(r.stderr)")
    let report = try JSONDecoder().decode(MonthlyReport.self, from: Data(r.stdout.utf8))
    let rows = try #require(report.slice?.groupings.first?.rows).map { ($0.values, $0.cost) }
    #expect(rows.map(\.0) == [["llama-3.1-70b", "assistant"], ["bge-large-en-v1.5", "platform"], ["(unallocated)", "platform"]])
    #expect(rows.map(\.1) == ["60", "40", "5"])
  }

  /// A pool that matches the shared cluster leaves the rows its provider already split alone (they are their consumers'),
  /// and drill-down names the provider's method as the rule; the row without readable AllocatedTags is pooled.
  @Test func aPoolDoesNotSplitAProviderSplitRowAgain() throws {
    let dir = Repo.temporaryDirectory()
    let rules = dir + "/rules.yaml"
    try """
      pools:
        - name: gpu cluster
          match: {resource_id: "arn:aws:eks:us-east-1:1:cluster/gpu"}
          split: even
          among: [llama-3.1-70b, bge-large-en-v1.5]
      """.write(toFile: rules, atomically: true, encoding: .utf8)
    _ = try Binary.run(["import", Repo.path("Tests/Fixtures/focus/v1.3-split-cost-allocation/input.csv"), "--db", dir + "/split.db"])
    let r = try Binary.run(["report", "owner", "llama-3.1-70b", "--db", dir + "/split.db", "--month", "2026-10", "--rules", rules, "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let report = try JSONDecoder().decode(MonthlyReport.self, from: Data(r.stdout.utf8))
    let byRule = try #require(report.slice?.groupings.first { $0.by == ["rule"] }).rows.map { ($0.values[0], $0.cost) }
    #expect(byRule.contains { $0.0 == "split by the provider ('split-by-gpu-hours')" && $0.1 == "60" }, "\(byRule)")
    #expect(byRule.contains { $0.0.hasPrefix("pool 'gpu cluster'") && $0.1 == "2.5" }, "\(byRule)")
  }
}
