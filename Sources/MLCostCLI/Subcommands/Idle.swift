import ArgumentParser
import Foundation
import MLCost

struct Idle: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Endpoints and GPU instances that cost money and serve nobody (or almost nobody), with the money wasted and the action.",
    discussion: """
      Joins the bill with activity metrics over a window. Kinds: idle (cost and zero invocations), under-used (GPU \
      utilisation never above the threshold), orphaned (notebooks and clusters without activity), stopped-but-billed \
      (an instance gone from the bill while its storage is still billed), unknown (cost but no metrics: never reported \
      as idle). Thresholds come from the rules file's idle: block and are printed with the result.
      """)

  @OptionGroup var database: DatabaseOptions
  @OptionGroup var engine: EngineOptions

  @Option(help: ArgumentHelp("The window, in days: 14d or 14 (default: the rules file's, else 14).", valueName: "days"))
  var window: String?

  @Option(name: .customLong("as-of"), help: ArgumentHelp("The day after the window, YYYY-MM-DD (default: the day after the last charge).", valueName: "date"))
  var asOf: String?

  @OptionGroup var output: FindingsOutput

  var windowDays: Int? { window.flatMap { Int($0.hasSuffix("d") ? String($0.dropLast()) : $0) } }

  mutating func validate() throws {
    if window != nil && (windowDays ?? 0) <= 0 { throw ValidationError("--window must look like 14d") }
    if let d = windowDays, d > 3660 { throw ValidationError("--window must be at most 3660d (ten years)") }
    if let asOf, BillingMonth(String(asOf.prefix(7))) == nil || asOf.count != 10 { throw ValidationError("--as-of must look like 2026-11-01") }
  }

  func run() throws {
    let db = try engine.database(database)
    let ruleSet = try MLCostCLI.rules(from: output.rules)
    let workspace = try Workspace(databasePath: db)
    let holdings = try workspace.holdings()
    if holdings.lastChargeDay == nil {
      throw Failure(message: "\(db): the database holds no charges yet, so nothing can be idle; import a billing export first", code: ExitStatus.missingInput)
    }
    let report = try workspace.idle(asOf: try asOf.map { try Workspace.parseDay($0) }, windowDays: windowDays, rules: ruleSet)
    let text: String
    switch output.format {
    case .json: text = try IdleRenderer.json(report)
    case .md: text = IdleRenderer.markdown(report)
    case .csv: text = CSVTables.idle(report)
    case .table: text = IdleRenderer.table(report)
    }
    try emit([(output.out, text)])
  }
}
