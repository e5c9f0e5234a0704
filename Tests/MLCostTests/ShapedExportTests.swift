import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// The benchmark shapes (`mlcost generate --shape`): every one imports strictly with nothing rejected
/// and reconciles; the realistic shape has the variety it claims and the adversarial one repeats nothing.
struct ShapedExportTests {
  let dir = Repo.temporaryDirectory()
  func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

  @Test(arguments: [Workspace.GeneratedFormat.focus, .cur, .cur2])
  func everyShapeImportsStrictlyAndReconciles(_ format: Workspace.GeneratedFormat) throws {
    for shape in [ExportShape.realistic, .adversarial] {
      let file = path("\(format)-\(shape).csv")
      let written = try Workspace.generate(format, shape: shape, to: file, rows: 3000, resources: 500)
      #expect(written.rows == 3000)
      let ws = try Workspace(databasePath: path("\(format)-\(shape).db"))
      guard case .imported(let s) = try ws.importFile(file, options: ImportOptions()) else { Issue.record("not imported"); return }
      #expect(s.result.rowsStored == 3000 && s.result.rowsRejected == 0 && s.reconciles, "\(format) \(shape)")
      let resources = try ws.query("SELECT count(DISTINCT resource_id) FROM charge_v")[0][0].int ?? 0
      let skus = try ws.query("SELECT count(DISTINCT sku_id) FROM charge_v")[0][0].int ?? 0
      if shape == .adversarial {
        // 1% of rows are tax, which has no resource.
        #expect(resources >= 2900 && skus >= 2900, "\(format): \(resources) resources, \(skus) SKUs")
      } else {
        #expect(resources > 300 && resources <= 501 && skus > 100, "\(format): \(resources) resources, \(skus) SKUs")
      }
    }
  }

  @Test func theRealisticShapeMixesTheSpellingsRealFilesUse() throws {
    let file = path("r.csv")
    _ = try Workspace.generate(.focus, shape: .realistic, to: file, rows: 3000, resources: 200)
    let text = try String(contentsOfFile: file, encoding: .utf8)
    for spelling in ["T00:00:00Z", "T01:00:00+00:00", " 02:00:00,", ".000Z", "E-", ",NULL,", ",null,", #"\u00e9"#,
                     // CSV doubles the quotes inside a quoted field: a JSON escape `\"` is `\""`, `"team": "` (brace-less) is `""team"": ""`.
                     "\\\"\"", "\"\"team\"\": \"\"", "\nsee \"\"pricing\"\" notes"] {
      #expect(text.contains(spelling), "no \(spelling.debugDescription) in the realistic file")
    }
    // Deterministic: the same arguments write the same bytes.
    _ = try Workspace.generate(.focus, shape: .realistic, to: path("r2.csv"), rows: 3000, resources: 200)
    #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(contentsOf: URL(fileURLWithPath: path("r2.csv"))))
  }
}
