import Foundation
import MLCostTestSupport
import Testing
@testable import MLCost

/// The demo is the end-to-end golden file: the same company-month, the same bytes, the same summary.
struct DemoTests {
  @Test func theDemoSummaryMatchesTheCommittedReport() throws {
    let dir = Repo.temporaryDirectory()
    let outcome = try Workspace.runDemo(directory: dir)
    let text = outcome.text.replacingOccurrences(of: dir, with: "reports/demo")
    assertSnapshot(text, at: Repo.path("reports/demo/import-summary.txt"))
    #expect(outcome.summary.reconciles)
    #expect(outcome.summary.result.rowsStored > 3_000)
  }

  /// The README opens with the demo's real output: keep it equal to the golden file.
  @Test func theReadmeShowsTheRealDemoOutput() throws {
    let readme = try String(contentsOfFile: Repo.path("README.md"), encoding: .utf8)
    let golden = try String(contentsOfFile: Repo.path("reports/demo/import-summary.txt"), encoding: .utf8)
    #expect(readme.contains("```text\n" + golden + "```"), "update the README's demo output from reports/demo/import-summary.txt")
  }

  @Test func theDemoExportIsRealisticFOCUS() throws {
    let dir = Repo.temporaryDirectory()
    let outcome = try Workspace.runDemo(directory: dir)
    let ws = try Workspace(databasePath: outcome.databasePath)
    func q(_ sql: String) throws -> [String] { try ws.query(sql).map { $0.map(\.description).joined(separator: "|") } }
    // several providers, every charge category, a commitment bought and amortised
    #expect(try q("SELECT DISTINCT provider_name FROM charge_v ORDER BY 1") == ["AWS", "Google Cloud", "Lambda", "Microsoft"])
    #expect(try q("SELECT DISTINCT charge_category FROM charge_v ORDER BY 1") == ["Credit", "Purchase", "Tax", "Usage"])
    // the savings plan: Σ EffectiveCost of its usage (used + unused) = Σ BilledCost of its purchase (FOCUS 1.2)
    let sp = try q("""
      SELECT sum(CASE WHEN charge_category = 'Purchase' THEN billed_cost_nanos ELSE 0 END),
             sum(CASE WHEN charge_category = 'Usage' THEN effective_cost_nanos ELSE 0 END)
      FROM charge_v WHERE commitment_discount_id LIKE 'arn:aws:savingsplans%'
      """)[0].split(separator: "|")
    #expect(sp[0] == sp[1])
    // GPU endpoints for several models, tagged; some spend untagged
    #expect(try q("SELECT count(DISTINCT json_extract(tags, '$.model')) FROM charge_v WHERE gpu_model IS NOT NULL")[0] == "5")
    #expect(try Int(q("SELECT count(*) FROM charge_v WHERE tags IS NULL AND charge_category = 'Usage'")[0])! > 0)
    // the export is deterministic
    let again = try Workspace.runDemo(directory: Repo.temporaryDirectory())
    #expect(again.summary.sha256 == outcome.summary.sha256)
  }
}
