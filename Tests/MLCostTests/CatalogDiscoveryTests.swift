import Foundation
import MLCostTestSupport
import Testing

/// A binary run outside the repository found no catalogs and silently reported every catalog-priced API line as
/// unpriced: `mlcost demo` from another folder gave 113,923.30 where the golden says 114,058.14, with no warning.
struct CatalogDiscoveryTests {
  @Test func theBinaryFindsTheCatalogsItShippedWithFromAnyFolder() throws {
    let dir = Repo.temporaryDirectory()
    let r = try Binary.run(["demo", "--out", "out"], environment: ["MLCOST_CATALOGS": ""], cwd: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!r.stderr.contains("No API price catalog"), "\(r.stderr)")
    let md = try String(contentsOfFile: (dir as NSString).appendingPathComponent("out/monthly-2026-10.md"), encoding: .utf8)
    #expect(md.contains("| USD | 115,688.14 | 115,688.14 | 115,553.30 | 0.00 | 134.84 |"))
  }

  @Test func withoutACatalogTheReportSaysWhereItLookedAndWarns() throws {
    let dir = Repo.temporaryDirectory()
    let copy = (dir as NSString).appendingPathComponent("mlcost")
    try FileManager.default.copyItem(atPath: Binary.mlcost, toPath: copy)
    // An empty MLCOST_CATALOGS counts as unset.
    let r = try Binary.run(["demo", "--out", "out"], environment: ["MLCOST_CATALOGS": ""], cwd: dir, executable: copy)
    let stderr = r.stderr
    #expect(r.status == 0)
    #expect(stderr.hasPrefix("warning: No API price catalog found (looked in: catalogs, \(dir)/catalogs"), "\(stderr)")
    let md = try String(contentsOfFile: (dir as NSString).appendingPathComponent("out/monthly-2026-10.md"), encoding: .utf8)
    #expect(md.contains("No API price catalog found"))
    #expect(md.contains("| USD | 115,553.30 | 115,553.30 | 115,553.30 | 0.00 | 0.00 |"))
  }
}
