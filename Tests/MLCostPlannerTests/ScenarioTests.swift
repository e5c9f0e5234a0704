import Foundation
import MLCostPlanner
import MLCostTestSupport
import Testing

struct ScenarioTests {
  @Test func theExampleScenarioParses() throws {
    let w = try Scenario.parse(yaml: String(contentsOfFile: Repo.path("examples/scenario.yaml"), encoding: .utf8), file: "scenario.yaml")
    #expect(w.hourlyRequests.count == 168 && abs(w.hourlyRequests.reduce(0, +) - 1_500_000 * 7) < 1e-3)
    #expect(w.cachedInputTokens == 400 && w.tpotMs == 50 && w.api.first?.model == "gpt-4.1-mini")
    #expect(w.pricing.commitmentDiscounts["GCP"]?.threeYear == 0.55 && w.availability.trials == 10_000)
  }

  func error(_ yaml: String) -> String {
    do { _ = try Scenario.parse(yaml: yaml, file: "s.yaml"); return "parsed" } catch { return "\(error)" }
  }

  @Test func mistakesNameTheirLineAndColumn() {
    let base = "traffic: {daily_requests: 100}\ntokens: {input: 10, output: 5}\nself_host: {models: [Llama-3.1-8B]}\n"
    #expect(error(base + "latency: {tpot: 50}\n") == "s.yaml:4:11: error: unknown key 'tpot' in latency; allowed: ttft_ms, tpot_ms")
    #expect(error("traffic: {hourly: [1, 2, 3]}\ntokens: {input: 10, output: 5}\nself_host: {models: [x]}\n")
            == "s.yaml:1:19: error: traffic.hourly has 3 values; a week has 168")
    #expect(error(base.replacingOccurrences(of: "output: 5", with: "output: five")) == "s.yaml:2:29: error: tokens.output must be a number")
    #expect(error(base + "traffic2: 1\n").hasPrefix("s.yaml:4:1: error: unknown key 'traffic2'"))
  }

  /// `self_host.engine` names the serving engine as people write it; the planner keys its speed factors by the family.
  @Test func theServingEngineIsNamedAsPublished() throws {
    let base = "traffic: {daily_requests: 100}\ntokens: {input: 10, output: 5}\n"
    let w = try Scenario.parse(yaml: base + "self_host: {models: [Llama-3.1-8B], engine: vLLM 0.6.3}\n", file: "s.yaml")
    #expect(w.selfHost.engine == "vllm")
    #expect(try Scenario.parse(yaml: base + "self_host: {models: [Llama-3.1-8B]}\n", file: "s.yaml").selfHost.engine == nil)
    #expect(error(base + "self_host: {models: [Llama-3.1-8B], engine: ' '}\n").hasPrefix("s.yaml:3:"))
  }
}
