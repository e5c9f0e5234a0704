import Foundation

/// A capacity plan: the planner fills it, the reports render it, JSON carries it. Amounts are USD
/// estimates (Double, shown to the cent): a plan prices hours that have not happened yet.
public struct PlanResult: Sendable, Codable, Equatable {
  public var name: String
  public var requestType: String
  public var workload: PlanWorkload
  /// Ranked: options that hold the latency and availability targets first, cheapest first.
  public var options: [PlanOption]
  public var recommendation: PlanRecommendation?
  public var breakEven: PlanBreakEven
  public var calibration: PlanCalibration
  public var notes: [String]
  public var seed: UInt64
  public var trials: Int

  public init(name: String, requestType: String, workload: PlanWorkload, options: [PlanOption], recommendation: PlanRecommendation?,
              breakEven: PlanBreakEven, calibration: PlanCalibration, notes: [String], seed: UInt64, trials: Int) {
    self.name = name; self.requestType = requestType; self.workload = workload; self.options = options
    self.recommendation = recommendation; self.breakEven = breakEven; self.calibration = calibration; self.notes = notes
    self.seed = seed; self.trials = trials
  }
}

public struct PlanWorkload: Sendable, Codable, Equatable {
  public var monthlyRequests: Double
  public var monthlyInputTokens: Double
  public var monthlyCachedInputTokens: Double
  public var monthlyOutputTokens: Double
  public var averageRequestsPerSecond: Double
  public var peakRequestsPerSecond: Double
  public var inputTokensPerRequest: Double
  public var cachedInputTokensPerRequest: Double
  public var outputTokensPerRequest: Double
  public var ttftTargetMs: Double?
  public var tpotTargetMs: Double?
  public var batchable: Bool
  public var residency: String
  public var horizonMonths: Int
  /// Requests per hour over one week, Monday 00:00 UTC first.
  public var hourlyRequests: [Double]

  public init(monthlyRequests: Double, monthlyInputTokens: Double, monthlyCachedInputTokens: Double, monthlyOutputTokens: Double,
              averageRequestsPerSecond: Double, peakRequestsPerSecond: Double, inputTokensPerRequest: Double,
              cachedInputTokensPerRequest: Double, outputTokensPerRequest: Double, ttftTargetMs: Double?, tpotTargetMs: Double?,
              batchable: Bool, residency: String, horizonMonths: Int, hourlyRequests: [Double]) {
    self.monthlyRequests = monthlyRequests; self.monthlyInputTokens = monthlyInputTokens; self.monthlyCachedInputTokens = monthlyCachedInputTokens
    self.monthlyOutputTokens = monthlyOutputTokens; self.averageRequestsPerSecond = averageRequestsPerSecond
    self.peakRequestsPerSecond = peakRequestsPerSecond; self.inputTokensPerRequest = inputTokensPerRequest
    self.cachedInputTokensPerRequest = cachedInputTokensPerRequest; self.outputTokensPerRequest = outputTokensPerRequest
    self.ttftTargetMs = ttftTargetMs; self.tpotTargetMs = tpotTargetMs; self.batchable = batchable; self.residency = residency
    self.horizonMonths = horizonMonths; self.hourlyRequests = hourlyRequests
  }

  /// Input + output tokens per month.
  public var monthlyTokens: Double { monthlyInputTokens + monthlyOutputTokens }
}

/// A hosted API, or GPUs the team runs itself.
public enum PlanOptionKind: String, Sendable, Codable, CustomStringConvertible {
  case api
  case selfHosted = "self-hosted"
  public var description: String { rawValue }
}

/// How an option is paid for: per token (at once or in batch), or per instance-hour on demand, on spot,
/// or a 1- or 3-year commitment for the base load with on-demand or spot above it.
public enum PlanPricing: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
  case api
  case apiBatch = "api-batch"
  case onDemand = "on-demand"
  case spot
  case oneYearOnDemand = "1y+on-demand"
  case oneYearSpot = "1y+spot"
  case threeYearOnDemand = "3y+on-demand"
  case threeYearSpot = "3y+spot"
  public var description: String { rawValue }
}

