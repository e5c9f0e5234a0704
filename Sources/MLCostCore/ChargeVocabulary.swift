/// FOCUS ChargeCategory. 1.0-preview and later spellings normalise to one case.
public enum ChargeCategory: Int, Sendable, CaseIterable, CustomStringConvertible {
  case usage = 1, purchase, tax, credit, adjustment
  public var description: String {
    switch self {
    case .usage: "Usage"
    case .purchase: "Purchase"
    case .tax: "Tax"
    case .credit: "Credit"
    case .adjustment: "Adjustment"
    }
  }
  /// Accepts the FOCUS values in any case; `Refund` (pre-1.0 exports) is a credit.
  public init?(focus text: String) {
    switch text.lowercased() {
    case "usage": self = .usage
    case "purchase": self = .purchase
    case "tax": self = .tax
    case "credit", "refund": self = .credit
    case "adjustment": self = .adjustment
    default: return nil
    }
  }
  public static let expected = "Usage, Purchase, Tax, Credit or Adjustment"
}

/// FOCUS PricingCategory; 1.0-preview `On-Demand` / `Commitment-Based` map to standard / committed.
public enum PricingCategory: Int, Sendable, CaseIterable, CustomStringConvertible {
  case standard = 1, dynamic, committed, other
  public var description: String {
    switch self {
    case .standard: "Standard"
    case .dynamic: "Dynamic"
    case .committed: "Committed"
    case .other: "Other"
    }
  }
  public init?(focus text: String) {
    switch text.lowercased() {
    case "standard", "on-demand", "ondemand", "on demand": self = .standard
    case "dynamic", "spot": self = .dynamic
    case "committed", "commitment-based", "commitmentbased", "commitment based": self = .committed
    case "other": self = .other
    default: return nil
    }
  }
  public static let expected = "Standard, Dynamic, Committed or Other (1.0-preview: On-Demand, Commitment-Based)"
}

/// FOCUS ChargeFrequency.
public enum ChargeFrequency: Int, Sendable, CaseIterable, CustomStringConvertible {
  case oneTime = 1, recurring, usageBased
  public var description: String {
    switch self {
    case .oneTime: "One-Time"
    case .recurring: "Recurring"
    case .usageBased: "Usage-Based"
    }
  }
  public init?(focus text: String) {
    switch text.lowercased() {
    case "one-time", "onetime", "one time": self = .oneTime
    case "recurring": self = .recurring
    case "usage-based", "usagebased", "usage based": self = .usageBased
    default: return nil
    }
  }
  public static let expected = "One-Time, Recurring or Usage-Based"
}

/// FOCUS ChargeClass: null, or `Correction` for a previously invoiced period.
public enum ChargeClass: Int, Sendable, CustomStringConvertible {
  case correction = 1
  public var description: String { "Correction" }
  public init?(focus text: String) {
    guard text.lowercased() == "correction" else { return nil }
    self = .correction
  }
}

/// Checks of the spec's own arithmetic; a row that fails one is stored as it is and counted.
public struct ArithmeticFlags: OptionSet, Sendable, Hashable {
  public let rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  /// ListCost ≠ ListUnitPrice × PricingQuantity.
  public static let listCost = ArithmeticFlags(rawValue: 1 << 0)
  /// ContractedCost ≠ ContractedUnitPrice × PricingQuantity.
  public static let contractedCost = ArithmeticFlags(rawValue: 1 << 1)
  /// A Credit whose EffectiveCost ≠ BilledCost.
  public static let creditEffective = ArithmeticFlags(rawValue: 1 << 2)
  /// ChargePeriodEnd before ChargePeriodStart.
  public static let periodOrder = ArithmeticFlags(rawValue: 1 << 3)
  /// An Unused commitment row with a ConsumedQuantity.
  public static let unusedConsumed = ArithmeticFlags(rawValue: 1 << 4)
  /// A Tags cell that is not a JSON object; kept raw in the extra columns.
  public static let unreadableTags = ArithmeticFlags(rawValue: 1 << 5)

  public static let all: [(ArithmeticFlags, String)] = [
    (.listCost, "ListCost ≠ ListUnitPrice × PricingQuantity"),
    (.contractedCost, "ContractedCost ≠ ContractedUnitPrice × PricingQuantity"),
    (.creditEffective, "Credit with EffectiveCost ≠ BilledCost"),
    (.periodOrder, "ChargePeriodEnd before ChargePeriodStart"),
    (.unusedConsumed, "Unused commitment with a ConsumedQuantity"),
    (.unreadableTags, "Tags not a JSON object (kept raw under \"Tags\" in the extra columns)"),
  ]
}
