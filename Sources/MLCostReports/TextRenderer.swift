import Foundation

/// Which columns a terminal table shows: the ones that fit 120 characters, every one, or these by name.
public enum ColumnChoice: Sendable, Equatable {
  case core, wide
  case named([String])
}

/// The terminal table: aligned, money right-aligned, a totals row.
public enum TextRenderer {
  /// Every column name a `.named` choice may use (the models table's), for "did you mean".
  public static func columnNames(_ r: MonthlyReport) -> [String] {
    r.sections.first { $0.id == "models" }?.columns.map(\.0) ?? []
  }

  public static func render(_ r: MonthlyReport, columns choice: ColumnChoice = .core) -> String {
    var out = ["\(r.title) — \(r.month)",
               "basis: \(Display.basis(r.basis)); rules: \(r.rules)"
                 + (r.previousMonth.map { "; compared with \($0)" } ?? "")]
    if let f = r.filterLine { out.append(f) }
    out += r.headline
    for s in r.sections {
      out.append("")
      out.append(s.title)
      if s.rows.isEmpty { out.append("  \(s.empty)"); continue }
      let shown = shownColumns(s, choice)
      var t = TextTable(shown.map { (s.columns[$0].0, s.columns[$0].1 == .text ? .left : .right) }, headerRule: true)
      t.rows = s.rows.map { row in shown.map { row[$0].display } }
      t.totals = s.totals.map { row in shown.map { row[$0]?.display ?? "" } }
      out.append(t.render(indent: "  "))
      if shown.count < s.columns.count {
        let hidden = s.columns.indices.filter { !shown.contains($0) }.map { s.columns[$0].0 }
        out.append("  (\(hidden.count) more columns with --wide or --columns: \(hidden.joined(separator: ", ")))")
      }
    }
    if !r.notes.isEmpty {
      out.append("")
      out.append("Notes")
      out += r.notes.map { "  - " + $0 }
    }
    return out.joined(separator: "\n") + "\n"
  }
}

extension TextRenderer {
  /// The section's columns to show: key (text) columns always, then the choice.
  static func shownColumns(_ s: Section, _ choice: ColumnChoice) -> [Int] {
    switch choice {
    case .wide: return Array(s.columns.indices)
    case .core: return s.core ?? Array(s.columns.indices)
    case .named(let names):
      guard s.core != nil else { return Array(s.columns.indices) }
      let wanted = Set(names.map { $0.lowercased() })
      return s.columns.indices.filter { s.columns[$0].1 == .text && $0 < 2 || wanted.contains(s.columns[$0].0.lowercased()) }
    }
  }
}

/// Markdown: the same sections as GitHub tables.
public enum MarkdownRenderer {
  public static func render(_ r: MonthlyReport) -> String {
    var out = ["# \(r.title) — \(r.month)", "",
               "Basis: **\(Display.basis(r.basis))**. Rules: `\(r.rules)`."
                 + (r.previousMonth.map { " Compared with \($0)." } ?? "") + (r.filterLine.map { " \(escape($0))." } ?? "")]
      + (r.headline.isEmpty ? [] : [""] + r.headline.map { "**\(escape($0))**" })
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
