import Foundation
import MLCostCore

/// `mlcost commitments`: each commitment active in a month — from FOCUS Contract Commitment rows and from the charges
/// that name one — with its term, this month's share of its cost, and what the month's charges used and left unused.
public struct CommitmentReport: Codable, Sendable, Equatable {
  public var month: String
  public var rows: [Row]
  public var notes: [String] = []

  public struct Row: Codable, Sendable, Equatable {
    public var id: String
    public var type: String?
    public var category: String?
    public var currency: Currency
    public var termStart: String?
    public var termEnd: String?
    /// The contract's cost over its whole term (Contract Commitment), nil when only charges name it.
    public var contractCost: Amount?
    /// The contract's cost × the month's share of the term's hours.
    public var monthShare: Amount?
    /// EffectiveCost of the month's charges with status Used / Unused.
    public var used: Amount
    public var unused: Amount
    public var utilisation: Percent?
    public var source: String
    public init(id: String, type: String?, category: String?, currency: Currency, termStart: String?, termEnd: String?, contractCost: Amount?,
                monthShare: Amount?, used: Amount, unused: Amount, source: String) {
      self.id = id; self.type = type; self.category = category; self.currency = currency; self.termStart = termStart; self.termEnd = termEnd
      self.contractCost = contractCost; self.monthShare = monthShare; self.used = used; self.unused = unused; self.source = source
      utilisation = (used + unused).isZero ? nil : Percent(used, of: used + unused)
    }
  }

  public init(month: String, rows: [Row]) { self.month = month; self.rows = rows }
}

public enum CommitmentRenderer {
  public static func table(_ r: CommitmentReport) -> String {
    var t = TextTable([("commitment", .left), ("type", .left), ("currency", .left), ("term", .left), ("contract cost", .right),
                       ("this month", .right), ("used", .right), ("unused", .right), ("util %", .right), ("from", .left)], headerRule: true)
    for row in r.rows {
      t.add([row.id, row.type ?? "—", row.currency.code, term(row), Display.money(row.contractCost), Display.money(row.monthShare),
             Display.money(row.used), Display.money(row.unused), row.utilisation.map { "\($0)%" } ?? "—", row.source])
    }
    var out = "Commitments — \(r.month)\n\n" + (r.rows.isEmpty ? "  no commitment named by a contract or a charge in \(r.month)" : t.render(indent: "  "))
    if !r.notes.isEmpty { out += "\n\nNotes\n" + r.notes.map { "  - " + $0 + "\n" }.joined() }
    return out.hasSuffix("\n") ? out : out + "\n"
  }

  static func term(_ row: CommitmentReport.Row) -> String {
    guard row.termStart != nil || row.termEnd != nil else { return "—" }
    return "\(row.termStart.map { String($0.prefix(10)) } ?? "?")..\(row.termEnd.map { String($0.prefix(10)) } ?? "?")"
  }

  public static func markdown(_ r: CommitmentReport) -> String {
    var out = "# Commitments — \(r.month)\n\n| commitment | type | currency | term | contract cost | this month | used | unused | util % | from |\n"
      + "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
    for row in r.rows {
      out += "| \(row.id) | \(row.type ?? "—") | \(row.currency.code) | \(term(row)) | \(Display.money(row.contractCost)) | \(Display.money(row.monthShare)) | "
        + "\(Display.money(row.used)) | \(Display.money(row.unused)) | \(row.utilisation.map { "\($0)%" } ?? "—") | \(row.source) |\n"
    }
    if !r.notes.isEmpty { out += "\n" + r.notes.map { "- " + $0 + "\n" }.joined() }
    return out
  }

  public static func csv(_ r: CommitmentReport) -> String {
    CSVTables.csv(["commitment", "type", "category", "currency", "term_start", "term_end", "contract_cost", "month_share", "used", "unused",
                   "utilisation_percent", "source"], r.rows.map { row in
      [row.id, row.type, row.category, row.currency.code, row.termStart, row.termEnd, row.contractCost?.decimalString,
       row.monthShare?.decimalString, row.used.decimalString, row.unused.decimalString, row.utilisation.map { "\($0)" }, row.source]
    })
  }

  public static func json(_ r: CommitmentReport) throws -> String { try JSONRenderer.encode(r) }
}
