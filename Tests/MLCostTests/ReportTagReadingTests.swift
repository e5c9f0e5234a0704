import Foundation
import MLCostAttribution
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// The report paths read each tag set once and apply virtual tags per charge. Idle once cached the model
/// per tag text, so a virtual tag that names a resource id gave its model to every resource sharing those
/// tags (or none, when the first resource read was another one).
struct ReportTagReadingTests {
  let dir = Repo.temporaryDirectory()
  var db: String { (dir as NSString).appendingPathComponent("tags.db") }

  static let rules = """
    virtual_tags:
      - name: the a endpoint
        match: {resource_id: "glob:*endpoint/ep-a"}
        set: {model: model-a}
    """

  /// Two SageMaker endpoints with the same tags (no model), billed 14 days; only `ep-a` is named by a virtual tag.
  func workspace() throws -> Workspace {
    let ws = try Workspace(databasePath: db, now: { Date(timeIntervalSince1970: 1_795_000_000) })
    var csv = "BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingCurrency,ProviderName,"
      + "BillingAccountId,ResourceId,ResourceType,Tags\n"
    for day in 1...14 {
      let d = day < 10 ? "0\(day)" : "\(day)"
      for ep in ["ep-b", "ep-a"] {
        csv += "120.00,120.00,Usage,2026-10-\(d)T00:00:00Z,2026-10-\(d)T23:00:00Z,2026-10-01T00:00:00Z,USD,AWS,acct,"
          + "arn:aws:sagemaker:eu-west-1:1:endpoint/\(ep),Endpoint,\"{\"\"team\"\":\"\"search\"\"}\"\n"
      }
    }
    let path = (dir as NSString).appendingPathComponent("two-endpoints.csv")
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    guard case .imported = try ws.importFile(path, options: ImportOptions()) else { throw CocoaError(.fileReadUnknown) }
    return ws
  }

  @Test func idleAppliesAVirtualTagToTheResourceItNamesOnly() throws {
    let ws = try workspace()
    let rules = try Rules.parse(yaml: Self.rules, file: "mlcost.yaml")
    let findings = try ws.idle(asOf: nil, windowDays: 14, rules: rules).findings
    let a = try #require(findings.first { $0.resourceId.hasSuffix("/ep-a") })
    let b = try #require(findings.first { $0.resourceId.hasSuffix("/ep-b") })
    #expect(a.model == "model-a")
    #expect(b.model == nil)
  }

  @Test func theMonthlyReportAndAnomaliesReadSharedTagsPerCharge() throws {
    let ws = try workspace()
    let rules = try Rules.parse(yaml: Self.rules, file: "mlcost.yaml")
    let report = try ws.monthlyReport(month: BillingMonth(year: 2026, month: 10), rules: rules)
    let owners = Dictionary(report.models.map { ($0.owner, $0.allocation) }, uniquingKeysWith: { a, _ in a })
    #expect(owners["model-a"] == "1680.00")
    #expect(owners["(unallocated)"] == "1680.00")
    let anomalies = try ws.anomalies(since: nil, rules: rules)
    #expect(anomalies.seriesWatched >= 2)
  }
}
