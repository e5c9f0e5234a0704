import Foundation

/// The terminal table: aligned, money right-aligned, a totals row.
public enum TextRenderer {
  public static func render(_ r: MonthlyReport) -> String {
    var out = ["\(r.title) — \(r.month)",
               "basis: \(Display.basis(r.basis)); rules: \(r.rules)"
                 + (r.previousMonth.map { "; compared with \($0)" } ?? "")]
    if let f = r.filterLine { out.append(f) }
    for s in r.sections {
      out.append("")
      out.append(s.title)
      if s.rows.isEmpty { out.append("  \(s.empty)"); continue }
      var t = TextTable(s.columns.map { ($0.0, $0.1 == .text ? .left : .right) }, headerRule: true)
      t.rows = s.rows.map { row in row.map(\.display) }
      t.totals = s.totals.map { row in row.map { $0?.display ?? "" } }
      out.append(t.render(indent: "  "))
    }
    if !r.notes.isEmpty {
      out.append("")
      out.append("Notes")
      out += r.notes.map { "  - " + $0 }
    }
    return out.joined(separator: "\n") + "\n"
  }
}

/// Markdown: the same sections as GitHub tables.
public enum MarkdownRenderer {
  public static func render(_ r: MonthlyReport) -> String {
    var out = ["# \(r.title) — \(r.month)", "",
               "Basis: **\(Display.basis(r.basis))**. Rules: `\(r.rules)`."
                 + (r.previousMonth.map { " Compared with \($0)." } ?? "") + (r.filterLine.map { " \(escape($0))." } ?? "")]
    for s in r.sections {
      out += ["", "## \(s.title)", ""]
      if s.rows.isEmpty { out.append("_\(s.empty)_"); continue }
      out.append("| " + s.columns.map { escape($0.0) }.joined(separator: " | ") + " |")
      out.append("| " + s.columns.map { $0.1 == .text ? "---" : "---:" }.joined(separator: " | ") + " |")
      for row in s.rows { out.append("| " + row.map { escape($0.display) }.joined(separator: " | ") + " |") }
      if let t = s.totals {
        out.append("| " + t.map { $0 == nil ? "" : "**" + escape($0!.display) + "**" }.joined(separator: " | ") + " |")
      }
    }
    if !r.notes.isEmpty { out += ["", "## Notes", ""] + r.notes.map { "- " + escape($0) } }
    return out.joined(separator: "\n") + "\n"
  }

  /// A Markdown table: header, alignment row (numbers right), rows escaped.
  static func table(_ columns: [(String, TextTable.Align)], _ rows: [[String]]) -> [String] {
    ["| " + columns.map(\.0).joined(separator: " | ") + " |",
     "| " + columns.map { $0.1 == .right ? "---:" : "---" }.joined(separator: " | ") + " |"]
      + rows.map { "| " + $0.map(escape).joined(separator: " | ") + " |" }
  }

  static func escape(_ s: String) -> String {
    var out = ""
    for ch in s {
      switch ch {
      case "|": out += "\\|"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\n": out += " "
      default: out.append(ch)
      }
    }
    return out
  }
}

/// CSV: one tidy table per section (exact amounts, not rounded), formula injection neutralised.
public enum CSVRenderer {
  /// (section id, CSV text) in order.
  public static func render(_ r: MonthlyReport) -> [(String, String)] {
    r.sections.map { s in
      var lines = [s.columns.map { cell($0.0) }.joined(separator: ",")]
      for row in s.rows { lines.append(row.map { cell($0.exact ?? "") }.joined(separator: ",")) }
      return (s.id, lines.joined(separator: "\n") + "\n")
    }
  }

  /// All sections in one stream, each under a `# section` line.
  public static func renderAll(_ r: MonthlyReport) -> String {
    render(r).map { "# \($0.0)\n\($0.1)" }.joined(separator: "\n")
  }

  /// Quotes when needed; a text cell starting with `= + - @` (or tab/CR) gets a leading `'` so a
  /// spreadsheet never runs it as a formula. Plain numbers (`-12.50`) stay numbers.
  static func cell(_ s: String) -> String {
    var v = s
    if let first = v.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), !isNumber(v) { v = "'" + v }
    if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
      return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return v
  }

  static func isNumber(_ s: String) -> Bool {
    var body = Substring(s)
    if body.first == "-" || body.first == "+" { body = body.dropFirst() }
    guard !body.isEmpty else { return false }
    var dots = 0
    for ch in body {
      if ch == "." { dots += 1; if dots > 1 { return false } } else if !ch.isASCII || !ch.isNumber { return false }
    }
    return true
  }
}
