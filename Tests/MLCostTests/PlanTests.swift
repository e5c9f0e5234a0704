import Foundation
import MLCost
import MLCostTestSupport
import Testing

/// The example scenario end to end, in every format: the committed files under reports/plan/ are goldens.
struct PlanTests {
  static let time: Int64 = 1_795_000_000   // 2026-11-18

  @Test func theExampleScenarioPlanIsTheGolden() throws {
    let plan = try Workspace.plan(scenario: Repo.path("examples/scenario.yaml"), catalogs: Repo.path("catalogs"), at: Self.time)
    assertSnapshot(PlanRenderer.table(plan), at: Repo.path("reports/plan/example.txt"))
    assertSnapshot(PlanRenderer.markdown(plan), at: Repo.path("reports/plan/example.md"))
    assertSnapshot(try PlanRenderer.json(plan), at: Repo.path("reports/plan/example.json"))
    let html = PlanRenderer.html(plan)
    assertSnapshot(html, at: Repo.path("reports/plan/example.html"))
    #expect(html.contains("<svg") && html.contains("chart-break-even") && !html.contains("<script"))
    // The API used today is priced exactly: 45.625M requests × 760 µ$.
    let openai = try #require(plan.options.first { $0.provider == "OpenAI" })
    #expect(abs(openai.monthlyCost - 34_675) < 1e-6)
  }

  @Test func throughputJSONFromTheBinaryAndItsRefusal() throws {
    let ok = try Binary.run(["throughput", "--model", "llama-3.1-8b", "--gpu", "h100-sxm-80gb", "--gpus", "8", "--precision", "fp8",
                             "--input-tokens", "1000", "--output-tokens", "1000", "--format", "json", "--catalogs", Repo.path("catalogs")])
    let object = try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as! [String: Any]
    #expect(object["layout"] as? String == "8 × TP1" && (object["outputTokensPerSecond"] as? Double ?? 0) > 0)
    let refused = try Binary.run(["throughput", "--model", "Llama-3.1-405B", "--gpu", "T4", "--catalogs", Repo.path("catalogs")])
    #expect(refused.status == 65 && refused.stderr.contains("does not fit on 1 × T4"))
  }

  /// FP8 needs FP8 tensor cores and FP4 a Blackwell-class GPU: anything else is refused, naming the GPUs that can.
  @Test(arguments: [("A100", "fp8", "H100 SXM"), ("T4", "fp8", "L40S"), ("A10G", "fp4", "B200"), ("H100", "fp4", "B200")])
  func aPrecisionTheHardwareLacksIsRefused(gpu: String, precision: String, names: String) throws {
    let r = try Binary.run(["throughput", "--model", "llama-3.1-8b", "--gpu", gpu, "--precision", precision, "--catalogs", Repo.path("catalogs")])
    #expect(r.status == 65, "\(r.stderr)")
    #expect(r.stderr.contains("no native \(precision.uppercased())") && r.stderr.contains(names), "\(r.stderr)")
  }

  /// Out-of-range numbers are usage errors (64), never a trap.
  @Test(arguments: [["throughput", "--model", "llama-3.1-8b", "--gpu", "H100", "--gpus", "9223372036854775807"],
                    ["plan", "examples/scenario.yaml", "--top", "9223372036854775807"],
                    ["idle", "--window", "999999999999999d"]])
  func hugeNumbersOnTheCommandLineAreUsageErrors(_ arguments: [String]) throws {
    let r = try Binary.run(arguments.map { $0 == "examples/scenario.yaml" ? Repo.path($0) : $0 } + ["--db", Repo.temporaryDirectory() + "/none.db"].suffix(arguments[0] == "idle" ? 2 : 0))
    #expect(r.status == 64, "\(r.stderr)")
  }

  @Test func aBadScenarioIsExitCode65WithItsLine() throws {
    let dir = Repo.temporaryDirectory()
    let file = (dir as NSString).appendingPathComponent("bad.yaml")
    try "traffic: {daily_requests: 10}\ntokens: {input: 1, output: 1}\nself_host: {models: [Llama-9]}\n".write(toFile: file, atomically: true, encoding: .utf8)
    let r = try Binary.run(["plan", file, "--catalogs", Repo.path("catalogs")])
    #expect(r.status == 65 && r.stderr.contains("unknown model 'Llama-9'"))
  }
}
