import Foundation
import MLCostTestSupport
import Testing
@testable import MLCost
import MLCostCore
import MLCostImporters

/// DESIGN.md contracts 1–4 through the Workspace: exact money, reconciliation, atomic and idempotent
/// imports with replacement of restated periods, clear errors that lose nothing.
struct ImportContractTests {
  let dir = Repo.temporaryDirectory()
  var db: String { (dir as NSString).appendingPathComponent("t.db") }
  func workspace() throws -> Workspace { try Workspace(databasePath: db, now: { Date(timeIntervalSince1970: 1_795_000_000) }) }
  func count(_ ws: Workspace, _ table: String) throws -> Int64 { try ws.query("SELECT count(*) FROM \(table)")[0][0].int ?? -1 }

  @Test func sameBytesTwiceStoreNothingNewAndSaySo() throws {
    // Given a file imported once
    let ws = try workspace()
    let path = try FocusText.write([FocusText.row("1.25"), FocusText.row("2.50", day: 2)], to: dir, name: "a.csv")
    guard case .imported = try ws.importFile(path, options: ImportOptions()) else { Issue.record("not imported"); return }
    // When it is imported again (even under another name)
    let copy = (dir as NSString).appendingPathComponent("copy.csv")
    try FileManager.default.copyItem(atPath: path, toPath: copy)
    let again = try ws.importFile(copy, options: ImportOptions())
    // Then nothing new is stored and the outcome says which import it was
    guard case .alreadyImported(let record, _) = again else { Issue.record("imported twice"); return }
    #expect(record.id == 1)
    #expect(record.alreadyImportedText(path: copy).contains("already imported as #1"))
    #expect(try count(ws, "charge") == 2)
    #expect(try count(ws, "import") == 1)
  }

  @Test func aNewerExportOfTheSamePeriodReplacesTheOlderOne() throws {
    let ws = try workspace()
    let v1 = try FocusText.write([FocusText.row("10.00"), FocusText.row("20.00", day: 2),
                                  FocusText.row("5.00", account: "222")], to: dir, name: "v1.csv")
    let v2 = try FocusText.write([FocusText.row("10.00"), FocusText.row("21.00", day: 2), FocusText.row("0.50", day: 3)], to: dir, name: "v2.csv")
    _ = try ws.importFile(v1, options: ImportOptions())
    guard case .imported(let s) = try ws.importFile(v2, options: ImportOptions()) else { Issue.record("not imported"); return }
    // Account 111's October rows of v1 are gone; account 222 (not in v2) stays.
    #expect(s.replacements.map(\.rowsRemoved) == [2])
    #expect(s.replacements.first?.billingAccount == "111")
    let totals = try ws.storedTotals()
    #expect(totals[PeriodCurrency(period: BillingMonth(year: 2026, month: 10), currency: "USD")]?.billedCost == 36_500_000_000)
    let records = try ws.imports()
    #expect(records[0].replacedBy == nil && records[0].rowsLive == 1)
    #expect(records[1].rowsLive == 3)
  }

