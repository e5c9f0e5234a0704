import MLCostCore

/// Charges of one month with identical dimensions, summed (the store's `charge_summary` rows).
public struct ChargeGroup: Sendable {
  public var currency: Currency
  public var billedCost: Amount
  public var effectiveCost: Amount
  public var rows: Int
  public var chargeCategory: ChargeCategory
  public var pricingCategory: PricingCategory?
  public var commitmentStatus: String?
  public var provider: String?
  public var account: String?
  public var subAccount: String?
  public var service: String?
  public var serviceCategory: String?
  public var resourceId: String?
  public var resourceName: String?
  public var resourceType: String?
  public var sku: String?
  public var region: String?
  public var instanceType: String?
  public var gpuModel: String?
  public var gpuCount: Int?
  public var consumedQuantity: Double?
  public var consumedUnit: String?
  /// Tags as the source wrote them (keys not yet normalised).
  public var tags: [String: String]
  /// Groups with the same non-nil `tagSet` carry the same `tags`; the engine then reads each tag set once.
  public var tagSet: Int?
  /// The day (UTC midnight) of its charges when the month was read per day (a report grouped or filtered by day).
  public var day: Int64?
  /// Which stored dimensions row it is, when the month was read per row (the FOCUS export maps allocations back to lines).
  public var origin: String?

  public init(currency: Currency, billedCost: Amount, effectiveCost: Amount, rows: Int = 1, chargeCategory: ChargeCategory = .usage,
              tags: [String: String] = [:]) {
    self.currency = currency; self.billedCost = billedCost; self.effectiveCost = effectiveCost; self.rows = rows
    self.chargeCategory = chargeCategory; self.tags = tags
  }

  public func cost(_ basis: Basis) -> Amount { basis == .amortised ? effectiveCost : billedCost }
}

/// API usage of one month with identical keys, summed.
public struct UsageGroup: Sendable {
  public var provider: String
  public var source: String
  public var model: String?
  public var requestType: RequestType
  public var batch: Bool
  /// The source's word for what the cost line is (`input`, `output`, a token type), for unit costs.
  public var sourceRequestType: String?
  public var currency: Currency?
  /// Stated by the source; nil when it states none.
  public var cost: Amount?
  public var requests: Int64 = 0
  public var inputTokens: Int64 = 0
  public var cachedInputTokens: Int64 = 0
  public var cacheWriteTokens: Int64 = 0
  public var outputTokens: Int64 = 0
  public var tags: [String: String] = [:]
  /// The day (UTC midnight) of its buckets when the month was read per day.
  public var day: Int64?
  public init(provider: String, source: String, model: String?, requestType: RequestType, batch: Bool = false) {
    self.provider = provider; self.source = source; self.model = model; self.requestType = requestType; self.batch = batch
  }
  public var tokens: Int64 { inputTokens.plusSaturating(cachedInputTokens).plusSaturating(cacheWriteTokens).plusSaturating(outputTokens) }
}

/// What the metrics say about one resource over the month. Absent fields are unknown, not zero.
public struct Activity: Sendable, Equatable {
  /// Mean GPU utilisation, 0…1.
  public var gpuUtilisation: Double?
  public var invocations: Double?
  /// Hours with at least one invocation, and hours with an invocation sample at all.
  public var hoursWithInvocations: Int?
  public var hoursObserved: Int?
  public init(gpuUtilisation: Double? = nil, invocations: Double? = nil, hoursWithInvocations: Int? = nil, hoursObserved: Int? = nil) {
    self.gpuUtilisation = gpuUtilisation; self.invocations = invocations
    self.hoursWithInvocations = hoursWithInvocations; self.hoursObserved = hoursObserved
  }

  /// The share of the allocation that did work: utilisation, else the share of hours that served requests.
  public var busyFraction: Double? {
    if let u = gpuUtilisation { return min(1, max(0, u)) }
    if let w = hoursWithInvocations, let o = hoursObserved, o > 0 { return Double(w) / Double(o) }
    return nil
  }
}

/// A token price resolved from the catalog (an amount of the currency per 1M tokens).
public struct TokenPrice: Sendable, Equatable {
  public var currency: Currency = .usd
  public var inputPer1M: Amount?
  public var cachedInputPer1M: Amount?
  public var cacheWritePer1M: Amount?
  public var outputPer1M: Amount?
  /// Parts per billion off for batch requests (500_000_000 = half price).
  public var batchDiscountPPB: Int64?
  public var source: String
  public init(inputPer1M: Amount?, cachedInputPer1M: Amount? = nil, cacheWritePer1M: Amount? = nil, outputPer1M: Amount?,
              batchDiscountPPB: Int64? = nil, source: String) {
    self.inputPer1M = inputPer1M; self.cachedInputPer1M = cachedInputPer1M; self.cacheWritePer1M = cacheWritePer1M
    self.outputPer1M = outputPer1M; self.batchDiscountPPB = batchDiscountPPB; self.source = source
  }
}

extension ChargeGroup {
  /// The charge's value of a rules-file match field (nil when it has none).
  public func value(of field: Match.Field) -> String? {
    switch field {
    case .provider: provider
    case .account: account
    case .subAccount: subAccount
    case .service: service
    case .serviceCategory: serviceCategory
    case .resourceId: resourceId
    case .resourceType: resourceType
    case .sku: sku
    case .region: region
    case .instanceType: instanceType
    case .gpuModel: gpuModel
    case .chargeCategory: chargeCategory.description
    case .pricingCategory: pricingCategory?.description
    }
  }
}

/// Everything one month's attribution needs: values only.
public struct AttributionInput: Sendable {
  public var month: BillingMonth
  public var charges: [ChargeGroup]
  public var usage: [UsageGroup]
  /// By resource id.
  public var activity: [String: Activity]
  /// By `provider|model` lower-cased (see `TokenPrice.key`).
  public var prices: [String: TokenPrice]
  /// The charge fields each allocation carries (`Allocation.slice`), for filtered and grouped reports.
  public var sliceFields: [SliceField]
  public init(month: BillingMonth, charges: [ChargeGroup], usage: [UsageGroup] = [], activity: [String: Activity] = [:],
              prices: [String: TokenPrice] = [:], sliceFields: [SliceField] = []) {
    self.month = month; self.charges = charges; self.usage = usage; self.activity = activity; self.prices = prices
    self.sliceFields = sliceFields
  }
}

extension TokenPrice {
  public static func key(provider: String, model: String) -> String { provider.lowercased() + "|" + model.lowercased() }
}
