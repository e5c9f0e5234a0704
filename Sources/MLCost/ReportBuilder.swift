import MLCostAttribution
import MLCostCore
import MLCostReports

/// Attribution → the report value. Every number the renderers show is computed here, exactly.
enum ReportBuilder {
  static func money(_ n: Amount) -> String { n.decimalString }

  /// `numerator / denominator × 100` with one decimal, half-even; nil when the denominator is 0 (or a
  /// ratio past 10^18 %, which no report can mean).
  static func percent(_ numerator: Amount, _ denominator: Amount) -> String? {
    guard !denominator.isZero, !numerator.isOverflow, !denominator.isOverflow else { return nil }
    let negative = (numerator.picos < 0) != (denominator.picos < 0) && !numerator.isZero
    let d = denominator.picos.magnitude
    let product = numerator.picos.magnitude.multipliedFullWidth(by: 1000)
    guard product.high < d else { return nil }
    let (q, r) = d.dividingFullWidth(product)
    let perMille = r.multipliedReportingOverflow(by: 2).overflow || r * 2 > d || (r * 2 == d && q & 1 == 1) ? q + 1 : q
    return (negative ? "-" : "") + "\(perMille / 10).\(perMille % 10)"
  }

  static func build(current: Attribution, previous: Attribution?, trend: [TrendPoint], title: String) -> MonthlyReport {
    let components = Component.allCases.map(\.rawValue)
    var totals: [CurrencyTotals] = []
    for (currency, charges) in current.charges.sorted(by: { $0.key < $1.key }) {
      let s = current.chargesBySource[currency] ?? [:]
      totals.append(CurrencyTotals(currency: currency, charges: money(charges), allocated: money(current.allocated[currency] ?? .zero),
                                   billing: money((s[.charge] ?? .zero) + (s[.pool] ?? .zero)), apiStated: money(s[.apiStated] ?? .zero),
                                   apiCatalog: money(s[.apiCatalog] ?? .zero)))
    }

    struct Key: Hashable { var owner: Owner; var currency: String }
    var per: [Key: [Allocation]] = [:]
    for a in current.allocations { per[Key(owner: a.owner, currency: a.currency), default: []].append(a) }
    var prevTotal: [Key: Amount] = [:]
    var prevByType: [String: Amount] = [:]
    for a in previous?.allocations ?? [] {
      prevTotal[Key(owner: a.owner, currency: a.currency), default: .zero] += a.cost
      prevByType["\(a.owner)|\(a.requestType)|\(a.currency)", default: .zero] += a.cost
    }

    var models: [ModelRow] = []
    for key in Set(per.keys).union(prevTotal.keys).sorted(by: { ($0.currency, $0.owner) < ($1.currency, $1.owner) }) {
      let lines = per[key] ?? []
      let allocation = lines.reduce(Amount.zero) { $0 + $1.cost }
      let kind: String
      switch key.owner {
      case .model: kind = "model"
      case .shared: kind = "shared"
      case .idle: kind = "idle"
      case .commitmentPurchase: kind = "purchase"
      case .unallocated: kind = "unallocated"
      }
      var row = ModelRow(owner: key.owner.description, kind: kind, currency: key.currency, allocation: money(allocation))
      for c in Component.allCases { row.byComponent[c.rawValue] = money(lines.filter { $0.component == c }.reduce(Amount.zero) { $0 + $1.cost }) }
      if previous != nil {
        let p = prevTotal[key] ?? .zero
        row.previous = money(p)
        row.change = money(allocation - p)
        row.changePercent = percent(allocation - p, p)
      }
      let training = lines.filter { $0.phase == .training }.reduce(Amount.zero) { $0 + $1.cost }
      if !training.isZero { row.trainingShare = percent(training, allocation) }
      let gpuLines = lines.filter { $0.component == .gpuCompute && $0.usageCost != nil }
      if !gpuLines.isEmpty {
        let usage = gpuLines.reduce(Amount.zero) { $0 + ($1.usageCost ?? .zero) }, observed = gpuLines.reduce(Amount.zero) { $0 + $1.observedCost }
        row.gpuUsage = money(usage); row.gpuObserved = money(observed); row.utilisation = percent(usage, observed)
      }
      if let model = key.owner.model, let d = current.drivers[model]?[key.currency] {
        row.requests = d.requests
        row.inputTokens = d.inputTokens.plusSaturating(d.cachedInputTokens).plusSaturating(d.cacheWriteTokens)
        row.outputTokens = d.outputTokens
        row.gpuHours = d.gpuHours == 0 ? "0" : String(format: "%.1f", d.gpuHours)
        let tokens = row.inputTokens.plusSaturating(row.outputTokens)
        if tokens > 0 { row.perMillionTokens = money(LargestRemainder.scale(allocation, 1_000_000, tokens)) }
        if d.requests > 0 { row.perThousandRequests = money(LargestRemainder.scale(allocation, 1000, d.requests)) }
        if let cost = d.inputTokenCost {
          let n = d.inputTokensPriced > 0 ? d.inputTokensPriced : row.inputTokens
          if n > 0 { row.perMillionInputTokens = money(LargestRemainder.scale(cost, 1_000_000, n)) }
        }
        if let cost = d.outputTokenCost {
          let n = d.outputTokensPriced > 0 ? d.outputTokensPriced : row.outputTokens
          if n > 0 { row.perMillionOutputTokens = money(LargestRemainder.scale(cost, 1_000_000, n)) }
        }
        let milliHours = Int64(clampingRounded: d.gpuHours * 1000)
        // The model's own GPU charges over its own GPU-hours: a pool's share brings dollars but no GPU-hours (it made
        // mistral-7b's $/GPU-h 18.57 where its GPUs list near 4).
        let gpuCost = lines.filter { $0.component == .gpuCompute && $0.source == .charge }.reduce(Amount.zero) { $0 + $1.cost }
        if milliHours > 0 { row.perGPUHour = money(LargestRemainder.scale(gpuCost, 1000, milliHours)) }
      }
      models.append(row)
    }

    var requestTypes: [RequestTypeRow] = []
    var byType: [String: (Owner, String, String, Amount)] = [:]
    for a in current.allocations {
      let k = "\(a.owner)|\(a.requestType)|\(a.currency)"
      byType[k, default: (a.owner, a.requestType, a.currency, .zero)].3 += a.cost
    }
    for (k, v) in byType.sorted(by: { ($0.value.2, $0.value.0, $0.value.1) < ($1.value.2, $1.value.0, $1.value.1) }) {
      let p = prevByType[k]
      requestTypes.append(RequestTypeRow(owner: v.0.description, requestType: v.1, currency: v.2, cost: money(v.3),
                                         previous: previous == nil ? nil : money(p ?? .zero), change: previous == nil ? nil : money(v.3 - (p ?? .zero))))
    }

    var teamCost: [String: (String, String, String, Amount)] = [:]
    for a in current.allocations {
      let team = a.team ?? "unspecified", env = a.environment ?? "unspecified"
      teamCost["\(team)|\(env)|\(a.currency)", default: (team, env, a.currency, .zero)].3 += a.cost
    }
    let teams = teamCost.values.sorted { ($0.2, $0.0, $0.1) < ($1.2, $1.0, $1.1) }.map {
      TeamRow(team: $0.0, environment: $0.1, currency: $0.2, cost: money($0.3))
    }
    let pools = current.pools.map {
      PoolRow(name: $0.name, currency: $0.currency, split: $0.split, cost: money($0.cost), shares: $0.shares.mapValues(money), unsplit: money($0.unsplit))
    }
    let unpriced = current.unpriced
    let coverage = current.coverage.filter { !$0.total.isZero }.map {
      CoverageRow(provider: $0.provider, service: $0.service, currency: $0.currency, total: money($0.total), tagged: money($0.tagged),
                  share: percent($0.tagged, $0.total))
    }
    let untagged = current.untagged.prefix(10).map {
      UntaggedRow(resource: $0.resource, provider: $0.provider, service: $0.service, currency: $0.currency, cost: money($0.cost))
    }
    var notes: [String] = []
    for t in totals { notes.append("\(t.currency): charges \(t.charges) = allocated \(t.allocated), to the nano.") }
    if !unpriced.isEmpty { notes.append("\(unpriced.count) API usage line(s) have no stated cost and no catalog price: listed as unpriced, not counted.") }
    for (name, rows) in current.virtualTagHits.sorted(by: { $0.key < $1.key }) { notes.append("Virtual tag '\(name)' labelled \(rows) charge row(s).") }
    for w in current.warnings { notes.append("Warning: \(w).") }
    if current.basis == .cash {
      notes.append("Cash basis: commitment purchases count when billed, covered usage at what was billed for it.")
    } else {
      notes.append("Amortised basis: commitments are spread over the usage they covered; unused commitment is held by (idle commitment).")
    }
    var report = MonthlyReport(title: title, month: current.month.description, previousMonth: previous?.month.description, basis: current.basis.rawValue,
                         rules: current.rulesSource, totals: totals, models: models, requestTypes: requestTypes, components: components,
                         pools: pools, unpriced: unpriced, coverage: coverage, untagged: Array(untagged), trend: trend, notes: notes)
    report.teams = teams
    return report
  }
}
