/// Findings of attribution, idle detection and anomaly detection: produced by the engines, carried as they are by the reports.

/// What an idle finding says about a resource, in the order reports list them.
public enum FindingKind: String, Sendable, Codable, CaseIterable, Comparable, CustomStringConvertible {
  public var description: String { rawValue }
  case idle, orphaned
  case stoppedButBilled = "stopped-but-billed"
  case underUsed = "under-used"
  /// Cost but no activity data: never reported as idle.
  case unknown

  public static func < (a: FindingKind, b: FindingKind) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

public struct IdleFinding: Sendable, Codable, Equatable {
  public var kind: FindingKind
  public var resourceId: String
  public var model: String?
  public var currency: Currency
  public var windowCost: Amount
  /// Absent for `unknown` (no data is not zero).
  public var monthlyWaste: Amount?
  public var rule: String
  public var evidence: [String: String]
  public var action: String
  public var monthlySaving: Amount?
  public init(kind: FindingKind, resourceId: String, model: String?, currency: Currency, windowCost: Amount, monthlyWaste: Amount?, rule: String,
              evidence: [String: String], action: String, monthlySaving: Amount?) {
    self.kind = kind; self.resourceId = resourceId; self.model = model; self.currency = currency; self.windowCost = windowCost; self.monthlyWaste = monthlyWaste; self.rule = rule; self.evidence = evidence; self.action = action; self.monthlySaving = monthlySaving
  }
}

public struct Anomaly: Sendable, Equatable, Codable {
  public var dimension: String
  public var value: String
  public var currency: Currency
  /// First and last anomalous day (YYYY-MM-DD); a level shift spans several days.
  public var start: String
  public var end: String
  public var days: Int
  public var expected: Amount
  public var actual: Amount
  /// Σ (actual − expected) over the anomalous days.
  public var impact: Amount
  public var baseline: String
  public var topContributors: [String: Amount]
  /// The same event seen in broader series (`request type fine-tune`, `service …`): linked, never summed.
  public var alsoSeenAs: [String]
  /// Why: the impact split into volume, unit price, mix and FX (nil when the series has no line detail, e.g. rates).
  public var explanation: AnomalyExplanation?
  public init(dimension: String, value: String, currency: Currency, start: String, end: String, days: Int, expected: Amount, actual: Amount,
              impact: Amount, baseline: String, topContributors: [String: Amount], alsoSeenAs: [String] = [],
              explanation: AnomalyExplanation? = nil) {
    self.dimension = dimension; self.value = value; self.currency = currency; self.start = start; self.end = end; self.days = days; self.expected = expected; self.actual = actual; self.impact = impact; self.baseline = baseline; self.topContributors = topContributors
    self.alsoSeenAs = alsoSeenAs; self.explanation = explanation
  }

  enum CodingKeys: String, CodingKey {
    case dimension, value, currency, start, end, days, expected, actual, impact, baseline, topContributors, alsoSeenAs, explanation
  }

  /// Reports saved before `alsoSeenAs` existed read back with none.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(dimension: try c.decode(String.self, forKey: .dimension), value: try c.decode(String.self, forKey: .value),
              currency: try c.decode(Currency.self, forKey: .currency), start: try c.decode(String.self, forKey: .start),
              end: try c.decode(String.self, forKey: .end), days: try c.decode(Int.self, forKey: .days),
              expected: try c.decode(Amount.self, forKey: .expected), actual: try c.decode(Amount.self, forKey: .actual),
              impact: try c.decode(Amount.self, forKey: .impact), baseline: try c.decode(String.self, forKey: .baseline),
              topContributors: try c.decode([String: Amount].self, forKey: .topContributors),
              alsoSeenAs: try c.decodeIfPresent([String].self, forKey: .alsoSeenAs) ?? [])
    explanation = try c.decodeIfPresent(AnomalyExplanation.self, forKey: .explanation)
  }

  /// `model mistral-7b`.
  public var name: String { "\(dimension) \(value)" }
}

/// An anomaly's impact (actual − expected) in four parts that add up to it exactly:
/// - **volume**: the expected cost × (driver quantity ratio − 1), the driver being the unit that carries most of the
///   baseline's cost (Hours, Tokens, …);
/// - **mix**: what buying other lines in other proportions did at baseline prices (and lines without a quantity);
/// - **unit price**: what the lines' own rates did (the exact remainder);
/// - **FX**: exchange-rate moves — zero here: a series is in one billing currency and exports carry no rate history.
public struct AnomalyExplanation: Sendable, Equatable, Codable {
  public var volume: Amount
  public var unitPrice: Amount
  public var mix: Amount
  public var fx: Amount
  /// The unit whose quantity measures volume, and its quantity ratio (anomalous ÷ baseline days); nil without one.
  public var driverUnit: String?
  public var driverRatio: Double?
  public init(volume: Amount, unitPrice: Amount, mix: Amount, fx: Amount, driverUnit: String?, driverRatio: Double?) {
    self.volume = volume; self.unitPrice = unitPrice; self.mix = mix; self.fx = fx; self.driverUnit = driverUnit; self.driverRatio = driverRatio
  }
}

/// Usage that no source and no catalog put a price on: shown, never counted as $0.
public struct UnpricedUsage: Sendable, Equatable, Codable {
  public var provider: String
  public var model: String
  public var requestType: String
  public var requests: Int64
  public var inputTokens: Int64
  public var outputTokens: Int64
  public init(provider: String, model: String, requestType: String, requests: Int64, inputTokens: Int64, outputTokens: Int64) {
    self.provider = provider; self.model = model; self.requestType = requestType; self.requests = requests
    self.inputTokens = inputTokens; self.outputTokens = outputTokens
  }
}
