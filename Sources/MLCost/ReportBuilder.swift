import MLCostAttribution
import MLCostCore
import MLCostReports

/// Attribution → the report value. Every number the renderers show is computed here, exactly, and kept
/// typed (`Amount`, `Percent`, enums): the renderers only format.
enum ReportBuilder {
  struct Key: Hashable { var owner: Owner; var currency: Currency }

  /// What the previous month held, per owner and per owner × request type.
  struct Previous {
    var total: [Key: Amount] = [:]
    var byType: [String: Amount] = [:]
    init(_ previous: Attribution?) {
      for a in previous?.allocations ?? [] {
        total[Key(owner: a.owner, currency: a.currency), default: .zero] += a.cost
        byType["\(a.owner)|\(a.requestType)|\(a.currency)", default: .zero] += a.cost
      }
    }
  }

  static func build(current: Attribution, previous: Attribution?, trend: [TrendPoint], title: String) -> MonthlyReport {
    let totals = currencyTotals(current)
    let before = Previous(previous)
    var per: [Key: [Allocation]] = [:]
    for a in current.allocations { per[Key(owner: a.owner, currency: a.currency), default: []].append(a) }
    let models = Set(per.keys).union(before.total.keys).sorted(by: { ($0.currency, $0.owner) < ($1.currency, $1.owner) }).map {
      modelRow($0, lines: per[$0] ?? [], current: current, previous: previous == nil ? nil : before.total[$0] ?? .zero)
    }
    let requestTypes = requestTypeRows(current, previous: previous == nil ? nil : before)
    let pools = current.pools.map {
      PoolRow(name: $0.name, currency: $0.currency, split: $0.split, cost: $0.cost, shares: $0.shares, unsplit: $0.unsplit)
    }
    let unpriced = current.unpriced
    let coverage = current.coverage.filter { !$0.total.isZero }.map {
      CoverageRow(provider: $0.provider, service: $0.service, currency: $0.currency, total: $0.total, tagged: $0.tagged,
                  share: Percent($0.tagged, of: $0.total))
    }
    let untagged = current.untagged.prefix(10).map {
      UntaggedRow(resource: $0.resource, provider: $0.provider, service: $0.service, currency: $0.currency, cost: $0.cost)
    }
    var report = MonthlyReport(title: title, month: current.month.description, previousMonth: previous?.month.description, basis: current.basis,
                         rules: current.rulesSource, totals: totals, models: models, requestTypes: requestTypes, components: Component.allCases.map(\.rawValue),
                         pools: pools, unpriced: unpriced, coverage: coverage, untagged: Array(untagged), trend: trend,
                         notes: notes(current, totals: totals, unpriced: unpriced))
    report.teams = teamRows(current)
    return report
  }

  static func currencyTotals(_ current: Attribution) -> [CurrencyTotals] {
    var totals: [CurrencyTotals] = []
    for (currency, charges) in current.charges.sorted(by: { $0.key < $1.key }) {
      let s = current.chargesBySource[currency] ?? [:]
      totals.append(CurrencyTotals(currency: currency, charges: charges, allocated: current.allocated[currency] ?? .zero,
                                   billing: (s[.charge] ?? .zero) + (s[.pool] ?? .zero), apiStated: s[.apiStated] ?? .zero,
                                   apiCatalog: s[.apiCatalog] ?? .zero))
    }

    return totals
  }

