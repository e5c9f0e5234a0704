import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// `report monthly --where/--group-by` and `report owner` on the demo: every slice conserves money exactly.
@Suite(.serialized) struct SliceTests {
  static let demo: (db: String, rules: String) = {
    let dir = Repo.temporaryDirectory()
    let outcome = try! Workspace.runDemo(directory: dir, prices: nil)
    return (outcome.databasePath, outcome.inputDirectory + "/mlcost.yaml")
  }()

  static func report(_ args: [String], period: [String] = ["--month", "2026-10"]) throws -> MonthlyReport {
    let r = try Binary.run(["report"] + args + ["--db", demo.db, "--rules", demo.rules, "--format", "json"] + period)
    #expect(r.status == 0, "\(r.stderr)")
    return try JSONDecoder().decode(MonthlyReport.self, from: Data(r.stdout.utf8))
  }

  /// Grouped by team and model, the rows add up to the whole month to the nano; the model rows are the same report.
  @Test func aGroupingAddsUpToTheWholeMonth() throws {
    let whole = try Self.report(["monthly"])
    let grouped = try Self.report(["monthly", "--group-by", "team,model"])
    let rows = try #require(grouped.slice?.groupings.first?.rows)
    #expect(grouped.slice?.groupings.first?.by == ["team", "model"])
    #expect(rows.reduce(Amount.zero) { $0 + $1.cost } == whole.totals[0].charges)
    #expect(grouped.models == whole.models && grouped.totals == whole.totals)
    let support = try #require(rows.first { $0.values == ["support", "gpt-4o"] })
    #expect(support.cost == whole.models.first { $0.owner == "gpt-4o" }?.allocation)
  }

  /// A charge filter keeps exactly the charges it selects: AWS's amortised cost of October, as the database sums it.
  @Test func aProviderFilterIsExactlyThatProvidersCharges() throws {
    let aws = try Self.report(["monthly", "--where", "provider=aws", "--group-by", "service"])
    let ws = try Workspace(databasePath: Self.demo.db)
    let picos = try ws.query("""
      SELECT effective_cost_picos FROM charge_v WHERE provider_name = 'AWS' AND billing_period_start LIKE '2026-10%'
      """).reduce(Int128(0)) { $0 + (Int128($1[0].description) ?? 0) }
    #expect(aws.totals.count == 1 && aws.totals[0].charges == Amount(picos: picos) && aws.totals[0].allocated == Amount(picos: picos))
    #expect(aws.slice?.filters == ["provider=aws"])
    #expect(aws.slice?.groupings.first?.rows.reduce(Amount.zero) { $0 + $1.cost } == Amount(picos: picos))
    #expect(aws.anomalies.isEmpty && aws.idle.isEmpty && aws.budgets == nil && aws.notes.contains { $0.hasPrefix("Filtered (provider=aws)") })
    // Two values of one key match either; two keys must both match.
    let either = try Self.report(["monthly", "--where", "provider=AWS", "--where", "provider=Lambda"])
    let lambda = try Self.report(["monthly", "--where", "provider=Lambda"])
    #expect(either.totals[0].charges == aws.totals[0].charges + lambda.totals[0].charges)
    let both = try Self.report(["monthly", "--where", "provider=Lambda", "--where", "model=llama-3.1-8b"])
    #expect(both.totals[0].charges == "438.24")
  }

  /// A model filter is that model's row of the whole report, pool shares included.
  @Test func aModelFilterIsItsRowOfTheWholeReport() throws {
    let whole = try Self.report(["monthly"])
    let one = try Self.report(["monthly", "--where", "model=glob:mistral*"])
    #expect(one.models.map(\.owner) == ["mistral-7b"])
    #expect(one.models == whole.models.filter { $0.owner == "mistral-7b" })
  }

