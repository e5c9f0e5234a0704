import Foundation
import MLCostCatalogs
import MLCostCore

/// Everything a plan needs to know about the traffic and the choices allowed (a scenario file or
/// imported usage becomes one of these).
public struct Workload: Sendable, Equatable {
  public var name: String
  public var requestType: String
  /// Requests per hour over one week, Monday 00:00 UTC first (168 values).
  public var hourlyRequests: [Double]
  public var inputTokens: Double
  /// Of the input tokens, how many are served from the provider's prompt cache.
  public var cachedInputTokens: Double
  public var outputTokens: Double
  public var ttftMs: Double?
  public var tpotMs: Double?
  /// Requests that can wait for a batch API (half price at most providers).
  public var batchable: Bool
  public var horizonMonths: Int
  /// The hosted API used today (or considered).
  public var api: [APIChoice]
  public var selfHost: SelfHost
  public var pricing: PricingPolicy
  public var availability: AvailabilityPolicy

  public struct APIChoice: Sendable, Equatable { public var provider: String; public var model: String
    public init(provider: String, model: String) { self.provider = provider; self.model = model } }

  public struct SelfHost: Sendable, Equatable {
    public var models: [String]
    public var precisions: [Precision]
    /// Empty = any.
    public var providers: [String]
    public var regions: [String]
    public var gpus: [String]
    /// `any` or `eu` (EU/EEA regions only).
    public var residency: String
    /// At least this many replicas at every hour (2 by default: a production service survives one failing).
    public var minReplicas: Int
    public var scaleToZero: Bool
    /// Autoscaling keeps each replica below this share of its saturated throughput.
    public var targetUtilisation: Double
    /// Also price the open models at the hosts that serve them by API (Together, Fireworks …).
    public var includeOpenModelAPIs: Bool
    /// What running it yourself costs a month whatever the volume (engineering time, monitoring, egress), USD, by name.
    public var fixedMonthly: [FixedCost] = []
    /// The serving engine (`tensorrt-llm`, `vllm`, `sglang` …); nil = each GPU vendor's default as published
    /// (`GPUSpec.defaultEngine`). Throughput is scaled by that engine's fitted speed on the GPU's architecture.
    public var engine: String?
    public var fixedMonthlyTotal: Double { fixedMonthly.reduce(0) { $0 + $1.usd } }
    /// `engineering $4,000.00, monitoring $300.00`.
    public var fixedMonthlyParts: String { fixedMonthly.map { "\($0.name) \(PlanText.dollars($0.usd))" }.joined(separator: ", ") }
    public init(models: [String], precisions: [Precision] = [.bf16, .fp8], providers: [String] = [], regions: [String] = [], gpus: [String] = [],
                residency: String = "any", minReplicas: Int = 2, scaleToZero: Bool = false, targetUtilisation: Double = 0.8,
                includeOpenModelAPIs: Bool = true) {
      self.models = models; self.precisions = precisions; self.providers = providers; self.regions = regions; self.gpus = gpus
      self.residency = residency; self.minReplicas = minReplicas; self.scaleToZero = scaleToZero; self.targetUtilisation = targetUtilisation
      self.includeOpenModelAPIs = includeOpenModelAPIs
    }
  }

  /// One fixed monthly cost of self-hosting, as the scenario names it.
  public struct FixedCost: Sendable, Equatable {
    public var name: String
    public var usd: Double
    public init(name: String, usd: Double) { self.name = name; self.usd = usd }
  }

