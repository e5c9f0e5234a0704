import Foundation
import MLCostCatalogs
import MLCostCore
@testable import MLCostPlanner
import MLCostTestSupport
import Testing

/// The hosted-API side of a plan: the reference is the API the team pays today (provider *and* model),
/// the same model's cheapest host is named, and EU residency filters APIs as it filters GPU regions.
struct APIComparisonTests {
  static func price(_ provider: String, _ model: String, _ input: String, _ output: String, zone: String = "") -> APIPrice {
    APIPrice(provider: provider, model: model, inputPer1M: try! ExactDecimal.parse(input), cachedInputPer1M: nil, cacheWritePer1M: nil,
             outputPer1M: try! ExactDecimal.parse(output), batchDiscount: nil, effectiveFrom: nil, effectiveTo: nil, source: "test", asOf: "2026-11-01",
             dataZone: zone)
  }

  /// One host with an 8B and a 70B price; a cheaper 70B host; an EU-zone 70B host; OpenAI with no zone.
  static let catalog: Catalog = {
    var c = PlannerTests.slice
    c.apiPrices = APIPriceBook([
      price("DeepInfra", "meta-llama/Meta-Llama-3.1-8B-Instruct", "0.03", "0.05"),
      price("DeepInfra", "meta-llama/Meta-Llama-3.1-70B-Instruct", "0.35", "0.40"),
      price("Together", "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo", "0.88", "0.88"),
      price("Groq", "llama-3.1-70b-versatile", "0.59", "0.79"),
      price("Amazon Bedrock", "meta.llama3-1-70b-instruct-v1:0", "0.99", "0.99", zone: "eu-west-1"),
      price("OpenAI", "gpt-4.1-mini", "0.4", "1.6"),
    ])
    return c
  }()

  func planner() -> Planner { Planner(catalog: Self.catalog, efficiency: PlannerTests.efficiency,
                                      calibration: PlanCalibration(benchmarkRows: 0, medianAbsPercentError: nil, worstAbsPercentError: nil)) }

  static func workload(api: [Workload.APIChoice], models: [String] = ["Llama-3.1-70B"], residency: String = "any") -> Workload {
    var w = PlannerTests.workload()
    w.api = api
    w.selfHost.models = models
    w.selfHost.includeOpenModelAPIs = true
    w.selfHost.residency = residency
    return w
  }

  @Test func theReferenceIsTheModelTheTeamPaysForNotTheHostsCheapest() throws {
    // Paying Together for the 70B: neither DeepInfra's cheap 8B nor its 70B (another host) is the reference; Together's 70B is.
    var w = Self.workload(api: [.init(provider: "Together", model: "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo")],
                          models: ["Llama-3.1-8B", "Llama-3.1-70B"])
    let plan = try planner().plan(w, at: PlannerTests.time)
    let reference = try #require(plan.options.first { $0.id == plan.breakEven.apiOptionId })
    #expect(reference.provider == "Together" && reference.model.contains("70B"))
    // A host offering both sizes: paying for its 70B compares with its 70B, not its 8B.
    w.api = [.init(provider: "DeepInfra", model: "meta-llama/Meta-Llama-3.1-70B-Instruct")]
    let deepinfra = try planner().plan(w, at: PlannerTests.time)
    let ref = try #require(deepinfra.options.first { $0.id == deepinfra.breakEven.apiOptionId })
    #expect(ref.provider == "DeepInfra" && ref.model.contains("70B"))
  }

  @Test func theSameModelsCheapestHostIsNamed() throws {
    let w = Self.workload(api: [.init(provider: "Together", model: "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo")])
    let plan = try planner().plan(w, at: PlannerTests.time)
    let reasons = try #require(plan.recommendation).reasons.joined(separator: "\n")
    #expect(reasons.contains("The same model for less: DeepInfra meta-llama/Meta-Llama-3.1-70B-Instruct"))
  }

  /// A junk price (a 70B at 0.01/1M where other hosts ask 0.40–0.88) is not silently the cheapest host: its option says to
  /// check it.
  @Test func aPriceFarFromOtherHostsIsMarkedOnItsOption() throws {
    var c = Self.catalog
    c.apiPrices = APIPriceBook(c.apiPrices.prices + [Self.price("JunkHost", "meta-llama/Meta-Llama-3.1-70B-Instruct", "0.01", "0.01")])
    let p = Planner(catalog: c, efficiency: PlannerTests.efficiency, calibration: PlanCalibration(benchmarkRows: 0, medianAbsPercentError: nil, worstAbsPercentError: nil))
    let plan = try p.plan(Self.workload(api: [.init(provider: "Together", model: "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo")]), at: PlannerTests.time)
    let junk = try #require(plan.options.first { $0.provider == "JunkHost" })
    #expect(junk.notes.contains { $0.hasPrefix("price to check: JunkHost") && $0.contains("under a fifth of the median") }, "\(junk.notes)")
    #expect(!plan.options.filter { $0.provider == "Together" }.contains { o in o.notes.contains { $0.hasPrefix("price to check") } })
  }

