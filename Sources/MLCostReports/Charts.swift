import CLibXML2
import Foundation
import MLCostCore

/// Inline SVG charts built as libxml2 nodes (labels are text nodes, so escaped like everything else).
/// Geometry comes from the report's amounts; no number shown here is computed here.
enum Charts {
  static let palette = ["#0969da", "#1a7f37", "#bf8700", "#cf222e", "#8250df", "#57606a", "#0550ae", "#116329", "#953800", "#a40e26"]

  /// Geometry only: an amount's approximate size for a bar's length (0 when absent).
  static func size(_ a: Amount?) -> Double {
    guard let a, !a.isOverflow else { return 0 }
    return a.approximateDouble
  }

  static func svg(_ figure: xmlNodePtr, caption: String, width: Int, height: Int) -> xmlNodePtr {
    HTMLRenderer.text(HTMLRenderer.element(figure, "figcaption"), caption)
    return HTMLRenderer.element(figure, "svg", ["xmlns": "http://www.w3.org/2000/svg", "width": "\(width)", "height": "\(height)",
                                                "viewBox": "0 0 \(width) \(height)", "role": "img", "aria-label": caption])
  }

  static func rect(_ svg: xmlNodePtr, x: Double, y: Double, w: Double, h: Double, color: String, title: String) {
    let r = HTMLRenderer.element(svg, "rect", ["x": f(x), "y": f(y), "width": f(max(0, w)), "height": f(h), "fill": color])
    HTMLRenderer.text(HTMLRenderer.element(r, "title"), title)
  }

  /// The fill of series `i`: the palette's colours, then the same colours hatched, then dotted — so no two series of
  /// one chart look alike up to three times the palette. Patterns go in the chart's own `<defs>`, named after its figure.
  static func fill(_ svg: xmlNodePtr, _ i: Int) -> String {
    let n = palette.count
    guard i >= n else { return palette[i] }
    let kind = (i / n) % 3 == 1 ? "hatch" : "dots"
    let color = palette[i % n]
    let figure = svg.pointee.parent.flatMap { p -> String? in
      guard let v = xmlGetProp(p, "id") else { return nil }
      defer { mlcost_xml_free(v) }
      return String(cString: v)
    } ?? "chart"
    let id = "\(figure)-\(kind)-\(i % n)"
    var defs: xmlNodePtr?
    var child = svg.pointee.children
    while let c = child {
      if String(cString: c.pointee.name) == "defs" { defs = c; break }
      child = c.pointee.next
    }
    if defs == nil {
      let d = xmlNewNode(nil, "defs")!
      if let first = svg.pointee.children { xmlAddPrevSibling(first, d) } else { xmlAddChild(svg, d) }
      defs = d
    }
    var existing = defs!.pointee.children
    while let c = existing {
      if let v = xmlGetProp(c, "id") { let same = String(cString: v) == id; mlcost_xml_free(v); if same { return "url(#\(id))" } }
      existing = c.pointee.next
    }
    let pattern = HTMLRenderer.element(defs!, "pattern", ["id": id, "width": "6", "height": "6", "patternUnits": "userSpaceOnUse"])
    HTMLRenderer.element(pattern, "rect", ["width": "6", "height": "6", "fill": "#ffffff"])
    if kind == "hatch" {
      HTMLRenderer.element(pattern, "path", ["d": "M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5", "stroke": color, "stroke-width": "2"])
    } else {
      HTMLRenderer.element(pattern, "circle", ["cx": "3", "cy": "3", "r": "1.8", "fill": color])
    }
    return "url(#\(id))"
  }

  static func label(_ svg: xmlNodePtr, x: Double, y: Double, _ s: String, anchor: String = "start") {
    HTMLRenderer.text(HTMLRenderer.element(svg, "text", ["x": f(x), "y": f(y), "text-anchor": anchor]), s)
  }

  static func f(_ d: Double) -> String { String(format: "%.1f", d) }

  /// An axis label: `$347`, `$4.93k`, `$3.47M`, `$1.2B` (three significant digits at most).
  static func shortDollars(_ v: Double) -> String {
    let units: [(Double, String)] = [(1e9, "B"), (1e6, "M"), (1e3, "k")]
    for (size, suffix) in units where abs(v) >= size {
      let x = v / size
      var digits = x >= 100 ? String(format: "%.0f", x) : x >= 10 ? String(format: "%.1f", x) : String(format: "%.2f", x)
      if digits.contains(".") { while digits.hasSuffix("0") { digits.removeLast() }; if digits.hasSuffix(".") { digits.removeLast() } }
      return "$" + digits + suffix
    }
    return "$" + String(format: "%.0f", v)
  }

  /// Legend rows wrap at the chart's width; returns how many rows it took.
  static func legendRows(_ names: [String]) -> Int {
    var x = 10.0, rows = 1
    for n in names { let w = 24 + Double(n.count) * 6.5; if x + w > 750 { rows += 1; x = 10 }; x += w }
    return rows
  }

  static func legend(_ svg: xmlNodePtr, _ names: [String], y: Double) {
    var x = 10.0, y = y
    for (i, n) in names.enumerated() {
      let w = 24 + Double(n.count) * 6.5
      if x + w > 750 { x = 10; y += 16 }
      rect(svg, x: x, y: y - 9, w: 10, h: 10, color: fill(svg, i), title: n)
      label(svg, x: x + 14, y: y, n)
      x += w
    }
  }

