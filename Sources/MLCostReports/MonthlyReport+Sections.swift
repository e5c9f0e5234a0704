import MLCostCore

/// The report's sections as rows of typed cells, shared by the table, Markdown, CSV and HTML renderers so
/// they always show the same thing; each renderer decides how a cell looks.
struct Section {
  enum Kind { case money, rate, count, text, percent, quantity }
  var id: String
  var title: String
  var columns: [(String, Kind)]
  var rows: [[Cell]]
  /// A totals row: nil cells are blank.
  var totals: [Cell?]?
  var empty: String
  /// The columns a terminal table shows by default (nil: all); the rest come with `--wide` or `--columns`.
  var core: [Int]? = nil
}

/// One value of a section, typed; `nil` payloads are shown as `—` and written as empty CSV cells.
enum Cell {
  case text(String?)
  case money(Amount?)
  case rate(Amount?)
  case count(Int64)
  case percent(Percent?)
  /// A measured quantity as its source wrote it (`5952.0` GPU-hours): shown grouped, one decimal.
  case quantity(String?)

  /// For people: cents with separators, rates with four decimals, percent with `%`.
  var display: String {
    switch self {
    case .text(let t): t ?? "—"
    case .money(let a): Display.money(a)
    case .rate(let a): Display.rate(a)
    case .count(let n): Display.count(n)
    case .percent(let p): Display.percent(p)
    case .quantity(let q): Display.quantity(q)
    }
  }

  /// For machines (CSV, HTML `data-exact`): the exact value as text; nil when absent.
  var exact: String? {
    switch self {
    case .text(let t): t
    case .money(let a), .rate(let a): a?.decimalString
    case .count(let n): String(n)
    case .percent(let p): p?.description
    case .quantity(let q): q
    }
  }
}

extension MonthlyReport {
  /// "Filtered: provider=AWS, tag:team=search" for a filtered report.
  var filterLine: String? {
    guard let f = slice?.filters, !f.isEmpty else { return nil }
    return "Filtered: " + f.joined(separator: ", ")
  }

  /// Per currency, what the total is made of: invoiced charges apart from API usage priced here (an estimate, on no
  /// invoice) and API usage at the cost its source stated.
  var headline: [String] {
    totals.map { t in
      var parts = ["invoiced \(Display.money(t.billing))"]
      if !t.apiStated.isZero { parts.append("API usage at its stated cost \(Display.money(t.apiStated))") }
      if !t.apiCatalog.isZero { parts.append("API usage estimated at catalog prices \(Display.money(t.apiCatalog)) (on no invoice)") }
      return "Total \(Display.money(t.charges)) \(t.currency): " + parts.joined(separator: " + ")
    }
  }

