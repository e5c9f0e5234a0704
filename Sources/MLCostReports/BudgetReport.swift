import Foundation
import MLCostCore

/// `mlcost budget`: each budget's spend to date, its forecast for the period's end and the thresholds crossed.
public struct BudgetReport: Codable, Sendable, Equatable {
  public var schema = "mlcost.budget-report/1"
  /// The first day not counted: spend is to the end of the day before.
  public var asOf: String
  public var basis: Basis
  public var budgets: [BudgetRow]
  public var method: String
  public var notes: [String]
  public init(asOf: String, basis: Basis, budgets: [BudgetRow], method: String, notes: [String]) {
    self.asOf = asOf; self.basis = basis; self.budgets = budgets; self.method = method; self.notes = notes
  }
}

/// Where a budget stands. `over budget` when spent reaches the amount, `forecast over` when the forecast does,
/// `at N%` when an actual threshold below 100 is reached, else `ok`.
public struct BudgetRow: Codable, Sendable, Equatable {
  public var name: String
  public var scope: String
  public var period: String
  public var periodStart: String
  public var periodEnd: String
  public var currency: Currency
  public var amount: Amount
  public var spent: Amount
  public var spentPercent: Percent?
  public var forecast: Amount
  public var forecastLow: Amount
  public var forecastHigh: Amount
  public var forecastPercent: Percent?
  /// Of the forecast's remaining days, what recurs every month on those days.
  public var forecastRecurring: Amount
  /// The naive run-rate forecast (spent ÷ days elapsed × days in the period), for comparison.
  public var runRate: Amount
  public var overrun: Amount?
  public var daysLeft: Int
  public var status: String
  public var actualThresholdsCrossed: [Percent]
  public var forecastThresholdsCrossed: [Percent]
  public init(name: String, scope: String, period: String, periodStart: String, periodEnd: String, currency: Currency, amount: Amount,
              spent: Amount, forecast: Amount, forecastLow: Amount, forecastHigh: Amount, forecastRecurring: Amount, runRate: Amount,
              overrun: Amount?, daysLeft: Int, actualThresholdsCrossed: [Percent], forecastThresholdsCrossed: [Percent]) {
    self.name = name; self.scope = scope; self.period = period; self.periodStart = periodStart; self.periodEnd = periodEnd
    self.currency = currency; self.amount = amount; self.spent = spent; self.spentPercent = Percent(spent, of: amount)
    self.forecast = forecast; self.forecastLow = forecastLow; self.forecastHigh = forecastHigh
    self.forecastPercent = Percent(forecast, of: amount); self.forecastRecurring = forecastRecurring; self.runRate = runRate
    self.overrun = overrun; self.daysLeft = daysLeft
    self.actualThresholdsCrossed = actualThresholdsCrossed; self.forecastThresholdsCrossed = forecastThresholdsCrossed
    let hundred = Percent(perMille: 1000)
    if actualThresholdsCrossed.contains(where: { $0.perMille >= hundred.perMille }) || spent >= amount {
      status = "over budget"
    } else if overrun != nil {
      status = "forecast over"
    } else if let top = actualThresholdsCrossed.last {
      status = "at \(Display.percent(top))"
    } else {
      status = "ok"
    }
  }
}

public enum BudgetRenderer {
  static let columns: [(String, TextTable.Align)] = [
    ("budget", .left), ("scope", .left), ("period", .left), ("currency", .left), ("amount", .right), ("spent", .right), ("%", .right),
    ("forecast", .right), ("90% interval", .right), ("%", .right), ("overrun", .right), ("run rate", .right), ("days left", .right),
    ("status", .left)]

  static func cells(_ b: BudgetRow) -> [String] {
    [b.name, b.scope, b.period, b.currency.code, Display.money(b.amount), Display.money(b.spent), Display.percent(b.spentPercent),
     Display.money(b.forecast), "\(Display.money(b.forecastLow))–\(Display.money(b.forecastHigh))", Display.percent(b.forecastPercent),
     Display.money(b.overrun), Display.money(b.runRate), String(b.daysLeft), b.status]
  }

