import Foundation

/// `mlcost idle`: endpoints that cost money and serve nobody, with the rules that fired and the evidence.
public struct IdleReport: Codable, Sendable, Equatable {
  public var schema = "mlcost.idle-report/1"
  /// The window, `[from, to)`, as dates.
  public var from: String
  public var to: String
  public var basis: String
  /// The thresholds as applied, so a reader can check every finding.
  public var thresholds: [String: String]
  public var findings: [Finding]
  /// Per currency: the monthly waste of all findings.
  public var totalMonthlyWaste: [String: String]
  public var notes: [String]

  public struct Finding: Codable, Sendable, Equatable {
    public var kind: String
    public var resourceId: String
    public var model: String?
    public var currency: String
    public var windowCost: String
    public var monthlyWaste: String?
    public var rule: String
    public var evidence: [String: String]
    public var action: String
    public var monthlySaving: String?
    public init(kind: String, resourceId: String, model: String?, currency: String, windowCost: String, monthlyWaste: String?,
                rule: String, evidence: [String: String], action: String, monthlySaving: String?) {
      self.kind = kind; self.resourceId = resourceId; self.model = model; self.currency = currency; self.windowCost = windowCost
      self.monthlyWaste = monthlyWaste; self.rule = rule; self.evidence = evidence; self.action = action; self.monthlySaving = monthlySaving
    }
  }

  public init(from: String, to: String, basis: String, thresholds: [String: String], findings: [Finding],
              totalMonthlyWaste: [String: String], notes: [String]) {
    self.from = from; self.to = to; self.basis = basis; self.thresholds = thresholds; self.findings = findings
    self.totalMonthlyWaste = totalMonthlyWaste; self.notes = notes
  }
}

public enum IdleRenderer {
  public static func table(_ r: IdleReport) -> String {
    var out = ["Idle and under-used endpoints, \(r.from) to \(r.to) (basis: \(r.basis))",
               "thresholds: " + r.thresholds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; "), ""]
    if r.findings.isEmpty { out.append("  no endpoint with cost over the threshold in the window") }
    var t = PlainTable(columns: [("kind", .left), ("resource", .left), ("model", .left), ("currency", .left), ("window cost", .right),
                                 ("waste / month", .right), ("action", .left)])
    t.rows = r.findings.map { [$0.kind, $0.resourceId, $0.model ?? "—", $0.currency, Display.money($0.windowCost),
                               Display.money($0.monthlyWaste), $0.action] }
    if !r.findings.isEmpty { out.append(t.render()) }
    for (currency, total) in r.totalMonthlyWaste.sorted(by: { $0.key < $1.key }) {
      out.append("  total waste per month: \(Display.money(total)) \(currency)")
    }
    out.append("")
    out.append("Evidence")
    for f in r.findings {
      out.append("  \(f.resourceId) — \(f.kind): \(f.rule)")
      for (k, v) in f.evidence.sorted(by: { $0.key < $1.key }) { out.append("    \(k): \(v)") }
    }
    out += r.notes.map { "- " + $0 }
    return out.joined(separator: "\n") + "\n"
  }

  public static func markdown(_ r: IdleReport) -> String {
    var out = ["# Idle and under-used endpoints, \(r.from) to \(r.to)", "",
               "Basis: \(r.basis). Thresholds: " + r.thresholds.sorted { $0.key < $1.key }.map { "`\($0.key)` \($0.value)" }.joined(separator: ", ") + ".", ""]
    out.append("| kind | resource | model | currency | window cost | waste / month | rule | action |")
    out.append("| --- | --- | --- | --- | ---: | ---: | --- | --- |")
    for f in r.findings {
      out.append("| " + [f.kind, f.resourceId, f.model ?? "—", f.currency, Display.money(f.windowCost), Display.money(f.monthlyWaste), f.rule, f.action]
        .map(MarkdownRenderer.escape).joined(separator: " | ") + " |")
    }
    for (currency, total) in r.totalMonthlyWaste.sorted(by: { $0.key < $1.key }) { out.append(""); out.append("Total waste per month: **\(Display.money(total)) \(currency)**") }
    return out.joined(separator: "\n") + "\n"
  }

  public static func json(_ r: IdleReport) throws -> String {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try e.encode(r), as: UTF8.self) + "\n"
  }
}