/// How likely an option is to hold its GPUs and its price.
public enum PlanRisk: String, Sendable, Codable, Comparable, CustomStringConvertible {
  case low, medium, high
  public var description: String { rawValue }
  public static func < (a: PlanRisk, b: PlanRisk) -> Bool { [low, medium, high].firstIndex(of: a)! < [low, medium, high].firstIndex(of: b)! }
}

public struct PlanOption: Sendable, Codable, Equatable {
  public var rank: Int
  public var id: String
  public var kind: PlanOptionKind
  public var provider: String
  public var region: String?
  public var instanceType: String?
  public var gpu: String?
  public var gpusPerInstance: Int?
  public var model: String
  public var precision: String?
  public var pricing: PlanPricing
  @MoneyEstimate public var monthlyCost: Double
  /// Monthly cost ÷ (input + output tokens) × 1M.
  @RateEstimate public var costPer1MTokens: Double
  public var layout: String?
  public var instancesPeak: Int?
  public var instancesMin: Int?
  public var instanceHoursPerMonth: Double?
  /// Demand ÷ capacity provisioned, over the week.
  public var utilisation: Double?
  public var ttftMs: Double?
  public var tpotMs: Double?
  public var meetsTargets: Bool
  public var availability: PlanAvailability?
  public var notes: [String]

  public init(rank: Int = 0, id: String, kind: PlanOptionKind, provider: String, region: String? = nil, instanceType: String? = nil, gpu: String? = nil,
              gpusPerInstance: Int? = nil, model: String, precision: String? = nil, pricing: PlanPricing, monthlyCost: Double, costPer1MTokens: Double,
              layout: String? = nil, instancesPeak: Int? = nil, instancesMin: Int? = nil, instanceHoursPerMonth: Double? = nil,
              utilisation: Double? = nil, ttftMs: Double? = nil, tpotMs: Double? = nil, meetsTargets: Bool = true,
              availability: PlanAvailability? = nil, notes: [String] = []) {
    self.rank = rank; self.id = id; self.kind = kind; self.provider = provider; self.region = region; self.instanceType = instanceType
    self.gpu = gpu; self.gpusPerInstance = gpusPerInstance; self.model = model; self.precision = precision; self.pricing = pricing
    self.monthlyCost = monthlyCost; self.costPer1MTokens = costPer1MTokens; self.layout = layout; self.instancesPeak = instancesPeak
    self.instancesMin = instancesMin; self.instanceHoursPerMonth = instanceHoursPerMonth; self.utilisation = utilisation
    self.ttftMs = ttftMs; self.tpotMs = tpotMs; self.meetsTargets = meetsTargets; self.availability = availability; self.notes = notes
  }
}

public struct PlanAvailability: Sendable, Codable, Equatable {
  public var gpusNeeded: Int
  /// Share of trials in which every instance needed at peak could be had.
  public var probabilityToHold: Double
  public var expectedInterruptionsPerMonth: Double
  @MoneyEstimate public var p50MonthlyCost: Double
  @MoneyEstimate public var p90MonthlyCost: Double
  /// The spot interruption band used (`<5%` … `>20%`), `n/a` without spot.
  public var band: String
  /// True when the band is assumed (no spot-risk row for this provider/region/type).
  public var bandAssumed: Bool
  public var risk: PlanRisk

  public init(gpusNeeded: Int, probabilityToHold: Double, expectedInterruptionsPerMonth: Double, p50MonthlyCost: Double, p90MonthlyCost: Double,
              band: String, bandAssumed: Bool, risk: PlanRisk) {
    self.gpusNeeded = gpusNeeded; self.probabilityToHold = probabilityToHold; self.expectedInterruptionsPerMonth = expectedInterruptionsPerMonth
    self.p50MonthlyCost = p50MonthlyCost; self.p90MonthlyCost = p90MonthlyCost; self.band = band; self.bandAssumed = bandAssumed; self.risk = risk
  }
}

public struct PlanRecommendation: Sendable, Codable, Equatable {
  public var optionId: String
  public var reasons: [String]
  public init(optionId: String, reasons: [String]) { self.optionId = optionId; self.reasons = reasons }
}

