import MLCostCore
import Foundation
import MLCostTestSupport
import Testing
@testable import MLCost
import MLCostImporters

/// Every file under ../shared/data/billing, llm-usage and invoices-xml (real files nobody here
/// wrote) is detected, imports (lenient where the file is known-bad) and reconciles to the nano.
struct SourceConformanceTests {
  static let files: [String] = {
    guard let data = Repo.sharedData else { return [] }
    var out: [String] = []
    for folder in ["billing", "llm-usage", "invoices-xml"] {
      let root = (data as NSString).appendingPathComponent(folder)
      let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
      out += all.filter { name in [".csv", ".json", ".xml"].contains { name.hasSuffix($0) } }.sorted().map { (root as NSString).appendingPathComponent($0) }
    }
    return out
  }()

  /// The format each folder's files must be detected as.
  static func expectedFormat(_ path: String) -> ImportFormat? {
    if path.contains("/aws-cur/") { return .cur }
    if path.contains("/azure/") { return .azure }
    if path.contains("/gcp/") { return .gcp }
    if path.contains("/oci/") { return .oci }
    if path.contains("/openai/") { return .openai }
    if path.contains("/invoices-xml/") { return .ubl }
    return nil
  }

  /// Files that break their own format, how many rows are rejected, and what the reason says.
  static let knownBad: [String: (rejected: Int, says: String)] = [
    // A header-set fixture whose only row carries a date and nothing else.
    "headersets__BOM.csv": (1, "Currency is required"),
  ]

  /// OCI's usage report has quantities and no cost: refused, naming the cost report to import instead.
  static let unsupported: [String: String] = ["reports_usage-csv_0001000000829494.csv": "this is an OCI usage report"]

  @Test(Repo.needsSharedData) func sharedDataHasTheFiles() {
    #expect(Self.files.count >= 40)
  }

  @Test(Repo.needsSharedData, arguments: files)
  func detectedImportedAndReconciled(_ path: String) throws {
    let name = (path as NSString).lastPathComponent
    let dir = Repo.temporaryDirectory(name)
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("c.db"))
    if let says = Self.unsupported[name] {
      do {
        _ = try ws.importFile(path, options: ImportOptions(lenient: true))
        Issue.record("\(name) was imported")
      } catch {
        #expect("\(error)".contains(says) && "\(error)".contains(name), "\(error)")
      }
      return
    }
    #expect(try Workspace.sniff(path).format == Self.expectedFormat(path), "\(name)")
    guard case .imported(let s) = try ws.importFile(path, options: ImportOptions(lenient: true)) else { Issue.record("not imported"); return }
    #expect(s.reconciles, "\(name)")
    #expect(s.result.rowsRead == s.result.rowsStored + s.result.rowsRejected)
    #expect(s.result.rowsRejected == (Self.knownBad[name]?.rejected ?? 0), "\(name): \(s.result.firstRejects)")
    for reject in s.result.firstRejects { #expect(reject.reason.contains(Self.knownBad[name]?.says ?? "—"), "\(reject.reason)") }
    let stored = try ws.query("SELECT (SELECT count(*) FROM charge) + (SELECT count(*) FROM usage) + (SELECT count(*) FROM metric_sample)")[0][0].int
    #expect(stored == Int64(s.result.rowsStored))
  }

  /// The real UBL examples reconcile with their LegalMonetaryTotal (the importer refuses them otherwise).
  @Test(Repo.needsSharedData) func peppolExamplesReconcileWithTheirLegalMonetaryTotal() throws {
    for path in Self.files where path.hasSuffix(".xml") {
      let ws = try Workspace(databasePath: (Repo.temporaryDirectory("ubl-" + (path as NSString).lastPathComponent) as NSString).appendingPathComponent("u.db"))
      guard case .imported(let s) = try ws.importFile(path, options: ImportOptions()) else { continue }
      #expect(s.result.warnings.contains { $0.message.contains("reconciles with LegalMonetaryTotal") }, "\(path)")
    }
  }

  /// Known numbers from the real files, checked by hand against the files' text.
  @Test(Repo.needsSharedData) func realFilesGiveTheNumbersWorkedOutByHand() throws {
    let data = try #require(Repo.sharedData)
    func imported(_ relative: String) throws -> ImportSummary? {
      let ws = try Workspace(databasePath: (Repo.temporaryDirectory("hand-" + (relative as NSString).lastPathComponent) as NSString).appendingPathComponent("h.db"))
      guard case .imported(let s) = try ws.importFile((data as NSString).appendingPathComponent(relative), options: ImportOptions(lenient: true)) else { return nil }
      return s
    }
    // koku's CUR: three SavingsPlanCoveredUsage rows of 10 NOK on demand, 0.1 each at the SP rate.
    let cur = try #require(try imported("billing/aws-cur/koku/2023-06-01.csv"))
    #expect(cur.reconciliation.first?.file.billedCost == 30_000_000_000)
    #expect(cur.reconciliation.first?.file.effectiveCost == 300_000_000)
    #expect(cur.reconciliation.first?.key.currency == "NOK")
    // Azure EA actual: the RI purchase (3.25) is billed, not effective.
    let ea = try #require(try imported("billing/azure/finops-toolkit/EA_ActualCost_Small.csv"))
    let t = try #require(ea.reconciliation.first)
    #expect(t.file.billedCost - t.file.effectiveCost == Amount(nanos: 3_250_000_000))
    // OpenAI costs example: one result of $0.06.
    let openai = try #require(try imported("llm-usage/openai/organization_costs.example.json"))
    #expect(openai.reconciliation.first?.file.billedCost == 60_000_000)
    // koku's OCI cost report: one line of 0.000040641 GBP (0.000019 × 2.139), two zero-cost lines without a currency.
    let oci = try #require(try imported("billing/oci/koku/reports_cost-csv_0001000000603747.csv"))
    #expect(oci.reconciliation.first { $0.key.currency == "GBP" }?.file.billedCost == Amount(picos: 40_641_000))
    #expect(oci.result.rowsStored == 5)
    // The Norwegian Peppol example owes 1801.78 + 0.22 rounding = 1802.00 (of which 1000 prepaid).
    let no = try #require(try imported("invoices-xml/peppol-bis-invoice-3/national-examples__NO__Norwegian-example-1.xml"))
    #expect(no.reconciliation.first?.file.billedCost == Amount(nanos: 1_802_000_000_000))
    // OpenAI's tool-call results are named file_searches / web_searches (not the endpoints' file_search_calls): 2 calls each.
    for name in ["file_search_calls", "web_search_calls"] {
      let path = (data as NSString).appendingPathComponent("llm-usage/openai/organization_usage_\(name).example.json")
      let ws = try Workspace(databasePath: (Repo.temporaryDirectory("tool-" + name) as NSString).appendingPathComponent("t.db"))
      _ = try ws.importFile(path, options: ImportOptions())
      let q = try ws.query("SELECT quantity, (SELECT value FROM dict WHERE id = unit_id) FROM usage")
      #expect(q.count == 1 && q[0][0].double == 2 && q[0][1].string == "calls", "\(name): \(q)")
    }
  }
}
