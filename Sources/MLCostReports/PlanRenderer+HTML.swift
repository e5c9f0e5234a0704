import CLibXML2
import Foundation
import MLCostCore

extension PlanRenderer {
  /// One self-contained HTML page: the recommendation, an SVG break-even chart (log volume axis),
  /// cost-by-option bars and the ranked table.
  public static func html(_ p: PlanResult) -> String {
    HTMLRenderer.page(title: p.name) { body in page(p, body) }
  }

  static func page(_ p: PlanResult, _ body: xmlNodePtr) {
    HTMLRenderer.text(HTMLRenderer.element(body, "h1"), p.name)
    for line in header(p).dropFirst() { HTMLRenderer.text(HTMLRenderer.element(body, "p", ["class": "meta"]), line) }
    if let r = p.recommendation {
      let section = HTMLRenderer.element(body, "section", ["id": "recommendation"])
      HTMLRenderer.text(HTMLRenderer.element(section, "h2"), "Recommendation")
      let ul = HTMLRenderer.element(section, "ul")
      for reason in r.reasons { HTMLRenderer.text(HTMLRenderer.element(ul, "li"), reason) }
    }
    let charts = HTMLRenderer.element(body, "section", ["id": "charts"])
    breakEvenChart(HTMLRenderer.element(charts, "figure", ["id": "chart-break-even"]), p)
    costBars(HTMLRenderer.element(charts, "figure", ["id": "chart-options"]), p)

    let section = HTMLRenderer.element(body, "section", ["id": "options"])
    HTMLRenderer.text(HTMLRenderer.element(section, "h2"), "Options")
    let table = HTMLRenderer.element(section, "table")
    let tr = HTMLRenderer.element(HTMLRenderer.element(table, "thead"), "tr")
    let numeric: Set<Int> = [0, 5, 6, 7, 8, 9, 10, 11]
    for (i, c) in columns.enumerated() { HTMLRenderer.text(HTMLRenderer.element(tr, "th", numeric.contains(i) ? ["class": "num"] : [:]), c) }
    let tbody = HTMLRenderer.element(table, "tbody")
    for o in p.options {
      let row = HTMLRenderer.element(tbody, "tr", ["id": "option-\(o.rank)"])
      for (i, c) in cells(o).enumerated() { HTMLRenderer.text(HTMLRenderer.element(row, "td", numeric.contains(i) ? ["class": "num"] : [:]), c) }
    }
    let notes = HTMLRenderer.element(body, "section", ["id": "notes"])
    HTMLRenderer.text(HTMLRenderer.element(notes, "h2"), "Notes")
    let ul = HTMLRenderer.element(notes, "ul")
    for n in [p.breakEven.statement] + footer(p) { HTMLRenderer.text(HTMLRenderer.element(ul, "li"), n) }
  }

