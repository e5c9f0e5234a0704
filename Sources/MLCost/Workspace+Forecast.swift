import Foundation
import MLCostAttribution
import MLCostCore
import MLCostReports
import MLCostStore

extension Workspace {
  /// For every full month in the database and each checkpoint day: the month-end forecast made with the days
  /// before it, against the month's cost; for the total in `currency` and each budget's scope.
  public func forecastBacktest(rules: Rules, currency: Currency = .usd, checkpoints: [Int] = [7, 14, 21]) throws -> BacktestReport {
    let h = try holdings()
    guard let first = h.firstChargeDay, let last = h.lastChargeDay else { return BacktestReport(months: [], rows: [], method: Self.forecastMethod) }
    var months: [BillingMonth] = []
    var m = BillingMonth(containing: first)
    while m.next.start <= last + 86_400 {
      if m.start >= first { months.append(m) }
      m = m.next
    }
    // The total, then each budget whose scope and currency are not already tested.
    var scopes = [(BudgetScope.total, currency)], names = ["total"]
    for b in rules.budgets where !scopes.contains(where: { $0.0 == b.scope && $0.1 == b.currency }) {
      scopes.append((b.scope, b.currency)); names.append(b.name)
    }
    let (daily, _) = try scopeDaily(scopes, rules: rules, from: first, to: last + 86_400)
    var rows: [BacktestRow] = []
    for (i, series) in daily.enumerated() {
      for day in checkpoints {
        var errors: [Double] = [], naive: [Double] = []
        for month in months where day < month.days {
          let asOf = month.start + Int64(day) * 86_400
          let actual = series.filter { $0.key >= month.start && $0.key < month.next.start }.values.reduce(Amount.zero, +)
          guard actual > .zero else { continue }
          let known = series.filter { $0.key < asOf }
          let spent = known.filter { $0.key >= month.start }.values.reduce(Amount.zero, +)
          let f = Forecaster.forecast(known, spent: spent, from: asOf, to: month.next.start).total
          let r = Forecaster.runRate(spent: spent, elapsedDays: day, periodDays: month.days)
          errors.append(abs((f - actual).approximateDouble) / actual.approximateDouble)
          naive.append(abs((r - actual).approximateDouble) / actual.approximateDouble)
        }
        func pct(_ v: Double?) -> Percent? { v.map { Percent(perMille: Int64(($0 * 1000).rounded())) } }
        func mean(_ v: [Double]) -> Double? { v.isEmpty ? nil : v.reduce(0, +) / Double(v.count) }
        rows.append(BacktestRow(scope: names[i], currency: scopes[i].1, day: day, months: errors.count, mape: pct(mean(errors)),
                                worst: pct(errors.max()), runRateMape: pct(mean(naive)), runRateWorst: pct(naive.max())))
      }
    }
    return BacktestReport(months: months.map(\.description), rows: rows, method: Self.forecastMethod)
  }
}
