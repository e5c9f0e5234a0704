import ArgumentParser
import Foundation
import MLCost

struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Exports: the month's allocation as FOCUS Cost and Usage rows for a data lake, a BI tool or a FinOps hub.",
    subcommands: [Focus.self])

  struct Focus: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The month's charges as FOCUS 1.3 or 1.4 Cost and Usage CSV, each line split into one row per owner with Allocated* columns.",
      discussion: """
        Every cost column of one origin line sums exactly to it; per owner, the basis cost sums exactly to the monthly \
        report's allocation. AllocatedMethodId names the rule (mlcost:model-tag, mlcost:pool, …), AllocatedMethodDetails \
        the share and basis, AllocatedTags the owner, model and request type; MLCost's own columns start with x_ \
        (docs/export.md). API usage (OpenAI, Anthropic, LiteLLM …) goes out as a row per usage group and token kind, \
        ConsumedQuantity in tokens, x_TokenDirection and x_CacheAction, its cost as the monthly report counts it. \
        With --engine spark an origin line is a group of the source's lines Spark summed (same resource, SKU, tags and \
        day): the same allocation per owner, fewer rows, each with its group's first line's description.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: ArgumentHelp("The billing month, YYYY-MM.", valueName: "month"))
    var month: String

    @Option(help: ArgumentHelp("The file to write: .csv, .csv.gz (gzip) or .parquet (through Python's pyarrow).", valueName: "file"))
    var out: String

    @Option(name: .customLong("focus-version"), help: ArgumentHelp("1.3 or 1.4 (default 1.3).", valueName: "version"))
    var focusVersion = "1.3"

    @Option(help: ArgumentHelp("The rules file (default: ./mlcost.yaml if present).", valueName: "file"))
    var rules: String?

    @Option(help: ArgumentHelp("amortised (EffectiveCost) or cash (BilledCost); overrides the rules file.", valueName: "basis"), transform: Basis.parse)
    var basis: Basis?

    @Option(help: ArgumentHelp("The catalogs folder with api_prices.csv (default: $MLCOST_CATALOGS, next to the binary, ./catalogs).", valueName: "dir"))
    var catalogs: String?

    mutating func validate() throws {
      if BillingMonth(month) == nil { throw ValidationError("--month must look like 2026-10") }
      if !["1.3", "1.4"].contains(focusVersion) { throw ValidationError("--focus-version is 1.3 or 1.4") }
    }

    func run() throws {
      let db = try engine.database(database)
      var ruleSet = try MLCostCLI.rules(from: rules)
      if let basis { ruleSet.basis = basis }
      let workspace = try Workspace(databasePath: db)
      let s = try workspace.exportFocus(month: BillingMonth(month)!, rules: ruleSet, prices: try Workspace.apiPrices(catalogs: catalogs), version: focusVersion, to: out)
      print("wrote \(s.path): \(s.rows) FOCUS \(focusVersion) rows from \(s.lines) charge lines and \(s.usageRows) API usage rows (token kinds) of \(month)")
    }
  }
}
