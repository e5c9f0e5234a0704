import ArgumentParser
import Foundation
import MLCost

struct Imports: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List what is loaded: each import with its rows and totals per billing period and currency.")

  @OptionGroup var database: DatabaseOptions

  @Option(help: TableOrJSON.help("table or json (the machine-readable reconciliation).", valueName: "format", default: .table), transform: TableOrJSON.parse)
  var format: TableOrJSON = .table

  func run() throws {
    let db = try database.existing()
    let records = try Workspace(databasePath: db).imports()
    print(format == .json ? try ImportsListing.json(records) : ImportsListing.table(records))
  }
}