  public static func table(_ r: BudgetReport) -> String {
    var out = ["Budgets as of \(r.asOf) (basis: \(r.basis.rawValue))", ""]
    if r.budgets.isEmpty {
      out.append("  no budgets: add a budgets: list to the rules file (docs/budgets.md)")
    } else {
      var t = TextTable(columns, headerRule: true)
      t.rows = r.budgets.map(cells)
      out.append(t.render(indent: "  "))
    }
    out += ["", "Forecast: " + r.method]
    out += r.notes.map { "- " + $0 }
    return out.joined(separator: "\n") + "\n"
  }

  public static func markdown(_ r: BudgetReport) -> String {
    var out = ["# Budgets as of \(r.asOf)", "", "Basis: \(r.basis.rawValue).", ""]
    out += MarkdownRenderer.table(columns, r.budgets.map(cells))
    out += ["", "Forecast: " + r.method]
    out += r.notes.map { "- " + $0 }
    return out.joined(separator: "\n") + "\n"
  }

  public static func csv(_ r: BudgetReport) -> String {
    CSVTables.csv(["budget", "scope", "period", "period_start", "period_end", "currency", "amount", "spent", "spent_percent", "forecast",
                   "forecast_low", "forecast_high", "forecast_percent", "forecast_recurring", "run_rate", "overrun", "days_left", "status", "as_of"],
                  r.budgets.map { b in
                    [b.name, b.scope, b.period, b.periodStart, b.periodEnd, b.currency.code, b.amount.decimalString, b.spent.decimalString,
                     b.spentPercent?.description, b.forecast.decimalString, b.forecastLow.decimalString, b.forecastHigh.decimalString,
                     b.forecastPercent?.description, b.forecastRecurring.decimalString, b.runRate.decimalString, b.overrun?.decimalString,
                     String(b.daysLeft), b.status, r.asOf]
                  })
  }

  public static func json(_ r: BudgetReport) throws -> String { try JSONRenderer.encode(r) }
}

/// `mlcost budget --backtest`: the month-end forecast made on given days of every full month, against what
/// the month cost, beside the naive run-rate forecast.
public struct BacktestReport: Codable, Sendable, Equatable {
  public var schema = "mlcost.forecast-backtest/1"
  public var months: [String]
  public var rows: [BacktestRow]
  public var method: String
  public init(months: [String], rows: [BacktestRow], method: String) { self.months = months; self.rows = rows; self.method = method }
}

/// Mean and worst absolute percentage error of the month-end forecast made on `day` (days counted before it).
public struct BacktestRow: Codable, Sendable, Equatable {
  public var scope: String
  public var currency: Currency
  public var day: Int
  public var months: Int
  public var mape: Percent?
  public var worst: Percent?
  public var runRateMape: Percent?
  public var runRateWorst: Percent?
  public init(scope: String, currency: Currency, day: Int, months: Int, mape: Percent?, worst: Percent?, runRateMape: Percent?, runRateWorst: Percent?) {
    self.scope = scope; self.currency = currency; self.day = day; self.months = months; self.mape = mape; self.worst = worst
    self.runRateMape = runRateMape; self.runRateWorst = runRateWorst
  }
}

extension BudgetRenderer {
  public static func table(_ r: BacktestReport) -> String {
    var out = ["Month-end forecast back-test over \(r.months.count) full months (\(r.months.joined(separator: ", ")))", ""]
    var t = TextTable([("scope", .left), ("currency", .left), ("made on day", .right), ("months", .right), ("MAPE", .right), ("worst", .right),
                       ("run-rate MAPE", .right), ("run-rate worst", .right)], headerRule: true)
    t.rows = r.rows.map { [$0.scope, $0.currency.code, String($0.day), String($0.months), Display.percent($0.mape), Display.percent($0.worst),
                           Display.percent($0.runRateMape), Display.percent($0.runRateWorst)] }
    out.append(r.rows.isEmpty ? "  no full month with data to test on" : t.render(indent: "  "))
    out += ["", "Forecast: " + r.method]
    return out.joined(separator: "\n") + "\n"
  }

