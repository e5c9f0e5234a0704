import MLCostCore

/// The monthly per-model cost report: one value, built once by the use case, formatted by every
/// renderer (none computes). Values are typed (`Amount`, `Percent`, enums); only renderers format them. The JSON
/// carries money as exact decimal text; its form is the documented schema
/// (docs/report-schema.md) and can be read back and re-rendered.
public struct MonthlyReport: Codable, Sendable, Equatable {
  public var schema = "mlcost.monthly-report/1"
  public var title: String
  public var month: String
  public var previousMonth: String?
  /// The billing months a period report sums (`--quarter`, `--ytd`, `--from/--to`); absent for one month, when `month`
  /// is `YYYY-MM` (for a period it is `YYYY-MM..YYYY-MM`, and `previousMonth` the period just before).
  public var months: [String]?
  /// A sliced report: its filters (`--where`) and its grouping (`--group-by`); absent for the whole month.
  public var slice: SliceSection?
  /// `amortised` (EffectiveCost) or `cash` (BilledCost).
  public var basis: Basis
  public var rules: String
  public var totals: [CurrencyTotals]
  public var models: [ModelRow]
  public var requestTypes: [RequestTypeRow]
  /// Cost per team and environment (from the team / environment dimensions; `unspecified` when untagged).
  public var teams: [TeamRow] = []
  /// Idle and waste over the month's last days (`mlcost idle` ending at the month's end).
  public var idle: [IdleRow] = []
  /// Cost anomalies that started in the month (`mlcost anomalies` over the month).
  public var anomalies: [AnomalyRow] = []
  /// The rules' budgets at the month's end (or the last charge day before it); absent without budgets.
  public var budgets: [BudgetRow]?
  public var components: [String]
  public var pools: [PoolRow]
  public var unpriced: [UnpricedUsage]
  public var coverage: [CoverageRow]
  public var untagged: [UntaggedRow]
  public var trend: [TrendPoint]
  public var notes: [String]

  public init(title: String, month: String, previousMonth: String?, basis: Basis, rules: String, totals: [CurrencyTotals],
              models: [ModelRow], requestTypes: [RequestTypeRow], components: [String], pools: [PoolRow], unpriced: [UnpricedUsage],
              coverage: [CoverageRow], untagged: [UntaggedRow], trend: [TrendPoint], notes: [String]) {
    self.title = title; self.month = month; self.previousMonth = previousMonth; self.basis = basis; self.rules = rules
    self.totals = totals; self.models = models; self.requestTypes = requestTypes; self.components = components; self.pools = pools
    self.unpriced = unpriced; self.coverage = coverage; self.untagged = untagged; self.trend = trend; self.notes = notes
  }
}

/// What a sliced report was limited to and grouped by. Every section below it shows only the matching allocations.
public struct SliceSection: Codable, Sendable, Equatable {
  public var filters: [String]
  /// One table per grouping (`--group-by` gives one; an owner drill-down several).
  public var groupings: [SliceGrouping]
  public init(filters: [String], groupings: [SliceGrouping]) { self.filters = filters; self.groupings = groupings }
}

/// The cost per combination of the `by` keys' values.
public struct SliceGrouping: Codable, Sendable, Equatable {
  public var by: [String]
  public var rows: [SliceRow]
  public init(by: [String], rows: [SliceRow]) { self.by = by; self.rows = rows }
}

/// One group: the keys' values (in `groupBy` order), its cost, its share of the slice's total in that currency,
/// and the previous month's cost of the same group.
public struct SliceRow: Codable, Sendable, Equatable {
  public var values: [String]
  public var currency: Currency
  public var cost: Amount
  public var share: Percent?
  public var previous: Amount?
  public var changePercent: Percent?
  public init(values: [String], currency: Currency, cost: Amount, share: Percent?, previous: Amount?, changePercent: Percent?) {
    self.values = values; self.currency = currency; self.cost = cost; self.share = share; self.previous = previous
    self.changePercent = changePercent
  }
}

/// Per currency: the month's charges on the basis, and the sum over all owners (equal by construction).
public struct CurrencyTotals: Codable, Sendable, Equatable {
  public var currency: Currency
  public var charges: Amount
  public var allocated: Amount
  /// What `charges` is made of: billing charges, API costs the sources stated, API usage priced from the catalog.
  public var billing: Amount
  public var apiStated: Amount
  public var apiCatalog: Amount
  public init(currency: Currency, charges: Amount, allocated: Amount, billing: Amount, apiStated: Amount, apiCatalog: Amount) {
    self.currency = currency; self.charges = charges; self.allocated = allocated; self.billing = billing
    self.apiStated = apiStated; self.apiCatalog = apiCatalog
  }
}

/// What kind of owner a row of the report is.
public enum OwnerKind: String, Codable, Sendable {
  case model, shared, idle
  /// A commitment fee on cash basis.
  case purchase
  case unallocated
}

