import Foundation
import MLCostAttribution
import MLCostCore
import MLCostReports
import MLCostStore

extension Workspace {
  /// Each budget of the rules on `asOf` (default: the day after the last charge): spent, forecast, thresholds.
  public func budgets(asOf: Int64?, rules: Rules) throws -> BudgetReport {
    let day = try asOf ?? ((try store.lastChargeDay()).map { $0 + 86_400 } ?? 0)
    let (statuses, notes) = try budgetStatuses(rules.budgets, asOf: day, rules: rules)
    return BudgetReport(asOf: Self.date(day), basis: rules.basis, budgets: statuses.map(Self.row), method: Self.forecastMethod, notes: notes)
  }

  /// Every owner of a dimension (nil: one total per currency): spend to date and the forecast for the period's end.
  public func ownerForecasts(by dimension: Dimension?, period: BudgetPeriod, asOf: Int64?, rules: Rules) throws -> ForecastReport {
    let day = try asOf ?? ((try store.lastChargeDay()).map { $0 + 86_400 } ?? 0)
    let start = period.bounds(containing: day - 1).start
    let daily = try ownerDaily(by: dimension, rules: rules, from: start - Int64(Forecaster.historyDays) * 86_400, to: day)
    var rows: [ForecastRow] = []
    for (key, series) in daily {
      let s = BudgetTracker.status(Budget(name: key.owner, scope: .total, amount: Amount(units: 1), currency: key.currency, period: period),
                                   daily: series, asOf: day)
      guard !s.spent.isZero || !s.forecast.total.isZero else { continue }
      rows.append(ForecastRow(owner: key.owner, currency: key.currency, spent: s.spent, forecast: s.forecast.total, forecastLow: s.forecast.low,
                              forecastHigh: s.forecast.high, forecastRecurring: s.forecast.recurring, runRate: s.runRate, daysLeft: s.daysLeft))
    }
    rows.sort { $0.currency != $1.currency ? $0.currency < $1.currency : $0.forecast != $1.forecast ? $0.forecast > $1.forecast : $0.owner < $1.owner }
    return ForecastReport(asOf: Self.date(day), basis: rules.basis, by: dimension?.rawValue ?? "total",
                          period: "\(period.rawValue) \(period.label(containing: day - 1))", rows: rows, method: Self.forecastMethod)
  }

  struct OwnerKey: Hashable { var owner: String; var currency: Currency }

  /// Cost per day per owner (the dimension's value from tags; `unspecified` without one; a usage record's model for
  /// `model`) and currency, every charge category and API usage with a stated cost.
  func ownerDaily(by dimension: Dimension?, rules: Rules, from: Int64, to: Int64) throws -> [OwnerKey: [Int64: Amount]] {
    let (groups, dims) = try store.dailyGroups(from: from, to: to, fields: Self.reportFields, allCategories: true)
    var readings = TagReadings(rules: rules)
    var owners: [Int64: OwnerKey] = [:]
    for (id, text) in dims {
      var c = ChargeGroup(currency: Currency(text[.billingCurrency] ?? "?"), billedCost: .zero, effectiveCost: .zero)
      Self.fill(&c, text: text)
      let reading = readings.reading(text[.tags])
      let value = dimension.map { AttributionEngine.resolve(c, reading: reading, rules: rules).values[$0] ?? "unspecified" } ?? "total"
      owners[id] = OwnerKey(owner: value, currency: c.currency)
    }
    var out: [OwnerKey: [Int64: Amount]] = [:]
    for g in groups {
      guard let k = owners[g.dimsId] else { continue }
      out[k, default: [:]][g.day, default: .zero] += rules.basis == .amortised ? g.effectiveCost : g.billedCost
    }
    for u in try store.dailyUsageCosts(from: from, to: to) {
      let owner = dimension == nil ? "total" : dimension == .model ? (u.model ?? "(no model)") : "unspecified"
      out[OwnerKey(owner: owner, currency: Currency(u.currency)), default: [:]][u.day, default: .zero] += u.cost
    }
    return out
  }

  static let forecastMethod = "spent to date + each remaining day's weekday profile (median of the last 28 days, recurring charges "
    + "taken out) + the charges that recur on that day of the month in each of the last 2–3 months; 90% interval from the profile's "
    + "residuals. Direct cost only: a budget counts charges by their tags (aliases and virtual tags applied) and API usage with a "
    + "stated cost by its model; shared pools are split in the monthly report, not here."

