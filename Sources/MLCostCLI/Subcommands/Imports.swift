import ArgumentParser
import Foundation
import MLCost

struct Imports: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List what is loaded: each import with its rows and totals per billing period and currency.")

  @OptionGroup var database: DatabaseOptions

  @Option(help: ArgumentHelp("table or json (the machine-readable reconciliation).", valueName: "format"))
  var format: String = "table"

  func validate() throws {
    guard ["table", "json"].contains(format) else { throw ValidationError("unknown format '\(format)': use table or json") }
  }

  func run() throws {
    guard FileManager.default.fileExists(atPath: database.path) else {
      throw Failure(message: "\(database.path): error: no database here yet; run `mlcost import FILE…` (or `mlcost demo`) first, or pass --db",
                    code: ExitStatus.missingInput)
    }
    let records = try Workspace(databasePath: database.path).imports()
    print(format == "json" ? try ImportsListing.json(records) : ImportsListing.table(records))
  }
}
