import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost
@testable import MLCostImporters

/// The Swift half of the Spark engine, without Spark: a reduced export (one row per group, amounts summed, a weights
/// row each) imports to what the original file imports to — counts, exact totals, residuals, rollups and rejects.
struct ReducedImportTests {
  /// Six rows in two groups of two (same day and dimensions) and two alone; 0.1234567890123456 rounds at the 12th decimal.
  static let original = [
    FocusText.row("1.10", day: 1), FocusText.row("2.20", day: 1), FocusText.row("0.1234567890123456", day: 2),
    FocusText.row("0.1234567890123456", day: 2), FocusText.row("5.00", resource: "i-2", day: 3), FocusText.row("$7", day: 4),
  ]
  /// What the Spark job writes for them: sums, and per group its rows, first row and what rounding dropped (10⁻³⁶ units:
  /// 0.…3456 past the 12th decimal is 3.456 × 10²³ per row, twice).
  static let reduced = [
    FocusText.row("3.300000000000", day: 1), FocusText.row("0.246913578024", day: 2),
    FocusText.row("5.000000000000", resource: "i-2", day: 3), FocusText.row("$7", day: 4),
  ]
  static let weights = """
    rows,first_row,billed_residual,billed_inexact,effective_residual,effective_inexact,raw_base64
    2,1,0,0,0,0,
    2,3,691200000000000000000000,0,691200000000000000000000,0,
    1,5,0,0,0,0,
    1,6,0,0,0,0,\(Data(FocusText.row("$7", day: 4).utf8).base64EncodedString())
    """

  @Test func aReducedExportImportsAsTheOriginal() throws {
    let dir = Repo.temporaryDirectory()
    let file = try FocusText.write(Self.original, to: dir, name: "export.csv")
    let a = try Workspace(databasePath: (dir as NSString).appendingPathComponent("a.db"))
    guard case .imported(let x) = try a.importFile(file, options: ImportOptions(lenient: true)) else { Issue.record("not imported"); return }

    let agg = try FocusText.write(Self.reduced, to: dir, name: "agg-0.csv")
    let weights = try ReducedRow.parse(Self.weights, file: "weights-0.csv")
    #expect(weights.count == 4 && weights[1].rows == 2 && weights[3].raw != nil)
    let b = try Workspace(databasePath: (dir as NSString).appendingPathComponent("b.db"))
    let y = try #require(try b.importReduced(aggregate: agg, weights: weights, original: "file:" + file, bytes: 0, options: ImportOptions(lenient: true)))

    #expect(y.fileName == "export.csv")
    #expect((x.result.rowsRead, x.result.rowsStored, x.result.rowsRejected) == (6, 5, 1))
    #expect((y.result.rowsRead, y.result.rowsStored, y.result.rowsRejected) == (6, 5, 1))
    #expect(x.reconciliation == y.reconciliation)
    let residual = try #require(x.reconciliation.first?.file.billedResidual)
    #expect(!residual.isZero && residual == y.reconciliation.first?.file.billedResidual)
    for sql in ["SELECT day, rows, billed_cost, effective_cost FROM charge_daily ORDER BY day",
                "SELECT rows, billed_cost FROM charge_summary ORDER BY billed_cost",
                "SELECT file, line, reason, raw FROM reject",
                "SELECT rows_read, rows_stored, rows_rejected FROM import"] {
      #expect(try a.query(sql).map { "\($0)" } == b.query(sql).map { "\($0)" }, "\(sql)")
    }
  }

  /// A group rejected whole counts all its rows, and says so; strict mode names the group's first line.
  @Test func aRejectedGroupWeighsItsRows() throws {
    let dir = Repo.temporaryDirectory()
    let agg = try FocusText.write([FocusText.row("1.00", day: 1).replacingOccurrences(of: "Usage", with: "Rebate")], to: dir, name: "agg.csv")
    let weights = try ReducedRow.parse("rows,first_row,billed_residual,billed_inexact,effective_residual,effective_inexact,raw_base64\n3,7,0,0,0,0,\n",
                                       file: "w.csv")
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("c.db"))
    let s = try #require(try ws.importReduced(aggregate: agg, weights: weights, original: "s3a://bucket/cur/part-1.csv", bytes: 0,
                                              options: ImportOptions(lenient: true)))
    #expect(s.fileName == "part-1.csv")
    #expect((s.result.rowsRead, s.result.rowsStored, s.result.rowsRejected) == (3, 0, 3))
    #expect(s.result.firstRejects.first?.reason.contains("stands for 3 rows") == true)
    #expect(s.result.firstRejects.first?.location.line == 8)
    do {
      let fresh = try Workspace(databasePath: (dir as NSString).appendingPathComponent("strict.db"))
      _ = try fresh.importReduced(aggregate: agg, weights: weights, original: "file:/x/a%20b.csv", bytes: 0, options: ImportOptions())
      Issue.record("strict import of a bad group succeeded")
    } catch let ImportError.badData(d) {
      #expect(d.description.hasPrefix("a b.csv:8:"), "\(d)")
    }
  }

  /// Weights that are not the job's, or that do not match the aggregate row for row, stop the import.
  @Test func weightsThatDoNotMatchAreRefused() throws {
    #expect(throws: ImportError.self) { try ReducedRow.parse("rows,first_row\nx,1\n", file: "w.csv") }
    #expect(throws: ImportError.self) { try ReducedRow.parse("h\n1,1,0,0,0,0,%%%\n", file: "w.csv") }
    // More rows than a file can hold would overflow the import's tallies (two of these trapped): refused.
    #expect(throws: ImportError.self) { try ReducedRow.parse("h\n4611686018427387904,1,0,0,0,0,\n", file: "w.csv") }
    // Streamed, a record at a time, with its line.
    let reader = ReducedRowReader(source: MemoryByteSource(Array("h\n2,1,0,0,0,0,\n1,3,7,1,0,0,\nx\n".utf8)), file: "w.csv")
    #expect(try reader.next()?.rows == 2 && reader.next()?.billedResidual == ExactDecimal.Residual(7, inexact: true))
    do { _ = try reader.next(); Issue.record("a bad record was read") } catch ImportError.badData(let d) {
      #expect(d.location?.file == "w.csv" && d.location?.line == 4, "\(d)")
    }
    let dir = Repo.temporaryDirectory()
    let agg = try FocusText.write([FocusText.row("1.00"), FocusText.row("2.00")], to: dir, name: "agg.csv")
    let one = try ReducedRow.parse("h\n2,1,0,0,0,0,\n", file: "w.csv")
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("d.db"))
    #expect(throws: ImportError.self) {
      _ = try ws.importReduced(aggregate: agg, weights: one, original: "file:/x/a.csv", bytes: 0, options: ImportOptions())
    }
    #expect(try ws.imports().isEmpty)
  }
}