  /// One owner's row: its allocation by component, change, utilisation, drivers and unit costs.
  static func modelRow(_ key: Key, lines: [Allocation], current: Attribution, previous p: Amount?) -> ModelRow {
    let allocation = lines.reduce(Amount.zero) { $0 + $1.cost }
    let kind: OwnerKind
    switch key.owner {
    case .model: kind = .model
    case .shared: kind = .shared
    case .idle: kind = .idle
    case .commitmentPurchase: kind = .purchase
    case .unallocated: kind = .unallocated
    }
    var row = ModelRow(owner: key.owner.description, kind: kind, currency: key.currency, allocation: allocation)
    for c in Component.allCases { row.byComponent[c.rawValue] = lines.filter { $0.component == c }.reduce(Amount.zero) { $0 + $1.cost } }
    if let p {
      row.previous = p
      row.change = allocation - p
      row.changePercent = Percent(allocation - p, of: p)
    }
    let training = lines.filter { $0.phase == .training }.reduce(Amount.zero) { $0 + $1.cost }
    if !training.isZero { row.trainingShare = Percent(training, of: allocation) }
    let gpuLines = lines.filter { $0.component == .gpuCompute && $0.usageCost != nil }
    if !gpuLines.isEmpty {
      let usage = gpuLines.reduce(Amount.zero) { $0 + ($1.usageCost ?? .zero) }, observed = gpuLines.reduce(Amount.zero) { $0 + $1.observedCost }
      row.gpuUsage = usage; row.gpuObserved = observed; row.utilisation = Percent(usage, of: observed)
    }
    if let model = key.owner.model, let d = current.drivers[model]?[key.currency] {
      row.requests = d.requests
      row.inputTokens = d.inputTokens.plusSaturating(d.cachedInputTokens).plusSaturating(d.cacheWriteTokens)
      row.outputTokens = d.outputTokens
      row.gpuHours = d.gpuHours == 0 ? "0" : String(format: "%.1f", d.gpuHours)
      let tokens = row.inputTokens.plusSaturating(row.outputTokens)
      // Unit costs are what serving costs: a share of a training cluster is not a price per token (it made
      // llama-3.1-8b's 1M tokens cost as much as its fine-tuning); the training share has its own column.
      let serving = allocation - training
      if tokens > 0 { row.perMillionTokens = LargestRemainder.scale(serving, 1_000_000, tokens) }
      if d.requests > 0 { row.perThousandRequests = LargestRemainder.scale(serving, 1000, d.requests) }
      if let cost = d.inputTokenCost {
        let n = d.inputTokensPriced > 0 ? d.inputTokensPriced : row.inputTokens
        if n > 0 { row.perMillionInputTokens = LargestRemainder.scale(cost, 1_000_000, n) }
      }
      if let cost = d.outputTokenCost {
        let n = d.outputTokensPriced > 0 ? d.outputTokensPriced : row.outputTokens
        if n > 0 { row.perMillionOutputTokens = LargestRemainder.scale(cost, 1_000_000, n) }
      }
      let milliHours = Int64(clampingRounded: d.gpuHours * 1000)
      // The model's own GPU charges over its own GPU-hours: a pool's share brings dollars but no GPU-hours (it made
      // mistral-7b's $/GPU-h 18.57 where its GPUs list near 4).
      let gpuCost = lines.filter { $0.component == .gpuCompute && $0.source == .charge }.reduce(Amount.zero) { $0 + $1.cost }
      if milliHours > 0 { row.perGPUHour = LargestRemainder.scale(gpuCost, 1000, milliHours) }
    }
    return row
  }

  static func requestTypeRows(_ current: Attribution, previous: Previous?) -> [RequestTypeRow] {
    var requestTypes: [RequestTypeRow] = []
    var byType: [String: (Owner, String, Currency, Amount)] = [:]
    for a in current.allocations {
      let k = "\(a.owner)|\(a.requestType)|\(a.currency)"
      byType[k, default: (a.owner, a.requestType, a.currency, .zero)].3 += a.cost
    }
    for (k, v) in byType.sorted(by: { ($0.value.2, $0.value.0, $0.value.1) < ($1.value.2, $1.value.0, $1.value.1) }) {
      let p = previous?.byType[k]
      let before: Amount? = previous == nil ? nil : p ?? .zero
      requestTypes.append(RequestTypeRow(owner: v.0.description, requestType: v.1, currency: v.2, cost: v.3,
                                         previous: before, change: before.map { v.3 - $0 }))
    }
    return requestTypes
  }

  static func teamRows(_ current: Attribution) -> [TeamRow] {
    var teamCost: [String: (String, String, Currency, Amount)] = [:]
    for a in current.allocations {
      let team = a.team ?? "unspecified", env = a.environment ?? "unspecified"
      teamCost["\(team)|\(env)|\(a.currency)", default: (team, env, a.currency, .zero)].3 += a.cost
    }
    return teamCost.values.sorted { ($0.2, $0.0, $0.1) < ($1.2, $1.0, $1.1) }.map {
      TeamRow(team: $0.0, environment: $0.1, currency: $0.2, cost: $0.3)
    }
  }