  public struct PricingPolicy: Sendable, Equatable {
    /// Replicas kept on-demand under a spot fleet, to hold the latency target through interruptions.
    public var spotOnDemandFloor: Int
    /// Minutes a replacement replica needs to boot and load weights.
    public var restartMinutes: Double
    /// Provider → (1-year, 3-year) discount off on-demand, used where the catalog has no committed price.
    public var commitmentDiscounts: [String: (oneYear: Double?, threeYear: Double?)]
    /// Providers (lowercased) whose `commitmentDiscounts` are what the user's own commitments got (imported FOCUS data),
    /// with where they come from: for those, the discount takes precedence over the catalog's published committed rate.
    public var contractSources: [String: String] = [:]
    public init(spotOnDemandFloor: Int = 1, restartMinutes: Double = 10, commitmentDiscounts: [String: (oneYear: Double?, threeYear: Double?)] = [:]) {
      self.spotOnDemandFloor = spotOnDemandFloor; self.restartMinutes = restartMinutes; self.commitmentDiscounts = commitmentDiscounts
    }
    /// The scenario's commitment discounts for a provider (its name matched ignoring case).
    public func commitmentDiscount(provider: String) -> (oneYear: Double?, threeYear: Double?)? {
      commitmentDiscounts.first { $0.key.lowercased() == provider.lowercased() }?.value
    }
    public static func == (l: PricingPolicy, r: PricingPolicy) -> Bool {
      l.spotOnDemandFloor == r.spotOnDemandFloor && l.restartMinutes == r.restartMinutes
        && l.commitmentDiscounts.mapValues { [$0.oneYear, $0.threeYear] } == r.commitmentDiscounts.mapValues { [$0.oneYear, $0.threeYear] }
        && l.contractSources == r.contractSources
    }
  }

  public struct AvailabilityPolicy: Sendable, Equatable {
    public var trials: Int
    public var seed: UInt64
    /// Options below this probability of holding their GPUs rank after those above it.
    public var minProbability: Double
    public init(trials: Int = 10_000, seed: UInt64 = 42, minProbability: Double = 0.9) {
      self.trials = trials; self.seed = seed; self.minProbability = minProbability
    }
  }

  public init(name: String, requestType: String, hourlyRequests: [Double], inputTokens: Double, cachedInputTokens: Double = 0, outputTokens: Double,
              ttftMs: Double? = nil, tpotMs: Double? = nil, batchable: Bool = false, horizonMonths: Int = 12, api: [APIChoice] = [],
              selfHost: SelfHost, pricing: PricingPolicy = PricingPolicy(), availability: AvailabilityPolicy = AvailabilityPolicy()) {
    self.name = name; self.requestType = requestType; self.hourlyRequests = hourlyRequests; self.inputTokens = inputTokens
    self.cachedInputTokens = cachedInputTokens; self.outputTokens = outputTokens; self.ttftMs = ttftMs; self.tpotMs = tpotMs
    self.batchable = batchable; self.horizonMonths = horizonMonths; self.api = api; self.selfHost = selfHost; self.pricing = pricing
    self.availability = availability
  }

  /// Hours in an average month (8,760 / 12); a week's profile repeats 730 / 168 times.
  public static let hoursPerMonth = 730.0
  public static let weeksPerMonth = hoursPerMonth / 168

  public var monthlyRequests: Double { hourlyRequests.reduce(0, +) * Self.weeksPerMonth }

  /// The same week with every hour's traffic multiplied by `factor`.
  public func scaled(_ factor: Double) -> Workload {
    var w = self
    w.hourlyRequests = hourlyRequests.map { $0 * factor }
    return w
  }
}

/// Named weekly shapes: 168 weights with mean 1 (`daily volume × shape`).
public enum TrafficShape: String, Sendable, CaseIterable {
  case flat
  /// Weekdays 08:00–18:00 busy, evenings half, nights and weekends a tenth.
  case businessHours = "business-hours"
  /// A smooth day (peak 14:00 UTC, trough 02:00 at a quarter of the peak), weekends at 70%.
  case diurnal
  /// Everything between 00:00 and 06:00 UTC (batch jobs).
  case nightlyBatch = "nightly-batch"

  public var weights: [Double] {
    var w = (0..<168).map { h -> Double in
      let day = h / 24, hour = Double(h % 24)
      switch self {
      case .flat: return 1
      case .businessHours:
        if day >= 5 { return 0.1 }
        return (8..<18).contains(hour) ? 1 : (18..<22).contains(hour) || (6..<8).contains(hour) ? 0.5 : 0.1
      case .diurnal:
        let v = 0.625 + 0.375 * cos((hour - 14) / 24 * 2 * Double.pi)
        return day >= 5 ? 0.7 * v : v
      case .nightlyBatch: return hour < 6 ? 1 : 0
      }
    }
    let mean = w.reduce(0, +) / 168
    w = w.map { $0 / mean }
    return w
  }
}