/// One owner (a model, or `shared`, `idle`, `unallocated`) in one currency.
public struct ModelRow: Codable, Sendable, Equatable {
  public var owner: String
  public var kind: OwnerKind
  public var currency: Currency
  /// Everything the owner holds: its GPUs busy or not, its API spend, its share of pools.
  public var allocation: Amount
  public var previous: Amount?
  public var change: Amount?
  /// nil when the previous month had nothing.
  public var changePercent: Percent?
  /// Component → amount (every component present, 0.00 when none).
  public var byComponent: [String: Amount]
  public var trainingShare: Percent?
  /// GPU compute that did work, from activity metrics; nil when no metrics cover it.
  public var gpuUsage: Amount?
  public var gpuObserved: Amount?
  /// usage ÷ observed allocation.
  public var utilisation: Percent?
  public var requests: Int64
  public var inputTokens: Int64
  public var outputTokens: Int64
  public var gpuHours: String
  public var perMillionInputTokens: Amount?
  public var perMillionOutputTokens: Amount?
  public var perMillionTokens: Amount?
  public var perThousandRequests: Amount?
  public var perGPUHour: Amount?
  public init(owner: String, kind: OwnerKind, currency: Currency, allocation: Amount) {
    self.owner = owner; self.kind = kind; self.currency = currency; self.allocation = allocation
    byComponent = [:]; requests = 0; inputTokens = 0; outputTokens = 0; gpuHours = "0"
  }
}

public struct RequestTypeRow: Codable, Sendable, Equatable {
  public var owner: String
  public var requestType: String
  public var currency: Currency
  public var cost: Amount
  public var previous: Amount?
  public var change: Amount?
  public init(owner: String, requestType: String, currency: Currency, cost: Amount, previous: Amount?, change: Amount?) {
    self.owner = owner; self.requestType = requestType; self.currency = currency; self.cost = cost; self.previous = previous; self.change = change
  }
}

public struct PoolRow: Codable, Sendable, Equatable {
  public var name: String
  public var currency: Currency
  public var split: String
  public var cost: Amount
  public var shares: [String: Amount]
  public var unsplit: Amount
  public init(name: String, currency: Currency, split: String, cost: Amount, shares: [String: Amount], unsplit: Amount) {
    self.name = name; self.currency = currency; self.split = split; self.cost = cost; self.shares = shares; self.unsplit = unsplit
  }
}

public struct CoverageRow: Codable, Sendable, Equatable {
  public var provider: String
  public var service: String
  public var currency: Currency
  public var total: Amount
  public var tagged: Amount
  /// nil when the total is 0.
  public var share: Percent?
  public init(provider: String, service: String, currency: Currency, total: Amount, tagged: Amount, share: Percent?) {
    self.provider = provider; self.service = service; self.currency = currency; self.total = total; self.tagged = tagged; self.share = share
  }
}

public struct UntaggedRow: Codable, Sendable, Equatable {
  public var resource: String
  public var provider: String
  public var service: String
  public var currency: Currency
  public var cost: Amount
  public init(resource: String, provider: String, service: String, currency: Currency, cost: Amount) {
    self.resource = resource; self.provider = provider; self.service = service; self.currency = currency; self.cost = cost
  }
}

/// One owner's allocation in one month (every month in the database, for the trend chart).
public struct TrendPoint: Codable, Sendable, Equatable {
  public var month: String
  public var owner: String
  public var currency: Currency
  public var cost: Amount
  public init(month: String, owner: String, currency: Currency, cost: Amount) {
    self.month = month; self.owner = owner; self.currency = currency; self.cost = cost
  }
}

public struct TeamRow: Codable, Sendable, Equatable {
  public var team: String
  public var environment: String
  public var currency: Currency
  public var cost: Amount
  public init(team: String, environment: String, currency: Currency, cost: Amount) {
    self.team = team; self.environment = environment; self.currency = currency; self.cost = cost
  }
}

public struct IdleRow: Codable, Sendable, Equatable {
  public var kind: FindingKind
  public var resourceId: String
  public var model: String?
  public var currency: Currency
  public var monthlyWaste: Amount?
  public var action: String
  public init(kind: FindingKind, resourceId: String, model: String?, currency: Currency, monthlyWaste: Amount?, action: String) {
    self.kind = kind; self.resourceId = resourceId; self.model = model; self.currency = currency; self.monthlyWaste = monthlyWaste; self.action = action
  }
}

public struct AnomalyRow: Codable, Sendable, Equatable {
  public var dimension: String
  public var value: String
  public var currency: Currency
  public var start: String
  public var days: Int
  public var expected: Amount
  public var actual: Amount
  public var impact: Amount
  /// The impact's parts (nil for a series without line detail; reports saved before them read back as nil).
  public var volume: Amount?
  public var unitPrice: Amount?
  public var mix: Amount?
  public init(dimension: String, value: String, currency: Currency, start: String, days: Int, expected: Amount, actual: Amount, impact: Amount,
              explanation: AnomalyExplanation? = nil) {
    self.dimension = dimension; self.value = value; self.currency = currency; self.start = start; self.days = days
    self.expected = expected; self.actual = actual; self.impact = impact
    volume = explanation?.volume; unitPrice = explanation.map { $0.unitPrice + $0.fx }; mix = explanation?.mix
  }
}
