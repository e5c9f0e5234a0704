import ArgumentParser
import Foundation
import MLCost

/// `--db PATH`, else `MLCOST_DB`, else `./mlcost.db`.
struct DatabaseOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The SQLite database file (default: $MLCOST_DB, else ./mlcost.db).", valueName: "path"))
  var db: String?

  var path: String {
    if let db { return db }
    if let env = ProcessInfo.processInfo.environment["MLCOST_DB"], !env.isEmpty { return env }
    return "mlcost.db"
  }
}

extension DatabaseOptions {
  /// The database path, or a clear error (exit 66) when there is none yet; nothing is created.
  func existing() throws -> String {
    guard FileManager.default.fileExists(atPath: path) else {
      throw Failure(message: "\(path): error: no database here yet; run `mlcost import FILE…` (or `mlcost demo`) first, or pass --db",
                    code: ExitStatus.missingInput)
    }
    return path
  }
}

/// `--rules FILE`, else `./mlcost.yaml` when present, else the defaults.
func rules(from path: String?) throws -> Rules {
  if let path { return try Workspace.loadRules(path: path) }
  if FileManager.default.fileExists(atPath: "mlcost.yaml") { return try Workspace.loadRules(path: "mlcost.yaml") }
  return Rules.defaults
}

/// `--format`, `--out` and `--rules` of the commands that list findings (`idle`, `anomalies`).
struct FindingsOutput: ParsableArguments {
  @Option(help: FindingsFormat.help("table, md, csv or json.", valueName: "format", default: .table), transform: FindingsFormat.parse)
  var format: FindingsFormat = .table

  @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
  var out: String?

  @Option(help: ArgumentHelp("The rules file (default: ./mlcost.yaml if present).", valueName: "file"))
  var rules: String?
}

/// A billing month and where a findings-style result goes (`reconcile`, `commitments`).
struct MonthOutput: ParsableArguments {
  @Option(help: ArgumentHelp("The billing month, YYYY-MM.", valueName: "month"))
  var month: String

  @Option(help: FindingsFormat.help("table, md, csv or json.", valueName: "format", default: .table), transform: FindingsFormat.parse)
  var format: FindingsFormat = .table

  @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
  var out: String?

  mutating func validate() throws {
    if BillingMonth(month) == nil { throw ValidationError("--month must look like 2026-10") }
  }

  var billingMonth: BillingMonth { BillingMonth(month)! }

  /// Renders in the chosen format and writes or prints it.
  func emit(table: () -> String, markdown: () -> String, csv: () -> String, json: () throws -> String) throws {
    let text: String
    switch format {
    case .json: text = try json()
    case .md: text = markdown()
    case .csv: text = csv()
    case .table: text = table()
    }
    try MLCostCLI.emit([(out, text)])
  }
}
