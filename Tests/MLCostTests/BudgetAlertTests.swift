import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// `mlcost budget` and `mlcost alerts` on the demo: a breach, a forecast overrun, an explained anomaly; each
/// alert fires once; a dry run records nothing; a mute silences the anomaly and lists it.
@Suite(.serialized) struct BudgetAlertTests {
  static let demo: (db: String, rules: String) = {
    let dir = Repo.temporaryDirectory()
    let outcome = try! Workspace.runDemo(directory: dir, prices: nil)
    return (outcome.databasePath, outcome.inputDirectory + "/mlcost.yaml")
  }()

  @Test func theDemoBudgetsShowABreachAndAForecastOverrun() throws {
    let r = try Binary.run(["budget", "--db", Self.demo.db, "--rules", Self.demo.rules, "--as-of", "2026-10-22", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let report = try JSONDecoder().decode(BudgetReport.self, from: Data(r.stdout.utf8))
    let status = Dictionary(uniqueKeysWithValues: report.budgets.map { ($0.name, $0.status) })
    #expect(status["support chatbot"] == "over budget")
    #expect(status["research"] == "forecast over")
    #expect(status["assistant team"] == "ok")
    // Spent is exact: the support team's gpt-4o tokens of 2026-10-01 … 2026-10-21, as the database sums them.
    let ws = try Workspace(databasePath: Self.demo.db)
    let rows = try ws.query("""
      SELECT effective_cost_picos FROM charge_v WHERE tags LIKE '%"team": "support"%'
        AND charge_period_start >= '2026-10-01' AND charge_period_start < '2026-10-22'
      """)
    let picos = rows.reduce(Int128(0)) { $0 + (Int128($1[0].description) ?? 0) }
    #expect(rows.count == 42)
    #expect(report.budgets.first { $0.name == "support chatbot" }?.spent == Amount(picos: picos))
  }

  /// `--by model`: every model's forecast; gpt-4o is the support team's only cost, so both say the same.
  @Test func everyOwnerIsForecastWithBy() throws {
    let r = try Binary.run(["budget", "--db", Self.demo.db, "--rules", Self.demo.rules, "--as-of", "2026-10-22", "--by", "model", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let report = try JSONDecoder().decode(ForecastReport.self, from: Data(r.stdout.utf8))
    #expect(report.period == "monthly 2026-10" && report.by == "model")
    let gpt = try #require(report.rows.first { $0.owner == "gpt-4o" })
    let budgets = try JSONDecoder().decode(BudgetReport.self, from: Data(try Binary.run(
      ["budget", "--db", Self.demo.db, "--rules", Self.demo.rules, "--as-of", "2026-10-22", "--format", "json"]).stdout.utf8))
    let support = try #require(budgets.budgets.first { $0.name == "support chatbot" })
    #expect(gpt.spent == support.spent && gpt.forecast == support.forecast)
    // The rows add up to the total's.
    let total = try JSONDecoder().decode(ForecastReport.self, from: Data(try Binary.run(
      ["budget", "--db", Self.demo.db, "--rules", Self.demo.rules, "--as-of", "2026-10-22", "--by", "total", "--format", "json"]).stdout.utf8))
    #expect(report.rows.reduce(Amount.zero) { $0 + $1.spent } == total.rows.first?.spent)
    let typo = try Binary.run(["budget", "--db", Self.demo.db, "--by", "modle"])
    #expect(typo.status == 64 && typo.stderr.contains("did you mean 'model'"))
  }

  @Test func alertsFireOnceAndExitThree() throws {
    let db = Repo.temporaryDirectory() + "/alerts.db"
    try FileManager.default.copyItem(atPath: Self.demo.db, toPath: db)
    let args = ["alerts", "--db", db, "--rules", Self.demo.rules, "--as-of", "2026-10-22", "--format", "json"]
    let dry = try Binary.run(args + ["--dry-run"])
    #expect(dry.status == 3, "\(dry.stderr)")
    let first = try Binary.run(args)
    #expect(first.status == 3 && first.stderr.contains("alerts fired"))
    #expect(dry.stdout.replacingOccurrences(of: "\"dryRun\" : true", with: "\"dryRun\" : false") == first.stdout, "a dry run would fire the same")
    let report = try JSONDecoder().decode(AlertReport.self, from: Data(first.stdout.utf8))
    #expect(report.alerts.map(\.key) == ["budget|support chatbot|2026-10|actual|100.0", "budget|support chatbot|2026-10|forecast|100.0",
                                         "budget|research|2026-10|forecast|100.0", "anomaly|model|gpt-4o|USD|2026-10-20"])
    #expect(report.text.hasPrefix("MLCost, as of 2026-10-22: Budget support chatbot"))
    let second = try Binary.run(args)
    #expect(second.status == 0)
    let again = try JSONDecoder().decode(AlertReport.self, from: Data(second.stdout.utf8))
    #expect(again.alerts.isEmpty && again.previousRun == "2026-10-22")
  }

  /// The demo's one anomaly is the support bot's token spike: mostly volume, and its parts add up to its impact exactly.
  @Test func theDemoAnomalyIsExplained() throws {
    let r = try Binary.run(["anomalies", "--db", Self.demo.db, "--rules", Self.demo.rules, "--since", "2026-10-01", "--format", "json"])
    let report = try JSONDecoder().decode(AnomalyReport.self, from: Data(r.stdout.utf8))
    let a = try #require(report.anomalies.first)
    #expect(report.anomalies.count == 1 && a.name == "model gpt-4o" && a.alsoSeenAs == ["service Microsoft Azure OpenAI Service"])
    let e = try #require(a.explanation)
    #expect(e.volume + e.unitPrice + e.mix + e.fx == a.impact)
    #expect(e.driverUnit == "Tokens" && e.volume > a.impact && e.unitPrice == .zero)
  }

  @Test func aMuteSilencesTheAnomalyAndListsIt() throws {
    let rules = Repo.temporaryDirectory() + "/muted.yaml"
    let text = try String(contentsOfFile: Self.demo.rules, encoding: .utf8) + """

      mutes:
        - dimension: service
          value: glob:*OpenAI*
          from: 2026-10-19
          to: 2026-10-21
          reason: support bot retry loop, fixed in 4.2
      """
    try text.write(toFile: rules, atomically: true, encoding: .utf8)
    let r = try Binary.run(["anomalies", "--db", Self.demo.db, "--rules", rules, "--since", "2026-10-01", "--format", "json"])
    let report = try JSONDecoder().decode(AnomalyReport.self, from: Data(r.stdout.utf8))
    #expect(report.anomalies.isEmpty)
    #expect(report.muted.map(\.anomaly.name) == ["model gpt-4o"] && report.muted.first?.reason == "support bot retry loop, fixed in 4.2")
  }
}
