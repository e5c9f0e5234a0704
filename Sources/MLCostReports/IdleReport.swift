import Foundation
import MLCostCore

/// `mlcost idle`: endpoints that cost money and serve nobody, with the rules that fired and the evidence.
public struct IdleReport: Codable, Sendable, Equatable {
  public var schema = "mlcost.idle-report/1"
  /// The window, `[from, to)`, as dates.
  public var from: String
  public var to: String
  public var basis: Basis
  /// The thresholds as applied, so a reader can check every finding.
  public var thresholds: [String: String]
  public var findings: [IdleFinding]
  /// Per currency: the monthly waste of all findings.
  public var totalMonthlyWaste: [String: Amount]
  public var notes: [String]

  public init(from: String, to: String, basis: Basis, thresholds: [String: String], findings: [IdleFinding],
              totalMonthlyWaste: [String: Amount], notes: [String]) {
    self.from = from; self.to = to; self.basis = basis; self.thresholds = thresholds; self.findings = findings
    self.totalMonthlyWaste = totalMonthlyWaste; self.notes = notes
  }
}

public enum IdleRenderer {
  public static func table(_ r: IdleReport) -> String {
    var out = ["Idle and under-used endpoints, \(r.from) to \(r.to) (basis: \(r.basis.rawValue))",
               "thresholds: " + r.thresholds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; "), ""]
    if r.findings.isEmpty { out.append("  no endpoint with cost over the threshold in the window") }
    var t = TextTable([("kind", .left), ("resource", .left), ("model", .left), ("currency", .left), ("window cost", .right),
                                 ("waste / month", .right), ("action", .left)], headerRule: true)
    t.rows = r.findings.map { [$0.kind.rawValue, $0.resourceId, $0.model ?? "—", $0.currency.code, Display.money($0.windowCost),
                               Display.money($0.monthlyWaste), $0.action] }
    if !r.findings.isEmpty { out.append(t.render(indent: "  ")) }
    for (currency, total) in r.totalMonthlyWaste.sorted(by: { $0.key < $1.key }) {
      out.append("  total waste per month: \(Display.money(total)) \(currency)")
    }
    out.append("")
    out.append("Evidence")
    for f in r.findings {
      out.append("  \(f.resourceId) — \(f.kind.rawValue): \(f.rule)")
      for (k, v) in f.evidence.sorted(by: { $0.key < $1.key }) { out.append("    \(k): \(v)") }
    }
    out += r.notes.map { "- " + $0 }
    return out.joined(separator: "\n") + "\n"
  }

  public static func markdown(_ r: IdleReport) -> String {
    var out = ["# Idle and under-used endpoints, \(r.from) to \(r.to)", "",
               "Basis: \(r.basis.rawValue). Thresholds: " + r.thresholds.sorted { $0.key < $1.key }.map { "`\($0.key)` \($0.value)" }.joined(separator: ", ") + ".", ""]
    out.append("| kind | resource | model | currency | window cost | waste / month | rule | action |")
    out.append("| --- | --- | --- | --- | ---: | ---: | --- | --- |")
    for f in r.findings {
      out.append("| " + [f.kind.rawValue, f.resourceId, f.model ?? "—", f.currency.code, Display.money(f.windowCost), Display.money(f.monthlyWaste), f.rule, f.action]
        .map(MarkdownRenderer.escape).joined(separator: " | ") + " |")
    }
    for (currency, total) in r.totalMonthlyWaste.sorted(by: { $0.key < $1.key }) { out.append(""); out.append("Total waste per month: **\(Display.money(total)) \(currency)**") }
    return out.joined(separator: "\n") + "\n"
  }

  public static func json(_ r: IdleReport) throws -> String { try JSONRenderer.encode(r) }
}

/// `mlcost anomalies`: daily costs against their robust trailing baselines.
public struct AnomalyReport: Codable, Sendable, Equatable {
  public var schema = "mlcost.anomaly-report/1"
  public var from: String
  public var to: String
  public var basis: Basis
  public var thresholds: [String: String]
  public var anomalies: [Anomaly]
  public var seriesWatched: Int
  /// Anomalies the rules' mutes silenced, each with its reason.
  public var muted: [MutedAnomaly]