public struct PlanBreakEven: Sendable, Codable, Equatable {
  public var apiOptionId: String?
  /// Input + output tokens per month at which the cheapest self-hosted option costs what the API costs; nil when none in the sweep.
  public var monthlyTokens: Double?
  public var statement: String
  public var sweep: [PlanSweepPoint]
  public init(apiOptionId: String?, monthlyTokens: Double?, statement: String, sweep: [PlanSweepPoint]) {
    self.apiOptionId = apiOptionId; self.monthlyTokens = monthlyTokens; self.statement = statement; self.sweep = sweep
  }
}

public struct PlanSweepPoint: Sendable, Codable, Equatable {
  public var monthlyTokens: Double
  @OptionalMoneyEstimate public var apiCost: Double?
  @OptionalMoneyEstimate public var selfHostedCost: Double?
  public init(monthlyTokens: Double, apiCost: Double?, selfHostedCost: Double?) {
    self.monthlyTokens = monthlyTokens; self.apiCost = apiCost; self.selfHostedCost = selfHostedCost
  }
}

public struct PlanCalibration: Sendable, Codable, Equatable {
  public var benchmarkRows: Int
  public var medianAbsPercentError: Double?
  public var worstAbsPercentError: Double?
  public init(benchmarkRows: Int, medianAbsPercentError: Double?, worstAbsPercentError: Double?) {
    self.benchmarkRows = benchmarkRows; self.medianAbsPercentError = medianAbsPercentError; self.worstAbsPercentError = worstAbsPercentError
  }
}

/// How plan amounts read, in the planner's reasons and in every renderer alike.
public enum PlanText {
  /// `$1,437.19` (rounded to the cent).
  public static func dollars(_ v: Double) -> String {
    let cents = (v * 100).rounded()
    let fraction = Int64(abs(cents)) % 100
    return (cents < 0 ? "-$" : "$") + Digits.grouped(String(Int64(abs(cents) / 100))) + "." + (fraction < 10 ? "0" : "") + String(fraction)
  }

  /// `66.16B`, `45.6M`, `950`.
  public static func tokens(_ v: Double) -> String {
    if v >= 1e12 { return String(format: "%.2fT", v / 1e12) }
    if v >= 1e9 { return String(format: "%.2fB", v / 1e9) }
    if v >= 1e6 { return String(format: "%.1fM", v / 1e6) }
    return String(format: "%.0f", v)
  }
}

/// A money estimate of the planner (a model's Double, not a bill's exact amount), written in JSON as a
/// decimal string rounded to `digits` places — JSON carries money as decimal strings everywhere, so a
/// consumer never reads a float as dollars.
@propertyWrapper
public struct MoneyEstimate: Codable, Equatable, Sendable {
  public var wrappedValue: Double
  public var digits: Int
  public init(wrappedValue: Double, digits: Int = 2) { self.wrappedValue = wrappedValue; self.digits = digits }
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let v = Double(text) else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an amount: \(text)")) }
    wrappedValue = v; digits = 2
  }
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(wrappedValue.isFinite ? String(format: "%.\(digits)f", wrappedValue) : "unpriced")
  }
  public static func == (l: Self, r: Self) -> Bool { l.wrappedValue == r.wrappedValue }
}

/// `MoneyEstimate` for an amount that may be absent (JSON null).
@propertyWrapper
public struct OptionalMoneyEstimate: Codable, Equatable, Sendable {
  public var wrappedValue: Double?
  public init(wrappedValue: Double?) { self.wrappedValue = wrappedValue }
  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    wrappedValue = c.decodeNil() ? nil : Double(try c.decode(String.self))
  }
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    if let v = wrappedValue, v.isFinite { try c.encode(String(format: "%.2f", v)) } else { try c.encodeNil() }
  }
}

/// `MoneyEstimate` for a unit cost ($ per 1M tokens): six decimals.
@propertyWrapper
public struct RateEstimate: Codable, Equatable, Sendable {
  public var wrappedValue: Double
  public init(wrappedValue: Double) { self.wrappedValue = wrappedValue }
  public init(from decoder: any Decoder) throws { wrappedValue = try MoneyEstimate(from: decoder).wrappedValue }
  public func encode(to encoder: any Encoder) throws { try MoneyEstimate(wrappedValue: wrappedValue, digits: 6).encode(to: encoder) }
}
