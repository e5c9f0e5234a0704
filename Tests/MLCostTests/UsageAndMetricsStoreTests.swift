import Foundation
import MLCostTestSupport
import Testing
@testable import MLCost
import MLCostImporters

/// Usage records and metric samples through the whole import path: stored, reconciled, restated.
struct UsageAndMetricsStoreTests {
  let dir = Repo.temporaryDirectory()

  func write(_ name: String, _ text: String) throws -> String {
    let path = (dir as NSString).appendingPathComponent(name)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static func costsPage(_ values: [(Int, String)]) -> String {
    let buckets = values.map { start, value in
      """
      {"object":"bucket","start_time":\(start),"end_time":\(start + 86_400),"results":[
        {"object":"organization.costs.result","amount":{"value":\(value),"currency":"usd"},"line_item":"gpt-4o, input","project_id":"p1"}]}
      """
    }
    return "{\"object\":\"page\",\"data\":[\(buckets.joined(separator: ","))],\"has_more\":false}"
  }

  @Test func usageIsStoredAndReconciledToTheNano() throws {
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("u.db"))
    let path = try write("costs.json", Self.costsPage([(1_790_812_800, "0.1"), (1_790_899_200, "0.2")]))
    guard case .imported(let s) = try ws.importFile(path, options: ImportOptions()) else { Issue.record("not imported"); return }
    #expect(s.reconciles)
    #expect(s.reconciliation.map(\.stored.billedCost) == [300_000_000])
    let rows = try ws.query("SELECT provider, source, model, request_type, cost_picos, currency FROM usage_v ORDER BY id")
    #expect(rows.count == 2)
    #expect(rows[0][0].string == "OpenAI" && rows[0][1].string == "openai.costs" && rows[0][2].string == "gpt-4o")
    #expect(rows[0][3].string == "chat" && rows[0][4].int == 100_000_000_000 && rows[0][5].string == "USD")
    #expect(try ws.imports().first?.rowsLive == 2)
  }