  /// Line detail (`charge_detail`) goes with the charges a newer export replaces: nothing orphaned.
  @Test func replacingAnExportRemovesItsLineDetailToo() throws {
    let ws = try workspace()
    func write(_ name: String, _ rows: [String]) throws -> String {
      let path = (dir as NSString).appendingPathComponent(name)
      let text = FocusText.header + ",ChargeDescription\n" + rows.map { $0 + #","per hour, ""on demand""""# }.joined(separator: "\n") + "\n"
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      return path
    }
    _ = try ws.importFile(try write("v1.csv", [FocusText.row("10.00"), FocusText.row("20.00", day: 2)]), options: ImportOptions())
    #expect(try ws.query("SELECT count(*) FROM charge_detail")[0][0].int == 2)
    _ = try ws.importFile(try write("v2.csv", [FocusText.row("11.00")]), options: ImportOptions())
    #expect(try ws.query("SELECT count(*) FROM charge_detail")[0][0].int == 1)
    #expect(try ws.query("SELECT count(*) FROM charge_detail WHERE charge_id NOT IN (SELECT id FROM charge)")[0][0].int == 0)
    #expect(try ws.query("SELECT charge_description FROM charge_v")[0][0].string == #"per hour, "on demand""#)
  }

  @Test func anImportWhoseEveryScopeIsRestatedIsMarkedReplaced() throws {
    let ws = try workspace()
    _ = try ws.importFile(try FocusText.write([FocusText.row("1.00")], to: dir, name: "v1.csv"), options: ImportOptions())
    _ = try ws.importFile(try FocusText.write([FocusText.row("2.00")], to: dir, name: "v2.csv"), options: ImportOptions())
    let records = try ws.imports()
    #expect(records[0].replacedBy == 2 && records[0].rowsLive == 0)
    #expect(try ImportsListing.table(records).contains("replaced by #2"))
  }

  @Test func otherPeriodsAndRowsWithoutProviderOrAccountAreNeverReplaced() throws {
    let ws = try workspace()
    _ = try ws.importFile(try FocusText.write([FocusText.row("1.00", period: "2026-09"), FocusText.row("3.00", provider: "", account: "")],
                                              to: dir, name: "a.csv"), options: ImportOptions())
    _ = try ws.importFile(try FocusText.write([FocusText.row("2.00"), FocusText.row("4.00", provider: "", account: "")],
                                              to: dir, name: "b.csv"), options: ImportOptions())
    #expect(try count(ws, "charge") == 4)
  }

  @Test func strictFailureWritesNothingAtAll() throws {
    let ws = try workspace()
    let path = try FocusText.write([FocusText.row("1.00"), FocusText.row("2.00"), FocusText.row("\"1,000.00\"")], to: dir, name: "bad.csv")
    do {
      _ = try ws.importFile(path, options: ImportOptions())
      Issue.record("strict import accepted a bad row")
    } catch let ImportError.badData(d) {
      #expect(d.location?.description == "bad.csv:4:1")
    }
    for table in ["charge", "import", "dict", "reject", "import_total", "import_scope"] {
      #expect(try count(ws, table) == 0, "\(table)")
    }
  }

  @Test func lenientStoresGoodRowsAndKeepsEveryBadOneWhole() throws {
    let ws = try workspace()
    let bad = FocusText.row("$9.99", "9.99")
    let path = try FocusText.write([FocusText.row("1.00"), bad, FocusText.row("2.00", day: 31)], to: dir, name: "l.csv")
    guard case .imported(let s) = try ws.importFile(path, options: ImportOptions(lenient: true)) else { Issue.record("no"); return }
    #expect(s.reconciles)
    let row = try #require(s.reconciliation.first)
    #expect(row.file.effectiveCost == 12_990_000_000)
    #expect(row.stored.effectiveCost == 3_000_000_000)
    #expect(row.rejected.effectiveCost == 9_990_000_000)
    let rejects = try ws.rejects(importId: 1)
    #expect(rejects.map(\.rawText) == [bad])
    #expect(rejects.first?.location.description == "l.csv:3:1")
    #expect(rejects.first?.reason.contains("currency symbols") == true)
    #expect(s.renderText().contains("l.csv:3:1: '$9.99' is not a number"))
  }

  @Test func sumsStayExactInSQL() throws {
    let ws = try workspace()
    let rows = (1...1000).map { FocusText.row("0.000000001", "0.1", day: $0 % 28 + 1, tags: "") }
    _ = try ws.importFile(try FocusText.write(rows, to: dir, name: "tiny.csv"), options: ImportOptions())
    let sums = try ws.query("SELECT money_sum(billed_cost), money_sum(effective_cost), typeof(money_sum(effective_cost)) FROM charge")[0]
    #expect(sums[0].int == 1_000_000)  // pico-units
    #expect(sums[1].int == 100_000_000_000_000)
    #expect(sums[2].string == "integer")
  }

  @Test func repeatedStringsAreStoredOnce() throws {
    let ws = try workspace()
    let rows = (1...200).map { FocusText.row("1.00", resource: "arn:aws:sagemaker:us-east-1:1:endpoint/e\($0 % 4)", day: $0 % 28 + 1,
                                             tags: "\"{\"\"model\"\":\"\"m\($0 % 2)\"\"}\"") }
    _ = try ws.importFile(try FocusText.write(rows, to: dir, name: "rep.csv"), options: ImportOptions())
    let distinct = try ws.query("SELECT count(*) FROM dict WHERE value LIKE 'arn:%'")[0][0].int
    #expect(distinct == 4)
    #expect(try ws.query("SELECT count(DISTINCT d.tags_id) FROM charge c JOIN charge_dims d ON d.id = c.dims_id")[0][0].int == 2)
  }

  @Test func dryRunWritesNothingAndPinsTheFormat() throws {
    let path = try FocusText.write([FocusText.row("1.00")], to: dir, name: "d.csv")
    let (sniffed, summary) = try Workspace.dryRun(path, options: ImportOptions())
    #expect(sniffed?.format == .focus)
    #expect(summary.result.rowsStored == 1)
    #expect(!FileManager.default.fileExists(atPath: db))
  }
}

/// A `.csv.gz` export imports like its CSV; its identity is the digest of the file's own bytes.
struct GzipImportTests {
  @Test func aGzippedExportImportsLikeItsCSV() throws {
    let dir = Repo.temporaryDirectory()
    let csv = (dir as NSString).appendingPathComponent("demo.csv")
    _ = try Workspace.generateFocus(to: csv, rows: 5_000)
    let gz = csv + ".gz"
    try Data(gzip(Array(try Data(contentsOf: URL(fileURLWithPath: csv))))).write(to: URL(fileURLWithPath: gz))
    let plainWS = try Workspace(databasePath: (dir as NSString).appendingPathComponent("p.db"))
    let gzWS = try Workspace(databasePath: (dir as NSString).appendingPathComponent("g.db"))
    guard case .imported(let p) = try plainWS.importFile(csv, options: ImportOptions()),
          case .imported(let g) = try gzWS.importFile(gz, options: ImportOptions()) else { Issue.record("not imported"); return }
    #expect(g.reconciliation == p.reconciliation)
    #expect(g.reconciles && g.result.rowsStored == 5_000)
    #expect(g.sha256 == (try SHA256Hasher.hash(try FileByteSource(path: gz))))
    #expect(p.sha256 == (try SHA256Hasher.hash(try FileByteSource(path: csv))))
    guard case .alreadyImported = try gzWS.importFile(gz, options: ImportOptions()) else { Issue.record("imported twice"); return }
    let dry = try Binary.run(["import", "--dry-run", gz])
    #expect(dry.stdout.contains("looks like focus 1.2"), "\(dry.stdout) \(dry.stderr)")
  }
}
