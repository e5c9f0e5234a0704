import Foundation
import MLCostCore

/// `mlcost reconcile`: per invoice issuer, billing account, billing period and currency, what the invoices say (FOCUS
/// Invoice Detail lines, UBL/Peppol invoices) against what the cost-and-usage data bills, exactly, with each difference.
public struct InvoiceReconciliation: Codable, Sendable, Equatable {
  public var month: String
  public var rows: [Row]
  public var notes: [String] = []

  public struct Row: Codable, Sendable, Equatable {
    public var issuer: String
    public var account: String
    public var currency: Currency
    /// Nil when no invoice covers this account (cost-and-usage only).
    public var invoiced: Amount?
    /// Nil when no cost-and-usage data covers it (invoice only).
    public var costAndUsage: Amount?
    public var difference: Amount?
    public var status: Status
    public var invoices: [String]
    /// Per charge category where both sides have it: invoiced, cost-and-usage, difference.
    public var categories: [CategoryRow]
    /// - Parameter rows: the rows both sides summed: values with more than 12 decimals were each rounded half-even to
    ///   the 12th, so a difference of at most half a pico-unit per row is that rounding, not a billing difference.
    public init(issuer: String, account: String, currency: Currency, invoiced: Amount?, costAndUsage: Amount?, invoices: [String], categories: [CategoryRow],
                rows: Int64 = 0) {
      self.issuer = issuer; self.account = account; self.currency = currency; self.invoiced = invoiced; self.costAndUsage = costAndUsage
      self.invoices = invoices; self.categories = categories
      if let i = invoiced, let c = costAndUsage {
        let d = i - c
        difference = d
        status = d.isZero ? .matches : d.picos.magnitude * 2 <= UInt128(max(0, rows)) ? .rounding : .differs
      } else {
        status = invoiced == nil ? .noInvoice : .invoiceOnly
      }
    }
  }

  public struct CategoryRow: Codable, Sendable, Equatable {
    public var category: String
    public var invoiced: Amount?
    public var costAndUsage: Amount?
    public var difference: Amount?
    public init(category: String, invoiced: Amount?, costAndUsage: Amount?) {
      self.category = category; self.invoiced = invoiced; self.costAndUsage = costAndUsage
      difference = invoiced.flatMap { i in costAndUsage.map { i - $0 } }
    }
  }

  public enum Status: String, Codable, Sendable {
    case matches, differs
    /// Off by no more than the 12th-decimal rounding of the rows (docs/reconcile.md).
    case rounding = "matches within rounding"
    case noInvoice = "no invoice"
    case invoiceOnly = "invoice only"
  }

  public init(month: String, rows: [Row]) { self.month = month; self.rows = rows }
}

public enum ReconciliationRenderer {
  /// A difference below a cent is shown exactly: "0.00" would hide it.
  static func difference(_ d: Amount?) -> String {
    guard let d else { return "—" }
    return !d.isZero && d.picos.magnitude < 10_000_000_000 ? d.decimalString : Display.money(d)
  }

  public static func table(_ r: InvoiceReconciliation) -> String {
    var out = "Invoices against cost and usage — \(r.month)\n\n"
    var t = TextTable([("issuer", .left), ("account", .left), ("currency", .left), ("invoiced", .right), ("cost and usage", .right),
                       ("difference", .right), ("status", .left), ("invoices", .left)], headerRule: true)
    for row in r.rows {
      t.add([row.issuer, row.account, row.currency.code, Display.money(row.invoiced), Display.money(row.costAndUsage),
             difference(row.difference), row.status.rawValue, row.invoices.joined(separator: ", ")])
    }
    out += r.rows.isEmpty ? "  nothing billed in \(r.month)\n" : t.render(indent: "  ")
    let differing = r.rows.filter { $0.status == .differs }
    for row in differing {
      out += "\n\nWhere \(row.issuer) \(row.account) \(row.currency.code) differs, by charge category\n"
      var c = TextTable([("category", .left), ("invoiced", .right), ("cost and usage", .right), ("difference", .right)], headerRule: true)
      for x in row.categories {
        c.add([x.category, Display.money(x.invoiced), Display.money(x.costAndUsage), difference(x.difference)])
      }
      out += c.render(indent: "  ")
    }
    if !r.notes.isEmpty { out += "\n\nNotes\n" + r.notes.map { "  - " + $0 + "\n" }.joined() }
    return out
  }

  public static func markdown(_ r: InvoiceReconciliation) -> String {
    var out = "# Invoices against cost and usage — \(r.month)\n\n| issuer | account | currency | invoiced | cost and usage | difference | status | invoices |\n"
      + "| --- | --- | --- | ---: | ---: | ---: | --- | --- |\n"
    for row in r.rows {
      out += "| \(row.issuer) | \(row.account) | \(row.currency.code) | \(row.invoiced?.decimalString ?? "—") | \(row.costAndUsage?.decimalString ?? "—") | "
        + "\(row.difference?.decimalString ?? "—") | \(row.status.rawValue) | \(row.invoices.joined(separator: ", ")) |\n"
    }
    if !r.notes.isEmpty { out += "\n" + r.notes.map { "- " + $0 + "\n" }.joined() }
    return out
  }

  public static func csv(_ r: InvoiceReconciliation) -> String {
    var rows: [[String?]] = []
    for row in r.rows {
      rows.append([row.issuer, row.account, row.currency.code, "(all)", row.invoiced?.decimalString, row.costAndUsage?.decimalString,
                   row.difference?.decimalString, row.status.rawValue])
      for c in row.categories {
        rows.append([row.issuer, row.account, row.currency.code, c.category, c.invoiced?.decimalString, c.costAndUsage?.decimalString,
                     c.difference?.decimalString, nil])
      }
    }
    return CSVTables.csv(["issuer", "account", "currency", "category", "invoiced", "cost_and_usage", "difference", "status"], rows)
  }

  public static func json(_ r: InvoiceReconciliation) throws -> String { try JSONRenderer.encode(r) }
}