  @Test func aDocumentIsOneTransactionAndTheSameBytesTwiceStoreNothing() throws {
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("t.db"))
    let good = try write("good.json", Self.costsPage([(1_790_812_800, "0.1")]))
    _ = try ws.importFile(good, options: ImportOptions())
    guard case .alreadyImported = try ws.importFile(good, options: ImportOptions()) else { Issue.record("imported twice"); return }
    // A bad amount in the second bucket: strict stops the file at that value's line and column; nothing of it is kept.
    let bad = try write("bad.json", Self.costsPage([(1_790_899_200, "0.2"), (1_790_985_600, "\"1,5\"")]))
    #expect { try ws.importFile(bad, options: ImportOptions()) } throws: { "\($0)".contains("bad.json:") && "\($0)".contains("thousands separators") }
    #expect(try ws.query("SELECT count(*), money_sum(cost) FROM usage")[0] == [.integer(1), .integer(100_000_000_000)])
    #expect(try ws.imports().count == 1)
  }

  @Test func aNewerUsageExportReplacesTheOverlappingRecordsOfTheOlderOne() throws {
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("r.db"))
    let old = try write("old.json", Self.costsPage([(1_790_812_800, "0.1"), (1_790_899_200, "0.2")]))
    let new = try write("new.json", Self.costsPage([(1_790_899_200, "0.25"), (1_790_985_600, "0.3")]))
    _ = try ws.importFile(old, options: ImportOptions())
    guard case .imported(let s) = try ws.importFile(new, options: ImportOptions()) else { Issue.record("not imported"); return }
    #expect(s.replacements.map(\.rowsRemoved) == [1])
    // Day 1 from the old export; days 2 and 3 from the new one: 0.1 + 0.25 + 0.3.
    #expect(try ws.query("SELECT money_sum(cost) FROM usage")[0][0].int == 650_000_000_000)
  }

  @Test func aRestatedMetricSampleReplacesTheOldOneAndAbsentStaysAbsent() throws {
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("m.db"))
    let a = try write("a.csv", "resource_id,metric,timestamp,value,variant\nep,Invocations,2026-10-01T00:00:00Z,5,AllTraffic\nep,Invocations,2026-10-01T01:00:00Z,7,AllTraffic\n")
    let b = try write("b.csv", "resource_id,metric,timestamp,value,variant\nep,Invocations,2026-10-01T01:00:00Z,9,AllTraffic\nep,Invocations,2026-10-01T01:00:00Z,3,Canary\n")
    _ = try ws.importFile(a, options: ImportOptions())
    _ = try ws.importFile(b, options: ImportOptions())
    let rows = try ws.query("SELECT dimensions, ts, value FROM metric_v ORDER BY dimensions, ts")
    #expect(rows.map { $0[2].double ?? -1 } == [5, 9, 3])
    #expect(try ws.query("SELECT count(*) FROM metric_series")[0][0].int == 2)
    #expect(try ws.query("SELECT count(*) FROM metric_v WHERE ts = '2026-10-01T02:00:00Z'")[0][0].int == 0)
    // The daily rollup follows the restated sample: AllTraffic's day is 5 + 9, not 5 + 7.
    #expect(try ws.query("SELECT sum(total) FROM metric_daily d JOIN metric_series s ON s.id = d.series_id WHERE s.dimensions LIKE '%AllTraffic%'")[0][0].double == 14)
  }

  @Test func twoInvoicesFromTheSameSupplierAndMonthAreBothKept() throws {
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("i.db"))
    let source = try String(contentsOfFile: Repo.path("Tests/Fixtures/ubl/invoice-gpu-hours/input.xml"), encoding: .utf8)
    let first = try write("a.xml", source)
    let second = try write("b.xml", source.replacingOccurrences(of: "GC-2026-1042", with: "GC-2026-1043"))
    _ = try ws.importFile(first, options: ImportOptions())
    guard case .imported(let s) = try ws.importFile(second, options: ImportOptions()) else { Issue.record("not imported"); return }
    #expect(s.replacements.isEmpty)
    #expect(try ws.query("SELECT money_sum(billed_cost) FROM charge")[0][0].int == 2 * 2_190_100_000_000_000)
  }

  @Test func aTruncatedGzippedJSONLinesExportIsAClearErrorAndStoresNothing() throws {
    let line = #"{"usage_start_time":"2026-10-02T00:00:00Z","cost":1.5,"currency":"EUR","invoice":{"month":"202610"},"service":{"description":"Vertex AI"}}"#
    let packed = gzip(Array(String(repeating: line + "\n", count: 2000).utf8))
    let path = (dir as NSString).appendingPathComponent("export.jsonl.gz")
    try Data(packed.prefix(packed.count / 2)).write(to: URL(fileURLWithPath: path))
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("g.db"))
    #expect(throws: ImportError.self) { try ws.importFile(path, options: ImportOptions()) }
    #expect(try ws.query("SELECT count(*) FROM charge")[0][0].int == 0)
    try Data(packed).write(to: URL(fileURLWithPath: path))
    guard case .imported(let s) = try ws.importFile(path, options: ImportOptions()) else { Issue.record("not imported"); return }
    #expect(s.result.format == .gcp && s.result.rowsStored == 2000)
    #expect(s.reconciliation.first?.stored.billedCost == 3_000_000_000_000)
  }
}

/// The per-month summary the reports read always equals the charges it summarises.
struct ChargeSummaryTests {
  @Test func theSummaryMatchesTheChargesAfterImportsAndReplacements() throws {
    let dir = Repo.temporaryDirectory()
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("s.db"))
    let a = try FocusText.write([FocusText.row("1.10"), FocusText.row("2.20", day: 2), FocusText.row("3.30", period: "2026-11")], to: dir, name: "a.csv")
    let b = try FocusText.write([FocusText.row("5.00"), FocusText.row("0.25", provider: "GCP")], to: dir, name: "b.csv")
    _ = try ws.importFile(a, options: ImportOptions())
    _ = try ws.importFile(b, options: ImportOptions())
    let fromCharges = try ws.query("""
      SELECT billing_period_start, dims_id, count(*), money_sum(billed_cost), money_sum(effective_cost) FROM charge
      GROUP BY 1, 2 ORDER BY 1, 2
      """)
    let fromSummary = try ws.query("""
      SELECT billing_period_start, dims_id, sum(rows), money_sum(billed_cost), money_sum(effective_cost) FROM charge_summary
      GROUP BY 1, 2 ORDER BY 1, 2
      """)
    #expect(fromSummary == fromCharges)
    let daily = try ws.query("""
      SELECT day, dims_id, sum(rows), money_sum(billed_cost), money_sum(effective_cost) FROM charge_daily GROUP BY 1, 2 ORDER BY 1, 2
      """)
    let fromChargesDaily = try ws.query("""
      SELECT charge_period_start - charge_period_start % 86400, dims_id, count(*), money_sum(billed_cost), money_sum(effective_cost) FROM charge
      GROUP BY 1, 2 ORDER BY 1, 2
      """)
    #expect(daily == fromChargesDaily)
    #expect(try ws.query("SELECT money_sum(billed_cost) FROM charge_summary")[0][0].int == 8_550_000_000_000)
  }
}
