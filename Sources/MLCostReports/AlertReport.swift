import Foundation
import MLCostCore

/// `mlcost alerts`: what fired since the last run — budget breaches, forecast overruns, new anomalies — shaped
/// to be a webhook's body (`text` is a one-paragraph summary chat tools show as it is).
public struct AlertReport: Codable, Sendable, Equatable {
  public var schema = "mlcost.alerts/1"
  public var asOf: String
  /// The as-of day of the previous recorded run, nil before the first.
  public var previousRun: String?
  public var dryRun: Bool
  public var text: String
  public var alerts: [Alert]
  /// Anomalies a mute in the rules silenced, with its reason.
  public var muted: [MutedAnomaly]
  public init(asOf: String, previousRun: String?, dryRun: Bool, alerts: [Alert], muted: [MutedAnomaly]) {
    self.asOf = asOf; self.previousRun = previousRun; self.dryRun = dryRun; self.alerts = alerts; self.muted = muted
    text = alerts.isEmpty ? "MLCost: nothing new as of \(asOf)."
      : "MLCost, as of \(asOf): " + alerts.map(\.title).joined(separator: " ")
  }
}

public enum AlertKind: String, Codable, Sendable, CustomStringConvertible {
  case budgetActual = "budget-actual"
  case budgetForecast = "budget-forecast"
  case anomaly
  public var description: String { rawValue }
}

public struct Alert: Codable, Sendable, Equatable {
  public var kind: AlertKind
  /// Stable: an alert with a key already recorded does not fire again.
  public var key: String
  public var title: String
  public var budget: BudgetRow?
  public var threshold: Percent?
  public var anomaly: Anomaly?
  public init(kind: AlertKind, key: String, title: String, budget: BudgetRow? = nil, threshold: Percent? = nil, anomaly: Anomaly? = nil) {
    self.kind = kind; self.key = key; self.title = title; self.budget = budget; self.threshold = threshold; self.anomaly = anomaly
  }
}

public struct MutedAnomaly: Codable, Sendable, Equatable {
  public var anomaly: Anomaly
  public var reason: String
  public init(anomaly: Anomaly, reason: String) { self.anomaly = anomaly; self.reason = reason }
}

public enum AlertRenderer {
  public static func table(_ r: AlertReport) -> String {
    var out = ["Alerts as of \(r.asOf)" + (r.previousRun.map { " (previous run: as of \($0))" } ?? " (first run)")
               + (r.dryRun ? " — dry run, nothing recorded" : ""), ""]
    if r.alerts.isEmpty { out.append("  nothing new") }
    var t = TextTable([("kind", .left), ("alert", .left)], headerRule: true)
    t.rows = r.alerts.map { [$0.kind.rawValue, $0.title] }
    if !r.alerts.isEmpty { out.append(t.render(indent: "  ")) }
    if !r.muted.isEmpty {
      out += ["", "Muted"]
      out += r.muted.map { "  \($0.anomaly.dimension) \($0.anomaly.value) \($0.anomaly.start)…\($0.anomaly.end) "
        + "\(Display.money($0.anomaly.impact)) \($0.anomaly.currency): \($0.reason)" }
    }
    return out.joined(separator: "\n") + "\n"
  }

  public static func json(_ r: AlertReport) throws -> String { try JSONRenderer.encode(r) }
}
