import Foundation
import MLCostCore

/// Charges + usage + rules → allocations that conserve money exactly (docs/attribution.md).
/// Pure: values in, values out.

public enum AttributionEngine {
  public static func run(_ input: AttributionInput, rules: Rules) throws(ConservationError) -> Attribution {
    var b = Builder(input: input, rules: rules)
    b.addCharges()
    b.addUsage()
    b.splitPools()
    return try b.finish()
  }

  /// The dimensions of one charge: its tags through the aliases, then virtual tags for what is missing.
  public struct Resolved: Sendable {
    public var values: [Dimension: String] = [:]
    /// True when the model came from the source's own tags.
    public var modelFromTags = false
    public var virtualTag: String?
  }

  /// What a tag set says before virtual tags: its keys normalised and the dimensions read through the aliases.
  public struct TagReading: Sendable {
    public var normalised: [String: String] = [:]
    public var values: [Dimension: String] = [:]
  }

  public static func read(tags: [String: String], rules: Rules) -> TagReading {
    var r = TagReading()
    r.normalised = Dictionary(tags.map { (Rules.normaliseKey($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
    for d in Dimension.allCases {
      for key in rules.dimensions[d] ?? [] {
        if let v = r.normalised[key]?.trimmingBlanks(), !v.isEmpty { r.values[d] = v; break }
      }
    }
    return r
  }

  public static func resolve(_ c: ChargeGroup, rules: Rules) -> Resolved {
    resolve(c, reading: read(tags: c.tags, rules: rules), rules: rules)
  }

  /// The dimensions of a charge whose tags were read already (the same tag set is read once per run).
  public static func resolve(_ c: ChargeGroup, reading: TagReading, rules: Rules) -> Resolved {
    var r = Resolved()
    r.values = reading.values
    r.modelFromTags = r.values[.model] != nil
    for vt in rules.virtualTags where matches(vt.match, c, reading.normalised) {
      var fired = false
      for (d, v) in vt.set where r.values[d] == nil { r.values[d] = v; fired = true }
      if fired && r.virtualTag == nil { r.virtualTag = vt.name }
    }
    return r
  }

  static func matches(_ m: Match, _ c: ChargeGroup, _ tags: [String: String]) -> Bool {
    for (field, pattern) in m.fields where !pattern.matches(c.value(of: field)) { return false }
    for (key, pattern) in m.tags where !pattern.matches(tags[key]) { return false }
    return true
  }

  /// The component a charge is for, by rule first, then by what it is.
  static func component(_ c: ChargeGroup, rules: Rules, tags: [String: String]) -> (Component, Phase?) {
    var component: Component?, phase: Phase?
    for rule in rules.components where matches(rule.match, c, tags) {
      if component == nil { component = rule.component }
      if phase == nil { phase = rule.phase }
    }
    if let component { return (component, phase) }
    let unit = c.consumedUnit?.lowercased() ?? ""
    let category = c.serviceCategory?.lowercased() ?? ""
    if unit.contains("token") { return (.apiTokens, phase) }
    if c.gpuModel != nil || (c.gpuCount ?? 0) > 0 { return (.gpuCompute, phase) }
    if category == "storage" { return (.storage, phase) }
    if category == "networking" || category == "network" { return (.network, phase) }
    return (.other, phase)
  }

  public static func requestTypeName(_ raw: String?) -> String {
    guard let raw, !raw.isEmpty else { return "unspecified" }
    return RequestType(sourceTerm: raw)?.rawValue ?? raw.lowercased()
  }

  static func isHours(_ unit: String?) -> Bool {
    guard let u = unit?.lowercased().trimmingCharacters(in: .whitespaces) else { return false }
    return ["hours", "hour", "hrs", "hr", "h", "1 hour"].contains(u)
  }
}

/// The accumulating state of one run.
struct Builder {
  let input: AttributionInput
  let rules: Rules
  var cells: [CellKey: Cell] = [:]
  var charges: [Currency: Amount] = [:]
  var bySource: [Currency: [CostSource: Amount]] = [:]
  var drivers: [String: [Currency: ModelDrivers]] = [:]
  /// Per pool index, currency, component and phase: the pooled cost.
  var pooled: [Int: [PoolBucket: Amount]] = [:]
  struct PoolBucket: Hashable, Comparable {
    var currency: Currency, component: Component, phase: Phase
    var slice: [String] = []
    static func < (l: PoolBucket, r: PoolBucket) -> Bool {
      if (l.currency, l.component.rawValue, l.phase.rawValue) != (r.currency, r.component.rawValue, r.phase.rawValue) {
        return (l.currency, l.component.rawValue, l.phase.rawValue) < (r.currency, r.component.rawValue, r.phase.rawValue)
      }
      return l.slice.lexicographicallyPrecedes(r.slice)
    }
  }
  var unpriced: [String: UnpricedUsage] = [:]
  var usageCosts: [UsageCost] = []
  var coverage: [CoverageKey: TagCoverage] = [:]
  struct CoverageKey: Hashable { var provider: String, service: String, currency: Currency }
  /// Per tag set (`ChargeGroup.tagSet`): its reading, made once.
  var readings: [Int: AttributionEngine.TagReading] = [:]
  /// Per raw request-type value: its name.
  var requestTypeNames: [String: String] = [:]
  var pools: [PoolSplit] = []

  mutating func reading(_ c: ChargeGroup) -> AttributionEngine.TagReading {
    guard let id = c.tagSet else { return AttributionEngine.read(tags: c.tags, rules: rules) }
    if let r = readings[id] { return r }
    let r = AttributionEngine.read(tags: c.tags, rules: rules)
    readings[id] = r
    return r
  }

  mutating func requestTypeName(_ raw: String?) -> String {
    guard let raw else { return AttributionEngine.requestTypeName(nil) }
    if let name = requestTypeNames[raw] { return name }
    let name = AttributionEngine.requestTypeName(raw)
    requestTypeNames[raw] = name
    return name
  }
  var untagged: [String: UntaggedResource] = [:]
  var virtualHits: [String: Int] = [:]
  /// Per model and request type (and currency of the GPU line): drivers for pools.
  var tokenDriver: [DriverKey: Int64] = [:]
  var requestDriver: [DriverKey: Int64] = [:]
  var gpuHourDriver: [DriverKey: Int64] = [:]
  var modelsSeen: Set<String> = []

  struct CellKey: Hashable {
    var owner: Owner, requestType: String, component: Component, phase: Phase, currency: Currency, source: CostSource
    var team: String?, environment: String?
    var slice: [String] = []
    var rule: String = ""
  }
  struct Cell { var cost = Amount.zero; var usage = Amount.zero; var observed = Amount.zero; var hasUsage = false }
  struct DriverKey: Hashable { var model: String; var requestType: String }

  init(input: AttributionInput, rules: Rules) { self.input = input; self.rules = rules }

  mutating func add(_ key: CellKey, _ cost: Amount, usage: Amount? = nil, observed: Amount = .zero) {
    var cell = cells[key, default: Cell()]
    cell.cost += cost
    if let usage { cell.usage += usage; cell.observed += observed; cell.hasUsage = true }
    cells[key] = cell
  }

  mutating func count(_ currency: Currency, _ source: CostSource, _ cost: Amount) {
    charges[currency, default: .zero] += cost
    bySource[currency, default: [:]][source, default: .zero] += cost
  }

  mutating func addCharges() {
    for c in input.charges {
      let cost = c.cost(rules.basis)
      let reading = reading(c)
      let tags = reading.normalised
      let resolved = AttributionEngine.resolve(c, reading: reading, rules: rules)
      if let vt = resolved.virtualTag { virtualHits[vt, default: 0] += c.rows }
      let (component, rulePhase) = AttributionEngine.component(c, rules: rules, tags: tags)
      let requestType = requestTypeName(resolved.values[.requestType])
      let phase = rulePhase ?? (["fine-tune", "training", "train"].contains(requestType) ? .training : .inference)
      // A row its provider already split (FOCUS 1.3 AllocatedTags naming a model) is its consumer's: no pool splits it again.
      let providerSplit = tags[AttributionEngine.allocatedTag] != nil && resolved.values[.model] != nil
      let poolIndex = c.commitmentStatus?.lowercased() == "unused" || providerSplit ? nil
        : rules.pools.firstIndex { AttributionEngine.matches($0.match, c, tags) }
      let slice = input.sliceFields.isEmpty ? [] : input.sliceFields.map { $0.value(c, tags: tags) }
      count(c.currency, .charge, cost)

      if c.chargeCategory == .usage || c.chargeCategory == .purchase {
        let provider = c.provider ?? "unknown", service = c.service ?? "unknown"
        let k = CoverageKey(provider: provider, service: service, currency: c.currency)
        if coverage[k] == nil { coverage[k] = TagCoverage(provider: provider, service: service, currency: c.currency, total: .zero, tagged: .zero) }
        coverage[k]!.total += cost
        if resolved.modelFromTags { coverage[k]!.tagged += cost }
      }

      let owner: Owner, rule: String
      if c.commitmentStatus?.lowercased() == "unused" {
        owner = rules.basis == .cash && c.chargeCategory == .purchase ? .commitmentPurchase : .idle
        rule = owner == .idle ? "unused commitment" : "commitment purchase (cash basis)"
      } else if let pool = poolIndex {
        pooled[pool, default: [:]][PoolBucket(currency: c.currency, component: component, phase: phase, slice: slice), default: .zero] += cost
        continue
      } else if let model = resolved.values[.model] {
        owner = .model(model)
        if providerSplit, let method = tags[AttributionEngine.allocatedTag] {
          rule = method == "true" ? "split by the provider" : "split by the provider ('\(method)')"
        } else {
          rule = resolved.modelFromTags ? "model tag" : "virtual tag '\(resolved.virtualTag ?? "?")'"
        }
      } else {
        owner = .unallocated
        rule = "no model tag or rule"
      }
      if let m = owner.model { modelsSeen.insert(m) }
      if owner == .unallocated && (c.chargeCategory == .usage) && !cost.isZero {
        let resource = c.resourceId ?? c.resourceName ?? "(\(c.service ?? "no service"), no resource id)"
        let k = "\(resource)|\(c.currency)"
        var u = untagged[k] ?? UntaggedResource(resource: resource, provider: c.provider ?? "", service: c.service ?? "", currency: c.currency, cost: .zero)
        u.cost += cost
        untagged[k] = u
      }
      var usage: Amount?, observed = Amount.zero
      if component == .gpuCompute {
        if let busy = activity(c)?.busyFraction {
          usage = LargestRemainder.scale(cost, Int64(clampingRounded: busy * 1_000_000, to: 0...1_000_000), 1_000_000)
          observed = cost
        }
        if let m = owner.model, AttributionEngine.isHours(c.consumedUnit), let q = c.consumedQuantity {
          let hours = q * Double(max(1, c.gpuCount ?? 1))
          drivers[m, default: [:]][c.currency, default: ModelDrivers()].gpuHours += hours
          gpuHourDriver[DriverKey(model: m, requestType: requestType), default: 0].addSaturating(Int64(clampingRounded: hours * 1000))
        }
      }
      add(CellKey(owner: owner, requestType: requestType, component: component, phase: phase, currency: c.currency, source: .charge,
                  team: resolved.values[.team], environment: resolved.values[.environment], slice: slice, rule: rule), cost,
          usage: usage, observed: observed)
    }
  }

  /// Metrics name endpoints by name; bills by ARN or id: try the id, its last path part, then the name.
  func activity(_ c: ChargeGroup) -> Activity? {
    if let r = c.resourceId {
      if let a = input.activity[r] { return a }
      if let last = r.split(separator: "/").last, let a = input.activity[String(last)] { return a }
    }
    if let n = c.resourceName { return input.activity[n] }
    return nil
  }

  mutating func addUsage() {
    // A provider whose costs a source states: its token-only records are drivers, never priced again.
    let stated = Set(input.usage.filter { $0.cost != nil }.map { $0.provider.lowercased() })
    // A model whose GPUs are on the bill is self-hosted: its token records are drivers, not API spend.
    let selfHosted = modelsSeen
    for u in input.usage {
      let model = u.model ?? "(no model)"
      let rt = u.requestType.rawValue
      let phase: Phase = u.requestType == .fineTune ? .training : .inference
      if u.model != nil {
        modelsSeen.insert(model)
        tokenDriver[DriverKey(model: model, requestType: rt), default: 0].addSaturating(u.tokens)
        requestDriver[DriverKey(model: model, requestType: rt), default: 0].addSaturating(u.requests)
      }
      let owner: Owner = u.model == nil ? .unallocated : .model(model)
      let slice = input.sliceFields.isEmpty ? [] : input.sliceFields.map { $0.value(usage: u) }
      let catalog = u.model == nil ? nil : input.prices[TokenPrice.key(provider: u.provider, model: model)]
      var record = UsageCost(owner: owner, requestType: rt, currency: u.currency ?? catalog?.currency ?? "USD", source: nil, cost: nil,
                             rule: "API usage, not priced")
      defer { usageCosts.append(record) }
      if let cost = u.cost {
        let currency = u.currency ?? "USD"
        record.source = .apiStated; record.cost = cost; record.currency = currency
        record.rule = u.model == nil ? "API usage without a model" : "API usage, stated cost"
        count(currency, .apiStated, cost)
        add(CellKey(owner: owner, requestType: rt, component: .apiTokens, phase: phase, currency: currency, source: .apiStated, slice: slice,
                    rule: u.model == nil ? "API usage without a model" : "API usage, stated cost"), cost)
        var d = drivers[model, default: [:]][currency, default: ModelDrivers()]
        let kind = (u.sourceRequestType ?? "").lowercased()
        if kind.contains("output") { d.outputTokenCost = (d.outputTokenCost ?? .zero) + cost }
        else if kind.contains("input") { d.inputTokenCost = (d.inputTokenCost ?? .zero) + cost }
        drivers[model, default: [:]][currency] = d
        addTokens(model, currency, u)
        continue
      }
      if stated.contains(u.provider.lowercased()) || selfHosted.contains(model) {
        record.rule = selfHosted.contains(model) ? "tokens of a self-hosted model (a driver; its GPUs carry the cost)"
          : "tokens of a provider whose costs another source states (a driver)"
        addTokens(model, "USD", u)
        continue
      }
      // Without a model there is no price to look up: unpriced under "(no model)", never silently dropped.
      guard u.model != nil, let price = input.prices[TokenPrice.key(provider: u.provider, model: model)], let cost = priced(u, price) else {
        let k = "\(u.provider)|\(model)|\(rt)"
        var p = unpriced[k] ?? UnpricedUsage(provider: u.provider, model: model, requestType: rt, requests: 0, inputTokens: 0, outputTokens: 0)
        p.requests.addSaturating(u.requests); p.inputTokens.addSaturating(u.inputTokens.plusSaturating(u.cachedInputTokens).plusSaturating(u.cacheWriteTokens)); p.outputTokens.addSaturating(u.outputTokens)
        unpriced[k] = p
        addTokens(model, "USD", u)
        continue
      }
      record.source = .apiCatalog; record.cost = cost.total; record.currency = price.currency; record.rule = "API usage, catalog price"
      count(price.currency, .apiCatalog, cost.total)
      add(CellKey(owner: owner, requestType: rt, component: .apiTokens, phase: phase, currency: price.currency, source: .apiCatalog, slice: slice,
                  rule: "API usage, catalog price"), cost.total)
      var d = drivers[model, default: [:]][price.currency, default: ModelDrivers()]
      d.inputTokenCost = (d.inputTokenCost ?? .zero) + cost.input
      d.outputTokenCost = (d.outputTokenCost ?? .zero) + cost.output
      d.inputTokensPriced.addSaturating(u.inputTokens.plusSaturating(u.cachedInputTokens).plusSaturating(u.cacheWriteTokens))
      d.outputTokensPriced.addSaturating(u.outputTokens)
      drivers[model, default: [:]][price.currency] = d
      addTokens(model, price.currency, u)
    }
  }

  mutating func addTokens(_ model: String, _ currency: Currency, _ u: UsageGroup) {
    var d = drivers[model, default: [:]][currency, default: ModelDrivers()]
    d.requests.addSaturating(u.requests); d.inputTokens.addSaturating(u.inputTokens); d.cachedInputTokens.addSaturating(u.cachedInputTokens)
    d.cacheWriteTokens.addSaturating(u.cacheWriteTokens); d.outputTokens.addSaturating(u.outputTokens)
    drivers[model, default: [:]][currency] = d
  }
}

extension AttributionEngine {
  /// Each token kind of a usage group at a catalog price (input, cached input, cache write, output; before any batch
  /// discount), nil when a kind with tokens has no price: what `priced` sums, and what the FOCUS export splits by.
  public static func kindCosts(_ u: UsageGroup, _ p: TokenPrice?) -> [Amount]? {
    guard let p else { return nil }
    let parts: [(Int64, Amount?)] = [(u.inputTokens, p.inputPer1M), (u.cachedInputTokens, p.cachedInputPer1M ?? p.inputPer1M),
                                    (u.cacheWriteTokens, p.cacheWritePer1M ?? p.inputPer1M), (u.outputTokens, p.outputPer1M)]
    var out: [Amount] = []
    for (tokens, price) in parts {
      guard tokens > 0 else { out.append(.zero); continue }
      guard let price else { return nil }
      out.append(price.scaled(by: tokens, over: 1_000_000))
    }
    return out
  }

  /// The tag the FOCUS importer puts on a row its provider split (its AllocatedTags laid over its Tags).
  public static let allocatedTag = "focus:allocated"
}
