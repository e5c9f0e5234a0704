import Foundation
import MLCostTestSupport
import Testing
@testable import MLCost

/// The built binary, run as a user would: exit codes, messages, JSON, environment.
struct CLITests {
  let dir = Repo.temporaryDirectory()
  var db: String { (dir as NSString).appendingPathComponent("cli.db") }

  @Test func importsAndListsWithTheReconciliationAsJSON() throws {
    let path = try FocusText.write([FocusText.row("1.10"), FocusText.row("2.20", day: 2), FocusText.row("3.30", period: "2026-11")],
                                   to: dir, name: "ok.csv")
    let r = try Binary.run(["import", "--db", db, path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("ok.csv: imported as focus 1.0 — 3 rows read, 3 stored, 0 rejected"))
    #expect(r.stdout.contains("reconciled"))
    #expect(r.stderr.isEmpty, "no progress bar off a terminal: \(r.stderr)")
    let list = try Binary.run(["imports", "--db", db, "--format", "json"])
    #expect(list.status == 0)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
    #expect(json.count == 1)
    let entry = json[0]
    #expect(entry["file"] as? String == "ok.csv")
    #expect(entry["format"] as? String == "focus")
    #expect((entry["sha256"] as? String)?.count == 64)
    #expect(entry["rowsRead"] as? Int == 3 && entry["rowsStored"] as? Int == 3 && entry["rowsRejected"] as? Int == 0)
    let totals = try #require(entry["totals"] as? [[String: Any]])
    #expect(totals.map { $0["billingPeriod"] as? String } == ["2026-10", "2026-11"])
    #expect(totals[0]["currency"] as? String == "USD")
    #expect(totals[0]["billedCost"] as? String == "3.30")
    #expect(totals[0]["effectiveCost"] as? String == "3.30")
    #expect(totals[0]["rows"] as? Int == 2)
  }

  @Test func listingADatabaseThatDoesNotExistSaysSoAndCreatesNothing() throws {
    let r = try Binary.run(["imports", "--db", db])
    #expect(r.status == 66)
    #expect(r.stderr.contains("no database here yet"))
    #expect(!FileManager.default.fileExists(atPath: db))
  }

  @Test func oneBadFileAmongSeveralLeavesTheOthersImportedAndExits65() throws {
    let good = try FocusText.write([FocusText.row("1.00")], to: dir, name: "good.csv")
    let bad = try FocusText.write([FocusText.row("x.00")], to: dir, name: "bad.csv")
    let later = try FocusText.write([FocusText.row("3.00", account: "999")], to: dir, name: "later.csv")
    let r = try Binary.run(["import", "--db", db, good, bad, later])
    #expect(r.status == 65)
    #expect(r.stdout.contains("good.csv: imported") && r.stdout.contains("later.csv: imported"))
    #expect(r.stderr.contains("bad.csv:2:1: error:") && r.stderr.contains("1 of 3 files were not imported"))
    let list = try Binary.run(["imports", "--db", db, "--format", "json"])
    let json = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
    #expect(json.map { $0["file"] as? String } == ["good.csv", "later.csv"])
  }

  @Test func aMissingFileExits66() throws {
    let r = try Binary.run(["import", "--db", db, (dir as NSString).appendingPathComponent("nope.csv")])
    #expect(r.status == 66)
    #expect(r.stderr.contains("nope.csv: error: cannot open the file"))
  }

  @Test func badDataExits65WithFileLineColumn() throws {
    let path = try FocusText.write([FocusText.row("1.00"), FocusText.row("1.00").replacingOccurrences(of: "Usage", with: "Usgae")], to: dir, name: "bad.csv")
    let r = try Binary.run(["import", "--db", db, path])
    #expect(r.status == 65)
    #expect(r.stderr.contains("bad.csv:3:11: error: 'Usgae' is not a valid ChargeCategory; expected Usage, Purchase, Tax, Credit or Adjustment"))
  }

  @Test(arguments: [["import", "--format", "parquet", "x.csv"], ["import"], ["imports", "--format", "xml"], ["frobnicate"]])
  func usageErrorsExit64(args: [String]) throws {
    let r = try Binary.run(args + ["--db", db])
    #expect(r.status == 64, "\(args): \(r.stderr)")
  }

  @Test func theDatabaseComesFromMLCOST_DBWhenNoFlagIsGiven() throws {
    let path = try FocusText.write([FocusText.row("1.00")], to: dir, name: "env.csv")
    let envDB = (dir as NSString).appendingPathComponent("env.db")
    #expect(try Binary.run(["import", path], environment: ["MLCOST_DB": envDB]).status == 0)
    #expect(FileManager.default.fileExists(atPath: envDB))
    let r = try Binary.run(["imports"], environment: ["MLCOST_DB": envDB])
    #expect(r.stdout.contains("env.csv"))
  }

  @Test func dryRunPrintsTheGuessAndTheCommandThatPinsIt() throws {
    let path = try FocusText.write([FocusText.row("1.00")], to: dir, name: "dry.csv")
    let r = try Binary.run(["import", "--db", db, "--dry-run", path])
    #expect(r.status == 0)
    #expect(r.stdout.contains("looks like focus 1.0"))
    #expect(r.stdout.contains("to pin this guess: mlcost import --format focus \(path)"))
    #expect(!FileManager.default.fileExists(atPath: db))
  }

  @Test func helpIsDocumentedForEverySubcommand() throws {
    let readme = try String(contentsOfFile: Repo.path("README.md"), encoding: .utf8)
    let help = try Binary.run(["--help"]).stdout
    for sub in ["demo", "import", "imports", "report monthly", "report render", "idle", "anomalies", "plan", "throughput", "catalog import",
                "catalog list", "catalog validate", "generate"] {
      #expect(help.contains(sub.split(separator: " ")[0]), "\(sub) missing from --help")
      #expect(readme.contains("mlcost \(sub)"), "README does not document `mlcost \(sub)`")
    }
    assertSnapshot(try Binary.run(["import", "--help"]).stdout, at: Repo.path("Tests/Golden/import-help.txt"))
    assertSnapshot(try Binary.run(["report", "monthly", "--help"]).stdout, at: Repo.path("Tests/Golden/report-monthly-help.txt"))
    assertSnapshot(try Binary.run(["plan", "--help"]).stdout, at: Repo.path("Tests/Golden/plan-help.txt"))
  }
}

/// On a terminal a long import draws a progress bar on stderr; off a terminal it draws none.
struct ProgressBarTests {
  @Test func aTerminalGetsAProgressBarAndAPipeDoesNot() throws {
    let dir = Repo.temporaryDirectory()
    let file = (dir as NSString).appendingPathComponent("ten-mb.csv")
    _ = try Workspace.generateFocus(to: file, rows: 12_000)  // ~10 MB: over the bar's 4 MB floor
    // `script` runs the command under a pseudo-terminal; stderr is then a TTY.
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    let db = (dir as NSString).appendingPathComponent("tty.db")
    p.arguments = ["-qec", "\(Binary.mlcost) import --db \(db) \(file) 2>&1 >/dev/null", "/dev/null"]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    #expect(text.contains("rows/s") && text.contains("ETA") && text.contains("MB"), "\(text.prefix(300))")
    // Off a terminal: no progress at all.
    let piped = try Binary.run(["import", "--db", (dir as NSString).appendingPathComponent("pipe.db"), file])
    #expect(piped.status == 0 && piped.stderr.isEmpty)
  }
}

extension CLITests {
  @Test func aDirectoryImportsEveryRecognisedFileWithASummary() throws {
    let folder = (dir as NSString).appendingPathComponent("exports")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    _ = try FocusText.write([FocusText.row("1.10")], to: folder, name: "focus.csv")
    try FileManager.default.copyItem(atPath: Repo.path("Tests/Fixtures/ubl/invoice-gpu-hours/input.xml"),
                                     toPath: (folder as NSString).appendingPathComponent("invoice.xml"))
    try "just some notes\n".write(toFile: (folder as NSString).appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
    let r = try Binary.run(["import", "--db", db, folder])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("summary: 2 file(s), 1 skipped"))
    #expect(r.stdout.contains("focus.csv") && r.stdout.contains("invoice.xml") && r.stdout.contains("imported, reconciled"))
    #expect(r.stderr.contains("notes.txt: skipped"))
    #expect(r.stdout.contains("to pin it: mlcost import --format ubl"))
  }
}

/// `mlcost report` as a user runs it: every format, re-rendering, and the errors.
struct ReportCLITests {
  let dir = Repo.temporaryDirectory()
  var db: String { (dir as NSString).appendingPathComponent("r.db") }

