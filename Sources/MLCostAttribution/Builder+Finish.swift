import Foundation
import MLCostCore

/// Pricing usage, the rules the data contradicts, and the run's result.
extension Builder {
  /// Tokens × price per 1M, summed in 128 bits and rounded once (half-even); batch discount applied exactly.
  func priced(_ u: UsageGroup, _ p: TokenPrice) -> (total: Amount, input: Amount, output: Amount)? {
    guard let k = AttributionEngine.kindCosts(u, p) else { return nil }
    var input = k[0] + k[1] + k[2], output = k[3]
    if u.batch, let d = p.batchDiscountPPB {
      input = LargestRemainder.scale(input, 1_000_000_000 - d, 1_000_000_000)
      output = LargestRemainder.scale(output, 1_000_000_000 - d, 1_000_000_000)
    }
    return (input + output, input, output)
  }

  mutating func splitPools() {
    for (index, buckets) in pooled.sorted(by: { $0.key < $1.key }) {
      let pool = rules.pools[index]
      var keys: [DriverKey] = []
      var weights: [Int64] = []
      let allowed = pool.among.map(Set.init)
      func take(_ driver: [DriverKey: Int64]) {
        for (k, w) in driver.sorted(by: { ($0.key.model, $0.key.requestType) < ($1.key.model, $1.key.requestType) })
        where w > 0 && (allowed?.contains(k.model) ?? true) {
          keys.append(k); weights.append(w)
        }
      }
      switch pool.split {
      case .tokens: take(tokenDriver)
      case .requests: take(requestDriver)
      case .gpuHours: take(gpuHourDriver)
      case .even:
        for m in (pool.among ?? modelsSeen.sorted()) { keys.append(DriverKey(model: m, requestType: "unspecified")); weights.append(1) }
      case .percent(let shares):
        for (m, s) in shares.sorted(by: { $0.key < $1.key }) where s > 0 {
          keys.append(DriverKey(model: m, requestType: "unspecified")); weights.append(Int64(clampingRounded: s * 1_000_000))
        }
      }
      var splits: [Currency: PoolSplit] = [:]
      for (bucket, cost) in buckets.sorted(by: { $0.key < $1.key }) {
        var split = splits[bucket.currency] ?? PoolSplit(name: pool.name, currency: bucket.currency, split: pool.split.name, cost: .zero, shares: [:], unsplit: .zero)
        split.cost += cost
        if weights.isEmpty {
          split.unsplit += cost
          add(CellKey(owner: .shared, requestType: "unspecified", component: bucket.component, phase: bucket.phase, currency: bucket.currency,
                      source: .pool, slice: bucket.slice, rule: "pool '\(pool.name)', nothing to split by"), cost)
        } else {
          for (k, part) in zip(keys, LargestRemainder.split(cost, weights: weights)) {
            split.shares[k.model, default: .zero] += part
            add(CellKey(owner: .model(k.model), requestType: k.requestType, component: bucket.component, phase: bucket.phase,
                        currency: bucket.currency, source: .pool, slice: bucket.slice, rule: "pool '\(pool.name)' split by \(pool.split.name)"), part)
          }
        }
        splits[bucket.currency] = split
      }
      pools += splits.values.sorted { $0.currency < $1.currency }
    }
  }

  /// Rules that this month's data contradicts, as notes with file:line (the report prints them).
  func warnings() -> [String] {
    var out: [String] = []
    for (i, pool) in rules.pools.enumerated() where pooled[i] == nil {
      out.append("\(rules.source):\(pool.line): pool '\(pool.name)' matched no charge in \(input.month): check its match")
    }
    let owners = Set(cells.keys.filter { $0.source != .pool }.compactMap(\.owner.model)).union(modelsSeen)
    for pool in rules.pools {
      var named = pool.among ?? []
      if case .percent(let shares) = pool.split { named += shares.keys }
      for m in Set(named).sorted() where !owners.contains(m) && pooled[rules.pools.firstIndex { $0.line == pool.line } ?? -1] != nil {
        out.append("\(rules.source):\(pool.line): pool '\(pool.name)' names model '\(m)', which has no cost or usage of its own in \(input.month) (a typo?)")
      }
    }
    var byFold: [String: [String]] = [:]
    for m in owners { byFold[m.lowercased(), default: []].append(m) }
    for (_, spellings) in byFold.sorted(by: { $0.key < $1.key }) where spellings.count > 1 {
      out.append("models \(spellings.sorted().map { "'\($0)'" }.joined(separator: " and ")) differ only in case and are reported as separate owners: "
        + "tag them one way, or map them with a virtual tag in \(rules.source)")
    }
    return out
  }

  func finish() throws(ConservationError) -> Attribution {
    var allocations: [Allocation] = []
    var allocated: [Currency: Amount] = [:]
    for (k, c) in cells {
      allocations.append(Allocation(owner: k.owner, requestType: k.requestType, component: k.component, phase: k.phase, currency: k.currency,
                                    source: k.source, cost: c.cost, usageCost: c.hasUsage ? c.usage : nil, observedCost: c.observed,
                                    team: k.team, environment: k.environment, slice: k.slice, rule: k.rule))
      allocated[k.currency, default: .zero] += c.cost
    }
    for currency in Set(charges.keys).union(allocated.keys) where allocated[currency, default: .zero] != charges[currency, default: .zero] || charges[currency, default: .zero].isOverflow {
      throw ConservationError(currency: currency, charges: charges[currency, default: .zero], allocated: allocated[currency, default: .zero])
    }
    allocations.sort { a, b in
      if a.currency != b.currency { return a.currency < b.currency }
      if a.owner != b.owner { return a.owner < b.owner }
      if (a.requestType, a.component.rawValue, a.phase.rawValue, a.source.rawValue, a.team ?? "", a.environment ?? "")
        != (b.requestType, b.component.rawValue, b.phase.rawValue, b.source.rawValue, b.team ?? "", b.environment ?? "") {
        return (a.requestType, a.component.rawValue, a.phase.rawValue, a.source.rawValue, a.team ?? "", a.environment ?? "")
          < (b.requestType, b.component.rawValue, b.phase.rawValue, b.source.rawValue, b.team ?? "", b.environment ?? "")
      }
      if a.slice != b.slice { return a.slice.lexicographicallyPrecedes(b.slice) }
      return a.rule < b.rule
    }
    return Attribution(month: input.month, basis: rules.basis, rulesSource: rules.source, charges: charges, allocated: allocated,
                       chargesBySource: bySource, allocations: allocations, drivers: drivers,
                       unpriced: unpriced.values.sorted { ($0.provider, $0.model, $0.requestType) < ($1.provider, $1.model, $1.requestType) },
                       coverage: coverage.values.sorted { ($0.currency, $0.provider, $0.service) < ($1.currency, $1.provider, $1.service) },
                       untagged: Array(untagged.values.sorted { $0.cost != $1.cost ? $0.cost > $1.cost : $0.resource < $1.resource }),
                       pools: pools, virtualTagHits: virtualHits, usageCosts: usageCosts, warnings: warnings())
  }
}
