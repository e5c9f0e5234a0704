import Foundation
import MLCostCore
import MLCostReports
import MLCostStore

extension Workspace {
  /// Invoices against cost and usage for one billing period: per invoice issuer, billing account and currency, the sum
  /// of the invoice lines (FOCUS Invoice Detail, and UBL/Peppol invoices) against the BilledCost of every other
  /// import, exactly, with the difference per charge category. Issuers match ignoring case.
  public func reconcileInvoices(month: BillingMonth) throws -> InvoiceReconciliation {
    struct Key: Hashable, Comparable {
      var issuer: String, account: String, currency: String
      static func < (a: Key, b: Key) -> Bool { (a.issuer.lowercased(), a.account, a.currency) < (b.issuer.lowercased(), b.account, b.currency) }
    }
    struct Side { var total = Amount.zero; var rows: Int64 = 0; var categories: [String: Amount] = [:]; var invoices = Set<String>() }
    var names: [String: String] = [:]
    func key(_ issuer: String?, _ account: String?, _ currency: String) -> Key {
      let i = issuer ?? "(no issuer)"
      if names[i.lowercased()] == nil { names[i.lowercased()] = i }
      return Key(issuer: i.lowercased(), account: account ?? "(no account)", currency: currency)
    }
    var invoiced: [Key: Side] = [:], billed: [Key: Side] = [:]
    for l in try store.invoiceLines(month: month) {
      let k = key(l.issuer, l.account, l.currency)
      let category = l.category.flatMap { ChargeCategory(focus: $0)?.description } ?? l.category ?? "(no category)"
      invoiced[k, default: Side()].total += l.billed
      invoiced[k, default: Side()].rows += l.rows
      invoiced[k, default: Side()].categories[category, default: .zero] += l.billed
      if let id = l.invoiceId { invoiced[k, default: Side()].invoices.insert(id) }
    }
    // A UBL invoice has no FOCUS categories: it is one line, its total.
    let ubl = try store.ublInvoices(month: month)
    for l in ubl {
      let k = key(l.issuer, l.account, l.currency)
      invoiced[k, default: Side()].total += l.billed
      invoiced[k, default: Side()].rows += 1
      invoiced[k, default: Side()].categories["(invoice total)", default: .zero] += l.billed
      if let id = l.invoiceId { invoiced[k, default: Side()].invoices.insert(id) }
    }
    let ublSeen = !ubl.isEmpty
    for g in try store.billedGroups(month: month) {
      let k = key(g.issuer, g.account, g.currency)
      billed[k, default: Side()].total += g.billed
      billed[k, default: Side()].rows += g.rows
      billed[k, default: Side()].categories[g.category.description, default: .zero] += g.billed
    }
    let rows = Set(invoiced.keys).union(billed.keys).sorted().map { k -> InvoiceReconciliation.Row in
      let i = invoiced[k], b = billed[k]
      var seen = Set<String>()
      for side in [i, b] { if let side { seen.formUnion(side.categories.keys) } }
      let categories = seen.sorted().map { c in
        InvoiceReconciliation.CategoryRow(category: c, invoiced: i.map { $0.categories[c] ?? .zero }, costAndUsage: b.map { $0.categories[c] ?? .zero })
      }
      return InvoiceReconciliation.Row(issuer: names[k.issuer] ?? k.issuer, account: k.account, currency: Currency(k.currency), invoiced: i?.total,
                                       costAndUsage: b?.total, invoices: (i?.invoices).map { $0.sorted() } ?? [], categories: categories,
                                       rows: (i?.rows ?? 0) + (b?.rows ?? 0))
    }
    var report = InvoiceReconciliation(month: month.description, rows: rows)
    if invoiced.isEmpty {
      report.notes.append("No invoice for \(month): import the FOCUS 1.4 Invoice Detail dataset (mlcost import --format focus-dataset) or the UBL/Peppol invoices, then run again.")
    }
    if rows.contains(where: { $0.status == .rounding }) {
      report.notes.append("\"matches within rounding\": the sides differ by no more than half a pico-unit (10⁻¹²) per row summed — values with "
        + "more than 12 decimals are rounded half-even to the 12th on import (FOCUS allows any precision).")
    }
    report.notes.append("Both sides are BilledCost (what is invoiced), never EffectiveCost; invoice lines are FOCUS Invoice Detail rows"
      + (ublSeen ? " and UBL/Peppol invoices" : "") + "; issuers match ignoring case.")
    return report
  }
}
