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

  /// The hosted-API options: the workload's own APIs (the reference), and with `includeOpenModelAPIs` every host
  /// of the self-hosted models. Under EU residency an API counts only where its price list says it processes data
  /// in the EU/EEA; the workload's own API stays listed for comparison, marked as not meeting the constraint.
  func apiOptions(_ w: Workload, at time: Int64, notes: inout [String]) -> (options: [PlanOption], own: Set<String>) {
    let eu = w.selfHost.residency == "eu"
    func inEU(_ p: APIPrice) -> Bool { p.processesInEU(isEURegion: catalog.isEURegion) }
    func whereItRuns(_ p: APIPrice) -> String { p.dataZone.isEmpty ? "does not state where it processes data" : "processes data in \(p.dataZone)" }
    var prices: [(APIPrice, Bool)] = []   // (price, the workload's own API)
    for choice in w.api {
      let zones = catalog.apiPrices.prices(provider: choice.provider, model: choice.model, at: time)
      let preferred = catalog.apiPrices.price(provider: choice.provider, model: choice.model, at: time)
      if let p = eu ? (zones.first(where: inEU) ?? preferred) : preferred { prices.append((p, true)) } else {
        notes.append("\(choice.provider) \(choice.model) is unpriced in api_prices.csv: no API option for it (unpriced is not $0).")
      }
    }
    var excluded: [String: Int] = [:]
    if w.selfHost.includeOpenModelAPIs {
      let wanted = Set(w.selfHost.models.compactMap { catalog.model(named: $0)?.name })
      var shapes: [String: String?] = [:]   // API model name → catalog model (1,800 prices, many names repeat across zones)
      for p in catalog.apiPrices.prices where (p.effectiveFrom.map { time >= $0 } ?? true) && (p.effectiveTo.map { time < $0 } ?? true) {
        let name = shapes[p.model] ?? catalog.model(named: p.model)?.name
        shapes[p.model] = .some(name)
        guard let name, wanted.contains(name),
              !prices.contains(where: { $0.0.provider == p.provider && $0.0.model == p.model && $0.0.dataZone == p.dataZone }) else { continue }
        if eu && !inEU(p) { excluded["\(p.provider) (\(whereItRuns(p)))", default: 0] += 1; continue }
        prices.append((p, false))
      }
    }
    if !excluded.isEmpty {
      notes.append("EU residency: \(excluded.values.reduce(0, +)) hosted API offer(s) of these models left out, as their price list does not place them in the EU/EEA: "
        + excluded.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: "; ") + ".")
    }
    let tokens = w.monthlyRequests * (w.inputTokens + w.outputTokens)
    var out: [PlanOption] = []
    var own: Set<String> = []
    let outliers = Dictionary(catalog.priceOutliers().map { o in
      let p = catalog.apiPrices.prices[o.index]
      return ("\(p.provider)|\(p.model)".lowercased(), o.message)
    }, uniquingKeysWith: { a, _ in a })
    for (p, isOwn) in prices {
      for batch in w.batchable && p.batchDiscount != nil ? [false, true] : [false] {
        guard let each = Self.perRequest(p, w, batch: batch) else { continue }
        let cost = each * w.monthlyRequests
        var notes = ["\(p.source), as of \(p.asOf)"]
        if isOwn { notes.append("the API the workload uses today") }
        if !isOwn { notes.append("the open model served by \(p.provider)") }
        if !p.dataZone.isEmpty { notes.append("processes data in \(p.dataZone) (from the price list's region-scoped entry)") }
        if let o = outliers["\(p.provider)|\(p.model)".lowercased()] { notes.append("price to check: " + o) }
        if batch { notes.append("batch API: \(Int((p.batchDiscount! * 100).rounded()))% off, results within 24 h") }
        let compliant = !eu || inEU(p)
        if !compliant { notes.append("not EU/EEA: it \(whereItRuns(p)); listed for comparison only") }
        let zone = p.dataZone.isEmpty ? "" : "@\(p.dataZone)"
        let id = "api/\(p.provider)/\(p.model)\(zone)/\(batch ? "api-batch" : "api")"
        if isOwn { own.insert(id) }
        out.append(PlanOption(id: id, kind: .api, provider: p.provider, region: p.dataZone.isEmpty ? nil : p.dataZone,
                              model: p.model, pricing: batch ? .apiBatch : .api, monthlyCost: cost, costPer1MTokens: cost / max(1, tokens) * 1e6,
                              meetsTargets: compliant, notes: notes))
      }
    }
    return (out, own)
  }

  /// The API the workload pays today (provider and model; its cheapest pricing); without one priced, the
  /// cheapest API option that meets the constraints.
  func referenceAPI(_ options: [PlanOption], own: Set<String>) -> PlanOption? {
    let mine = options.filter { own.contains($0.id) }
    return (mine.isEmpty ? options.filter { $0.kind == .api && $0.meetsTargets } : mine).min { $0.monthlyCost < $1.monthlyCost }
  }

  /// Whether two API model names are the same model: equal ignoring case, or the same model in models.csv.
  func sameModel(_ a: String, _ b: String) -> Bool {
    if a.lowercased() == b.lowercased() { return true }
    guard let x = catalog.model(named: a), let y = catalog.model(named: b) else { return false }
    return x.name == y.name
  }

  /// The cheapest other host of the reference's model that meets the constraints.
  func cheapestHost(_ options: [PlanOption], of reference: PlanOption) -> PlanOption? {
    options.filter { $0.kind == .api && $0.meetsTargets && $0.id != reference.id && sameModel($0.model, reference.model)
      && $0.monthlyCost < reference.monthlyCost }.min { $0.monthlyCost < $1.monthlyCost }
  }
}
