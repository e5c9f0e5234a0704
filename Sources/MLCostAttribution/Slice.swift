import MLCostCore

/// A charge field or tag a sliced report filters or groups on. Each allocation carries its value, and a pool share
/// carries its pool charge's value, so a filter keeps every dollar of the charges it selects, attributed as in the
/// whole report (pools split over the whole month, not over the slice).
public enum SliceField: Hashable, Sendable, CustomStringConvertible {
  case field(Match.Field)
  /// A tag key, normalised as the rules normalise keys.
  case tag(String)
  /// The UTC day of the charge (its ChargePeriodStart) or of the usage bucket, as 2026-10-05.
  case day
  /// The charge group's origin (`ChargeGroup.origin`); never parsed from the command line.
  case origin

  public var description: String {
    switch self {
    case .field(let f): f.rawValue.replacingOccurrences(of: "_", with: "-")
    case .tag(let k): "tag:" + k
    case .day: "day"
    case .origin: "origin"
    }
  }

  static func dayText(_ day: Int64?) -> String? { day.map { String(Timestamp.iso8601($0).prefix(10)) } }

  /// The value on a charge ("(none)" when it has none).
  func value(_ c: ChargeGroup, tags: [String: String]) -> String {
    let v: String?
    switch self {
    case .field(.resourceId): v = c.resourceId ?? c.resourceName
    case .field(let f): v = c.value(of: f)
    case .tag(let k): v = tags[k]
    case .day: v = Self.dayText(c.day)
    case .origin: v = c.origin
    }
    return v.flatMap { $0.isEmpty ? nil : $0 } ?? SliceField.none
  }

  /// The value on API usage: its provider, and "<provider> API" as its service; it has no other field.
  func value(usage u: UsageGroup) -> String {
    switch self {
    case .field(.provider): u.provider
    case .field(.service): "\(u.provider) API"
    case .field(.serviceCategory): "AI and Machine Learning"
    case .field(.chargeCategory): "Usage"
    case .day: Self.dayText(u.day) ?? SliceField.none
    default: SliceField.none
    }
  }

  public static let none = "(none)"
}

/// A dimension of a sliced report: what attribution decided (owner, request type, team, …) or a charge field.
public enum SliceKey: Hashable, Sendable, CustomStringConvertible {
  case owner, requestType, team, environment, component, phase, currency, source, rule
  case charge(SliceField)

  public var description: String {
    switch self {
    case .owner: "model"
    case .requestType: "request-type"
    case .team: "team"
    case .environment: "environment"
    case .component: "component"
    case .phase: "phase"
    case .currency: "currency"
    case .source: "source"
    case .rule: "rule"
    case .charge(let f): f.description
    }
  }

  /// Every name `parse` reads (tags as `tag:KEY`).
  public static let names: [String] = ["model", "owner", "request-type", "team", "environment", "component", "phase", "currency", "source",
                                         "rule", "day"]
    + Match.Field.allCases.map { $0.rawValue.replacingOccurrences(of: "_", with: "-") }

  /// `model`, `request-type`, `team`, `provider`, `service`, `region`, `tag:team`, … (case and `_`/`-` ignored).
  public static func parse(_ text: String) -> SliceKey? {
    let t = text.trimmingBlanks()
    if t.lowercased().hasPrefix("tag:") {
      let key = Rules.normaliseKey(String(t.dropFirst(4)))
      return key.isEmpty ? nil : .charge(.tag(key))
    }
    let k = t.lowercased().replacingOccurrences(of: "_", with: "-")
    switch k {
    case "model", "owner": return .owner
    case "request-type", "requesttype": return .requestType
    case "team": return .team
    case "environment", "env": return .environment
    case "component": return .component
    case "phase": return .phase
    case "currency": return .currency
    case "source": return .source
    case "rule": return .rule
    case "day", "date": return .charge(.day)
    case "resource", "resource-id": return .charge(.field(.resourceId))
    default:
      return Match.Field.allCases.first { $0.rawValue.replacingOccurrences(of: "_", with: "-") == k }.map { .charge(.field($0)) }
    }
  }

  /// The allocation's value for this key (`fields` are the charge fields the attribution carried, in order).
  public func value(_ a: Allocation, fields: [SliceField]) -> String {
    switch self {
    case .owner: a.owner.description
    case .requestType: a.requestType
    case .team: a.team ?? SliceField.none
    case .environment: a.environment ?? SliceField.none
    case .component: a.component.rawValue
    case .phase: a.phase.rawValue
    case .currency: a.currency.code
    case .source: a.source.rawValue
    case .rule: a.rule
    case .charge(let f): fields.firstIndex(of: f).flatMap { $0 < a.slice.count ? a.slice[$0] : nil } ?? SliceField.none
    }
  }
}

