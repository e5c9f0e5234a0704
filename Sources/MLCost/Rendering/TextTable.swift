/// A plain aligned text table: left-aligned text, right-aligned numbers and money.
struct TextTable {
  enum Align { case left, right }
  var columns: [(String, Align)]
  var rows: [[String]] = []

  init(_ columns: [(String, Align)]) { self.columns = columns }

  mutating func add(_ row: [String]) { rows.append(row) }

  func render(indent: String = "") -> String {
    var widths = columns.map { $0.0.count }
    for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
      var parts: [String] = []
      for (i, cell) in cells.enumerated() {
        let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
        parts.append(columns[i].1 == .right ? pad + cell : cell + pad)
      }
      var text = indent + parts.joined(separator: "  ")
      while text.hasSuffix(" ") { text.removeLast() }
      return text
    }
    var out = [line(columns.map(\.0))]
    out.append(contentsOf: rows.map(line))
    return out.joined(separator: "\n")
  }
}

enum Format {
  /// `1234567.5` exactly, with thousands separators: `1,234,567.50`.
  static func money(_ amount: Amount) -> String { grouped(MoneyText.exact(amount)) }

  /// An exact decimal text (`-1234.5`) with thousands separators.
  static func grouped(_ plain: String) -> String {
    let negative = plain.hasPrefix("-")
    let body = negative ? String(plain.dropFirst()) : plain
    let parts = body.split(separator: ".", maxSplits: 1)
    var intPart = String(parts[0])
    var grouped = ""
    while intPart.count > 3 {
      grouped = "," + intPart.suffix(3) + grouped
      intPart.removeLast(3)
    }
    grouped = intPart + grouped
    return (negative ? "-" : "") + grouped + (parts.count > 1 ? "." + parts[1] : "")
  }

  static func count(_ n: Int) -> String { money(Amount(units: Int64(n))).split(separator: ".")[0].description }
}

import MLCostCore
enum MoneyText {
  static func exact(_ amount: Amount) -> String { amount.decimalString }
}

/// The table printed after importing several files (or a directory).
public enum ImportBatchSummary {
  /// Rows of (file, format, stored, rejected, result).
  public static func render(_ rows: [[String]], skipped: Int) -> String {
    var table = TextTable([("file", .left), ("format", .left), ("stored", .right), ("rejected", .right), ("result", .left)])
    for r in rows { table.add(r) }
    var out = "summary: \(rows.count) file(s)" + (skipped > 0 ? ", \(skipped) skipped (not a recognised format)" : "") + "\n"
    out += table.render(indent: "  ")
    return out
  }
}
