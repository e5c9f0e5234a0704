import MLCostCore

/// Display formatting shared by the renderers: they format, never compute totals.
public enum Display {
  /// Rounded to cents (half-even) with thousands separators: `1234.565` → `1,234.56`; `—` when absent.
  public static func money(_ amount: Amount?) -> String {
    guard let amount, !amount.isOverflow else { return "—" }
    let cents = LargeRounding.halfEven(amount.picos, 10_000_000_000)
    let negative = cents < 0
    let whole = String(cents.magnitude / 100), frac = cents.magnitude % 100
    return (negative ? "-" : "") + Digits.grouped(whole) + "." + (frac < 10 ? "0" : "") + String(frac)
  }

  /// A unit cost keeps more digits when small: `$0.0042` stays visible.
  public static func rate(_ amount: Amount?) -> String {
    guard let amount, !amount.isOverflow else { return "—" }
    if amount.picos.magnitude >= 100_000_000_000 { return money(amount) }
    let tenThousandths = LargeRounding.halfEven(amount.picos, 100_000_000)
    let negative = tenThousandths < 0
    let m = tenThousandths.magnitude
    let f = String(m % 10_000)
    return (negative ? "-" : "") + String(m / 10_000) + "." + String(repeating: "0", count: 4 - f.count) + f
  }

  public static func count(_ n: Int64) -> String { Digits.grouped(String(n)) }

  public static func percent(_ p: Percent?) -> String { p.map { "\($0)%" } ?? "—" }

  /// A quantity's text (`5952.0`, `1.25E3`) grouped with one decimal (`5,952.0`); text that is not a number as it is.
  public static func quantity(_ q: String?) -> String {
    guard let q else { return "—" }
    guard let v = Double(q), v.isFinite, abs(v) < 1e15 else { return q }
    let tenths = Int64((v * 10).rounded())
    let whole = String(abs(tenths) / 10)
    return (tenths < 0 ? "-" : "") + Digits.grouped(whole) + "." + String(abs(tenths) % 10)
  }

  /// How a report names its basis.
  public static func basis(_ b: Basis) -> String { b == .cash ? "cash (BilledCost)" : "amortised (EffectiveCost)" }
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

/// The one text-table printer: aligned columns (text left, numbers right), trailing blanks trimmed; report
/// sections add a dashed rule under the header and a totals row under a `=` rule, listings neither.
public struct TextTable {
  public enum Align: Sendable { case left, right }
  public var columns: [(String, Align)]
  public var rows: [[String]] = []
  public var totals: [String]?
  public var headerRule: Bool

  public init(_ columns: [(String, Align)], headerRule: Bool = false) {
    self.columns = columns
    self.headerRule = headerRule
  }

  public mutating func add(_ row: [String]) { rows.append(row) }

  public func render(indent: String = "") -> String {
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
      var s = indent + parts.joined(separator: "  ")
      while s.hasSuffix(" ") { s.removeLast() }
      return s
    }
    func rule(_ c: String) -> String { indent + widths.map { String(repeating: c, count: $0) }.joined(separator: "  ") }
    var out = [line(columns.map(\.0))]
    if headerRule { out.append(rule("-")) }
    out += rows.map(line)
    if let totals {
      out.append(rule("="))
      out.append(line(totals))
    }
    return out.joined(separator: "\n")
  }
}
