import MLCostCore

extension Attribution {
  /// Several months' attributions as one (a quarter, a year to date): allocations, drivers, pools, coverage and
  /// the rest summed; each month was attributed on its own (pools split per month), so the sum conserves money
  /// exactly as each month does. `month` is the last one.
  public static func merged(_ months: [Attribution]) -> Attribution? {
    guard var out = months.sorted(by: { $0.month < $1.month }).last else { return nil }
    guard months.count > 1 else { return out }
    struct Key: Hashable {
      var owner: Owner, requestType: String, component: Component, phase: Phase, currency: Currency, source: CostSource
      var team: String?, environment: String?, slice: [String], rule: String
    }
    var cells: [Key: Allocation] = [:]
    var order: [Key] = []
    out.charges = [:]; out.allocated = [:]; out.chargesBySource = [:]; out.drivers = [:]; out.virtualTagHits = [:]
    var unpriced: [String: UnpricedUsage] = [:], coverage: [String: TagCoverage] = [:], untagged: [String: UntaggedResource] = [:]
    var pools: [String: PoolSplit] = [:]
    var warnings: [String] = []
    for a in months.sorted(by: { $0.month < $1.month }) {
      for (c, v) in a.charges { out.charges[c, default: .zero] += v }
      for (c, v) in a.allocated { out.allocated[c, default: .zero] += v }
      for (c, bySource) in a.chargesBySource { for (s, v) in bySource { out.chargesBySource[c, default: [:]][s, default: .zero] += v } }
      for x in a.allocations {
        let k = Key(owner: x.owner, requestType: x.requestType, component: x.component, phase: x.phase, currency: x.currency, source: x.source,
                    team: x.team, environment: x.environment, slice: x.slice, rule: x.rule)
        if var y = cells[k] {
          y.cost += x.cost
          if let u = x.usageCost { y.usageCost = (y.usageCost ?? .zero) + u }
          y.observedCost += x.observedCost
          cells[k] = y
        } else {
          cells[k] = x
          order.append(k)
        }
      }
      for (model, byCurrency) in a.drivers {
        for (c, d) in byCurrency { out.drivers[model, default: [:]][c, default: ModelDrivers()].add(d) }
      }
      for u in a.unpriced {
        let k = "\(u.provider)|\(u.model)|\(u.requestType)"
        var v = unpriced[k] ?? UnpricedUsage(provider: u.provider, model: u.model, requestType: u.requestType, requests: 0, inputTokens: 0, outputTokens: 0)
        v.requests.addSaturating(u.requests); v.inputTokens.addSaturating(u.inputTokens); v.outputTokens.addSaturating(u.outputTokens)
        unpriced[k] = v
      }
      for t in a.coverage {
        let k = "\(t.provider)|\(t.service)|\(t.currency)"
        var v = coverage[k] ?? TagCoverage(provider: t.provider, service: t.service, currency: t.currency, total: .zero, tagged: .zero)
        v.total += t.total; v.tagged += t.tagged
        coverage[k] = v
      }
      for r in a.untagged {
        let k = "\(r.resource)|\(r.currency)"
        var v = untagged[k] ?? UntaggedResource(resource: r.resource, provider: r.provider, service: r.service, currency: r.currency, cost: .zero)
        v.cost += r.cost
        untagged[k] = v
      }
      for p in a.pools {
        let k = "\(p.name)|\(p.currency)"
        var v = pools[k] ?? PoolSplit(name: p.name, currency: p.currency, split: p.split, cost: .zero, shares: [:], unsplit: .zero)
        v.cost += p.cost; v.unsplit += p.unsplit
        for (m, s) in p.shares { v.shares[m, default: .zero] += s }
        pools[k] = v
      }
      for (t, n) in a.virtualTagHits { out.virtualTagHits[t, default: 0] += n }
      for w in a.warnings where !warnings.contains(w) { warnings.append(w) }
    }
    out.allocations = order.map { cells[$0]! }
    out.unpriced = unpriced.values.sorted { ($0.provider, $0.model, $0.requestType) < ($1.provider, $1.model, $1.requestType) }
    out.coverage = coverage.values.sorted { ($0.currency, $0.provider, $0.service) < ($1.currency, $1.provider, $1.service) }
    out.untagged = untagged.values.sorted { $0.cost != $1.cost ? $0.cost > $1.cost : $0.resource < $1.resource }
    out.pools = pools.values.sorted { ($0.name, $0.currency) < ($1.name, $1.currency) }
    out.warnings = warnings
    return out
  }
}

extension ModelDrivers {
  mutating func add(_ d: ModelDrivers) {
    requests.addSaturating(d.requests); inputTokens.addSaturating(d.inputTokens); cachedInputTokens.addSaturating(d.cachedInputTokens)
    cacheWriteTokens.addSaturating(d.cacheWriteTokens); outputTokens.addSaturating(d.outputTokens); gpuHours += d.gpuHours
    if let c = d.inputTokenCost { inputTokenCost = (inputTokenCost ?? .zero) + c }
    if let c = d.outputTokenCost { outputTokenCost = (outputTokenCost ?? .zero) + c }
    inputTokensPriced.addSaturating(d.inputTokensPriced); outputTokensPriced.addSaturating(d.outputTokensPriced)
  }
}