  @Test func euResidencyKeepsOnlyAPIsThatProcessDataInTheEU() throws {
    let w = Self.workload(api: [.init(provider: "OpenAI", model: "gpt-4.1-mini")], residency: "eu")
    let plan = try planner().plan(w, at: PlannerTests.time)
    let apis = plan.options.filter { $0.kind == .api }
    // Bedrock in eu-west-1 stays; DeepInfra, Together and Groq state no EU processing and are left out, with a note.
    #expect(apis.contains { $0.provider == "Amazon Bedrock" && $0.meetsTargets && $0.region == "eu-west-1" })
    #expect(!apis.contains { ["DeepInfra", "Together", "Groq"].contains($0.provider) })
    #expect(plan.notes.contains { $0.hasPrefix("EU residency: 3 hosted API offer(s)") && $0.contains("Groq (does not state where it processes data) × 1") })
    // The team's own API is listed for comparison, never recommended: it does not meet the constraint.
    let own = try #require(apis.first { $0.provider == "OpenAI" })
    #expect(!own.meetsTargets && own.notes.contains { $0.hasPrefix("not EU/EEA") })
    #expect(plan.recommendation?.optionId != own.id)
    #expect(plan.breakEven.apiOptionId == own.id)
    // Without the constraint every host is an option.
    let any = try planner().plan(Self.workload(api: [.init(provider: "OpenAI", model: "gpt-4.1-mini")]), at: PlannerTests.time)
    #expect(Set(any.options.filter { $0.kind == .api }.map(\.provider)) == ["OpenAI", "DeepInfra", "Together", "Groq", "Amazon Bedrock"])
  }

  @Test func anEUZonePriceOfTheTeamsOwnAPIIsUsedUnderEUResidency() throws {
    var c = Self.catalog
    c.apiPrices = APIPriceBook(c.apiPrices.prices + [Self.price("OpenAI", "gpt-4.1-mini", "0.44", "1.76", zone: "eu")])
    let p = Planner(catalog: c, efficiency: PlannerTests.efficiency, calibration: PlanCalibration(benchmarkRows: 0, medianAbsPercentError: nil, worstAbsPercentError: nil))
    let plan = try p.plan(Self.workload(api: [.init(provider: "OpenAI", model: "gpt-4.1-mini")], residency: "eu"), at: PlannerTests.time)
    let own = try #require(plan.options.first { $0.provider == "OpenAI" })
    #expect(own.region == "eu" && own.meetsTargets)
    // Usage pricing (no zone named) takes the zone-less row.
    #expect(c.apiPrices.price(provider: "OpenAI", model: "gpt-4.1-mini", at: 0)?.dataZone == "")
  }

  @Test func litellmKeysTellWhereAnAPIProcessesData() {
    #expect(LiteLLMConverter.dataZone("eu.anthropic.claude-sonnet-4-5-20250929-v1:0") == ("eu", "anthropic.claude-sonnet-4-5-20250929-v1:0"))
    #expect(LiteLLMConverter.dataZone("eu-north-1/deepseek.v3.2") == ("eu-north-1", "deepseek.v3.2"))
    #expect(LiteLLMConverter.dataZone("us-gov-west-1/anthropic.claude-3") == ("us-gov-west-1", "anthropic.claude-3"))
    #expect(LiteLLMConverter.dataZone("eu/gpt-4o") == ("eu", "gpt-4o"))
    #expect(LiteLLMConverter.dataZone("meta-llama/Llama-3.3-70B") == ("", "meta-llama/Llama-3.3-70B"))
    #expect(LiteLLMConverter.dataZone("gpt-4.1") == ("", "gpt-4.1"))
    let json = """
      {"azure/eu/gpt-4o": {"litellm_provider": "azure", "mode": "chat", "input_cost_per_token": 2.75e-06, "output_cost_per_token": 1.1e-05},
       "azure/gpt-4o": {"litellm_provider": "azure", "mode": "chat", "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05},
       "bedrock/eu-central-1/1-month-commitment/anthropic.claude-instant-v1": {"litellm_provider": "bedrock", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 1e-06},
       "vertex_ai/deepseek-ai/deepseek-v3.2-maas": {"litellm_provider": "vertex_ai-deepseek_models", "mode": "chat", "input_cost_per_token": 5.6e-07,
         "output_cost_per_token": 1.68e-06, "supported_regions": ["global", "europe-west4"]}}
      """
    let (rows, summary) = try! LiteLLMConverter.convert(json: Data(json.utf8), file: "t.json", asOf: "2026-12-01", only: ["azure", "vertex_ai-deepseek_models"])
    #expect(rows.map { "\($0.provider)|\($0.model)|\($0.dataZone)" }.sorted()
      == ["Azure OpenAI|gpt-4o|", "Azure OpenAI|gpt-4o|eu", "vertex_ai-deepseek_models|vertex_ai/deepseek-ai/deepseek-v3.2-maas|global;europe-west4"])
    #expect(summary.rowsWritten == 3)
  }

  @Test func aPriceFileWithoutTheDataZoneColumnStillLoads() throws {
    let dir = Repo.temporaryDirectory()
    let path = (dir as NSString).appendingPathComponent("api_prices.csv")
    try (APIPriceBook.columns.dropLast().joined(separator: ",") + "\nOpenAI,gpt-4o,2.5,,,10,,,,src,2025-12-26\n").write(toFile: path, atomically: true, encoding: .utf8)
    let book = try APIPriceBook.load(path: path)
    #expect(book.prices.count == 1 && book.prices[0].dataZone == "")
  }
}
