import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// `AmazonEC2` from a legacy CUR and `Amazon Elastic Compute Cloud` from FOCUS were two rows of one service.
struct ServiceNamesTests {
  @Test func awsProductCodesBecomeTheirProductNames() {
    #expect(ServiceNames.canonical(provider: "AWS", service: "AmazonEC2") == "Amazon Elastic Compute Cloud")
    #expect(ServiceNames.canonical(provider: "Amazon Web Services", service: "AmazonSageMaker") == "Amazon SageMaker")
    #expect(ServiceNames.canonical(provider: "AWS", service: "Amazon Elastic Compute Cloud") == "Amazon Elastic Compute Cloud")
    // Other providers and unknown codes keep their spelling.
    #expect(ServiceNames.canonical(provider: "Microsoft", service: "AmazonEC2") == "AmazonEC2")
    #expect(ServiceNames.canonical(provider: "AWS", service: "AmazonNewThing") == "AmazonNewThing")
    #expect(ServiceNames.canonical(provider: "AWS", service: nil) == nil)
  }

  @Test func oneServiceIsOneRowWhateverTheSourceCalledIt() throws {
    let dir = Repo.temporaryDirectory()
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("s.db"))
    let csv = "BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingCurrency,ProviderName,"
      + "BillingAccountId,ResourceId,ServiceName\n"
      + "10.00,10.00,Usage,2026-10-01T00:00:00Z,2026-10-01T01:00:00Z,2026-10-01T00:00:00Z,USD,AWS,1,i-1,AmazonEC2\n"
      + "5.00,5.00,Usage,2026-10-02T00:00:00Z,2026-10-02T01:00:00Z,2026-10-01T00:00:00Z,USD,AWS,1,i-2,Amazon Elastic Compute Cloud\n"
    let path = (dir as NSString).appendingPathComponent("two.csv")
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    guard case .imported = try ws.importFile(path, options: ImportOptions()) else { Issue.record("not imported"); return }
    let report = try ws.monthlyReport(month: BillingMonth(year: 2026, month: 10), rules: .defaults)
    #expect(report.coverage.map { "\($0.provider)|\($0.service)" } == ["AWS|Amazon Elastic Compute Cloud"])
  }
}
