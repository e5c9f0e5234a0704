import Foundation
import MLCostTestSupport
import Testing
@testable import MLCost
import MLCostImporters

/// Every CSV under ../shared/data/focus/ (real files nobody here wrote) imports; the rows the spec's
/// own examples get wrong are rejected in --lenient with a reason, and strict mode stops on them.
struct ConformanceTests {
  static let files: [String] = {
    guard let data = Repo.sharedData else { return [] }
    let root = (data as NSString).appendingPathComponent("focus")
    let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
    return all.filter { $0.hasSuffix(".csv") }.sorted().map { (root as NSString).appendingPathComponent($0) }
  }()

  /// Files with rows that break the format, and what the reason says.
  static let knownBad: [String: (rejected: Int, says: String)] = [
    "commitment_discount_scenarios__commitment_discount_purchase_scenario_2.csv": (1, "hour 30 is out of range"),
    "commitment_discount_scenarios__commitment_discount_purchase_scenario_3.csv": (1, "hour 30 is out of range"),
    "saas_examples__simple_agreements__simple_saas_agreements_a1.csv": (1, "currency symbols are not allowed"),
    "saas_examples__simple_agreements__simple_saas_agreements_a2.csv": (1, "currency symbols are not allowed"),
    "saas_examples__simple_agreements__simple_saas_agreements_a3.csv": (1, "currency symbols are not allowed"),
    "saas_examples__simple_agreements__simple_saas_agreements_b.csv": (1, "currency symbols are not allowed"),
    "saas_examples__simple_agreements__simple_saas_agreements_c.csv": (3, "currency symbols are not allowed"),
  ]

  @Test(Repo.needsSharedData) func sharedDataHasTheFiles() {
    #expect(Self.files.count >= 20)
  }

  @Test(Repo.needsSharedData, arguments: files)
  func importsLenientlyAndReconciles(_ path: String) throws {
    let name = (path as NSString).lastPathComponent
    let dir = Repo.temporaryDirectory()
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("c.db"))
    guard case .imported(let s) = try ws.importFile(path, options: ImportOptions(lenient: true)) else { Issue.record("not imported"); return }
    #expect(s.reconciles, "\(name)")
    #expect(s.result.rowsRead == s.result.rowsStored + s.result.rowsRejected)
    #expect(s.result.rowsRead > 0)
    let expected = Self.knownBad[name]
    #expect(s.result.rowsRejected == (expected?.rejected ?? 0), "\(name): \(s.result.firstRejects)")
    for reject in try ws.rejects(importId: 1) {
      #expect(reject.location.line >= 2 && reject.location.column != nil)
      #expect(reject.reason.contains(expected?.says ?? "—"), "\(reject.reason)")
      #expect(!reject.rawText.isEmpty)
    }
  }

  @Test(Repo.needsSharedData, arguments: files)
  func strictModeStopsOnTheBadRowsWithTheirLocation(_ path: String) throws {
    let name = (path as NSString).lastPathComponent
    let dir = Repo.temporaryDirectory()
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("s.db"))
    do {
      _ = try ws.importFile(path, options: ImportOptions())
      #expect(Self.knownBad[name] == nil, "\(name) imported strictly despite its bad rows")
    } catch let ImportError.badData(d) {
      #expect(Self.knownBad[name] != nil, "\(name): \(d)")
      #expect(d.description.hasPrefix("\(name):"), "\(d)")
      #expect(d.location?.column != nil)
      #expect(try ws.query("SELECT count(*) FROM charge")[0][0].int == 0)
    }
  }
}
