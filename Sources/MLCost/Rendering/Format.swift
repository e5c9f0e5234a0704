import MLCostCore
import MLCostReports

enum Format {
  /// `1234567.5` exactly, with thousands separators: `1,234,567.50`.
  static func money(_ amount: Amount) -> String { Digits.grouped(amount.decimalString) }

  static func count(_ n: Int) -> String { Digits.grouped(String(n)) }
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
