import ArgumentParser
import Foundation
import MLCost

struct CatalogCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "catalog",
    abstract: "The planner's catalogs: GPUs, models, instance prices per region, API prices, spot risk, measured throughput.",
    discussion: """
      Catalogs are CSV files in one folder (--catalogs, else $MLCOST_CATALOGS, else next to the binary, else ./catalogs). \
      Every row cites its source and date; a missing price is unpriced, never $0.
      """,
    subcommands: [CatalogImport.self, CatalogList.self, CatalogValidate.self])
}

struct CatalogOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The catalogs folder (default: $MLCOST_CATALOGS, next to the binary, ./catalogs).", valueName: "dir"))
  var catalogs: String?
}

struct CatalogImport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Convert public files into catalog rows: skypilot (vms.csv) → instances.csv, litellm (price JSON) → api_prices.csv, aws-spot-advisor (spot-advisor-data.json) → spot_risk.csv.",
    discussion: """
      The converted provider's rows are replaced; every other row is kept, and commitment prices already in \
      instances.csv survive a SkyPilot refresh. The result is validated and the problems printed.
      """)

  @Argument(help: ArgumentHelp("skypilot, litellm or aws-spot-advisor.", valueName: "kind"))
  var kind: String

  @Argument(help: ArgumentHelp("The files to convert.", valueName: "file"))
  var files: [String]

  @OptionGroup var options: CatalogOptions

  @Option(help: ArgumentHelp("skypilot: the cloud (default: from the file name); litellm: only these providers, comma-separated.", valueName: "name"))
  var provider: String?

  @Option(name: .customLong("as-of"), help: ArgumentHelp("The date the source was taken, YYYY-MM-DD (default: today).", valueName: "date"))
  var asOf: String?

  @Flag(name: .customLong("dry-run"), help: "Convert and validate; write nothing.")
  var dryRun = false

  func validate() throws {
    if CatalogSourceKind(rawValue: kind) == nil { throw ValidationError("unknown kind '\(kind)': use skypilot, litellm or aws-spot-advisor") }
    if files.isEmpty { throw ValidationError("name at least one file") }
    if let asOf, asOf.count != 10 || BillingMonth(String(asOf.prefix(7))) == nil { throw ValidationError("--as-of must look like 2026-11-01") }
  }

  func run() throws {
    let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
    let outcome = try Workspace.importCatalog(CatalogSourceKind(rawValue: kind)!, files: files, catalogs: options.catalogs, asOf: asOf ?? today,
                                              provider: provider, dryRun: dryRun, now: Int64(Date().timeIntervalSince1970))
    print(outcome.text, terminator: "")
  }
}

struct CatalogList: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "Print one catalog as a table: gpus, models, instances, regions, spot-risk, benchmarks or api-prices.")

  @Argument(help: ArgumentHelp("Which catalog.", valueName: "catalog"))
  var table: String = "gpus"

  @OptionGroup var options: CatalogOptions

  @Option(help: ArgumentHelp("Only rows mentioning this text (a GPU, provider, region, model …).", valueName: "text"))
  var filter: String?

  @Option(help: CatalogFormat.help("table, csv or json (csv and json: every column of the catalog file, exact).", valueName: "format", default: .table), transform: CatalogFormat.parse)
  var format: CatalogFormat = .table

  @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
  var out: String?

  mutating func validate() throws {
    table = try Choice.pick(table, from: CatalogListing.tables, option: "catalog")
  }

  func run() throws {
    let catalog = try Workspace.loadCatalog(options.catalogs)
    let text = format == .table ? CatalogListing.render(catalog, table: table, filter: filter)
      : try CatalogListing.data(catalog, table: table, filter: filter, json: format == .json)
    try emit([(out, text)])
  }
}

struct CatalogValidate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check every catalog file: known GPUs and models, unique keys, positive prices, spot ≤ on-demand and never alone, no future dates (nor older than --max-age-days), every row sourced.")

  @OptionGroup var options: CatalogOptions

  @Option(name: .customLong("max-age-days"), help: ArgumentHelp("Flag rows whose as_of date is older than this many days.", valueName: "days"))
  var maxAgeDays: Int?

  func validate() throws {
    if let d = maxAgeDays, d < 0 { throw ValidationError("--max-age-days must be 0 or more") }
  }

  func run() throws {
    let catalog = try Workspace.loadCatalog(options.catalogs)
    let all = catalog.validate(now: Int64(Date().timeIntervalSince1970), maxAgeDays: maxAgeDays)
    let issues = all.filter { !$0.warning }, warnings = all.filter(\.warning)
    if issues.isEmpty {
      let said = warnings.isEmpty ? "" : warnings.map(\.description).joined(separator: "\n") + "\n"
      print(CatalogListing.counts(catalog) + "\n" + said + "ok: no problems" + (warnings.isEmpty ? "" : " (\(warnings.count) warning(s) to check)") + "\n", terminator: "")
      return
    }
    throw Failure(message: issues.map(\.description).joined(separator: "\n") + "\n\(issues.count) problem(s)", code: ExitStatus.badData)
  }
}
