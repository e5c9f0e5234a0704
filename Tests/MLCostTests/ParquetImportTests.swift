import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// FOCUS as Parquet (AWS Data Exports and Azure deliver it so): read through a pyarrow helper into the same importer.
@Suite(.serialized) struct ParquetImportTests {
  /// A Python with pyarrow: `$MLCOST_PYTHON`, else the CI virtual environment's (.ci/run installs pyarrow there).
  static let python: String? = {
    let candidates = [ProcessInfo.processInfo.environment["MLCOST_PYTHON"], Repo.path(".ci-venv/bin/python")].compactMap { $0 }
    return candidates.first { p in
      guard FileManager.default.isExecutableFile(atPath: p), let r = try? Binary.run(["-c", "import pyarrow"], executable: p) else { return false }
      return r.status == 0
    }
  }()

  static func parquet(from csv: String, in dir: String) throws -> String {
    let out = (dir as NSString).appendingPathComponent(((csv as NSString).lastPathComponent as NSString).deletingPathExtension + ".parquet")
    let r = try Binary.run([Repo.path("scripts/csv-to-parquet.py"), csv, out], executable: try #require(python))
    #expect(r.status == 0, "\(r.stderr)")
    return out
  }

  /// The demo's October FOCUS export as CSV and as Parquet (Tags a map, costs decimal128, periods timestamps) import to
  /// the same charges and the same report.
  @Test(.enabled(if: python != nil, "no Python with pyarrow (pip install 'pyarrow<18'; .ci/run installs it)"))
  func parquetAndCSVGiveTheSameReport() throws {
    let dir = Repo.temporaryDirectory()
    // The in-process import runs the helper with $MLCOST_PYTHON: the Python found here.
    setenv("MLCOST_PYTHON", try #require(Self.python), 1)
    let outcome = try Workspace.runDemo(directory: dir, prices: nil)
    let csv = (outcome.inputDirectory as NSString).appendingPathComponent("northwind-focus-2026-10.csv")
    let pq = try Self.parquet(from: csv, in: dir)
    #expect(try Workspace.sniff(pq).format == .focus)
    let rules = try Workspace.loadRules(path: (outcome.inputDirectory as NSString).appendingPathComponent("mlcost.yaml"))
    var reports: [MonthlyReport] = []
    for (name, file) in [("csv", csv), ("parquet", pq)] {
      let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent(name + ".db"))
      guard case .imported(let s) = try ws.importFile(file, options: ImportOptions()) else { Issue.record("\(name) not imported"); continue }
      #expect(s.reconciles && s.result.rowsStored == 3970 && s.result.format == .focus, "\(name)")
      reports.append(try ws.monthlyReport(month: BillingMonth("2026-10")!, rules: rules))
    }
    #expect(reports.count == 2 && reports[0].models == reports[1].models && reports[0].totals == reports[1].totals)
    // The same file again is already imported (its hash is the Parquet file's).
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("parquet.db"))
    guard case .alreadyImported = try ws.importFile(pq, options: ImportOptions()) else { Issue.record("imported twice"); return }
  }

  /// A file the built-in reader does not read (a list column): without pyarrow the error names the file, says what in
  /// it needs pyarrow and what to install — never raw bytes.
  @Test func withoutPyarrowTheErrorSaysWhatToInstall() throws {
    let dir = Repo.temporaryDirectory()
    let file = (dir as NSString).appendingPathComponent("export.parquet")
    try FileManager.default.copyItem(atPath: Repo.path("Tests/Parquet/list.parquet"), toPath: file)
    let fake = (dir as NSString).appendingPathComponent("python-without-pyarrow")
    try "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'pyarrow'\" >&2\nexit 1\n".write(toFile: fake, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
    let r = try Binary.run(["import", "--db", (dir as NSString).appendingPathComponent("x.db"), file], environment: ["MLCOST_PYTHON": fake])
    #expect(r.status != 0)
    #expect(r.stderr.contains("export.parquet") && r.stderr.contains("Parquet") && r.stderr.contains("pip install pyarrow"), "\(r.stderr)")
    #expect(!r.stderr.contains("PAR1") && r.stderr.contains("(Items)"), "\(r.stderr)")
  }

  /// What the built-in reader reads needs no Python at all: the demo's FOCUS Parquet fixture imports with a Python that
  /// has no pyarrow.
  @Test func theFlatShapeNeedsNoPython() throws {
    let dir = Repo.temporaryDirectory()
    let file = (dir as NSString).appendingPathComponent("flat.parquet")
    try FileManager.default.copyItem(atPath: Repo.path("Tests/Parquet/snappy-dictionary-v1.parquet"), toPath: file)
    let r = try Binary.run(["import", "--db", (dir as NSString).appendingPathComponent("x.db"), "--dry-run", file],
                           environment: ["MLCOST_PYTHON": "/nonexistent/python"])
    // The fixture is not a billing export: it is read (no Python asked for) and refused for its header.
    #expect(!r.stderr.contains("pyarrow") && r.stderr.contains("flat.parquet") && r.stderr.contains("header"), "\(r.stderr)")
  }

  /// A damaged file without pyarrow: the built-in reader's own complaint, with the file's name.
  @Test func aDamagedFooterIsAClearErrorWithoutPython() throws {
    let dir = Repo.temporaryDirectory()
    let file = (dir as NSString).appendingPathComponent("export.parquet")
    try Data("PAR1\u{15}\u{04}garbage-that-is-not-a-footerPAR1".utf8).write(to: URL(fileURLWithPath: file))
    let r = try Binary.run(["import", "--db", (dir as NSString).appendingPathComponent("x.db"), file], environment: ["MLCOST_PYTHON": "/nonexistent/python"])
    #expect(r.status != 0 && r.stderr.contains("export.parquet") && r.stderr.contains("could not be read") && !r.stderr.contains("PAR1"), "\(r.stderr)")
  }

  /// A damaged Parquet file: pyarrow's own complaint, with the file's name.
  @Test(.enabled(if: python != nil, "no Python with pyarrow (pip install 'pyarrow<18'; .ci/run installs it)"))
  func aDamagedParquetFileIsAClearError() throws {
    let dir = Repo.temporaryDirectory()
    let file = (dir as NSString).appendingPathComponent("cut.parquet")
    try Data("PAR1\u{15}\u{04}cut-short".utf8).write(to: URL(fileURLWithPath: file))
    let r = try Binary.run(["import", "--db", (dir as NSString).appendingPathComponent("x.db"), file], environment: ["MLCOST_PYTHON": try #require(Self.python)])
    #expect(r.status != 0 && r.stderr.contains("cut.parquet") && r.stderr.contains("could not be read"), "\(r.stderr)")
  }
}
