import MLCostCore

/// Display formatting shared by the renderers: they format, never compute totals.
public enum Display {
  /// Exact decimal text → rounded to cents (half-even) with thousands separators: `1234.565` → `1,234.56`.
  public static func money(_ exact: String?) -> String {
    guard let exact, let amount = try? ExactDecimal.parse(exact), !amount.isOverflow else { return "—" }
    let cents = LargeRounding.halfEven(amount.picos, 10_000_000_000)
    let negative = cents < 0
    let whole = String(cents.magnitude / 100), frac = cents.magnitude % 100
    return (negative ? "-" : "") + grouped(whole) + "." + (frac < 10 ? "0" : "") + String(frac)
  }

  /// A unit cost keeps more digits when small: `$0.0042` stays visible.
  public static func rate(_ exact: String?) -> String {
    guard let exact, let amount = try? ExactDecimal.parse(exact), !amount.isOverflow else { return "—" }
    if amount.picos.magnitude >= 100_000_000_000 { return money(exact) }
    let tenThousandths = LargeRounding.halfEven(amount.picos, 100_000_000)
    let negative = tenThousandths < 0
    let m = tenThousandths.magnitude
    let f = String(m % 10_000)
    return (negative ? "-" : "") + String(m / 10_000) + "." + String(repeating: "0", count: 4 - f.count) + f
  }

  public static func count(_ n: Int64) -> String { (n < 0 ? "-" : "") + grouped(String(n.magnitude)) }

  static func grouped(_ digits: String) -> String {
    var s = digits, out = ""
    while s.count > 3 { out = "," + s.suffix(3) + out; s.removeLast(3) }
    return s + out
  }

  public static func percent(_ p: String?) -> String { p.map { $0 + "%" } ?? "—" }
}

enum LargeRounding {
  /// `value / unit` rounded half to even.
  static func halfEven(_ value: Int128, _ unit: Int128) -> Int128 {
    let q = value / unit, r = value % unit
    let twice = r.magnitude * 2
    if twice > UInt128(unit) || (twice == UInt128(unit) && q % 2 != 0) { return q + (value < 0 ? -1 : 1) }
    return q
  }
}

/// An aligned plain-text table: money right-aligned, an optional totals row under a rule.
struct PlainTable {
  enum Align { case left, right }
  var columns: [(String, Align)]
  var rows: [[String]] = []
  var totals: [String]?

  func render() -> String {
    var widths = columns.map { $0.0.count }
    for row in rows + (totals.map { [$0] } ?? []) {
      for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
    }
    func line(_ cells: [String]) -> String {
      var parts: [String] = []
      for (i, cell) in cells.enumerated() where i < widths.count {
        let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
        parts.append(columns[i].1 == .right ? pad + cell : cell + pad)
      }
      var s = "  " + parts.joined(separator: "  ")
      while s.hasSuffix(" ") { s.removeLast() }
      return s
    }
    var out = [line(columns.map(\.0)), "  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
    out += rows.map(line)
    if let totals {
      out.append("  " + widths.map { String(repeating: "=", count: $0) }.joined(separator: "  "))
      out.append(line(totals))
    }
    return out.joined(separator: "\n")
  }
}