  /// Monthly cost against monthly tokens (log–log): the API's line and the cheapest self-hosted step curve.
  static func breakEvenChart(_ figure: xmlNodePtr, _ p: PlanResult) {
    let points = p.breakEven.sweep
    let svg = Charts.svg(figure, caption: "Monthly cost vs monthly tokens (log scales): API and cheapest self-hosted", width: 760, height: 300)
    let values = points.flatMap { [$0.apiCost, $0.selfHostedCost].compactMap { $0 } }.filter { $0 > 0 }
    guard let first = points.first, let last = points.last, let lo = values.min(), let hi = values.max(), hi > lo else { return }
    let x0 = log10(first.monthlyTokens), x1 = log10(last.monthlyTokens), y0 = log10(lo), y1 = log10(hi)
    func x(_ t: Double) -> Double { 70 + (log10(t) - x0) / max(1e-9, x1 - x0) * 660 }
    func y(_ c: Double) -> Double { 260 - (log10(max(c, lo)) - y0) / max(1e-9, y1 - y0) * 230 }
    HTMLRenderer.element(svg, "line", ["x1": "70", "y1": "260", "x2": "730", "y2": "260", "stroke": "#57606a"])
    HTMLRenderer.element(svg, "line", ["x1": "70", "y1": "30", "x2": "70", "y2": "260", "stroke": "#57606a"])
    for (series, color, name) in [(points.map { ($0.monthlyTokens, $0.apiCost) }, Charts.palette[0], "API"),
                                  (points.map { ($0.monthlyTokens, $0.selfHostedCost) }, Charts.palette[1], "self-hosted")] {
      let path = series.compactMap { t, c in c.map { "\(Charts.f(x(t))),\(Charts.f(y($0)))" } }.joined(separator: " ")
      let line = HTMLRenderer.element(svg, "polyline", ["points": path, "fill": "none", "stroke": color, "stroke-width": "2"])
      HTMLRenderer.text(HTMLRenderer.element(line, "title"), name)
    }
    let today = p.workload.monthlyTokens
    HTMLRenderer.element(svg, "line", ["x1": Charts.f(x(today)), "y1": "30", "x2": Charts.f(x(today)), "y2": "260", "stroke": "#bf8700", "stroke-dasharray": "4 3"])
    Charts.label(svg, x: x(today) + 4, y: 42, "today: \(PlanText.tokens(today)) tokens")
    if let b = p.breakEven.monthlyTokens {
      HTMLRenderer.element(svg, "line", ["x1": Charts.f(x(b)), "y1": "30", "x2": Charts.f(x(b)), "y2": "260", "stroke": "#cf222e", "stroke-dasharray": "2 2"])
      Charts.label(svg, x: x(b) + 4, y: 58, "break-even: \(PlanText.tokens(b))")
    }
    Charts.label(svg, x: 70, y: 278, PlanText.tokens(first.monthlyTokens))
    Charts.label(svg, x: 730, y: 278, PlanText.tokens(last.monthlyTokens), anchor: "end")
    Charts.label(svg, x: 400, y: 278, "monthly tokens (log scale)", anchor: "middle")
    // The cost axis: its ends and each power of ten between them, short enough for the margin ($3.47M, not $3,467,500.00).
    var ticks: [Double] = [lo, hi]
    var decade = pow(10, ceil(log10(lo)))
    while decade < hi {
      if abs(y(decade) - y(lo)) > 14 && abs(y(decade) - y(hi)) > 14 { ticks.append(decade) }
      decade *= 10
    }
    for t in ticks {
      Charts.label(svg, x: 66, y: y(t) + 4, Charts.shortDollars(t), anchor: "end")
      HTMLRenderer.element(svg, "line", ["x1": "66", "y1": Charts.f(y(t)), "x2": "70", "y2": Charts.f(y(t)), "stroke": "#57606a"])
    }
    Charts.label(svg, x: 74, y: 24, "monthly cost (log scale)")
    Charts.legend(svg, ["API", "cheapest self-hosted"], y: 296)
  }

  /// One bar per option (the ranked list), P50–P90 shown as a whisker where simulated.
  static func costBars(_ figure: xmlNodePtr, _ p: PlanResult) {
    let rows = Array(p.options.prefix(20))
    let svg = Charts.svg(figure, caption: "Monthly cost by option", width: 760, height: 20 + rows.count * 22)
    let maxValue = rows.map { max($0.monthlyCost, $0.availability?.p90MonthlyCost ?? 0) }.max() ?? 1
    for (i, o) in rows.enumerated() {
      let y = 10 + Double(i) * 22
      let w = maxValue > 0 ? o.monthlyCost / maxValue * 360 : 0
      let name = "#\(o.rank) " + (o.kind == .api ? "\(o.provider) \(o.model)" : "\(o.provider) \(o.instanceType ?? "") \(o.pricing)")
      Charts.label(svg, x: 0, y: y + 13, String(name.prefix(44)))
      Charts.rect(svg, x: 300, y: y, w: w, h: 16, color: o.kind == .api ? Charts.palette[0] : Charts.palette[1], title: "\(name): \(PlanText.dollars(o.monthlyCost)) a month")
      if let a = o.availability, a.p90MonthlyCost > a.p50MonthlyCost {
        HTMLRenderer.element(svg, "line", ["x1": Charts.f(300 + a.p50MonthlyCost / maxValue * 360), "x2": Charts.f(300 + a.p90MonthlyCost / maxValue * 360),
                                           "y1": Charts.f(y + 8), "y2": Charts.f(y + 8), "stroke": "#1f2328"])
      }
      // The label goes past the P90 whisker, never across it.
      let end = max(w, (o.availability.map { $0.p90MonthlyCost > $0.p50MonthlyCost ? $0.p90MonthlyCost / maxValue * 360 : 0 }) ?? 0)
      Charts.label(svg, x: 300 + end + 4, y: y + 13, PlanText.dollars(o.monthlyCost))
    }
  }
}