/// `--where KEY=VALUE`: the values of one key (a value may be `glob:` or `regex:`; any of them matches).
public struct SliceFilter: Sendable {
  public var key: SliceKey
  public var patterns: [Pattern]
  public init(key: SliceKey, patterns: [Pattern]) { self.key = key; self.patterns = patterns }
  public var description: String { "\(key)=\(patterns.map(\.description).joined(separator: "|"))" }
}

/// One row of a grouped report: the keys' values, a currency and its cost.
public struct SliceGroup: Sendable, Equatable {
  public var values: [String]
  public var currency: Currency
  public var cost: Amount
}

/// Filters and groups an attribution's allocations by `SliceKey`s. Money is never re-split: a filtered attribution
/// is the allocations that match, and its charges are their sum, so conservation holds to the nano by construction.
public enum Slicer {
  /// The charge fields attribution must carry for these keys.
  public static func chargeFields(_ keys: [SliceKey]) -> [SliceField] {
    var out: [SliceField] = []
    for case .charge(let f) in keys where !out.contains(f) { out.append(f) }
    return out
  }

  static func matches(_ a: Allocation, _ filters: [SliceFilter], fields: [SliceField]) -> Bool {
    filters.allSatisfy { f in
      let v = f.key.value(a, fields: fields)
      return f.patterns.contains { $0.matches(v) }
    }
  }

  /// The attribution limited to allocations that match every filter. Sections a charge filter cannot split
  /// (unit drivers, pools, tag coverage, untagged resources, unpriced usage) are kept only where the filters allow.
  public static func filter(_ a: Attribution, _ filters: [SliceFilter], fields: [SliceField]) -> Attribution {
    guard !filters.isEmpty else { return a }
    var out = a
    out.allocations = a.allocations.filter { matches($0, filters, fields: fields) }
    out.charges = [:]; out.allocated = [:]; out.chargesBySource = [:]
    for x in out.allocations {
      out.charges[x.currency, default: .zero] += x.cost
      out.allocated[x.currency, default: .zero] += x.cost
      out.chargesBySource[x.currency, default: [:]][x.source, default: .zero] += x.cost
    }
    let ownerOnly = filters.allSatisfy { $0.key == .owner || $0.key == .currency }
    let owners = Set(out.allocations.map(\.owner))
    out.drivers = ownerOnly ? a.drivers.filter { m, _ in owners.contains(.model(m)) } : [:]
    out.unpriced = a.unpriced.filter { u in
      filters.allSatisfy { f in
        switch f.key {
        case .owner: f.patterns.contains { $0.matches(u.model) }
        case .requestType: f.patterns.contains { $0.matches(u.requestType) }
        case .charge(.field(.provider)): f.patterns.contains { $0.matches(u.provider) }
        default: false
        }
      }
    }
    let byService = filters.allSatisfy {
      if case .charge(.field(let f)) = $0.key { return f == .provider || f == .service }
      return $0.key == .currency
    }
    func keep(provider: String, service: String, currency: Currency) -> Bool {
      byService && filters.allSatisfy { f in
        switch f.key {
        case .charge(.field(.provider)): f.patterns.contains { $0.matches(provider) }
        case .charge(.field(.service)): f.patterns.contains { $0.matches(service) }
        case .currency: f.patterns.contains { $0.matches(currency.code) }
        default: false
        }
      }
    }
    out.coverage = a.coverage.filter { keep(provider: $0.provider, service: $0.service, currency: $0.currency) }
    out.untagged = a.untagged.filter { keep(provider: $0.provider, service: $0.service, currency: $0.currency) }
    out.pools = ownerOnly ? a.pools.filter { p in p.shares.keys.contains { owners.contains(.model($0)) } } : []
    return out
  }

  /// The filters that match no allocation of `a` on their own, each with the values its key has (sorted), so a
  /// typo can be named.
  public static func unmatched(_ filters: [SliceFilter], in a: Attribution, fields: [SliceField]) -> [(SliceFilter, [String])] {
    filters.compactMap { f in
      let seen = Set(a.allocations.map { f.key.value($0, fields: fields) })
      return seen.contains { v in f.patterns.contains { $0.matches(v) } } ? nil : (f, seen.sorted())
    }
  }

  /// Cost per distinct combination of the keys' values and currency, largest first.
  public static func group(_ a: Attribution, by keys: [SliceKey], fields: [SliceField]) -> [SliceGroup] {
    var sums: [[String]: [Currency: Amount]] = [:]
    for x in a.allocations { sums[keys.map { $0.value(x, fields: fields) }, default: [:]][x.currency, default: .zero] += x.cost }
    var rows: [SliceGroup] = []
    for (values, byCurrency) in sums {
      for (currency, cost) in byCurrency { rows.append(SliceGroup(values: values, currency: currency, cost: cost)) }
    }
    return rows.sorted {
      if $0.currency != $1.currency { return $0.currency < $1.currency }
      if $0.cost != $1.cost { return $0.cost > $1.cost }
      return $0.values.lexicographicallyPrecedes($1.values)
    }
  }
}