  func imported() throws {
    let path = try FocusText.write([FocusText.row("1.10"), FocusText.row("2.20", day: 2)], to: dir, name: "ok.csv")
    #expect(try Binary.run(["import", "--db", db, path]).status == 0)
  }

  @Test func everyFormatAndARenderOfTheJSON() throws {
    try imported()
    let table = try Binary.run(["report", "monthly", "--db", db, "--month", "2026-10"], cwd: dir)
    #expect(table.status == 0, "\(table.stderr)")
    #expect(table.stdout.contains("Cost per model") && table.stdout.contains("(unallocated)") && table.stdout.contains("3.30"))
    for format in ["md", "csv", "json", "html"] {
      let out = (dir as NSString).appendingPathComponent("report.\(format)")
      let r = try Binary.run(["report", "monthly", "--db", db, "--month", "2026-10", "--format", format, "--out", out], cwd: dir)
      #expect(r.status == 0, "\(format): \(r.stderr)")
    }
    #expect(FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("report-models.csv")))
    let json = (dir as NSString).appendingPathComponent("report.json")
    let rendered = try Binary.run(["report", "render", json, "--format", "md"], cwd: dir)
    #expect(rendered.status == 0 && rendered.stdout.hasPrefix("# MLCost monthly cost per model — 2026-10"))
    let cash = try Binary.run(["report", "monthly", "--db", db, "--month", "2026-10", "--basis", "cash"], cwd: dir)
    #expect(cash.stdout.contains("basis: cash (BilledCost)"))
  }

  @Test func errorsSayWhatAndExitWithTheRightCode() throws {
    try imported()
    #expect(try Binary.run(["report", "monthly", "--db", db, "--month", "October"], cwd: dir).status == 64)
    #expect(try Binary.run(["report", "monthly", "--db", (dir as NSString).appendingPathComponent("none.db"), "--month", "2026-10"], cwd: dir).status == 66)
    let rules = (dir as NSString).appendingPathComponent("bad.yaml")
    try "pools:\n  - name: x\n    match: {service: db}\n    split: by-vibes\n".write(toFile: rules, atomically: true, encoding: .utf8)
    let bad = try Binary.run(["report", "monthly", "--db", db, "--month", "2026-10", "--rules", rules], cwd: dir)
    #expect(bad.status == 65)
    #expect(bad.stderr.contains("bad.yaml:4:12") && bad.stderr.contains("unknown split 'by-vibes'"))
    let notAReport = (dir as NSString).appendingPathComponent("x.json")
    try "{\"a\": 1}".write(toFile: notAReport, atomically: true, encoding: .utf8)
    let r = try Binary.run(["report", "render", notAReport], cwd: dir)
    #expect(r.status == 65 && r.stderr.contains("x.json"))
  }
}
