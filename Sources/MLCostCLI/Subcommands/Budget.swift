import ArgumentParser
import Foundation
import MLCost

struct BudgetCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "budget",
    abstract: "Each budget of the rules file: spent to date, the forecast for the period's end with a 90% interval, days left.",
    discussion: """
      Budgets are the rules file's budgets: list (per model, team, request type, tag, provider, service or total; \
      monthly, quarterly or annual; in a currency; with alert thresholds). The forecast adds to what is spent each \
      remaining day's weekday profile and the charges that recur on that day of every recent month (docs/budgets.md). \
      --backtest instead measures that forecast on every full month in the database, beside a naive run rate.
      """)

  @OptionGroup var database: DatabaseOptions
  @OptionGroup var engine: EngineOptions

  @Option(name: .customLong("as-of"), help: ArgumentHelp("The first day not counted, YYYY-MM-DD (default: the day after the last charge).", valueName: "date"))
  var asOf: String?

  @Flag(help: "Back-test the month-end forecast (made on days 7, 14 and 21) on every full month instead.")
  var backtest = false

  @Option(help: ArgumentHelp("Forecast every owner of a dimension instead of the budgets: model, request_type, team, environment, endpoint or total.",
                             valueName: "dimension"), transform: ForecastBy.parse)
  var by: ForecastBy?

  @Option(help: BudgetPeriod.help("With --by: monthly, quarterly or annual.", valueName: "period", default: .monthly), transform: BudgetPeriod.parse)
  var period: BudgetPeriod = .monthly

  @OptionGroup var output: FindingsOutput

  mutating func validate() throws {
    if let asOf, BillingMonth(String(asOf.prefix(7))) == nil || asOf.count != 10 { throw ValidationError("--as-of must look like 2026-10-21") }
    if backtest && (output.format == .csv || output.format == .md) { throw ValidationError("--backtest prints a table or json") }
    if backtest && by != nil { throw ValidationError("--backtest and --by are two different questions; ask one") }
  }

  func run() throws {
    let db = try engine.database(database)
    let ruleSet = try MLCostCLI.rules(from: output.rules)
    let workspace = try Workspace(databasePath: db)
    guard try workspace.holdings().lastChargeDay != nil else {
      throw Failure(message: "\(db): the database holds no charges yet; import a billing export first", code: ExitStatus.missingInput)
    }
    if backtest {
      let r = try workspace.forecastBacktest(rules: ruleSet)
      try emit([(output.out, output.format == .json ? try BudgetRenderer.json(r) : BudgetRenderer.table(r))])
      return
    }
    if let by {
      let r = try workspace.ownerForecasts(by: by.dimension, period: period, asOf: try asOf.map { try Workspace.parseDay($0) }, rules: ruleSet)
      let text: String
      switch output.format {
      case .json: text = try BudgetRenderer.json(r)
      case .md: text = BudgetRenderer.markdown(r)
      case .csv: text = BudgetRenderer.csv(r)
      case .table: text = BudgetRenderer.table(r)
      }
      try emit([(output.out, text)])
      return
    }
    if ruleSet.budgets.isEmpty && output.rules == nil && !FileManager.default.fileExists(atPath: "mlcost.yaml") {
      printError("note: no rules file, so no budgets; pass --rules FILE with a budgets: list (docs/budgets.md)")
    }
    let report = try workspace.budgets(asOf: try asOf.map { try Workspace.parseDay($0) }, rules: ruleSet)
    let text: String
    switch output.format {
    case .json: text = try BudgetRenderer.json(report)
    case .md: text = BudgetRenderer.markdown(report)
    case .csv: text = BudgetRenderer.csv(report)
    case .table: text = BudgetRenderer.table(report)
    }
    try emit([(output.out, text)])
  }
}

struct Alerts: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Budget breaches, forecast overruns and new anomalies since the last run; exits 3 when any fires (for cron and CI).",
    discussion: """
      Each alert fires once: what fired is kept in the database, so the next run prints only what is new. \
      Exit status: 0 nothing fired, 3 at least one alert fired (the output lists them), other codes as every command. \
      --format json is shaped as a webhook body (its text field is a one-paragraph summary). --dry-run shows what \
      would fire without recording it. Mutes in the rules file silence known events; they are listed as muted. \
      With --engine spark the charges come from --source and what has fired is kept in --alert-state FILE (a small \
      SQLite file, created on the first run), since that engine builds a fresh database each run.
      """)

  @OptionGroup var database: DatabaseOptions
  @OptionGroup var engine: EngineOptions

  @Option(name: .customLong("alert-state"), help: ArgumentHelp("With --engine spark: the file that remembers what has fired (created when missing).",
                                                              valueName: "file"))
  var alertState: String?

  @Option(name: .customLong("as-of"), help: ArgumentHelp("The first day not counted, YYYY-MM-DD (default: the day after the last charge).", valueName: "date"))
  var asOf: String?

  @Option(help: AlertFormat.help("table or json.", valueName: "format", default: .table), transform: AlertFormat.parse)
  var format: AlertFormat = .table

  @Flag(name: .customLong("dry-run"), help: "Show what would fire; record nothing.")
  var dryRun = false

  @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
  var out: String?

  @Option(help: ArgumentHelp("The rules file (default: ./mlcost.yaml if present).", valueName: "file"))
  var rules: String?

  mutating func validate() throws {
    if let asOf, BillingMonth(String(asOf.prefix(7))) == nil || asOf.count != 10 { throw ValidationError("--as-of must look like 2026-10-21") }
    if engine.engine == .spark && alertState == nil && !dryRun {
      throw ValidationError("--engine spark builds a fresh database each run: name the file that remembers what fired with "
                            + "--alert-state FILE (or use --dry-run)")
    }
    if engine.engine == .sqlite && alertState != nil { throw ValidationError("--alert-state goes with --engine spark (the database keeps it)") }
  }

  func run() throws {
    let db = try engine.database(database)
    let ruleSet = try MLCostCLI.rules(from: rules)
    let workspace = try Workspace(databasePath: db)
    guard try workspace.holdings().lastChargeDay != nil else {
      throw Failure(message: "\(db): the database holds no charges yet; import a billing export first", code: ExitStatus.missingInput)
    }
    if let alertState { try workspace.loadAlertState(from: alertState) }
    let report = try workspace.alerts(asOf: try asOf.map { try Workspace.parseDay($0) }, rules: ruleSet, dryRun: dryRun,
                                      now: Int64(Date().timeIntervalSince1970))
    if let alertState, !dryRun { try workspace.saveAlertState(to: alertState) }
    try emit([(out, format == .json ? try AlertRenderer.json(report) : AlertRenderer.table(report))])
    if !report.alerts.isEmpty {
      try StandardOutput.check()
      throw Failure(message: "\(report.alerts.count) alert\(report.alerts.count == 1 ? "" : "s") fired\(dryRun ? " (dry run: not recorded)" : "")",
                    code: ExitStatus.alertsFired)
    }
  }
}