  /// Horizontal bars, one per owner, stacked by component.
  static func componentsPerModel(_ figure: xmlNodePtr, _ r: MonthlyReport, currency: Currency) {
    let rows = r.models.filter { $0.currency == currency && size($0.allocation) != 0 }
    let height = 24 + rows.count * 24 + 16 * legendRows(r.components)
    let svg = svg(figure, caption: "Cost per model by component (\(currency))", width: 760, height: height)
    let maxValue = rows.map { m in r.components.map { c in max(0, size(m.byComponent[c])) }.reduce(0, +) }.max() ?? 1
    let left = 210.0, width = 430.0
    for (i, m) in rows.enumerated() {
      let y = 10.0 + Double(i) * 24
      label(svg, x: left - 6, y: y + 13, m.owner, anchor: "end")
      var x = left
      for (ci, c) in r.components.enumerated() {
        let v = max(0, size(m.byComponent[c]))
        let w = maxValue > 0 ? v / maxValue * width : 0
        rect(svg, x: x, y: y, w: w, h: 16, color: fill(svg, ci), title: "\(m.owner) — \(c): \(Display.money(m.byComponent[c])) \(currency)")
        x += w
      }
      label(svg, x: x + 6, y: y + 13, Display.money(m.allocation))
    }
    legend(svg, r.components, y: Double(height - 16 * legendRows(r.components)) + 8)
  }

  /// Horizontal bars per owner, stacked by request type.
  static func requestTypesPerModel(_ figure: xmlNodePtr, _ r: MonthlyReport, currency: Currency) {
    let rows = r.requestTypes.filter { $0.currency == currency }
    let owners = rows.map(\.owner).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    let types = Set(rows.map(\.requestType)).sorted()
    let height = 24 + owners.count * 24 + 16 * legendRows(types)
    let svg = svg(figure, caption: "Request types per model (\(currency))", width: 760, height: height)
    let totals = owners.map { o in rows.filter { $0.owner == o }.map { max(0, size($0.cost)) }.reduce(0, +) }
    let maxValue = totals.max() ?? 1
    let left = 210.0, width = 430.0
    for (i, o) in owners.enumerated() {
      let y = 10.0 + Double(i) * 24
      label(svg, x: left - 6, y: y + 13, o, anchor: "end")
      var x = left
      for (ti, t) in types.enumerated() {
        guard let row = rows.first(where: { $0.owner == o && $0.requestType == t }) else { continue }
        let w = maxValue > 0 ? max(0, size(row.cost)) / maxValue * width : 0
        rect(svg, x: x, y: y, w: w, h: 16, color: fill(svg, ti), title: "\(o) — \(t): \(Display.money(row.cost)) \(currency)")
        x += w
      }
    }
    legend(svg, types, y: Double(height - 16 * legendRows(types)) + 8)
  }

  /// Stacked columns per month in the database, one segment per owner.
  static func trend(_ figure: xmlNodePtr, _ r: MonthlyReport, currency: Currency) {
    let points = r.trend.filter { $0.currency == currency }
    let months = Set(points.map(\.month)).sorted()
    let owners = points.map(\.owner).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    let svg = svg(figure, caption: "Cost per month by owner (\(currency))", width: 760, height: 236 + 16 * legendRows(owners))
    let totals = months.map { m in points.filter { $0.month == m }.map { max(0, size($0.cost)) }.reduce(0, +) }
    let maxValue = totals.max() ?? 1
    let bottom = 200.0, plot = 170.0
    let step = months.isEmpty ? 0 : min(120.0, 700.0 / Double(months.count))
    for (mi, m) in months.enumerated() {
      let x = 40.0 + Double(mi) * step
      var y = bottom
      for (oi, o) in owners.enumerated() {
        guard let p = points.first(where: { $0.month == m && $0.owner == o }) else { continue }
        let h = maxValue > 0 ? max(0, size(p.cost)) / maxValue * plot : 0
        rect(svg, x: x, y: y - h, w: step * 0.7, h: h, color: fill(svg, oi), title: "\(m) — \(o): \(Display.money(p.cost)) \(currency)")
        y -= h
      }
      label(svg, x: x + step * 0.35, y: bottom + 14, m, anchor: "middle")
      let total = points.filter { $0.month == m && $0.cost > .zero }.reduce(Amount.zero) { $0 + $1.cost }
      label(svg, x: x + step * 0.35, y: y - 4, Display.money(total), anchor: "middle")
    }
    legend(svg, owners, y: 234)
  }

  /// One bar per provider and service: the share of spend with a model tag.
  static func coverage(_ figure: xmlNodePtr, _ r: MonthlyReport) {
    let rows = r.coverage
    let height = 20 + rows.count * 22
    let svg = svg(figure, caption: "Tag coverage: share of spend with a model tag", width: 760, height: height)
    let left = 260.0, width = 400.0
    for (i, c) in rows.enumerated() {
      let y = 6.0 + Double(i) * 22
      label(svg, x: left - 6, y: y + 12, "\(c.provider) · \(c.service)", anchor: "end")
      rect(svg, x: left, y: y, w: width, h: 14, color: "#eaeef2", title: "\(c.provider) \(c.service)")
      let share = Double(c.share?.perMille ?? 0) / 10
      rect(svg, x: left, y: y, w: width * share / 100, h: 14, color: share >= 80 ? "#1a7f37" : (share >= 50 ? "#bf8700" : "#cf222e"),
           title: "\(c.provider) \(c.service): \(Display.percent(c.share)) of \(Display.money(c.total)) \(c.currency) tagged")
      label(svg, x: left + width + 6, y: y + 12, Display.percent(c.share))
    }
  }
}
