import Foundation
import MLCostCore

/// The dimensions attribution reads from tags (or sets with virtual tags).
public enum Dimension: String, CaseIterable, Sendable, Codable {
  case model, requestType = "request_type", team, environment, endpoint
}

/// What a charge's cost is for.
public enum Component: String, CaseIterable, Sendable, Codable {
  case gpuCompute = "gpu-compute", apiTokens = "api-tokens", storage, network, other
}

/// Training or inference.
public enum Phase: String, CaseIterable, Sendable, Codable {
  case inference, training
}


/// One condition on a charge's fields. Values compare case-insensitively; `glob:` and `regex:`
/// prefixes switch to patterns.
public struct Match: Sendable, Equatable {
  public enum Field: String, CaseIterable, Sendable {
    case provider, account, subAccount = "sub_account", service, serviceCategory = "service_category"
    case resourceId = "resource_id", resourceType = "resource_type", sku, region, instanceType = "instance_type"
    case gpuModel = "gpu_model", chargeCategory = "charge_category", pricingCategory = "pricing_category"
  }
  public var fields: [(Field, Pattern)] = []
  /// Tag key → pattern (keys normalised).
  public var tags: [(String, Pattern)] = []
  public init() {}
  public static func == (l: Match, r: Match) -> Bool {
    l.fields.map { "\($0.0)=\($0.1)" } == r.fields.map { "\($0.0)=\($0.1)" } && l.tags.map { "\($0.0)=\($0.1)" } == r.tags.map { "\($0.0)=\($0.1)" }
  }
}

/// An exact (case-insensitive) value, a shell glob or a regular expression.
public enum Pattern: @unchecked Sendable, CustomStringConvertible {
  case exact(String)
  case glob(String)
  case regex(String, NSRegularExpression)

  public var description: String {
    switch self {
    case .exact(let s): s
    case .glob(let s): "glob:" + s
    case .regex(let s, _): "regex:" + s
    }
  }

  /// `glob:…`, `regex:…` (compiled now, so a bad one is an error at load time) or an exact value.
  public static func parse(_ text: String) throws -> Pattern {
    if text.hasPrefix("glob:") { return .glob(String(text.dropFirst(5))) }
    if text.hasPrefix("regex:") {
      let body = String(text.dropFirst(6))
      return .regex(body, try NSRegularExpression(pattern: body))
    }
    return .exact(text)
  }

  public func matches(_ value: String?) -> Bool {
    guard let value else { return false }
    switch self {
    case .exact(let s): return s.lowercased() == value.lowercased()
    case .glob(let g): return Glob.matches(Array(g.lowercased().unicodeScalars), Array(value.lowercased().unicodeScalars))
    case .regex(_, let re):
      return re.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
    }
  }
}

enum Glob {
  /// `*` any run, `?` one character; everything else literal.
  static func matches(_ p: [Unicode.Scalar], _ s: [Unicode.Scalar]) -> Bool {
    var pi = 0, si = 0, star = -1, mark = 0
    while si < s.count {
      if pi < p.count && (p[pi] == "?" || p[pi] == s[si]) { pi += 1; si += 1 }
      else if pi < p.count && p[pi] == "*" { star = pi; mark = si; pi += 1 }
      else if star >= 0 { pi = star + 1; mark += 1; si = mark }
      else { return false }
    }
    while pi < p.count && p[pi] == "*" { pi += 1 }
    return pi == p.count
  }
}

/// A rule that sets dimensions on charges nobody tagged.
public struct VirtualTag: Sendable {
  public var name: String
  public var match: Match
  public var set: [Dimension: String]
  public var line: Int
}

/// A shared cost and how it splits among models.
public struct Pool: Sendable {
  public enum Split: Sendable, Equatable {
    case even, tokens, requests, gpuHours
    /// Fixed percentages per model (they need not sum to 100: they are weights).
    case percent([String: Double])
    public var name: String {
      switch self {
      case .even: "even"
      case .tokens: "tokens"
      case .requests: "requests"
      case .gpuHours: "gpu_hours"
      case .percent: "percent"
      }
    }
  }
  public var name: String
  public var match: Match
  public var split: Split
  /// Only these models share it (nil: every model with driver data this month).
  public var among: [String]?
  public var line: Int
}

/// A rule mapping charges to a component and/or phase.
public struct ComponentRule: Sendable {
  public var match: Match
  public var component: Component?
  public var phase: Phase?
  public var line: Int
}

/// A known event: anomalies of this dimension and value (any, when absent) that start in [from, to] are muted.
public struct Mute: Sendable, Equatable {
  public var dimension: String?
  public var value: Pattern?
  /// Days, UTC midnight; `to` inclusive.
  public var from: Int64
  public var to: Int64
  public var reason: String
  public var line: Int
  public init(dimension: String?, value: Pattern?, from: Int64, to: Int64, reason: String, line: Int = 0) {
    self.dimension = dimension; self.value = value; self.from = from; self.to = to; self.reason = reason; self.line = line
  }
  public static func == (l: Mute, r: Mute) -> Bool {
    (l.dimension, l.value?.description, l.from, l.to, l.reason) == (r.dimension, r.value?.description, r.from, r.to, r.reason)
  }

  /// Whether it silences an anomaly of this dimension and value that starts on this day.
  public func covers(dimension d: String, value v: String, start: Int64) -> Bool {
    (dimension == nil || dimension == d) && (value?.matches(v) ?? true) && start >= from && start <= to
  }
}

/// The attribution rules (`mlcost.yaml`); `Rules.defaults` when there is no file.
public struct Rules: Sendable {
  public var basis: Basis = .amortised
  /// Tag keys (normalised: lower case, trimmed) per dimension, in order of preference.
  public var dimensions: [Dimension: [String]] = Rules.defaultAliases
  public var virtualTags: [VirtualTag] = []
  public var pools: [Pool] = []
  public var components: [ComponentRule] = []
  public var idle = IdleRules()
  public var anomalies = AnomalyRules()
  public var budgets: [Budget] = []
  /// Known events that anomalies and alerts leave out (listed as muted).
  public var mutes: [Mute] = []
  /// Where the rules came from (a path, or "defaults").
  public var source = "defaults"

  public init() {}
  public static let defaults = Rules()

  public static let defaultAliases: [Dimension: [String]] = [
    .model: ["model", "user:model", "user_model", "model_id", "modelname", "model-name", "model_name", "litellm model group",
             "model_group", "ml-model", "ml_model"],
    .requestType: ["request-type", "request_type", "user:request-type", "user:request_type", "user_request_type", "requesttype",
                   "workload-type", "workload"],
    .team: ["team", "user:team", "user_team", "owner-team", "cost-center", "costcenter"],
    .environment: ["env", "environment", "user:env", "user_env", "stage"],
    .endpoint: ["endpoint", "endpointname", "endpoint_name", "user:endpoint"],
  ]

  /// Lower case, whitespace trimmed and inner runs collapsed: `" Model  Name"` → `model name`.
  public static func normaliseKey(_ key: String) -> String {
    key.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
  }
}
