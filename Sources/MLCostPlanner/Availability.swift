import Foundation
import MLCostCatalogs
import MLCostCore

/// A seeded Monte Carlo over one month of one option (docs/planner.md, "Availability"):
/// every instance needed at peak is requested; spot requests fail more often where the catalog
/// shows no spot discount (no spare capacity) and in worse interruption bands; a failed spot
/// request falls back to on-demand at on-demand prices; interruptions arrive as a Poisson
/// process at the band's monthly rate and each one is replaced (spot again, else on-demand).
struct AvailabilitySimulator {
  var trials: Int
  var seed: UInt64

  struct Input {
    var id: String
    var offer: InstanceOffer
    var pricing: Pricing
    var peak: Int
    /// Monthly interruption rate per spot instance, and the band label.
    var rate: Double
    var band: String
    var bandAssumed: Bool
    var restartHours: Double
  }

  /// Probability that one on-demand (or committed) instance can be launched when asked for.
  static func onDemandChance(_ o: InstanceOffer) -> Double {
    let tight = o.zones > 0 ? Double(o.zonesWithoutSpotDiscount) / Double(o.zones) : 0
    return 0.995 - 0.25 * tight - (o.gpuCount >= 8 ? 0.01 : 0)
  }

  /// Probability that one spot request is filled.
  static func spotChance(_ o: InstanceOffer, rate: Double) -> Double {
    let tight = o.zones > 0 ? Double(o.zonesWithoutSpotDiscount) / Double(o.zones) : 0
    return max(0.05, 0.95 * (1 - tight) * (1 - rate / 2))
  }

  func run(_ input: Input, minProbability: Double) -> PlanAvailability {
    var rng = SplitMix64(seed: seed ^ Self.fnv1a(input.id))
    func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
    let o = input.offer, p = input.pricing
    let qOD = Self.onDemandChance(o), qSpot = Self.spotChance(o, rate: input.rate)
    let od = o.onDemandPerHour, spot = o.spotPerHour ?? od ?? 0
    let spotInstancePeak = p.spotPeak
    let hoursPerSpotInstance = spotInstancePeak > 0 ? p.spotHours / Double(spotInstancePeak) : 0
    let onDemandInstances = input.peak - spotInstancePeak
    let lambda = input.rate * p.spotHours / Workload.hoursPerMonth
    var held = 0, interruptions = 0.0
    var costs = [Double](repeating: 0, count: trials)
    for t in 0..<trials {
      var cost = p.monthlyCost
      var ok = true
      for _ in 0..<onDemandInstances where uniform() >= qOD { ok = false }
      for _ in 0..<spotInstancePeak where uniform() >= qSpot {
        // No spot capacity: that instance runs on-demand all month, if on-demand exists and can be had.
        if let od, uniform() < qOD { cost += hoursPerSpotInstance * (od - spot) } else { ok = false }
      }
      if ok { held += 1 }
      // Interruptions: Poisson(λ) by inversion.
      var k = 0
      if lambda > 0 {
        var prob = exp(-lambda), cumulative = prob
        let u = uniform()
        while u > cumulative && k < 1000 { k += 1; prob *= lambda / Double(k); cumulative += prob }
      }
      interruptions += Double(k)
      for _ in 0..<k {
        cost += input.restartHours * spot
        if uniform() >= qSpot, let od {
          // Replaced on-demand for the rest of the month (the interruption lands uniformly in it).
          cost += uniform() * hoursPerSpotInstance * (od - spot)
        }
      }
      costs[t] = cost
    }
    costs.sort()
    let probability = Double(held) / Double(max(1, trials))
    let expected = interruptions / Double(max(1, trials))
    let p50 = costs.isEmpty ? p.monthlyCost : costs[costs.count / 2]
    let p90 = costs.isEmpty ? p.monthlyCost : costs[min(costs.count - 1, Int(Double(costs.count) * 0.9))]
    var risk: PlanRisk = probability >= 0.95 && expected < 1 ? .low : probability >= minProbability ? .medium : .high
    // The bill's spread is a risk too: a P90 month at 3× the median is high risk however likely the GPUs are.
    let spread = p50 > 0 ? p90 / p50 : 1
    if spread > Self.highSpread { risk = .high } else if spread > Self.mediumSpread && risk == .low { risk = .medium }
    return PlanAvailability(gpusNeeded: input.peak * o.gpuCount, probabilityToHold: probability, expectedInterruptionsPerMonth: expected,
                            p50MonthlyCost: p50, p90MonthlyCost: p90,
                            band: p.spotHours > 0 ? input.band : "n/a", bandAssumed: p.spotHours > 0 && input.bandAssumed, risk: risk)
  }

  /// P90 ÷ P50 of the monthly cost above which an option is at least medium, and high, risk.
  static let mediumSpread = 1.5, highSpread = 3.0

  /// A stable 64-bit hash (Swift's `hashValue` changes per process): each option gets its own stream.
  static func fnv1a(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
  }
}
