// The unit of reconciliation: per billing period and currency, rows and exact sums.

/// A billing period and currency: the unit of reconciliation. `period` is nil when unreadable.
public struct PeriodCurrency: Hashable, Sendable, Comparable, CustomStringConvertible {
  public var period: BillingMonth?
  public var currency: String
  public init(period: BillingMonth?, currency: String) { self.period = period; self.currency = currency }
  public static func < (l: Self, r: Self) -> Bool {
    (l.period.map(\.description) ?? "~", l.currency) < (r.period.map(\.description) ?? "~", r.currency)
  }
  public var description: String { "\(period.map(\.description) ?? "unreadable") \(currency)" }
}

/// Row count and exact sums of BilledCost and EffectiveCost.
public struct Totals: Sendable, Equatable {
  public var rows = 0
  public var billedCost = NanoSum()
  public var effectiveCost = NanoSum()
  public init() {}
  public init(rows: Int, billedCost: Int64, effectiveCost: Int64) {
    self.rows = rows; self.billedCost.add(billedCost); self.effectiveCost.add(effectiveCost)
  }
  /// Adds another set of totals (overflow stays reported).
  public mutating func merge(_ other: Totals) {
    rows += other.rows
    billedCost.merge(other.billedCost)
    effectiveCost.merge(other.effectiveCost)
  }

  public mutating func add(billed: Int64?, effective: Int64?) {
    rows += 1
    if let billed { billedCost.add(billed) }
    if let effective { effectiveCost.add(effective) }
  }
}

