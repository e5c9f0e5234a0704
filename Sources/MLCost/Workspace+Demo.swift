import Foundation
import MLCostCore
import MLCostImporters

/// What `mlcost demo` did.
public struct DemoOutcome: Sendable {
  public var inputPath: String
  public var databasePath: String
  public var summaryPath: String
  public var summary: ImportSummary
  /// The text written to `summaryPath` and printed.
  public var text: String
}

extension Workspace {
  /// Builds the demo company-month as a FOCUS export under `directory/input/`, imports it into a
  /// fresh database `directory/mlcost-demo.db`, and writes the import summary to
  /// `directory/import-summary.txt` (a golden file: the same bytes on every run).
  public static func runDemo(directory: String, now: @escaping @Sendable () -> Date = { Date() }) throws -> DemoOutcome {
    let fm = FileManager.default
    let inputDir = (directory as NSString).appendingPathComponent("input")
    try fm.createDirectory(atPath: inputDir, withIntermediateDirectories: true)
    let input = (inputDir as NSString).appendingPathComponent("northwind-focus-\(DemoCompany.month).csv")
    try DemoCompany.writeFocusExport(to: input)
    let db = (directory as NSString).appendingPathComponent("mlcost-demo.db")
    for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: db + suffix) }
    let workspace = try Workspace(databasePath: db, now: now)
    guard case .imported(let summary) = try workspace.importFile(input, options: ImportOptions(format: .focus)) else {
      throw ImportError.usage("the demo database was not fresh")
    }
    let text = """
      MLCost demo — Northwind AI, \(DemoCompany.month): a FOCUS 1.2 export from AWS, Google Cloud, Microsoft and Lambda
      (GPU endpoints for five models, one idle; an untagged spot GPU instance; weights storage; egress; Azure OpenAI
      tokens; a savings plan bought and amortised; credits; tax), imported into a fresh SQLite database.

      \(summary.renderText())

      input:    \(input)
      database: \(db)
      """ + "\n"
    let summaryPath = (directory as NSString).appendingPathComponent("import-summary.txt")
    try text.write(toFile: summaryPath, atomically: true, encoding: .utf8)
    return DemoOutcome(inputPath: input, databasePath: db, summaryPath: summaryPath, summary: summary, text: text)
  }

  /// Writes `rows` rows of the demo company's FOCUS export, repeating its GPU fleet (benchmarks).
  public static func generateFocus(to path: String, rows: Int) throws -> (rows: Int, bytes: Int) {
    let perFleet = DemoCompany.month.days * 24 * DemoCompany.endpoints(fleet: 0).count
    return try DemoCompany.writeFocusExport(to: path, fleets: rows / perFleet + 1, maxRows: rows)
  }

  /// Writes `rows` rows of a legacy AWS Cost and Usage Report for the demo company's fleet (benchmarks).
  public static func generateCUR(to path: String, rows: Int) throws -> (rows: Int, bytes: Int) {
    try CURWriter.write(to: path, rows: rows)
  }
}
