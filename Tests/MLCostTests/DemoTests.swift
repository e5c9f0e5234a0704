import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// The demo is the end-to-end golden: three months in five real formats, imported, attributed,
/// every report format written. A regenerated `reports/demo/` must equal the committed one.
struct DemoTests {
  static func prices() throws -> APIPriceBook { try APIPriceBook.load(path: Repo.path("catalogs/api_prices.csv")) }

  @Test func everyDemoOutputMatchesTheCommittedReports() throws {
    let dir = Repo.temporaryDirectory()
    let outcome = try Workspace.runDemo(directory: dir, prices: try Self.prices())
    #expect(outcome.files.count >= 11)
    for (name, text) in outcome.files.sorted(by: { $0.key < $1.key }) {
      assertSnapshot(text.replacingOccurrences(of: dir, with: "reports/demo"), at: Repo.path("reports/demo/" + name))
    }
    // Nothing committed under reports/demo that the demo no longer writes.
    let committed = try FileManager.default.contentsOfDirectory(atPath: Repo.path("reports/demo")).filter { !$0.hasPrefix(".") && $0 != "input" && !$0.hasSuffix(".db") && !$0.contains(".db-") }
    #expect(Set(committed) == Set(outcome.files.keys))
    #expect(outcome.summaries.allSatisfy { $0.reconciles })
    #expect(outcome.report.totals.allSatisfy { $0.charges == $0.allocated })
  }

  /// The README opens with the demo's real output: keep it equal to the golden file.
  @Test func theReadmeShowsTheRealDemoOutput() throws {
    let readme = try String(contentsOfFile: Repo.path("README.md"), encoding: .utf8)
    let golden = try String(contentsOfFile: Repo.path("reports/demo/monthly-2026-10.txt"), encoding: .utf8)
    let cost = golden.components(separatedBy: "\n\nCost per model and request type")[0]
    #expect(readme.contains(cost), "update the README's demo output from reports/demo/monthly-2026-10.txt")
  }

  @Test func theDemoCompanyIsRealistic() throws {
    let dir = Repo.temporaryDirectory()
    let outcome = try Workspace.runDemo(directory: dir, prices: try Self.prices())
    let ws = try Workspace(databasePath: outcome.databasePath)
    func q(_ sql: String) throws -> [String] { try ws.query(sql).map { $0.map(\.description).joined(separator: "|") } }
    #expect(try q("SELECT DISTINCT provider_name FROM charge_v ORDER BY 1") == ["AWS", "Google Cloud", "Lambda", "Microsoft", "Pinecone"])
    #expect(try q("SELECT DISTINCT charge_category FROM charge_v ORDER BY 1") == ["Credit", "Purchase", "Tax", "Usage"])
    #expect(try q("SELECT DISTINCT format FROM import ORDER BY 1") == ["cloudwatch", "cur", "focus", "litellm", "openai"])
    // the savings plan, each month: Σ EffectiveCost of its usage (used + unused) = Σ BilledCost of its purchase (FOCUS 1.2)
    for row in try q("""
      SELECT money_sum(CASE WHEN charge_category = 'Purchase' THEN billed_cost_picos ELSE 0 END),
             money_sum(CASE WHEN charge_category = 'Usage' THEN effective_cost_picos ELSE 0 END)
      FROM charge_v WHERE commitment_discount_id LIKE 'arn:aws:savingsplans%' GROUP BY billing_period_start
      """) {
      let parts = row.split(separator: "|")
      #expect(parts[0] == parts[1])
    }
    // request types chat, embedding, batch, fine-tune; the idle staging endpoint has metrics that say so
    let types = Set(outcome.report.requestTypes.map(\.requestType))
    #expect(types.isSuperset(of: ["chat", "embedding", "batch", "fine-tune"]))
    let sdxl = try #require(outcome.report.models.first { $0.owner == "sdxl-1.0" })
    #expect((sdxl.utilisation?.perMille ?? 1000) < 10)
    // the Azure eval VM has no metrics: its usage is unknown, not zero
    #expect(outcome.report.models.first { $0.owner == "qwen2.5-7b" }?.utilisation == nil)
    // idle: the staging image endpoint is found; the busy ones are not; the Azure eval VM (no metrics) is unknown
    #expect(outcome.idle.findings.filter { $0.kind == .idle }.map(\.resourceId) == ["arn:aws:sagemaker:us-east-1:345678901234:endpoint/sdxl-image-staging"])
    #expect(!outcome.idle.findings.contains { $0.resourceId.contains("llama-31-70b-chat-prod") || $0.resourceId.contains("bge-large-embed") })
    #expect(outcome.idle.findings.first { $0.resourceId.hasSuffix("eval-a100-01") }?.kind == .unknown)
    #expect(outcome.report.idle.contains { $0.kind == .idle })
    // unit costs where public price lists are (LLM APIs list 0.02–75 USD per 1M tokens): the 70B chat model was
    // 8,339.04 per 1M tokens and 12,308.93 per 1k requests when the gateway's sample of requests stood in for its traffic
    for m in outcome.report.models where m.kind == .model {
      if let t = m.perMillionTokens { #expect(t > Amount(nanos: 10_000_000) && t < "75", "\(m.owner): \(t) per 1M tokens") }
      if let r = m.perThousandRequests { #expect(r > Amount(nanos: 10_000_000) && r < "50", "\(m.owner): \(r) per 1k requests") }
    }
    let chat70b = try #require(outcome.report.models.first { $0.owner == "llama-3.1-70b" }?.perMillionTokens)
    #expect(chat70b > "1" && chat70b < "5")
    // deterministic
    let again = try Workspace.runDemo(directory: Repo.temporaryDirectory(), prices: try Self.prices())
    #expect(again.summaries.map(\.sha256) == outcome.summaries.map(\.sha256))
  }
}
