import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// The planner's committed options at the user's own prices: the discount their commitments got off list price, with
/// the terms of their FOCUS Contract Commitment rows.
struct ContractPricingTests {
  static let ri = "arn:aws:ec2:us-east-1:555566667777:reserved-instances/p5-1yr"
  static let costAndUsage = """
    BilledCost,EffectiveCost,ListCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingCurrency,ProviderName,CommitmentDiscountId,CommitmentDiscountStatus,CommitmentDiscountType
    0.00,60.00,100.00,Usage,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,2026-10-01T00:00:00Z,USD,Amazon Web Services,\(ri),Used,Reserved Instance
    0.00,10.00,,Usage,2026-10-02T00:00:00Z,2026-10-03T00:00:00Z,2026-10-01T00:00:00Z,USD,Amazon Web Services,\(ri),Unused,Reserved Instance
    0.00,90.00,200.00,Usage,2026-10-02T00:00:00Z,2026-10-03T00:00:00Z,2026-10-01T00:00:00Z,USD,AWS,sp-compute-3yr-7f2a,Used,Savings Plan
    0.00,5.00,9.00,Usage,2026-10-02T00:00:00Z,2026-10-03T00:00:00Z,2026-10-01T00:00:00Z,USD,AWS,sp-only-in-charges,Used,Savings Plan

    """

  static func workspace() throws -> Workspace {
    let contracts = try String(contentsOfFile: Repo.path("Tests/Fixtures/focus-dataset/contract-commitment-1.3/input.csv"), encoding: .utf8)
    return try ReconcileTests.workspace([("cu.csv", costAndUsage), ("contracts.csv", contracts)]).0
  }

  @Test func theDiscountIsWhatTheCommitmentsGotOffListPerTerm() throws {
    let c = try Self.workspace().contractDiscounts(month: BillingMonth("2026-10")!)
    let aws = try #require(c.discounts["AWS"])
    #expect(abs((aws.oneYear ?? 0) - 0.40) < 1e-12 && abs((aws.threeYear ?? 0) - 0.55) < 1e-12)
    #expect(c.sources["aws"]?.contains("p5-1yr") == true && c.sources["aws"]?.contains("sp-compute-3yr-7f2a") == true)
    // A commitment only the charges name has no term: left out, and said.
    #expect(c.notes.contains { $0.contains("sp-only-in-charges") })
  }

  /// A scenario without commitment discounts gets the contracts' (over the catalog's published rates); one that states
  /// its own keeps them.
  @Test func committedOptionsUseTheContractsDiscount() throws {
    let dir = Repo.temporaryDirectory()
    var yaml = try String(contentsOfFile: Repo.path("examples/scenario.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "providers: [AWS, GCP, Azure, Lambda, RunPod]", with: "providers: [AWS]")
      .replacingOccurrences(of: "trials: 10000", with: "trials: 200")
    #expect(yaml.contains("providers: [AWS]") && yaml.contains("trials: 200"), "the example scenario changed: update this test")
    let own = (dir as NSString).appendingPathComponent("stated.yaml")
    try yaml.write(toFile: own, atomically: true, encoding: .utf8)
    yaml = yaml.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.contains("commitment_discounts") && !$0.contains("{1y:") }.joined(separator: "\n")
    let path = (dir as NSString).appendingPathComponent("scenario.yaml")
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    let contracts = try Self.workspace().contractDiscounts(month: BillingMonth("2026-10")!)
    let plan = try Workspace.plan(scenario: path, catalogs: Repo.path("catalogs"), at: BillingMonth("2026-10")!.start, top: 400, contracts: contracts)
    #expect(plan.notes.contains { $0.contains("AWS committed options are priced at your own commitments' discount") && $0.contains("1-year −40%") && $0.contains("3-year −55%") })
    let committed = plan.options.filter { $0.provider == "AWS" && $0.pricing == .oneYearOnDemand }
    #expect(!committed.isEmpty)
    #expect(committed.allSatisfy { o in o.notes.contains { $0.contains("1y rate = on-demand − 40% (your commitments in 2026-10") } }, "\(committed.first?.notes ?? [])")
    let stated = try Workspace.plan(scenario: own, catalogs: Repo.path("catalogs"), at: BillingMonth("2026-10")!.start, top: 400, contracts: contracts)
    #expect(stated.notes.contains { $0.contains("AWS: the scenario's commitment discounts are kept") })
    #expect(!stated.options.contains { o in o.notes.contains { $0.contains("your commitments") } })
  }
}
