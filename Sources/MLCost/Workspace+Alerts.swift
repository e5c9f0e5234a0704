import Foundation
import MLCostAttribution
import MLCostCore
import MLCostReports
import MLCostStore

extension Workspace {
  /// What fires on `asOf` (default: the day after the last charge) that has not fired before: each budget
  /// threshold crossed (actual, and forecast while the period runs) and each anomaly of the last 30 days not yet
  /// reported. Recorded unless `dryRun`.
  public func alerts(asOf: Int64?, rules: Rules, dryRun: Bool, now: Int64) throws -> AlertReport {
    let day = try asOf ?? ((try store.lastChargeDay()).map { $0 + 86_400 } ?? 0)
    let previous = try store.lastAlertRun()
    // Anomalies of the last 30 days, each known by its first day (one that goes on is not new again), found on a
    // second connection while the budgets are read on this one.
    let path = databasePath
    let anomalyResult = ParallelResults<AnomalyReport>(count: 1)
    let anomaliesDone = DispatchGroup()
    DispatchQueue.global().async(group: anomaliesDone) {
      anomalyResult.set(0, Result { try Workspace(databasePath: path).anomalies(since: day - 30 * 86_400, until: day, rules: rules) })
    }
    var candidates: [Alert] = []
    let (statuses, _) = try budgetStatuses(rules.budgets, asOf: day, rules: rules)
    for s in statuses {
      let row = Self.row(s)
      let b = s.budget, money = "\(Display.money(b.amount)) \(b.currency)"
      for t in s.actualCrossed {
        candidates.append(Alert(kind: .budgetActual, key: "budget|\(b.name)|\(s.periodLabel)|actual|\(t)",
                                title: "Budget \(b.name) (\(b.period.rawValue) \(s.periodLabel)): spent \(Display.money(s.spent)) of \(money), "
                                  + "\(Display.percent(row.spentPercent)), crossing \(Display.percent(Self.percent(t))).",
                                budget: row, threshold: Self.percent(t)))
      }
      for t in s.forecastCrossed where s.daysLeft > 0 {
        candidates.append(Alert(kind: .budgetForecast, key: "budget|\(b.name)|\(s.periodLabel)|forecast|\(t)",
                                title: "Budget \(b.name) (\(b.period.rawValue) \(s.periodLabel)): forecast \(Display.money(s.forecast.total)) "
                                  + "(\(Display.money(s.forecast.low))–\(Display.money(s.forecast.high))) of \(money), "
                                  + "\(Display.percent(row.forecastPercent)) with \(s.daysLeft) days left.",
                                budget: row, threshold: Self.percent(t)))
      }
    }
    anomaliesDone.wait()
    let anomalies = try anomalyResult.get(0)
    for a in anomalies.anomalies {
      candidates.append(Alert(kind: .anomaly, key: "anomaly|\(a.dimension)|\(a.value)|\(a.currency)|\(a.start)",
                              title: "Anomaly: \(a.name) cost \(Display.money(a.actual)) \(a.currency) from \(a.start) to \(a.end) "
                                + "against \(Display.money(a.expected)) expected (\(Display.money(a.impact)) more: \(AnomalyRenderer.why(a))).",
                              anomaly: a))
    }
    let fired = try store.firedAlerts(candidates.map(\.key))
    let new = candidates.filter { !fired.contains($0.key) }
    // Of a budget's new thresholds of one kind, only the highest is shown; the lower ones are recorded with it.
    let shown = new.filter { a in
      guard let t = a.threshold, let b = a.budget else { return true }
      return !new.contains { $0.kind == a.kind && $0.budget?.name == b.name && ($0.threshold?.perMille ?? 0) > t.perMille }
    }
    if !dryRun { try store.recordAlertRun(asOf: day, fired: new.map { ($0.key, $0.kind.rawValue) }, at: now) }
    return AlertReport(asOf: Self.date(day), previousRun: previous.map(Self.date), dryRun: dryRun, alerts: shown, muted: anomalies.muted)
  }
}

extension Workspace {
  /// Loads what has fired from a state file (the Spark engine's database is new on every run).
  public func loadAlertState(from path: String) throws { try store.loadAlertState(from: path) }
  /// Writes what has fired to a state file.
  public func saveAlertState(to path: String) throws { try store.saveAlertState(to: path) }
}
