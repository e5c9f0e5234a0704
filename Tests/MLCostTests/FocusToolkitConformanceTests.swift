import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// FOCUS 1.3/1.4 files nobody here wrote: `focus-data-toolkit` (PyPI) generates provider-realistic 1.3 Cost and Usage and
/// Contract Commitment data for AWS, Azure and GCP and converts them to the four 1.4 datasets. All of them import and
/// reconcile, and its Invoice Detail (aggregated from its own Cost and Usage) matches MLCost's sums.
@Suite(.serialized) struct FocusToolkitConformanceTests {
  /// `$MLCOST_FOCUS_TOOLKIT`, else `focus-toolkit` on the PATH (.ci/run installs it in a virtual environment).
  static let toolkit: String? = {
    if let p = ProcessInfo.processInfo.environment["MLCOST_FOCUS_TOOLKIT"], FileManager.default.isExecutableFile(atPath: p) { return p }
    let local = Repo.path(".ci-venv/bin/focus-toolkit")
    if FileManager.default.isExecutableFile(atPath: local) { return local }
    return (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/focus-toolkit" }
      .first(where: FileManager.default.isExecutableFile)
  }()

  static func run(_ args: [String], in dir: String) throws {
    let r = try Binary.run(args, cwd: dir, executable: try #require(toolkit))
    #expect(r.status == 0, "focus-toolkit \(args.joined(separator: " ")): \(r.stderr.suffix(2000))")
  }

  @Test(.enabled(if: toolkit != nil, "focus-data-toolkit is not installed (pip install focus-data-toolkit; .ci/run installs it)"),
        arguments: ["aws", "azure", "gcp"])
  func toolkitDatasetsImportAndReconcile(_ provider: String) throws {
    let dir = Repo.temporaryDirectory("toolkit-" + provider)
    try Self.run(["generate", "--provider", provider, "--focus-version", "1.3", "--rows", "400", "--seed", "7", "--out", "gen"], in: dir)
    let gen = (dir as NSString).appendingPathComponent("gen")
    let files = try FileManager.default.contentsOfDirectory(atPath: gen).sorted()
    let cu = try #require(files.first { $0.contains("cost_and_usage") }), cc = try #require(files.first { $0.contains("contract_commitment") })
    try Self.run(["convert", "--cost-and-usage", "gen/" + cu, "--contract-commitment", "gen/" + cc, "--out", "v14", "--mode", "synthetic", "--exit-policy", "pipeline"], in: dir)
    let v14 = (dir as NSString).appendingPathComponent("v14")
    let outputs = try FileManager.default.contentsOfDirectory(atPath: v14).filter { $0.hasSuffix(".csv") }.sorted()
    #expect(outputs.count == 4, "\(outputs)")
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("t.db"))
    var months = Set<String>()
    for file in outputs.map({ (v14 as NSString).appendingPathComponent($0) }) + [(gen as NSString).appendingPathComponent(cu),
                                                                                  (gen as NSString).appendingPathComponent(cc)] {
      let sniffed = try Workspace.sniff(file)
      #expect(sniffed.format == (file.contains("cost_and_usage") ? .focus : .focusDataset), "\(file): \(sniffed)")
      let fresh = try Workspace(databasePath: (dir as NSString).appendingPathComponent((file as NSString).lastPathComponent + ".db"))
      guard case .imported(let s) = try fresh.importFile(file, options: ImportOptions()) else { Issue.record("\(file) not imported"); continue }
      #expect(s.reconciles && s.result.rowsRejected == 0, "\(file)")
      if file.contains("/v14/") { _ = try ws.importFile(file, options: ImportOptions()) }
      for r in s.reconciliation { if let p = r.key.period, r.key.currency.code != "none" { months.insert(p.description) } }
    }
    #expect(!months.isEmpty)
    for m in months.sorted() {
      let r = try ws.reconcileInvoices(month: BillingMonth(m)!)
      #expect(!r.rows.isEmpty)
      for row in r.rows {
        #expect(row.status == .matches || row.status == .rounding, "\(provider) \(m) \(row.issuer) \(row.account) \(row.currency): \(row.status) \(String(describing: row.difference))")
      }
    }
  }

  /// The same 1.4 datasets written as Parquet by the toolkit (pyarrow) import to the same totals as its CSV.
  @Test(.enabled(if: toolkit != nil && ParquetImportTests.python != nil, "needs focus-data-toolkit and a Python with pyarrow (.ci/run installs both)"))
  func toolkitParquetDatasetsImportLikeTheirCSV() throws {
    setenv("MLCOST_PYTHON", try #require(ParquetImportTests.python), 1)
    let dir = Repo.temporaryDirectory("toolkit-parquet")
    try Self.run(["generate", "--provider", "azure", "--focus-version", "1.3", "--rows", "300", "--seed", "11", "--out", "gen"], in: dir)
    let gen = (dir as NSString).appendingPathComponent("gen")
    let files = try FileManager.default.contentsOfDirectory(atPath: gen).sorted()
    let cu = try #require(files.first { $0.contains("cost_and_usage") }), cc = try #require(files.first { $0.contains("contract_commitment") })
    for format in ["csv", "parquet"] {
      try Self.run(["convert", "--cost-and-usage", "gen/" + cu, "--contract-commitment", "gen/" + cc, "--out", format, "--mode", "synthetic",
                    "--exit-policy", "pipeline", "--output-format", format], in: dir)
    }
    func totals(_ format: String) throws -> [String: [String]] {
      let folder = (dir as NSString).appendingPathComponent(format)
      var out: [String: [String]] = [:]
      for f in try FileManager.default.contentsOfDirectory(atPath: folder).filter({ $0.hasSuffix("." + format) }).sorted() {
        let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("\(format)-\(f).db"))
        guard case .imported(let s) = try ws.importFile((folder as NSString).appendingPathComponent(f), options: ImportOptions()) else {
          Issue.record("\(f) not imported"); continue
        }
        #expect(s.reconciles && s.result.rowsRejected == 0, "\(f)")
        let dataset = ["cost_and_usage", "contract_commitment", "billing_period", "invoice_detail"].first { f.contains($0) } ?? f
        out[dataset] = s.reconciliation.map { "\($0.key) \($0.file.rows) \($0.file.billedCost.decimalString)" }.sorted()
      }
      return out
    }
    let csv = try totals("csv"), parquet = try totals("parquet")
    #expect(csv.count == 4 && csv == parquet, "csv \(csv)\nparquet \(parquet)")
  }
}
