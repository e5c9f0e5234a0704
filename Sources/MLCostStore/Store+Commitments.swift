import MLCostCore

/// A FOCUS Contract Commitment row as stored.
public struct StoredCommitment: Sendable {
  public var id: String
  public var category: String?
  public var currency: String?
  public var cost: Amount?
  public var quantity: Double?
  public var unit: String?
  public var start: Int64?
  public var end: Int64?
  public var fields: String
}

/// What the month's charges say about one commitment: its EffectiveCost by CommitmentDiscountStatus.
public struct StoredCommitmentUse: Sendable {
  public var id: String
  public var status: String?
  public var currency: String
  public var effective: Amount
  public var billed: Amount
  public var name: String?
  public var type: String?
}

extension Store {
  /// Contract Commitment rows whose period overlaps [start, end) (a row without a period counts).
  public func contractCommitments(overlapping start: Int64, _ end: Int64) throws(StoreError) -> [StoredCommitment] {
    try db.rows("""
      SELECT row_id, category, currency, cost, quantity, unit, period_start, period_end, fields FROM focus_dataset_row
      WHERE dataset = 'contract-commitment' AND (period_start IS NULL OR period_start < ?2) AND (period_end IS NULL OR period_end > ?1)
      ORDER BY row_id
      """, [.integer(start), .integer(end)]).map { r in
      StoredCommitment(id: r[0].string ?? "", category: r[1].string, currency: r[2].string, cost: r[3].amount, quantity: r[4].double,
                       unit: r[5].string, start: r[6].int, end: r[7].int, fields: r[8].string ?? "{}")
    }
  }

  /// The month's charges that name a commitment, per commitment, status and currency.
  public func commitmentUse(month: BillingMonth) throws(StoreError) -> [StoredCommitmentUse] {
    try db.rows("""
      SELECT (SELECT value FROM dict WHERE id = d.commitment_discount_id_id), (SELECT value FROM dict WHERE id = d.commitment_discount_status_id),
             (SELECT value FROM dict WHERE id = d.billing_currency_id), money_sum(s.effective_cost), money_sum(s.billed_cost),
             (SELECT value FROM dict WHERE id = d.commitment_discount_name_id), (SELECT value FROM dict WHERE id = d.commitment_discount_type_id)
      FROM charge_summary s JOIN charge_dims d ON d.id = s.dims_id
      WHERE s.billing_period_start >= ? AND s.billing_period_start < ? AND d.commitment_discount_id_id IS NOT NULL
      GROUP BY d.commitment_discount_id_id, d.commitment_discount_status_id, d.billing_currency_id ORDER BY 1, 2
      """, [.integer(month.start), .integer(month.next.start)]).map { r in
      StoredCommitmentUse(id: r[0].string ?? "", status: r[1].string, currency: r[2].string ?? "?", effective: r[3].amountOrOverflow,
                          billed: r[4].amountOrOverflow, name: r[5].string, type: r[6].string)
    }
  }
}

/// What the charges a commitment covered would have cost at list price, and what they cost (EffectiveCost).
public struct StoredCommittedUsage: Sendable {
  public var provider: String
  public var commitment: String
  public var currency: String
  public var list: Amount
  public var effective: Amount
}

extension Store {
  /// Per provider, commitment and currency: the month's charges a commitment covered (`CommitmentDiscountStatus` Used)
  /// with a ListCost, their ListCost and EffectiveCost — the discount the user's commitments really got.
  public func committedUsage(month: BillingMonth) throws(StoreError) -> [StoredCommittedUsage] {
    try db.rows("""
      SELECT (SELECT value FROM dict WHERE id = d.provider_name_id), (SELECT value FROM dict WHERE id = d.commitment_discount_id_id),
             (SELECT value FROM dict WHERE id = d.billing_currency_id), money_sum(ch.list_cost), money_sum(ch.effective_cost)
      FROM charge_dims d JOIN charge ch ON ch.dims_id = d.id
      WHERE d.commitment_discount_id_id IS NOT NULL
        AND lower((SELECT value FROM dict WHERE id = d.commitment_discount_status_id)) = 'used'
        AND ch.list_cost IS NOT NULL AND ch.billing_period_start >= ? AND ch.billing_period_start < ?
      GROUP BY d.provider_name_id, d.commitment_discount_id_id, d.billing_currency_id ORDER BY 1, 2, 3
      """, [.integer(month.start), .integer(month.next.start)]).map { r in
      StoredCommittedUsage(provider: r[0].string ?? "", commitment: r[1].string ?? "", currency: r[2].string ?? "?",
                           list: r[3].amountOrOverflow, effective: r[4].amountOrOverflow)
    }
  }
}
