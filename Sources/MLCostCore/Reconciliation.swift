// The unit of reconciliation: per billing period and currency, rows and exact sums.

/// A billing period and currency: the unit of reconciliation. `period` is nil when unreadable.
public struct PeriodCurrency: Hashable, Sendable, Comparable, CustomStringConvertible {
  public var period: BillingMonth?
  public var currency: Currency
  public init(period: BillingMonth?, currency: Currency) { self.period = period; self.currency = currency }
  public static func < (l: Self, r: Self) -> Bool {
    (l.period.map(\.description) ?? "~", l.currency) < (r.period.map(\.description) ?? "~", r.currency)
  }
  public var description: String { "\(period.map(\.description) ?? "unreadable") \(currency)" }
}

/// Row count and exact sums of BilledCost and EffectiveCost (an overflowed sum stays `Amount.overflow`),
/// with what rounding to 12 decimals dropped from the text (zero for stored sums).
public struct Totals: Sendable, Equatable {
  public var rows = 0
  public var billedCost = Amount.zero
  public var effectiveCost = Amount.zero
  /// Exact text − kept value, summed over the rows (the file's side of reconciliation only).
  public var billedResidual = ExactDecimal.Residual()
  public var effectiveResidual = ExactDecimal.Residual()
  public init() {}
  public init(rows: Int, billedCost: Amount, effectiveCost: Amount) {
    self.rows = rows; self.billedCost = billedCost; self.effectiveCost = effectiveCost
  }
  /// Adds another set of totals (overflow stays reported).
  public mutating func merge(_ other: Totals) {
    rows += other.rows
    billedCost += other.billedCost
    effectiveCost += other.effectiveCost
    billedResidual += other.billedResidual
    effectiveResidual += other.effectiveResidual
  }

  public mutating func add(billed: Amount?, effective: Amount?, rows count: Int = 1) {
    rows += count
    if let billed { billedCost += billed }
    if let effective { effectiveCost += effective }
  }

  public var overflowed: Bool { billedCost.isOverflow || effectiveCost.isOverflow }
}
