import MLCostCore

/// Who holds a cost. The special owners are cases, never magic strings.
public enum Owner: Hashable, Sendable, Comparable, CustomStringConvertible {
  case model(String)
  /// A shared pool's cost that no driver could split.
  case shared
  /// Commitments nobody used (unused reservations and savings plans).
  case idle
  /// On cash basis, a commitment's fee in the month it is billed: a purchase, not idle (the use it covers is
  /// known only amortised).
  case commitmentPurchase
  /// Spend with no model, by tag or rule.
  case unallocated

  public var description: String {
    switch self {
    case .model(let m): m
    case .shared: "(shared)"
    case .idle: "(idle commitment)"
    case .commitmentPurchase: "(commitment purchase)"
    case .unallocated: "(unallocated)"
    }
  }
  public var model: String? { if case .model(let m) = self { m } else { nil } }
  private var order: (Int, String) {
    switch self {
    case .model(let m): (0, m)
    case .shared: (1, "")
    case .idle: (2, "")
    case .commitmentPurchase: (3, "")
    case .unallocated: (4, "")
    }
  }
  public static func < (l: Owner, r: Owner) -> Bool { l.order < r.order }
}

/// Where an allocated amount came from.
public enum CostSource: String, Sendable, CaseIterable {
  /// A billing charge, held directly.
  case charge
  /// A share of a pool.
  case pool
  /// API usage whose source stated the cost.
  case apiStated = "api-stated"
  /// API usage priced from the catalog.
  case apiCatalog = "api-catalog"
}

/// One cell of the allocation: owner × request type × component × phase × currency × source.
public struct Allocation: Sendable, Hashable {
  public var owner: Owner
  public var requestType: String
  public var component: Component
  public var phase: Phase
  public var currency: Currency
  public var source: CostSource
  public var cost: Amount
  /// The part that did work, where activity metrics tell (GPU compute only); nil when unknown.
  public var usageCost: Amount?
  /// The allocation that `usageCost` covers (the lines with activity data).
  public var observedCost: Amount = .zero
  public var team: String?
  public var environment: String?
  /// The values of `AttributionInput.sliceFields`, in order (empty when none were asked for).
  public var slice: [String] = []
  /// Why the cost is here: "model tag", "virtual tag 'x'", "pool 'x' split by tokens", "unused commitment", … (drill-down).
  public var rule: String = ""
}

/// Per model and currency: the denominators behind unit costs.
public struct ModelDrivers: Sendable, Equatable {
  public var requests: Int64 = 0
  public var inputTokens: Int64 = 0
  public var cachedInputTokens: Int64 = 0
  public var cacheWriteTokens: Int64 = 0
  public var outputTokens: Int64 = 0
  public var gpuHours: Double = 0
  /// Cost of input / output tokens where a source or the catalog says which is which.
  public var inputTokenCost: Amount?
  public var outputTokenCost: Amount?
  public var inputTokensPriced: Int64 = 0
  public var outputTokensPriced: Int64 = 0
  public init() {}
}

/// Share of spend carrying a model tag (from the source's own tags, not rules), per provider and service.
public struct TagCoverage: Sendable, Equatable {
  public var provider: String
  public var service: String
  public var currency: Currency
  public var total: Amount
  public var tagged: Amount
}

/// A resource whose cost nobody attributed.
public struct UntaggedResource: Sendable, Equatable {
  public var resource: String
  public var provider: String
  public var service: String
  public var currency: Currency
  public var cost: Amount
}

/// How a pool was split this month.
public struct PoolSplit: Sendable, Equatable {
  public var name: String
  public var currency: Currency
  public var split: String
  public var cost: Amount
  public var shares: [String: Amount]
  /// What no driver could split (held by `shared`).
  public var unsplit: Amount
}

/// One month's attribution. Per currency, Σ allocations = Σ charges, exactly (checked when built).
public struct Attribution: Sendable {
  public var month: BillingMonth
  public var basis: Basis
  public var rulesSource: String
  /// Per currency: the sum of the inputs on the basis (charges + stated API costs + catalog-priced usage).
  public var charges: [Currency: Amount]
  /// Per currency: the sum over every owner.
  public var allocated: [Currency: Amount]
  /// Per currency and source: what the `charges` total is made of.
  public var chargesBySource: [Currency: [CostSource: Amount]]
  public var allocations: [Allocation]
  public var drivers: [String: [Currency: ModelDrivers]]
  public var unpriced: [UnpricedUsage]
  public var coverage: [TagCoverage]
  public var untagged: [UntaggedResource]
  public var pools: [PoolSplit]
  /// Virtual tags that fired, with how much cost each labelled.
  public var virtualTagHits: [String: Int]
  /// Per API usage group (`input.usage`, same order): what it cost and why, for the FOCUS export's token rows.
  public var usageCosts: [UsageCost] = []
  /// What the rules promise and this month's data does not bear out (a pool that matched nothing, a share
  /// for a model with no other cost, model names that differ only in case), each with the rules file and line.
  public var warnings: [String] = []
}

/// What one API usage group cost the attribution: its stated or catalog cost (nil when it is a driver only: tokens of a
/// self-hosted model or of a provider whose costs another source states, or unpriced) and why.
public struct UsageCost: Sendable, Equatable {
  public var owner: Owner
  public var requestType: String
  public var currency: Currency
  public var source: CostSource?
  public var cost: Amount?
  public var rule: String
  public init(owner: Owner, requestType: String, currency: Currency, source: CostSource?, cost: Amount?, rule: String) {
    self.owner = owner; self.requestType = requestType; self.currency = currency; self.source = source; self.cost = cost
    self.rule = rule
  }
}

public struct ConservationError: Error, CustomStringConvertible {
  public var currency: Currency
  public var charges: Amount
  public var allocated: Amount
  public var description: String {
    "attribution lost money in \(currency): charges \(charges.decimalString) but allocated \(allocated.decimalString); this is a bug (or a total past ±1.7 × 10^26 units), please report it"
  }
}
