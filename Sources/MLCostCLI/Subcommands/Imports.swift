import ArgumentParser
import Foundation
import MLCost

struct Imports: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List what is loaded: each import with its rows and totals per billing period and currency.")

  @OptionGroup var database: DatabaseOptions

  @Option(help: ArgumentHelp("table or json (the machine-readable reconciliation).", valueName: "format"))
  var format: String = "table"

  mutating func validate() throws {
    format = try Choice.pick(format, from: ["table", "json"], option: "format")
  }

  func run() throws {
    let db = try database.existing()
    let records = try Workspace(databasePath: db).imports()
    print(format == "json" ? try ImportsListing.json(records) : ImportsListing.table(records))
  }
}
