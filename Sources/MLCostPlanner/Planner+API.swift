import Foundation
import MLCostCatalogs
import MLCostCore

extension Planner {
  /// Dollars per request at a hosted API: uncached input, cached input (at the cached price where
  /// there is one) and output; the batch discount applies to both sides.
  static func perRequest(_ p: APIPrice, _ w: Workload, batch: Bool) -> Double? {
    guard let input = p.inputPer1M, let output = p.outputPer1M else { return nil }
    let cached = p.cachedInputPer1M ?? input
    let uncachedInput: Double = (w.inputTokens - w.cachedInputTokens) * input.approximateDouble
    let cachedInput: Double = w.cachedInputTokens * cached.approximateDouble
    var dollars: Double = (uncachedInput + cachedInput + w.outputTokens * output.approximateDouble) / 1e6
    if batch, let d = p.batchDiscount { dollars *= 1 - d }
    return dollars
  }

  func apiOptions(_ w: Workload, at time: Int64, notes: inout [String]) -> [PlanOption] {
    var prices: [(APIPrice, Bool)] = []   // (price, the workload's own API)
    for choice in w.api {
      if let p = catalog.apiPrices.price(provider: choice.provider, model: choice.model, at: time) { prices.append((p, true)) } else {
        notes.append("\(choice.provider) \(choice.model) is unpriced in api_prices.csv: no API option for it (unpriced is not $0).")
      }
    }
    if w.selfHost.includeOpenModelAPIs {
      let wanted = Set(w.selfHost.models.compactMap { catalog.model(named: $0)?.name })
      for p in catalog.apiPrices.prices where (p.effectiveFrom.map { time >= $0 } ?? true) && (p.effectiveTo.map { time < $0 } ?? true) {
        guard let m = catalog.model(named: p.model), wanted.contains(m.name),
              !prices.contains(where: { $0.0.provider == p.provider && $0.0.model == p.model }) else { continue }
        prices.append((p, false))
      }
    }
    let tokens = w.monthlyRequests * (w.inputTokens + w.outputTokens)
    var out: [PlanOption] = []
    for (p, own) in prices {
      for batch in w.batchable && p.batchDiscount != nil ? [false, true] : [false] {
        guard let each = Self.perRequest(p, w, batch: batch) else { continue }
        let cost = each * w.monthlyRequests
        var notes = ["\(p.source), as of \(p.asOf)"]
        if !own { notes.append("the open model served by \(p.provider)") }
        if batch { notes.append("batch API: \(Int((p.batchDiscount! * 100).rounded()))% off, results within 24 h") }
        out.append(PlanOption(id: "api/\(p.provider)/\(p.model)/\(batch ? "api-batch" : "api")", kind: "api", provider: p.provider,
                              model: p.model, pricing: batch ? "api-batch" : "api", monthlyCost: cost, costPer1MTokens: cost / max(1, tokens) * 1e6,
                              meetsTargets: true, notes: notes))
      }
    }
    return out
  }

  /// The API the workload uses today (its cheapest pricing); else the cheapest API option.
  func referenceAPI(_ options: [PlanOption], _ w: Workload) -> PlanOption? {
    let own = options.filter { o in o.kind == "api" && w.api.contains { $0.provider.lowercased() == o.provider.lowercased() } }
    return (own.isEmpty ? options.filter { $0.kind == "api" } : own).min { $0.monthlyCost < $1.monthlyCost }
  }
}
