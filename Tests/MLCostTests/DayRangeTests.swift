import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// Reports over any days (`--from 2026-10-05 --to 2026-10-12`), grouped or filtered by day, and the owner's days.
@Suite(.serialized) struct DayRangeTests {
  static func report(_ args: [String]) throws -> MonthlyReport { try SliceTests.report(args, period: []) }

  /// The amortised cost of the charges that start in [from, to), whatever month they are billed in (ISO text compares as time).
  static func charges(from: String, to: String) throws -> Amount {
    let ws = try Workspace(databasePath: SliceTests.demo.db)
    let picos = try ws.query("""
      SELECT effective_cost_picos FROM charge_v WHERE charge_period_start >= '\(from)' AND charge_period_start < '\(to)'
      """).reduce(Int128(0)) { $0 + (Int128($1[0].description) ?? 0) }
    return Amount(picos: picos)
  }

  /// Two day ranges that split October add up to October, each exactly its charges and API usage; drivers split too.
  @Test func twoHalvesOfAMonthAddUpToTheMonth() throws {
    let month = try SliceTests.report(["monthly"])
    let first = try Self.report(["monthly", "--from", "2026-10-01", "--to", "2026-10-15"])
    let second = try Self.report(["monthly", "--from", "2026-10-16", "--to", "2026-10-31"])
    #expect(first.month == "2026-10-01..2026-10-15" && first.previousMonth == "2026-09-16..2026-09-30")
    #expect(first.totals[0].charges + second.totals[0].charges == month.totals[0].charges)
    #expect(first.totals[0].charges == first.totals[0].allocated)
    #expect(first.totals[0].billing == (try Self.charges(from: "2026-10-01", to: "2026-10-16")))
    func requests(_ r: MonthlyReport) -> Int64 { r.models.first { $0.owner == "llama-3.1-70b" }?.requests ?? -1 }
    #expect(requests(first) + requests(second) == requests(month) && requests(first) > 0)
    #expect(first.notes.contains { $0.hasPrefix("Days 2026-10-01..2026-10-15 (UTC") })
  }

  /// Days that make whole months are the month report.
  @Test func aWholeMonthOfDaysIsTheMonthReport() throws {
    let month = try SliceTests.report(["monthly"])
    let days = try Self.report(["monthly", "--from", "2026-10-01", "--to", "2026-10-31"])
    #expect(days.models == month.models && days.totals == month.totals && days.month == "2026-10")
  }

  /// A range across a month boundary takes each month's days; a day filter keeps that day's charges and compares with nothing.
  @Test func aRangeAcrossMonthsAndADayFilter() throws {
    let across = try Self.report(["monthly", "--from", "2026-09-29", "--to", "2026-10-02"])
    #expect(across.months == ["2026-09", "2026-10"])
    #expect(across.totals[0].billing == (try Self.charges(from: "2026-09-29", to: "2026-10-03")))
    let one = try SliceTests.report(["monthly", "--where", "day=2026-10-05"])
    #expect(one.totals[0].billing == (try Self.charges(from: "2026-10-05", to: "2026-10-06")))
    #expect(one.models.allSatisfy { $0.previous == nil })
  }

  /// Grouped by day: the days in order, adding up to the month; each day is its charges and usage.
  @Test func aGroupingByDayAddsUpToTheMonth() throws {
    let month = try SliceTests.report(["monthly"])
    let grouped = try SliceTests.report(["monthly", "--group-by", "day"])
    let rows = try #require(grouped.slice?.groupings.first?.rows)
    #expect(rows.map { $0.values[0] } == (1...31).map { String(format: "2026-10-%02d", $0) })
    #expect(rows.reduce(Amount.zero) { $0 + $1.cost } == month.totals[0].charges)
    #expect(rows.allSatisfy { $0.previous == nil })
    // Each day's pool charges are split on their own (rounded at the 12th decimal each): owners agree with the month
    // report to a nano-dollar, the total exactly.
    #expect(grouped.models.map(\.owner) == month.models.map(\.owner))
    for (a, b) in zip(grouped.models, month.models) {
      let d = a.allocation - b.allocation
      #expect(d < Amount(nanos: 1) && Amount.zero - d < Amount(nanos: 1), "\(a.owner): \(a.allocation) vs \(b.allocation)")
    }
  }

  /// The owner's drill-down has its days, adding up to its allocation.
  @Test func theDrillDownHasTheOwnersDays() throws {
    let owner = try SliceTests.report(["owner", "llama-3.1-8b"])
    let days = try #require(owner.slice?.groupings.first { $0.by == ["day"] })
    #expect(days.rows.count == 31)
    #expect(days.rows.reduce(Amount.zero) { $0 + $1.cost } == owner.models[0].allocation)
  }

  /// Day arguments are checked with the fix.
  @Test func badDaysAreRefusedWithTheFix() throws {
    for (args, message) in [(["--month", "2026-10-05"], "--from 2026-10-05 --to 2026-10-12"), (["--from", "2026-10-32"], "2026-10-05 (a day, UTC)"),
                            (["--from", "2026-10-12", "--to", "2026-10-05"], "--to 2026-10-05 is before --from 2026-10-12")] {
      let r = try Binary.run(["report", "monthly", "--db", SliceTests.demo.db] + args)
      #expect(r.status != 0 && r.stderr.contains(message), "\(args): \(r.stderr)")
    }
  }
}
