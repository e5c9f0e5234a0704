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
