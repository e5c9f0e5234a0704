import CLibXML2
import Foundation
import MLCostCore

/// A plan as a table, Markdown, JSON or HTML (with an SVG break-even chart and cost bars). All
/// formats render the same `PlanResult`; nothing is computed here.
public enum PlanRenderer {
  static func pct(_ v: Double?) -> String { v.map { String(format: "%.0f%%", $0 * 100) } ?? "—" }
  static func ms(_ v: Double?) -> String { v.map { String(format: "%.0f", $0) } ?? "—" }

  static let columns = ["#", "option", "pricing", "model", "GPUs", "cost/month", "$/1M tok", "util", "TTFT ms", "TPOT ms", "P(GPUs)", "P90/month", "risk"]

  static func cells(_ o: PlanOption) -> [String] {
    let what = o.kind == .api ? "\(o.provider) API" + (o.region.map { " (\($0))" } ?? "") : "\(o.provider) \(o.region ?? "") \(o.instanceType ?? "")"
    let gpus = o.gpusPerInstance.map { "\(o.instancesMin ?? 0)–\(o.instancesPeak ?? 0) × \($0) \(o.gpu ?? "") (\(o.layout ?? ""))" } ?? "—"
    let model = o.precision.map { "\(o.model) \($0)" } ?? o.model
    return ["\(o.rank)", what, o.pricing.rawValue, model, gpus, PlanText.dollars(o.monthlyCost), String(format: "%.3f", o.costPer1MTokens), pct(o.utilisation),
            ms(o.ttftMs), ms(o.tpotMs), pct(o.availability?.probabilityToHold), o.availability.map { PlanText.dollars($0.p90MonthlyCost) } ?? "—",
            o.availability.map { $0.risk.rawValue + ($0.bandAssumed ? " (band assumed)" : "") } ?? (o.kind == .api ? "provider" : "—")]
  }

  static func header(_ p: PlanResult) -> [String] {
    let w = p.workload
    var lines = ["\(p.name) — request type \(p.requestType)"]
    lines.append(String(format: "Workload: %@ requests a month (%.1f/s average, %.1f/s peak); %.0f input (%.0f cached) + %.0f output tokens per request = %@ tokens a month.",
                        PlanText.tokens(w.monthlyRequests), w.averageRequestsPerSecond, w.peakRequestsPerSecond, w.inputTokensPerRequest,
                        w.cachedInputTokensPerRequest, w.outputTokensPerRequest, PlanText.tokens(w.monthlyTokens)))
    var targets = [w.ttftTargetMs.map { String(format: "TTFT ≤ %.0f ms", $0) }, w.tpotTargetMs.map { String(format: "TPOT ≤ %.0f ms", $0) }].compactMap { $0 }
    if targets.isEmpty { targets = ["none"] }
    lines.append("Latency targets: \(targets.joined(separator: ", ")); residency: \(w.residency); horizon \(w.horizonMonths) months; batchable: \(w.batchable ? "yes" : "no").")
    return lines
  }

  static func footer(_ p: PlanResult) -> [String] {
    var lines: [String] = []
    if let m = p.calibration.medianAbsPercentError, let worst = p.calibration.worstAbsPercentError {
      lines.append(String(format: "Throughput model calibrated on %d measured results; on each source held out of the fit: median error %.0f%%, worst %.0f%% (docs/planner.md).",
                          p.calibration.benchmarkRows, m, worst))
    }
    lines.append("Availability: \(p.trials) Monte Carlo trials, seed \(p.seed). Prices from catalogs/ (each row cites its source and date).")
    return lines + p.notes
  }

  public static func table(_ p: PlanResult) -> String {
    var out = header(p).joined(separator: "\n") + "\n\n"
    var widths = columns.map(\.count)
    let rows = p.options.map(cells)
    for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
    func line(_ cells: [String]) -> String {
      var s = cells.enumerated().map { i, c in
        let pad = String(repeating: " ", count: widths[i] - c.count)
        return [0, 5, 6, 7, 8, 9, 10, 11].contains(i) ? pad + c : c + pad
      }.joined(separator: "  ")
      while s.hasSuffix(" ") { s.removeLast() }
      return s
    }
    out += ([line(columns)] + rows.map(line)).joined(separator: "\n") + "\n\n"
    if let r = p.recommendation { out += "Recommendation:\n" + r.reasons.map { "  - " + $0 }.joined(separator: "\n") + "\n\n" }
    out += "Break-even: \(p.breakEven.statement)\n\n" + footer(p).joined(separator: "\n") + "\n"
    return out
  }

  public static func markdown(_ p: PlanResult) -> String {
    func esc(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
    var out = "# " + esc(p.name) + "\n\n" + header(p).dropFirst().joined(separator: "\n\n") + "\n\n"
    if let r = p.recommendation { out += "## Recommendation\n\n" + r.reasons.map { "- " + esc($0) }.joined(separator: "\n") + "\n\n" }
    out += "## Options\n\n| " + columns.joined(separator: " | ") + " |\n|" + columns.enumerated().map { [0, 5, 6, 7, 8, 9, 10, 11].contains($0.offset) ? "---:" : "---" }.joined(separator: "|") + "|\n"
    for o in p.options { out += "| " + cells(o).map(esc).joined(separator: " | ") + " |\n" }
    out += "\n## Break-even\n\n" + esc(p.breakEven.statement) + "\n\n| tokens/month | API | cheapest self-hosted |\n|---:|---:|---:|\n"
    for s in p.breakEven.sweep.enumerated().filter({ $0.offset % 4 == 0 }).map(\.element) {
      out += "| \(PlanText.tokens(s.monthlyTokens)) | \(s.apiCost.map(PlanText.dollars) ?? "—") | \(s.selfHostedCost.map(PlanText.dollars) ?? "—") |\n"
    }
    out += "\n## Notes\n\n" + footer(p).map { "- " + esc($0) }.joined(separator: "\n") + "\n"
    return out
  }

  public static func json(_ p: PlanResult) throws -> String { try JSONRenderer.encode(p) }
}