  var sections: [Section] {
    var out: [Section] = []
    for (i, grouping) in (slice?.groupings ?? []).enumerated() {
      var columns: [(String, Section.Kind)] = grouping.by.map { ($0, .text) } + [("currency", .text), ("cost", .money), ("share %", .percent)]
      // Days have no counterpart before (a grouping by day carries no previous cost).
      let compared = previousMonth != nil && !grouping.by.contains("day")
      if compared { columns += [(previousMonth!.contains("..") ? "before" : "\(previousMonth!)", .money), ("change %", .percent)] }
      out.append(Section(id: i == 0 ? "groups" : "groups-" + grouping.by.joined(separator: "-"),
                         title: "Cost by \(grouping.by.joined(separator: " and "))", columns: columns, rows: grouping.rows.map { g in
        var r: [Cell] = g.values.map { .text($0) } + [.text(g.currency.code), .money(g.cost), .percent(g.share)]
        if compared { r += [.money(g.previous), .percent(g.changePercent)] }
        return r
      }, totals: nil, empty: "nothing matches the filters"))
    }
    let comps = components
    var modelColumns: [(String, Section.Kind)] = [("owner", .text), ("currency", .text), ("allocation", .money)]
    // A period's label is long (2026-09-16..2026-09-30); the header line names it, the column says "vs before".
    if let p = previousMonth { modelColumns += [(p.contains("..") ? "vs before" : "vs \(p)", .money), ("change %", .percent)] }
    modelColumns += comps.map { ($0, .money) }
    modelColumns += [("GPU busy $", .money), ("util %", .percent), ("requests", .count), ("input tok", .count),
                     ("output tok", .count), ("GPU-h", .quantity), ("$/1M input", .rate), ("$/1M output", .rate), ("$/1M tok", .rate),
                     ("$/1k req", .rate), ("$/GPU-h", .rate)]
    // What fits 120 columns: who, how much, the change, how busy, and the unit costs.
    let coreNames: Set<String> = ["owner", "currency", "allocation", "change %", "util %", "requests", "GPU-h", "$/1M tok", "$/1k req", "$/GPU-h"]
    let modelCore = modelColumns.indices.filter { coreNames.contains(modelColumns[$0].0) || modelColumns[$0].0.hasPrefix("vs ") }
    out.append(Section(id: "models", title: "Cost per model", columns: modelColumns, rows: models.map { m in
      var r: [Cell] = [.text(m.owner), .text(m.currency.code), .money(m.allocation)]
      if previousMonth != nil { r += [.money(m.change), .percent(m.changePercent)] }
      r += comps.map { .money(m.byComponent[$0]) }
      r += [.money(m.gpuUsage), .percent(m.utilisation), .count(m.requests), .count(m.inputTokens), .count(m.outputTokens), .quantity(m.gpuHours),
            .rate(m.perMillionInputTokens), .rate(m.perMillionOutputTokens), .rate(m.perMillionTokens), .rate(m.perThousandRequests),
            .rate(m.perGPUHour)]
      return r
    }, totals: totals.count == 1 ? {
      var t: [Cell?] = [.text("total"), .text(totals[0].currency.code), .money(totals[0].allocated)]
      t += Array(repeating: nil, count: modelColumns.count - 3)
      return t
    }() : nil, empty: "no costs this month", core: modelCore))
    out.append(Section(id: "request-types", title: "Cost per model and request type",
                       columns: [("owner", .text), ("request type", .text), ("currency", .text), ("cost", .money)]
                         + (previousMonth != nil ? [("change", .money)] : []),
                       rows: requestTypes.map { r in
                         [.text(r.owner), .text(r.requestType), .text(r.currency.code), .money(r.cost)] + (previousMonth != nil ? [.money(r.change)] : [])
                       },
                       totals: nil, empty: "none"))
    out.append(Section(id: "teams", title: "Cost per team and environment",
                       columns: [("team", .text), ("environment", .text), ("currency", .text), ("cost", .money)],
                       rows: teams.map { [.text($0.team), .text($0.environment), .text($0.currency.code), .money($0.cost)] }, totals: nil, empty: "none"))
    out.append(Section(id: "totals", title: "Totals (charges = allocated, to the nano)",
                       columns: [("currency", .text), ("charges", .money), ("allocated", .money), ("billing charges", .money),
                                 ("API, stated cost", .money), ("API, catalog price", .money)],
                       rows: totals.map {
                         [.text($0.currency.code), .money($0.charges), .money($0.allocated), .money($0.billing), .money($0.apiStated), .money($0.apiCatalog)]
                       },
                       totals: nil, empty: "no costs"))
    out.append(Section(id: "pools", title: "Shared pools", columns: [("pool", .text), ("currency", .text), ("split by", .text),
                                                                       ("cost", .money), ("shares", .text), ("unsplit", .money)],
                       rows: pools.map { p in
                         [.text(p.name), .text(p.currency.code), .text(p.split), .money(p.cost),
                          .text(p.shares.sorted { $0.key < $1.key }.map { "\($0.key) \(Display.money($0.value))" }.joined(separator: "; ")),
                          .money(p.unsplit)]
                       }, totals: nil, empty: "no shared pools in the rules"))
    out.append(Section(id: "unpriced", title: "Unpriced API usage (no stated cost, no catalog price: not counted as $0)",
                       columns: [("provider", .text), ("model", .text), ("request type", .text), ("requests", .count),
                                 ("input tokens", .count), ("output tokens", .count)],
                       rows: unpriced.map {
                         [.text($0.provider), .text($0.model), .text($0.requestType), .count($0.requests), .count($0.inputTokens), .count($0.outputTokens)]
                       },
                       totals: nil, empty: "none"))
    out.append(Section(id: "idle", title: "Idle and waste (endpoints that cost money and serve nobody; unknown = no metrics)",
                       columns: [("kind", .text), ("resource", .text), ("model", .text), ("currency", .text), ("waste / month", .money),
                                 ("action", .text)],
                       rows: idle.map {
                         [.text($0.kind.rawValue), .text($0.resourceId), .text($0.model), .text($0.currency.code), .money($0.monthlyWaste), .text($0.action)]
                       },
                       totals: nil, empty: "no endpoint with cost over the threshold"))
    out.append(Section(id: "anomalies", title: "Anomalies (days above their trailing baseline; impact = volume + unit price + mix)",
                       columns: [("dimension", .text), ("value", .text), ("currency", .text), ("from", .text), ("days", .count),
                                 ("expected", .money), ("actual", .money), ("impact", .money), ("volume", .money), ("unit price", .money),
                                 ("mix", .money)],
                       rows: anomalies.map {
                         [.text($0.dimension), .text($0.value), .text($0.currency.code), .text($0.start), .count(Int64($0.days)), .money($0.expected),
                          .money($0.actual), .money($0.impact), .money($0.volume), .money($0.unitPrice), .money($0.mix)]
                       },
                       totals: nil, empty: "none"))
    out.append(Section(id: "coverage", title: "Tag coverage (share of spend with a model tag)",
                       columns: [("provider", .text), ("service", .text), ("currency", .text), ("spend", .money), ("tagged", .money),
                                 ("coverage", .percent)],
                       rows: coverage.map { [.text($0.provider), .text($0.service), .text($0.currency.code), .money($0.total), .money($0.tagged), .percent($0.share)] },
                       totals: nil, empty: "no charges"))
    out.append(Section(id: "untagged", title: "Top untagged resources",
                       columns: [("resource", .text), ("provider", .text), ("service", .text), ("currency", .text), ("cost", .money)],
                       rows: untagged.map { [.text($0.resource), .text($0.provider), .text($0.service), .text($0.currency.code), .money($0.cost)] },
                       totals: nil, empty: "none"))
    if let budgets {
      out.append(Section(id: "budgets", title: "Budgets (spent and forecast at the month's end or the last charge day)",
                         columns: [("budget", .text), ("scope", .text), ("period", .text), ("currency", .text), ("amount", .money),
                                   ("spent", .money), ("%", .percent), ("forecast", .money), ("%", .percent), ("days left", .count),
                                   ("status", .text)],
                         rows: budgets.map {
                           [.text($0.name), .text($0.scope), .text($0.period), .text($0.currency.code), .money($0.amount), .money($0.spent),
                            .percent($0.spentPercent), .money($0.forecast), .percent($0.forecastPercent), .count(Int64($0.daysLeft)), .text($0.status)]
                         },
                         totals: nil, empty: "none"))
    }
    return out
  }
}
