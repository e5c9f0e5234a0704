import MLCostCore

/// A budget of the rules file's `budgets:` list: an amount in a currency per period, for the cost a scope selects.
public struct Budget: Sendable, Equatable {
  public var name: String
  public var scope: BudgetScope
  public var amount: Amount
  public var currency: Currency
  public var period: BudgetPeriod
  /// Percent of the amount: alert when spent to date reaches it …
  public var actualThresholds: [Double]
  /// … and when the forecast for the period's end reaches it.
  public var forecastThresholds: [Double]
  public var line: Int
  public init(name: String, scope: BudgetScope, amount: Amount, currency: Currency, period: BudgetPeriod,
              actualThresholds: [Double] = [80, 100], forecastThresholds: [Double] = [100], line: Int = 0) {
    self.name = name; self.scope = scope; self.amount = amount; self.currency = currency; self.period = period
    self.actualThresholds = actualThresholds; self.forecastThresholds = forecastThresholds; self.line = line
  }
}

/// What a budget counts: everything (`total`), or the cost whose dimensions (from tags, aliases and virtual
/// tags; a usage record's model) and charge fields match every pattern given.
public struct BudgetScope: Sendable, Equatable, CustomStringConvertible {
  public var dimensions: [Dimension: Pattern] = [:]
  public var match = Match()
  public init(dimensions: [Dimension: Pattern] = [:], match: Match = Match()) { self.dimensions = dimensions; self.match = match }
  public static let total = BudgetScope()

  public var isTotal: Bool { dimensions.isEmpty && match.fields.isEmpty && match.tags.isEmpty }

  public var description: String {
    if isTotal { return "total" }
    var parts = dimensions.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
    parts += match.fields.map { "\($0.0.rawValue)=\($0.1)" } + match.tags.map { "tag \($0.0)=\($0.1)" }
    return parts.joined(separator: ", ")
  }

  public static func == (l: BudgetScope, r: BudgetScope) -> Bool { l.description == r.description }

  /// A charge group, resolved (its dimensions) and with its normalised tags.
  public func matches(_ c: ChargeGroup, resolved: [Dimension: String], tags: [String: String]) -> Bool {
    for (d, p) in dimensions where !p.matches(resolved[d]) { return false }
    return AttributionEngine.matches(match, c, tags)
  }

  /// API usage: its provider and model are all a usage record says (other fields never match it).
  public func matches(usageProvider provider: String, model: String?) -> Bool {
    if isTotal { return true }
    if !match.tags.isEmpty { return false }
    for (field, p) in match.fields {
      guard field == .provider, p.matches(provider) else { return false }
    }
    for (d, p) in dimensions {
      guard d == .model, p.matches(model) else { return false }
    }
    return true
  }
}

/// Calendar periods in UTC.
public enum BudgetPeriod: String, Sendable, CaseIterable, Codable {
  case monthly, quarterly, annual

  /// The period holding the day: [start, end) in seconds.
  public func bounds(containing day: Int64) -> (start: Int64, end: Int64) {
    let m = BillingMonth(containing: day)
    let first: BillingMonth, months: Int
    switch self {
    case .monthly: first = m; months = 1
    case .quarterly: first = BillingMonth(year: m.year, month: (m.month - 1) / 3 * 3 + 1); months = 3
    case .annual: first = BillingMonth(year: m.year, month: 1); months = 12
    }
    var end = first
    for _ in 0..<months { end = end.next }
    return (first.start, end.start)
  }

  /// `2026-10`, `2026-Q4`, `2026`.
  public func label(containing day: Int64) -> String {
    let m = BillingMonth(containing: day)
    switch self {
    case .monthly: return m.description
    case .quarterly: return "\(m.year)-Q\((m.month - 1) / 3 + 1)"
    case .annual: return "\(m.year)"
    }
  }
}

/// Where a budget stands on a day: spent so far, the forecast for the period's end with its interval, and
/// which thresholds are crossed.
public struct BudgetStatus: Sendable, Equatable {
  public var budget: Budget
  public var periodLabel: String
  public var periodStart: Int64
  public var periodEnd: Int64
  /// The first day not yet counted (the as-of day).
  public var asOf: Int64
  public var spent: Amount
  public var forecast: Forecast
  public var runRate: Amount
  /// Thresholds (percent) spent to date has reached, and those the forecast reaches.
  public var actualCrossed: [Double]
  public var forecastCrossed: [Double]

  public var daysLeft: Int { Int(max(0, periodEnd - asOf) / 86_400) }
  public var overrun: Amount? { forecast.total > budget.amount ? forecast.total - budget.amount : nil }
}

public enum BudgetTracker {
  /// `daily`: the scope's cost per day (UTC midnight) in the budget's currency, from at least
  /// `Forecaster.historyDays` before the period start up to `asOf` (exclusive).
  public static func status(_ b: Budget, daily: [Int64: Amount], asOf: Int64) -> BudgetStatus {
    let (start, end) = b.period.bounds(containing: asOf - 1)  // the period of the last day counted
    let last = min(asOf, end)
    var spent = Amount.zero
    for (day, v) in daily where day >= start && day < last { spent += v }
    let forecast = Forecaster.forecast(daily, spent: spent, from: last, to: end)
    let elapsed = (last - start) / 86_400, length = (end - start) / 86_400
    let runRate = elapsed > 0 ? LargestRemainder.scale(spent, length, elapsed) : .zero
    func crossed(_ value: Amount, _ thresholds: [Double]) -> [Double] {
      thresholds.filter { value.approximateDouble >= b.amount.approximateDouble * $0 / 100 && value > .zero }
    }
    return BudgetStatus(budget: b, periodLabel: b.period.label(containing: start), periodStart: start, periodEnd: end, asOf: last,
                        spent: spent, forecast: forecast, runRate: runRate,
                        actualCrossed: crossed(spent, b.actualThresholds), forecastCrossed: crossed(forecast.total, b.forecastThresholds))
  }
}