  public init(from: String, to: String, basis: Basis, thresholds: [String: String], anomalies: [Anomaly], seriesWatched: Int,
              muted: [MutedAnomaly] = []) {
    self.from = from; self.to = to; self.basis = basis; self.thresholds = thresholds; self.anomalies = anomalies; self.seriesWatched = seriesWatched
    self.muted = muted
  }
}

public enum AnomalyRenderer {
  public static func table(_ r: AnomalyReport) -> String {
    var out = ["Cost anomalies, \(r.from) to \(r.to) (basis: \(r.basis.rawValue); \(r.seriesWatched) daily series watched)",
               "thresholds: " + r.thresholds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; "), ""]
    if r.anomalies.isEmpty { out.append("  no anomalies") } else {
      var t = TextTable([("dimension", .left), ("value", .left), ("currency", .left), ("from", .left), ("to", .left), ("days", .right),
                                   ("expected", .right), ("actual", .right), ("impact", .right), ("top contributors", .left)], headerRule: true)
      t.rows = r.anomalies.map {
        [$0.dimension, $0.value, $0.currency.code, $0.start, $0.end, String($0.days), Display.money($0.expected), Display.money($0.actual),
         Display.money($0.impact), $0.topContributors.sorted { $0.key < $1.key }.map { "\($0.key) \(Display.money($0.value))" }.joined(separator: "; ")]
      }
      out.append(t.render(indent: "  "))
    }
    out += footnotes(r).map { $0.isEmpty ? "" : "  " + $0 }
    return out.joined(separator: "\n") + "\n"
  }

  /// The rolled-up views of each event (linked, never summed) and the muted anomalies with their reasons.
  static func footnotes(_ r: AnomalyReport) -> [String] {
    var out: [String] = []
    let linked = r.anomalies.filter { !$0.alsoSeenAs.isEmpty }
    if !linked.isEmpty { out.append("") }
    for a in linked { out.append("\(a.name) \(a.start): the same event shows in \(a.alsoSeenAs.joined(separator: ", ")) (not added again)") }
    let explained = r.anomalies.filter { $0.explanation != nil }
    if !explained.isEmpty { out += ["", "Why (impact = volume + unit price + mix + FX):"] }
    for a in explained { out.append("\(a.name) \(a.start): " + why(a)) }
    if !r.muted.isEmpty { out += ["", "Muted:"] }
    for m in r.muted {
      out.append("\(m.anomaly.name) \(m.anomaly.start) to \(m.anomaly.end), impact \(Display.money(m.anomaly.impact)) \(m.anomaly.currency): \(m.reason)")
    }
    return out
  }

  /// `volume 1,667.40 (Tokens ×3.01), unit price 0.10, mix 0.00, FX 0.00`.
  public static func why(_ a: Anomaly) -> String {
    guard let e = a.explanation else { return "no line detail" }
    let driver = e.driverUnit.map { u in " (\(u)" + (e.driverRatio.map { String(format: " ×%.2f", $0) } ?? "") + ")" } ?? ""
    return "volume \(Display.money(e.volume))\(driver), unit price \(Display.money(e.unitPrice)), mix \(Display.money(e.mix)), FX \(Display.money(e.fx))"
  }

  public static func markdown(_ r: AnomalyReport) -> String {
    var out = ["# Cost anomalies, \(r.from) to \(r.to)", "",
               "Basis: \(r.basis.rawValue); \(r.seriesWatched) daily series watched. Thresholds: "
                 + r.thresholds.sorted { $0.key < $1.key }.map { "`\($0.key)` \($0.value)" }.joined(separator: ", ") + ".", ""]
    if r.anomalies.isEmpty { out.append("_No anomalies._") } else {
      out.append("| dimension | value | currency | from | to | days | expected | actual | impact | top contributors |")
      out.append("| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |")
      for a in r.anomalies {
        out.append("| " + [a.dimension, a.value, a.currency.code, a.start, a.end, String(a.days), Display.money(a.expected), Display.money(a.actual),
                           Display.money(a.impact), a.topContributors.sorted { $0.key < $1.key }.map { "\($0.key) \(Display.money($0.value))" }
                             .joined(separator: "; ")].map(MarkdownRenderer.escape).joined(separator: " | ") + " |")
      }
    }
    out += footnotes(r).map { $0.isEmpty || $0.hasSuffix(":") ? $0 : "- " + MarkdownRenderer.escape($0) }
    return out.joined(separator: "\n") + "\n"
  }

  public static func json(_ r: AnomalyReport) throws -> String { try JSONRenderer.encode(r) }
}