  static func notes(_ current: Attribution, totals: [CurrencyTotals], unpriced: [UnpricedUsage]) -> [String] {
    var notes: [String] = []
    for t in totals { notes.append("\(t.currency): charges \(t.charges) = allocated \(t.allocated), to the nano.") }
    for t in totals {
      let covered = current.coverage.filter { $0.currency == t.currency }.reduce(Amount.zero) { $0 + $1.total }
      let billed = current.chargesBySource[t.currency]?[.charge] ?? .zero
      if covered != billed {
        notes.append("Tag coverage counts usage and purchases: \(Display.money(covered)) of the \(Display.money(billed)) \(t.currency) billed; the other \(Display.money(billed - covered)) "
          + "(credits, taxes, adjustments) is not tagged spend.")
      }
    }
    if !unpriced.isEmpty { notes.append("\(unpriced.count) API usage line(s) have no stated cost and no catalog price: listed as unpriced, not counted.") }
    for (name, rows) in current.virtualTagHits.sorted(by: { $0.key < $1.key }) { notes.append("Virtual tag '\(name)' labelled \(rows) charge row(s).") }
    for w in current.warnings { notes.append("Warning: \(w).") }
    if current.basis == .cash {
      notes.append("Cash basis: commitment purchases count when billed, covered usage at what was billed for it.")
    } else {
      notes.append("Amortised basis: commitments are spread over the usage they covered; unused commitment is held by (idle commitment).")
    }
    return notes
  }
}

/// A sliced report's request: filters (`--where`, all must match) and grouping keys (`--group-by`).
public struct ReportSlice: Sendable {
  public var filters: [SliceFilter]
  /// One grouping per entry (each one or two keys).
  public var groupings: [[SliceKey]]
  public init(filters: [SliceFilter] = [], groupings: [[SliceKey]] = []) { self.filters = filters; self.groupings = groupings.filter { !$0.isEmpty } }
  public var isEmpty: Bool { filters.isEmpty && groupings.isEmpty }

  /// `report owner NAME`: one owner, grouped by the rule that put each dollar there, by resource and SKU, by request
  /// type and component, and by team and environment; `filters` narrow it further.
  public static func drillDown(_ owner: String, filters: [SliceFilter] = []) -> ReportSlice {
    ReportSlice(filters: [SliceFilter(key: .owner, patterns: [.exact(owner)])] + filters,
                groupings: [[.rule], [.charge(.field(.resourceId)), .charge(.field(.sku))], [.requestType, .component], [.team, .environment],
                            [.charge(.day)]])
  }
}

extension ReportBuilder {
  /// The grouping section: cost per combination of the keys' values, its share of the currency's total and the
  /// previous month's cost of the same group.
  static func slice(_ s: ReportSlice, current: Attribution, previous: Attribution?, fields: [SliceField]) -> SliceSection {
    let groupings = s.groupings.map { keys -> SliceGrouping in
      // Days are in date order and have no counterpart in the period before.
      let byDay = keys.contains(.charge(.day))
      let before = byDay ? nil : previous.map { p in
        Dictionary(Slicer.group(p, by: keys, fields: fields).map { ($0.values + [$0.currency.code], $0.cost) }, uniquingKeysWith: +)
      }
      let rows = Slicer.group(current, by: keys, fields: fields).map { g -> SliceRow in
        let p = before.map { $0[g.values + [g.currency.code]] ?? .zero }
        return SliceRow(values: g.values, currency: g.currency, cost: g.cost, share: Percent(g.cost, of: current.charges[g.currency] ?? .zero),
                        previous: p, changePercent: p.flatMap { Percent(g.cost - $0, of: $0) })
      }
      return SliceGrouping(by: keys.map(\.description), rows: byDay ? rows.sorted { ($0.values.joined(separator: "\u{1F}"), $0.currency) < ($1.values.joined(separator: "\u{1F}"), $1.currency) } : rows)
    }
    return SliceSection(filters: s.filters.map(\.description), groupings: groupings)
  }
}