  func budgetStatuses(_ budgets: [Budget], asOf: Int64, rules: Rules) throws -> ([BudgetStatus], [String]) {
    let earliest = budgets.map { $0.period.bounds(containing: asOf - 1).start }.min() ?? asOf
    let (daily, other) = try scopeDaily(budgets.map { ($0.scope, $0.currency) }, rules: rules,
                                        from: earliest - Int64(Forecaster.historyDays) * 86_400, to: asOf)
    var notes: [String] = []
    for (i, amounts) in other.sorted(by: { $0.key < $1.key }) {
      let text = amounts.sorted { $0.key < $1.key }.map { "\(Display.money($0.value)) \($0.key)" }.joined(separator: ", ")
      notes.append("\(budgets[i].name): \(text) of matching cost in other currencies is not counted (the budget is in \(budgets[i].currency))")
    }
    return (budgets.indices.map { BudgetTracker.status(budgets[$0], daily: daily[$0], asOf: asOf) }, notes)
  }

  static func row(_ s: BudgetStatus) -> BudgetRow {
    BudgetRow(name: s.budget.name, scope: s.budget.scope.description, period: "\(s.budget.period.rawValue) \(s.periodLabel)",
              periodStart: date(s.periodStart), periodEnd: date(s.periodEnd), currency: s.budget.currency, amount: s.budget.amount,
              spent: s.spent, forecast: s.forecast.total, forecastLow: s.forecast.low, forecastHigh: s.forecast.high,
              forecastRecurring: s.forecast.recurring, runRate: s.runRate, overrun: s.overrun, daysLeft: s.daysLeft,
              actualThresholdsCrossed: s.actualCrossed.map(percent), forecastThresholdsCrossed: s.forecastCrossed.map(percent))
  }

  static func percent(_ d: Double) -> Percent { Percent(perMille: Int64((d * 10).rounded())) }
  static func date(_ t: Int64) -> String { String(Timestamp.iso8601(t).prefix(10)) }

  /// Per scope (in its currency, on the rules' basis): cost per day over [from, to), every charge category and API usage
  /// with a stated cost. Also, per scope, matching cost in other currencies (left out).
  func scopeDaily(_ scopes: [(BudgetScope, Currency)], rules: Rules, from: Int64, to: Int64) throws
    -> (daily: [[Int64: Amount]], otherCurrencies: [Int: [String: Amount]]) {
    var daily = [[Int64: Amount]](repeating: [:], count: scopes.count)
    var other: [Int: [String: Amount]] = [:]
    guard !scopes.isEmpty else { return (daily, other) }
    let (groups, dims) = try store.dailyGroups(from: from, to: to, fields: Self.reportFields, allCategories: true)
    var category: [Int64: ChargeCategory] = [:]
    for g in groups { category[g.dimsId] = g.chargeCategory }
    var readings = TagReadings(rules: rules)
    var matched: [Int64: (currency: Currency, scopes: [Int])] = [:]
    for (id, text) in dims {
      var c = ChargeGroup(currency: Currency(text[.billingCurrency] ?? "?"), billedCost: .zero, effectiveCost: .zero,
                          chargeCategory: category[id] ?? .usage)
      Self.fill(&c, text: text)
      let reading = readings.reading(text[.tags])
      let resolved = AttributionEngine.resolve(c, reading: reading, rules: rules).values
      matched[id] = (c.currency, scopes.indices.filter { scopes[$0].0.matches(c, resolved: resolved, tags: reading.normalised) })
    }
    func add(_ i: Int, _ currency: Currency, _ day: Int64, _ cost: Amount) {
      if currency == scopes[i].1 { daily[i][day, default: .zero] += cost } else { other[i, default: [:]][currency.code, default: .zero] += cost }
    }
    for g in groups {
      guard let m = matched[g.dimsId] else { continue }
      let cost = rules.basis == .amortised ? g.effectiveCost : g.billedCost
      for i in m.scopes { add(i, m.currency, g.day, cost) }
    }
    for u in try store.dailyUsageCosts(from: from, to: to) {
      for i in scopes.indices where scopes[i].0.matches(usageProvider: u.provider, model: u.model) { add(i, Currency(u.currency), u.day, u.cost) }
    }
    return (daily, other)
  }
}
