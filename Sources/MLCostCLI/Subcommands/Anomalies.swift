import ArgumentParser
import Foundation
import MLCost

struct Anomalies: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Days whose cost per model, request type or service broke from its robust trailing baseline.",
    discussion: """
      Each day is compared with the median and MAD of the same weekday over the previous 28 days (all days when \
      fewer than three weeks exist). A day is flagged when it exceeds the baseline by more than 50% and by more than \
      $50, and (when the baseline varies) by more than 3 robust standard deviations, unless the same day of each of \
      the last 2–3 months explains it (a monthly job); consecutive days are one anomaly, and one event is reported \
      once, at its narrowest series, with the broader views linked. The rules file's anomalies: block changes the \
      thresholds; its mutes: list silences known events (listed as muted).
      """)

  @OptionGroup var database: DatabaseOptions
  @OptionGroup var engine: EngineOptions

  @Option(help: ArgumentHelp("The first day to examine, YYYY-MM-DD (default: 30 days before the last charge).", valueName: "date"))
  var since: String?

  @OptionGroup var output: FindingsOutput

  mutating func validate() throws {
    if let since, since.count != 10 || BillingMonth(String(since.prefix(7))) == nil { throw ValidationError("--since must look like 2026-10-01") }
  }

  func run() throws {
    let db = try engine.database(database)
    let ruleSet = try MLCostCLI.rules(from: output.rules)
    let workspace = try Workspace(databasePath: db)
    let holdings = try workspace.holdings()
    guard let last = holdings.lastChargeDay else {
      throw Failure(message: "\(db): the database holds no charges yet; import a billing export first", code: ExitStatus.missingInput)
    }
    let sinceDay = try since.map { try Workspace.parseDay($0) }
    if let sinceDay, sinceDay > last {
      throw Failure(message: "no charges on or after \(since!); the database holds charges for \(holdings.daySpan)", code: ExitStatus.missingInput)
    }
    let report = try workspace.anomalies(since: sinceDay, rules: ruleSet)
    let text: String
    switch output.format {
    case .json: text = try AnomalyRenderer.json(report)
    case .md: text = AnomalyRenderer.markdown(report)
    case .csv: text = CSVTables.anomalies(report)
    case .table: text = AnomalyRenderer.table(report)
    }
    try emit([(output.out, text)])
  }
}