  public static func json(_ r: BacktestReport) throws -> String { try JSONRenderer.encode(r) }
}

/// `mlcost budget --by DIMENSION`: every owner's spend to date and forecast for the period's end, no amounts.
public struct ForecastReport: Codable, Sendable, Equatable {
  public var schema = "mlcost.forecast/1"
  public var asOf: String
  public var basis: Basis
  public var by: String
  public var period: String
  public var rows: [ForecastRow]
  public var method: String
  public init(asOf: String, basis: Basis, by: String, period: String, rows: [ForecastRow], method: String) {
    self.asOf = asOf; self.basis = basis; self.by = by; self.period = period; self.rows = rows; self.method = method
  }
}

public struct ForecastRow: Codable, Sendable, Equatable {
  public var owner: String
  public var currency: Currency
  public var spent: Amount
  public var forecast: Amount
  public var forecastLow: Amount
  public var forecastHigh: Amount
  public var forecastRecurring: Amount
  public var runRate: Amount
  public var daysLeft: Int
  public init(owner: String, currency: Currency, spent: Amount, forecast: Amount, forecastLow: Amount, forecastHigh: Amount,
              forecastRecurring: Amount, runRate: Amount, daysLeft: Int) {
    self.owner = owner; self.currency = currency; self.spent = spent; self.forecast = forecast; self.forecastLow = forecastLow
    self.forecastHigh = forecastHigh; self.forecastRecurring = forecastRecurring; self.runRate = runRate; self.daysLeft = daysLeft
  }
}

extension BudgetRenderer {
  static let forecastColumns: [(String, TextTable.Align)] = [
    ("owner", .left), ("currency", .left), ("spent", .right), ("forecast", .right), ("90% interval", .right), ("recurring", .right),
    ("run rate", .right), ("days left", .right)]

  static func cells(_ f: ForecastRow) -> [String] {
    [f.owner, f.currency.code, Display.money(f.spent), Display.money(f.forecast), "\(Display.money(f.forecastLow))–\(Display.money(f.forecastHigh))",
     Display.money(f.forecastRecurring), Display.money(f.runRate), String(f.daysLeft)]
  }

  public static func table(_ r: ForecastReport) -> String {
    var out = ["Forecast per \(r.by), \(r.period), as of \(r.asOf) (basis: \(r.basis.rawValue))", ""]
    var t = TextTable(forecastColumns, headerRule: true)
    t.rows = r.rows.map(cells)
    out.append(r.rows.isEmpty ? "  no cost in the period" : t.render(indent: "  "))
    out += ["", "Forecast: " + r.method]
    return out.joined(separator: "\n") + "\n"
  }

  public static func markdown(_ r: ForecastReport) -> String {
    var out = ["# Forecast per \(r.by), \(r.period), as of \(r.asOf)", "", "Basis: \(r.basis.rawValue).", ""]
    out += MarkdownRenderer.table(forecastColumns, r.rows.map(cells))
    out += ["", "Forecast: " + r.method]
    return out.joined(separator: "\n") + "\n"
  }

  public static func csv(_ r: ForecastReport) -> String {
    CSVTables.csv(["owner", "currency", "spent", "forecast", "forecast_low", "forecast_high", "forecast_recurring", "run_rate", "days_left",
                   "period", "as_of"],
                  r.rows.map { f in
                    [f.owner, f.currency.code, f.spent.decimalString, f.forecast.decimalString, f.forecastLow.decimalString,
                     f.forecastHigh.decimalString, f.forecastRecurring.decimalString, f.runRate.decimalString, String(f.daysLeft), r.period, r.asOf]
                  })
  }

  public static func json(_ r: ForecastReport) throws -> String { try JSONRenderer.encode(r) }
}
