import Foundation
import MLCostCatalogs
import MLCostCore
@testable import MLCostPlanner
import MLCostTestSupport
import Testing

/// What running a model yourself costs whatever the volume, and the replicas production needs: they were
/// missing, so self-hosting "won" at 2–6× below the volume teams see in practice.
struct FixedCostTests {
  static let base = "traffic: {daily_requests: 100000}\ntokens: {input: 1000, output: 200}\napi: {provider: OpenAI, model: gpt-4.1-mini}\n"

  @Test func fixedCostsParseAsANumberOrNamedParts() throws {
    let named = try Scenario.parse(yaml: Self.base + "self_host: {models: [Llama-3.1-8B], fixed_monthly_usd: {engineering: 4000, monitoring: 300.5}}\n",
                                   file: "s.yaml")
    #expect(named.selfHost.fixedMonthly == [.init(name: "engineering", usd: 4000), .init(name: "monitoring", usd: 300.5)])
    #expect(named.selfHost.fixedMonthlyTotal == 4300.5)
    let one = try Scenario.parse(yaml: Self.base + "self_host: {models: [Llama-3.1-8B], fixed_monthly_usd: 2500}\n", file: "s.yaml")
    #expect(one.selfHost.fixedMonthly == [.init(name: "fixed", usd: 2500)])
    #expect(throws: ScenarioError.self) {
      try Scenario.parse(yaml: Self.base + "self_host: {models: [Llama-3.1-8B], fixed_monthly_usd: {ops: -1}}\n", file: "s.yaml")
    }
    // Production by default: two replicas at every hour.
    #expect(one.selfHost.minReplicas == 2)
  }

  @Test func aFixedCostRaisesEverySelfHostedOptionByItAndMovesTheBreakEvenUp() throws {
    var w = PlannerTests.workload(daily: 200_000)
    w.selfHost.models = ["Llama-3.1-8B"]
    let planner = Planner(catalog: PlannerTests.slice, efficiency: PlannerTests.efficiency,
                          calibration: PlanCalibration(benchmarkRows: 0, medianAbsPercentError: nil, worstAbsPercentError: nil))
    let without = try planner.plan(w, at: PlannerTests.time)
    w.selfHost.fixedMonthly = [.init(name: "engineering", usd: 5000)]
    let with = try planner.plan(w, at: PlannerTests.time)
    var compared = 0
    for o in with.options where o.kind == .selfHosted {
      guard let before = without.options.first(where: { $0.id == o.id }) else { continue }
      #expect(abs(o.monthlyCost - before.monthlyCost - 5000) < 0.01, "\(o.id)")
      #expect(o.notes.contains { $0.hasPrefix("includes $5,000.00 a month fixed: engineering $5,000.00") })
      compared += 1
    }
    #expect(compared > 0)
    // The crossing needs more volume once the fixed cost is counted.
    let a = try #require(without.breakEven.monthlyTokens), b = try #require(with.breakEven.monthlyTokens)
    #expect(b > a)
    #expect(with.recommendation?.reasons.contains { $0.contains("carries $5,000.00 a month fixed (engineering $5,000.00)") } == true)
  }

  @Test func oneReplicaIsCalledOutAsNoRedundancy() throws {
    var w = PlannerTests.workload()
    w.selfHost.minReplicas = 1
    let planner = Planner(catalog: PlannerTests.slice, efficiency: PlannerTests.efficiency,
                          calibration: PlanCalibration(benchmarkRows: 0, medianAbsPercentError: nil, worstAbsPercentError: nil))
    let plan = try planner.plan(w, at: PlannerTests.time)
    #expect(plan.recommendation?.reasons.contains { $0.contains("no redundancy: one failure is an outage") } == true)
  }
}
