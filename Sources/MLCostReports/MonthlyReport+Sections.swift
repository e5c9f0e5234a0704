/// The report's sections as rows of cells, shared by the table, Markdown and CSV renderers so the
/// three always show the same thing.
struct Section {
  enum Kind { case money, rate, count, text, percent }
  var id: String
  var title: String
  var columns: [(String, Kind)]
  var rows: [[String?]]
  var totals: [String?]?
  var empty: String
}

extension MonthlyReport {
  var sections: [Section] {
    var out: [Section] = []
    let comps = components
    var modelColumns: [(String, Section.Kind)] = [("owner", .text), ("currency", .text), ("allocation", .money)]
    if previousMonth != nil { modelColumns += [("vs \(previousMonth!)", .money), ("change %", .percent)] }
    modelColumns += comps.map { ($0, .money) }
    modelColumns += [("GPU usage", .money), ("utilisation", .percent), ("requests", .count), ("input tokens", .count),
                     ("output tokens", .count), ("GPU-hours", .text), ("$/1M input", .rate), ("$/1M output", .rate), ("$/1M tokens", .rate),
                     ("$/1k requests", .rate), ("$/GPU-hour", .rate)]
    out.append(Section(id: "models", title: "Cost per model", columns: modelColumns, rows: models.map { m in
      var r: [String?] = [m.owner, m.currency, m.allocation]
      if previousMonth != nil { r += [m.change, m.changePercent] }
      r += comps.map { m.byComponent[$0] }
      r += [m.gpuUsage, m.utilisation, String(m.requests), String(m.inputTokens), String(m.outputTokens), m.gpuHours,
            m.perMillionInputTokens, m.perMillionOutputTokens, m.perMillionTokens, m.perThousandRequests, m.perGPUHour]
      return r
    }, totals: totals.count == 1 ? {
      var t: [String?] = ["total", totals[0].currency, totals[0].allocated]
      t += Array(repeating: nil, count: modelColumns.count - 3)
      return t
    }() : nil, empty: "no costs this month"))
    out.append(Section(id: "request-types", title: "Cost per model and request type",
                       columns: [("owner", .text), ("request type", .text), ("currency", .text), ("cost", .money)]
                         + (previousMonth != nil ? [("change", .money)] : []),
                       rows: requestTypes.map { r in [r.owner, r.requestType, r.currency, r.cost] + (previousMonth != nil ? [r.change] : []) },
                       totals: nil, empty: "none"))
    out.append(Section(id: "teams", title: "Cost per team and environment",
                       columns: [("team", .text), ("environment", .text), ("currency", .text), ("cost", .money)],
                       rows: teams.map { [$0.team, $0.environment, $0.currency, $0.cost] }, totals: nil, empty: "none"))
    out.append(Section(id: "totals", title: "Totals (charges = allocated, to the nano)",
                       columns: [("currency", .text), ("charges", .money), ("allocated", .money), ("billing charges", .money),
                                 ("API, stated cost", .money), ("API, catalog price", .money)],
                       rows: totals.map { [$0.currency, $0.charges, $0.allocated, $0.billing, $0.apiStated, $0.apiCatalog] },
                       totals: nil, empty: "no costs"))
    out.append(Section(id: "pools", title: "Shared pools", columns: [("pool", .text), ("currency", .text), ("split by", .text),
                                                                       ("cost", .money), ("shares", .text), ("unsplit", .money)],
                       rows: pools.map { p in
                         [p.name, p.currency, p.split, p.cost, p.shares.sorted { $0.key < $1.key }.map { "\($0.key) \(Display.money($0.value))" }
                           .joined(separator: "; "), p.unsplit]
                       }, totals: nil, empty: "no shared pools in the rules"))
    out.append(Section(id: "unpriced", title: "Unpriced API usage (no stated cost, no catalog price: not counted as $0)",
                       columns: [("provider", .text), ("model", .text), ("request type", .text), ("requests", .count),
                                 ("input tokens", .count), ("output tokens", .count)],
                       rows: unpriced.map { [$0.provider, $0.model, $0.requestType, String($0.requests), String($0.inputTokens), String($0.outputTokens)] },
                       totals: nil, empty: "none"))
    out.append(Section(id: "idle", title: "Idle and waste (endpoints that cost money and serve nobody; unknown = no metrics)",
                       columns: [("kind", .text), ("resource", .text), ("model", .text), ("currency", .text), ("waste / month", .money),
                                 ("action", .text)],
                       rows: idle.map { [$0.kind, $0.resourceId, $0.model, $0.currency, $0.monthlyWaste, $0.action] },
                       totals: nil, empty: "no endpoint with cost over the threshold"))
    out.append(Section(id: "anomalies", title: "Anomalies (days above their trailing same-weekday baseline)",
                       columns: [("dimension", .text), ("value", .text), ("currency", .text), ("from", .text), ("days", .count),
                                 ("expected", .money), ("actual", .money), ("impact", .money)],
                       rows: anomalies.map { [$0.dimension, $0.value, $0.currency, $0.start, String($0.days), $0.expected, $0.actual, $0.impact] },
                       totals: nil, empty: "none"))
    out.append(Section(id: "coverage", title: "Tag coverage (share of spend with a model tag)",
                       columns: [("provider", .text), ("service", .text), ("currency", .text), ("spend", .money), ("tagged", .money),
                                 ("coverage", .percent)],
                       rows: coverage.map { [$0.provider, $0.service, $0.currency, $0.total, $0.tagged, $0.share] },
                       totals: nil, empty: "no charges"))
    out.append(Section(id: "untagged", title: "Top untagged resources",
                       columns: [("resource", .text), ("provider", .text), ("service", .text), ("currency", .text), ("cost", .money)],
                       rows: untagged.map { [$0.resource, $0.provider, $0.service, $0.currency, $0.cost] }, totals: nil, empty: "none"))
    return out
  }

  static func display(_ v: String?, _ kind: Section.Kind) -> String {
    switch kind {
    case .money: Display.money(v)
    case .rate: Display.rate(v)
    case .count: v.flatMap { Int64($0) }.map(Display.count) ?? "—"
    case .percent: Display.percent(v)
    case .text: v ?? "—"
    }
  }
}
