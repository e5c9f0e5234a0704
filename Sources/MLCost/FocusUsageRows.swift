import Foundation
import MLCostAttribution
import MLCostCore
import MLCostStore

/// API usage (OpenAI, Anthropic, LiteLLM …) as FOCUS Cost and Usage rows: one row per usage group and token kind, with
/// `ConsumedQuantity`/`PricingQuantity` in tokens and `x_TokenDirection` (Input, Output) and `x_CacheAction` (None,
/// Read, Write) — the token columns FOCUS 1.5 plans, until then `x_`. Each group's cost (stated by its source or priced
/// from the catalog, as the monthly report counts it) is split across its kinds exactly: by the catalog price of each
/// kind when the catalog has the model, else by tokens (`x_TokenCostSplit` says which). Groups that are drivers only
/// (tokens of a self-hosted model, of a provider another source bills) go out at zero cost.
struct FocusUsageRows {
  let writer: FocusRowWriter
  let month: BillingMonth

  static let kinds: [(direction: String, cache: String, sku: String)] = [
    ("Input", "None", "input"), ("Input", "Read", "cached-input"), ("Input", "Write", "cache-write"), ("Output", "None", "output"),
  ]

  /// The rows of one usage group, and the cost each carries (summing exactly to the group's cost); `kindCosts` are its
  /// token kinds at the catalog price (`AttributionEngine.kindCosts`), nil when the catalog does not price the model.
  func rows(_ u: UsageGroup, _ c: UsageCost, kindCosts: [Amount]?) -> [(row: [String], cost: Amount)] {
    let tokens = [u.inputTokens, u.cachedInputTokens, u.cacheWriteTokens, u.outputTokens]
    let used = tokens.indices.filter { tokens[$0] > 0 }
    let cost = c.cost ?? .zero
    var split = "none"
    var parts: [Amount] = used.map { _ in .zero }
    if c.cost != nil && !used.isEmpty {
      if let k = kindCosts, used.contains(where: { !k[$0].isZero }) {
        parts = LargestRemainder.split(cost, weights: Workspace.weights(used.map { k[$0] }))
        split = "catalog price"
      } else {
        parts = used.count == 1 ? [cost] : LargestRemainder.split(cost, weights: used.map { tokens[$0] })
        split = used.count == 1 ? "single kind" : "tokens"
      }
    }
    let start = u.day ?? month.start
    let end = u.day.map { $0 + 86_400 } ?? month.next.start
    let model = u.model ?? "(no model)"
    let owned: [String: String] = ["x_MLCostOwner": c.owner.description, "x_MLCostRequestType": c.requestType,
                                   "x_MLCostComponent": Component.apiTokens.rawValue, "x_MLCostRule": c.rule,
                                   "x_TokenCostSplit": split, "x_UsageSource": u.source]
    var tags = u.tags
    if let m = u.model { tags["model"] = m }
    tags["request-type"] = c.requestType
    let tagText = FocusRowWriter.json(tags)
    func line(quantity: Double?, unit: String?, sku: String, cost: Amount) -> StoredChargeLine {
      var text: [ChargeText: String] = [
        .billingCurrency: c.currency.code, .serviceProviderName: u.provider, .hostProviderName: u.provider, .invoiceIssuerName: u.provider,
        .providerName: u.provider, .billingAccountId: "mlcost:api/" + u.provider.lowercased(), .billingAccountName: u.provider + " API",
        .serviceName: u.provider + " API", .serviceCategory: "AI and Machine Learning", .serviceSubcategory: "Generative AI",
        .skuId: model + ":" + sku, .chargeDescription: "\(model) \(sku == "requests" ? "requests" : sku + " tokens") (\(u.source))",
      ]
      if !tagText.isEmpty { text[.tags] = tagText }
      if let unit { text[.consumedUnit] = unit; text[.pricingUnit] = unit }
      return StoredChargeLine(dimsId: 0, billingPeriodStart: month.start, billingPeriodEnd: month.next.start, chargePeriodStart: start,
                              chargePeriodEnd: end, chargeCategory: .usage, chargeClass: nil, chargeFrequency: .usageBased,
                              pricingCategory: c.source == .apiCatalog ? .standard : nil, billedCost: cost, effectiveCost: cost, listCost: nil,
                              contractedCost: nil, consumedQuantity: quantity, pricingQuantity: quantity, commitmentDiscountQuantity: nil, text: text)
    }
    func row(_ l: StoredChargeLine, _ extra: [String: String]) -> [String] {
      writer.row(l, billed: l.billedCost, effective: l.effectiveCost, list: nil, contracted: nil, share: 1, allocation: nil,
                 groupBasis: l.effectiveCost, extra: extra.merging(owned) { a, _ in a })
    }
    if used.isEmpty {
      // Requests without tokens (file or web searches, images): one row in requests, when it counts or costs.
      guard u.requests > 0 || !cost.isZero else { return [] }
      let l = line(quantity: u.requests > 0 ? Double(u.requests) : nil, unit: u.requests > 0 ? "Requests" : nil, sku: "requests", cost: cost)
      return [(row(l, [:]), cost)]
    }
    return zip(used, parts).map { k, part in
      let kind = Self.kinds[k]
      let l = line(quantity: Double(tokens[k]), unit: "Tokens", sku: kind.sku, cost: part)
      return (row(l, ["x_TokenDirection": kind.direction, "x_CacheAction": kind.cache]), part)
    }
  }
}
