import ArgumentParser
import Foundation

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