  /// The drill-down: the rules that put each dollar there add up to the owner's allocation.
  @Test func anOwnersDrillDownAccountsForEveryDollar() throws {
    let whole = try Self.report(["monthly"])
    let drill = try Self.report(["owner", "llama-3.1-8b"])
    let byRule = try #require(drill.slice?.groupings.first { $0.by == ["rule"] }?.rows)
    let allocation = try #require(whole.models.first { $0.owner == "llama-3.1-8b" }?.allocation)
    #expect(byRule.reduce(Amount.zero) { $0 + $1.cost } == allocation)
    #expect(byRule.map(\.values[0]).contains("model tag") && byRule.contains { $0.values[0].hasPrefix("pool '") })
    for g in drill.slice?.groupings ?? [] { #expect(g.rows.reduce(Amount.zero) { $0 + $1.cost } == allocation, "\(g.by)") }
  }

  @Test func typosAreNamed() throws {
    let key = try Binary.run(["report", "monthly", "--db", Self.demo.db, "--month", "2026-10", "--group-by", "modl"])
    #expect(key.status == 64 && key.stderr.contains("did you mean 'model'"))
    let shape = try Binary.run(["report", "monthly", "--db", Self.demo.db, "--month", "2026-10", "--where", "provider"])
    #expect(shape.status == 64 && shape.stderr.contains("KEY=VALUE"))
    let owner = try Binary.run(["report", "owner", "lama-3.1-8b", "--db", Self.demo.db, "--rules", Self.demo.rules, "--month", "2026-10"])
    #expect(owner.status == 64 && owner.stderr.hasPrefix("error: no owner 'lama-3.1-8b'") && owner.stderr.contains("did you mean 'llama-3.1-8b'"))
    let value = try Self.report(["monthly", "--where", "tag:team=serch"])
    #expect(value.models.isEmpty && value.notes.contains { $0.contains("matches tag:team=serch (did you mean 'search'?)") })
  }

  /// A period is its months summed exactly; it is compared with as many months before it.
  @Test func aPeriodIsItsMonthsSummed() throws {
    let months = try ["2026-08", "2026-09", "2026-10"].map { try Self.report(["monthly"], period: ["--month", $0]) }
    let all = try Self.report(["monthly", "--group-by", "model"], period: ["--from", "2026-08"])
    #expect(all.month == "2026-08..2026-10" && all.months == ["2026-08", "2026-09", "2026-10"] && all.previousMonth == nil)
    #expect(all.totals[0].charges == months.reduce(Amount.zero) { $0 + $1.totals[0].charges })
    #expect(all.slice?.groupings.first?.rows.reduce(Amount.zero) { $0 + $1.cost } == all.totals[0].charges)
    for owner in ["llama-3.1-70b", "gpt-4o", "(idle commitment)"] {
      #expect(all.models.first { $0.owner == owner }?.allocation == months.compactMap { $0.models.first { $0.owner == owner }?.allocation }.reduce(Amount.zero, +))
    }
    // Q3 has August and September; the missing July is named.
    let q3 = try Self.report(["monthly"], period: ["--quarter", "2026-q3"])
    #expect(q3.totals[0].charges == months[0].totals[0].charges + months[1].totals[0].charges)
    #expect(q3.notes.contains { $0.hasPrefix("No data for 2026-07") })
    // Two months compared with the two before them (only September has data before October … so one of two).
    let late = try Self.report(["monthly"], period: ["--from", "2026-09", "--to", "2026-10"])
    #expect(late.previousMonth == "2026-08" && late.models.first { $0.owner == "gpt-4o" }?.previous == months[0].models.first { $0.owner == "gpt-4o" }?.allocation)
    let ytd = try Self.report(["monthly"], period: ["--ytd"])
    #expect(ytd.totals == all.totals)
  }

  @Test func periodOptionsAreChecked() throws {
    // An open day range runs to the last day with charges (day ranges: DayRangeTests).
    let open = try Self.report(["monthly"], period: ["--from", "2026-10-15"])
    #expect(open.month == "2026-10-15..2026-10-31")
    let two = try Binary.run(["report", "monthly", "--db", Self.demo.db, "--month", "2026-10", "--ytd"])
    #expect(two.status == 64 && two.stderr.contains("give one of"))
    let none = try Binary.run(["report", "monthly", "--db", Self.demo.db, "--quarter", "2025-Q1"])
    #expect(none.status == 66 && none.stderr.contains("no charges or usage for 2025-01..2025-03"))
  }

  /// Tag coverage counts usage and purchases; the report says how much billed spend (credits, taxes) it leaves out.
  @Test func tagCoverageSaysWhatItLeavesOut() throws {
    let r = try Self.report(["monthly"])
    let covered = r.coverage.reduce(Amount.zero) { $0 + $1.total }
    let billed = r.totals[0].billing
    #expect(covered != billed)
    #expect(billed - covered == "4006.75" && r.notes.contains { $0.contains("the other 4,006.75 (credits, taxes, adjustments)") })
  }
}
