import MLCostCore

/// Billed cost of one billing period per source format, invoice issuer, billing account, currency and category.
public struct StoredBilledGroup: Sendable {
  public var format: String
  public var issuer: String?
  public var account: String?
  public var invoiceId: String?
  public var currency: String
  public var category: ChargeCategory
  public var billed: Amount
  public var rows: Int64
}

/// Invoice lines (FOCUS Invoice Detail) of one billing period, summed per issuer, account, currency, category and invoice.
public struct StoredInvoiceLine: Sendable {
  public var issuer: String?
  public var account: String?
  public var invoiceId: String?
  public var currency: String
  public var category: String?
  public var billed: Amount
  public var rows: Int64
}

extension Store {
  /// The month's charges as billed, from the summaries (the invoice issuer, else the provider, names who bills); UBL
  /// invoices are the other side (`ublInvoices`).
  public func billedGroups(month: BillingMonth) throws(StoreError) -> [StoredBilledGroup] {
    try db.rows("""
      SELECT i.format, coalesce((SELECT value FROM dict WHERE id = d.invoice_issuer_name_id), (SELECT value FROM dict WHERE id = d.provider_name_id)),
             (SELECT value FROM dict WHERE id = d.billing_account_id_id), (SELECT value FROM dict WHERE id = d.invoice_id_id),
             (SELECT value FROM dict WHERE id = d.billing_currency_id), d.charge_category, money_sum(s.billed_cost), sum(s.rows)
      FROM charge_summary s JOIN charge_dims d ON d.id = s.dims_id JOIN import i ON i.id = s.import_id
      WHERE s.billing_period_start >= ? AND s.billing_period_start < ? AND i.format <> 'ubl'
      GROUP BY i.format, 2, 3, 4, 5, d.charge_category ORDER BY 1, 2, 3, 5, 6
      """, [.integer(month.start), .integer(month.next.start)]).map { r in
      StoredBilledGroup(format: r[0].string ?? "", issuer: r[1].string, account: r[2].string, invoiceId: r[3].string, currency: r[4].string ?? "?",
                        category: ChargeCategory(rawValue: Int(r[5].int ?? 1)) ?? .usage, billed: r[6].amountOrOverflow, rows: r[7].int ?? 0)
    }
  }

  /// The month's UBL/Peppol invoices, one line per invoice file and currency: what the invoice says (its file total), read
  /// from the import's reconciliation, so it stands even when a cost export of the same account replaced its charges.
  public func ublInvoices(month: BillingMonth) throws(StoreError) -> [StoredInvoiceLine] {
    try db.rows("""
      SELECT (SELECT value FROM dict WHERE id = s.provider_name_id), (SELECT value FROM dict WHERE id = s.billing_account_id_id), i.file_name,
             t.currency, money_sum(t.file_billed_cost), sum(t.file_rows)
      FROM import i JOIN import_total t ON t.import_id = i.id
        JOIN (SELECT DISTINCT import_id, provider_name_id, billing_account_id_id FROM import_scope WHERE billing_period_start = ?1) s ON s.import_id = i.id
      WHERE i.format = 'ubl' AND t.billing_period = ?2
      GROUP BY i.id, 1, 2, t.currency ORDER BY 1, 2, 4
      """, [.integer(month.start), .text(month.description)]).map { r in
      StoredInvoiceLine(issuer: r[0].string, account: r[1].string, invoiceId: r[2].string, currency: r[3].string ?? "?", category: nil,
                        billed: r[4].amountOrOverflow, rows: r[5].int ?? 0)
    }
  }

  /// The month's FOCUS Invoice Detail lines.
  public func invoiceLines(month: BillingMonth) throws(StoreError) -> [StoredInvoiceLine] {
    try db.rows("""
      SELECT invoice_issuer, billing_account_id, invoice_id, currency, category, money_sum(cost), count(*)
      FROM focus_dataset_row WHERE dataset = 'invoice-detail' AND period_start >= ? AND period_start < ?
      GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 4, 5
      """, [.integer(month.start), .integer(month.next.start)]).map { r in
      StoredInvoiceLine(issuer: r[0].string, account: r[1].string, invoiceId: r[2].string, currency: r[3].string ?? "?", category: r[4].string,
                        billed: r[5].amountOrOverflow, rows: r[6].int ?? 0)
    }
  }
}
