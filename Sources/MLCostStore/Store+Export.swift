import MLCostCore

/// One stored charge line with every FOCUS field, for the FOCUS export.
public struct StoredChargeLine: Sendable {
  public var dimsId: Int64
  public var billingPeriodStart: Int64
  public var billingPeriodEnd: Int64?
  public var chargePeriodStart: Int64
  public var chargePeriodEnd: Int64
  public var chargeCategory: ChargeCategory
  public var chargeClass: ChargeClass?
  public var chargeFrequency: ChargeFrequency?
  public var pricingCategory: PricingCategory?
  public var billedCost: Amount
  public var effectiveCost: Amount
  public var listCost: Amount?
  public var contractedCost: Amount?
  public var consumedQuantity: Double?
  public var pricingQuantity: Double?
  public var commitmentDiscountQuantity: Double?
  public var text: [ChargeText: String]

  public init(dimsId: Int64, billingPeriodStart: Int64, billingPeriodEnd: Int64?, chargePeriodStart: Int64, chargePeriodEnd: Int64,
              chargeCategory: ChargeCategory, chargeClass: ChargeClass?, chargeFrequency: ChargeFrequency?, pricingCategory: PricingCategory?,
              billedCost: Amount, effectiveCost: Amount, listCost: Amount?, contractedCost: Amount?, consumedQuantity: Double?,
              pricingQuantity: Double?, commitmentDiscountQuantity: Double?, text: [ChargeText: String]) {
    self.dimsId = dimsId; self.billingPeriodStart = billingPeriodStart; self.billingPeriodEnd = billingPeriodEnd
    self.chargePeriodStart = chargePeriodStart; self.chargePeriodEnd = chargePeriodEnd; self.chargeCategory = chargeCategory
    self.chargeClass = chargeClass; self.chargeFrequency = chargeFrequency; self.pricingCategory = pricingCategory
    self.billedCost = billedCost; self.effectiveCost = effectiveCost; self.listCost = listCost; self.contractedCost = contractedCost
    self.consumedQuantity = consumedQuantity; self.pricingQuantity = pricingQuantity; self.commitmentDiscountQuantity = commitmentDiscountQuantity
    self.text = text
  }
}

extension Store {
  /// The fields `charge_detail` holds per line rather than `charge_dims` (migration 0007).
  static let detailFields: [ChargeText] = [.skuPriceId, .skuPriceDetails, .chargeDescription, .listUnitPrice, .contractedUnitPrice]

  /// Per dimensions row, the month's lines (count) and their billed or effective total, from the summaries.
  public func lineTotalsByDims(month: BillingMonth, billed: Bool) throws(StoreError) -> [Int64: (sum: Amount, count: Int)] {
    var out: [Int64: (sum: Amount, count: Int)] = [:]
    for r in try db.rows("""
      SELECT dims_id, money_sum(\(billed ? "billed_cost" : "effective_cost")), sum(rows) FROM charge_summary
      WHERE billing_period_start >= ? AND billing_period_start < ? GROUP BY dims_id
      """, [.integer(month.start), .integer(month.next.start)]) {
      out[r[0].int ?? 0] = (r[1].amountOrOverflow, Int(r[2].int ?? 0))
    }
    return out
  }

  /// Every charge line of a billing month, in import order, handed to `body` one at a time (the line table is read
  /// only here and in drill-down).
  public func chargeLines(month: BillingMonth, _ body: (StoredChargeLine) throws -> Void) throws {
    let dimsFields = ChargeText.allCases.filter { !Self.detailFields.contains($0) }
    let s = try db.prepare("""
      SELECT c.dims_id, c.billing_period_start, c.billing_period_end, c.charge_period_start, c.charge_period_end, d.charge_category,
             d.charge_class, d.charge_frequency, d.pricing_category, c.billed_cost, c.effective_cost, c.list_cost, c.contracted_cost,
             c.consumed_quantity, c.pricing_quantity, c.commitment_discount_quantity,
             \(Self.detailFields.map { "x." + $0.column }.joined(separator: ", ")), \(dimsFields.map { "d." + $0.column + "_id" }.joined(separator: ", "))
      FROM charge c JOIN charge_dims d ON d.id = c.dims_id LEFT JOIN charge_detail x ON x.charge_id = c.id
      WHERE c.billing_period_start >= ? AND c.billing_period_start < ? ORDER BY c.id
      """)
    try s.bind([.integer(month.start), .integer(month.next.start)])
    defer { s.reset() }
    var dictionary = DictionaryCache(db: db)
    while try s.step() {
      var text: [ChargeText: String] = [:]
      for (i, f) in Self.detailFields.enumerated() { if let v = s.value(16 + i).string { text[f] = v } }
      for (i, f) in dimsFields.enumerated() {
        if let id = s.value(16 + Self.detailFields.count + i).int, let v = try dictionary.value(id) { text[f] = v }
      }
      try body(StoredChargeLine(
        dimsId: s.value(0).int ?? 0, billingPeriodStart: s.value(1).int ?? 0, billingPeriodEnd: s.value(2).int, chargePeriodStart: s.value(3).int ?? 0,
        chargePeriodEnd: s.value(4).int ?? 0, chargeCategory: ChargeCategory(rawValue: Int(s.value(5).int ?? 1)) ?? .usage,
        chargeClass: s.value(6).int.flatMap { ChargeClass(rawValue: Int($0)) }, chargeFrequency: s.value(7).int.flatMap { ChargeFrequency(rawValue: Int($0)) },
        pricingCategory: s.value(8).int.flatMap { PricingCategory(rawValue: Int($0)) }, billedCost: s.value(9).amountOrOverflow,
        effectiveCost: s.value(10).amountOrOverflow, listCost: s.value(11).amount, contractedCost: s.value(12).amount,
        consumedQuantity: s.value(13).double, pricingQuantity: s.value(14).double, commitmentDiscountQuantity: s.value(15).double, text: text))
    }
  }
}
