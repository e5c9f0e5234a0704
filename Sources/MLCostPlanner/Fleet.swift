import MLCostCore
import Foundation
import MLCostCatalogs

/// Replicas per hour over the week for one instance offer, and the cost of running them under
/// each pricing. Pure arithmetic, no randomness: the Monte Carlo adds the spread.
struct Fleet {
  let instancesPerHour: [Int]
  /// Requests per second one instance serves at the autoscaler's target.
  let capacity: Double
  /// Made once: the break-even search prices every candidate ~60 times.
  let peak: Int, base: Int
  /// Instance-hours per month.
  let hours: Double

  /// replicas(h) = ceil(demand(h) / capacity), at least the minimum unless the hour has no traffic and scale-to-zero is on.
  init(hourlyRequests: [Double], capacityPerSecond: Double, minReplicas: Int, scaleToZero: Bool) {
    capacity = capacityPerSecond
    let perHour = hourlyRequests.map { r in
      let need = Int((r / 3600 / capacityPerSecond - 1e-9).rounded(.up))
      if r <= 0 && scaleToZero { return 0 }
      return max(need, minReplicas, 1)
    }
    instancesPerHour = perHour
    peak = perHour.max() ?? 0
    base = perHour.min() ?? 0
    hours = Double(perHour.reduce(0, +)) * Workload.weeksPerMonth
  }

  /// Hours per month of the part of the fleet above `floor` instances, and of the part up to it.
  func split(floor: Int) -> (below: Double, above: Double) {
    var below = 0, above = 0
    for n in instancesPerHour { below += min(n, floor); above += max(0, n - floor) }
    return (Double(below) * Workload.weeksPerMonth, Double(above) * Workload.weeksPerMonth)
  }
}

/// One way to pay for a fleet.
struct Pricing {
  var name: PlanPricing
  var monthlyCost: Double
  /// Instance-hours per month on spot.
  var spotHours: Double
  /// Instances on spot at the peak hour (the rest are on-demand or committed).
  var spotPeak: Int
  var notes: [String] = []
}

extension Fleet {
  /// Every pricing this offer supports for this fleet; a missing price skips that pricing (unpriced, not $0).
  func pricings(_ o: InstanceOffer, policy: Workload.PricingPolicy, horizonMonths: Int, spotRate: Double, withNotes: Bool = true) -> [Pricing] {
    var out: [Pricing] = []
    let od = o.onDemandPerHour
    if let od { out.append(Pricing(name: .onDemand, monthlyCost: hours * od, spotHours: 0, spotPeak: 0)) }
    /// Spot above `floor` instances: its hours at the spot rate, plus each interruption's replacement boot time.
    func spotCost(aboveHours: Double, spot: Double) -> Double {
      aboveHours * spot + spotRate * aboveHours / Workload.hoursPerMonth * policy.restartMinutes / 60 * spot
    }
    if let spot = o.spotPerHour, let od {
      let floor = min(policy.spotOnDemandFloor, peak)
      let s = split(floor: floor)
      out.append(Pricing(name: .spot, monthlyCost: s.below * od + spotCost(aboveHours: s.above, spot: spot), spotHours: s.above,
                         spotPeak: peak - floor, notes: floor > 0 && withNotes ? ["\(floor) on-demand replica(s) under the spot fleet"] : []))
    }
    let discounts = policy.commitmentDiscount(provider: o.provider)
    let contract = policy.contractSources[o.provider.lowercased()]
    for (term, months, published, discount, withOnDemand, withSpot) in [
      ("1y", 12, o.commit1yPerHour, discounts?.oneYear, PlanPricing.oneYearOnDemand, PlanPricing.oneYearSpot),
      ("3y", 36, o.commit3yPerHour, discounts?.threeYear, PlanPricing.threeYearOnDemand, PlanPricing.threeYearSpot),
    ] {
      // The user's own commitments' discount beats the published rate; a scenario's discount only fills a gap.
      let catalogRate = contract != nil && discount != nil ? nil : published
      guard base > 0, let rate = catalogRate ?? (od.flatMap { od in discount.map { od * (1 - $0) } }) else { continue }
      // A commitment longer than the horizon is paid in full: spread it over the horizon.
      let termFactor = max(1, Double(months) / Double(max(1, horizonMonths)))
      let committed = Double(base) * Workload.hoursPerMonth * rate * termFactor
      let s = split(floor: base)
      var notes: [String] = []
      if withNotes {
        let source = catalogRate != nil ? "published \(term) rate"
          : "\(term) rate = on-demand − \(Int((discount! * 100).rounded()))% (\(contract ?? "scenario"))"
        notes.append("\(base) instance(s) committed (\(source))")
        if termFactor > 1 { notes.append("the \(term) term outlasts the \(horizonMonths)-month horizon: its cost is spread over the horizon") }
      }
      if let od {
        out.append(Pricing(name: withOnDemand, monthlyCost: committed + s.above * od, spotHours: 0, spotPeak: 0, notes: notes))
      }
      if let spot = o.spotPerHour, o.onDemandPerHour != nil, s.above > 0 {
        out.append(Pricing(name: withSpot, monthlyCost: committed + spotCost(aboveHours: s.above, spot: spot), spotHours: s.above,
                           spotPeak: peak - base, notes: notes))
      }
    }
    return out
  }

  /// The cheapest of `pricings(…)`'s monthly costs, computed without building them (the break-even search asks
  /// for it ~50 times per candidate). A test holds it equal to `pricings(…).map(\.monthlyCost).min()`.
  func minimumCost(_ o: InstanceOffer, policy: Workload.PricingPolicy, horizonMonths: Int, spotRate: Double, commitment: (oneYear: Double?, threeYear: Double?)?,
                   contract: Bool? = nil) -> Double? {
    var best = Double.infinity
    let od = o.onDemandPerHour
    func spotCost(aboveHours: Double, spot: Double) -> Double {
      aboveHours * spot + spotRate * aboveHours / Workload.hoursPerMonth * policy.restartMinutes / 60 * spot
    }
    if let od { best = min(best, hours * od) }
    if let spot = o.spotPerHour, let od {
      let s = split(floor: min(policy.spotOnDemandFloor, peak))
      best = min(best, s.below * od + spotCost(aboveHours: s.above, spot: spot))
    }
    if base > 0 {
      var aboveBase: Double?
      let contract = contract ?? (policy.contractSources[o.provider.lowercased()] != nil)
      func term(_ months: Int, _ published: Double?, _ discount: Double?) {
        let catalogRate = contract && discount != nil ? nil : published
        guard let rate = catalogRate ?? (od.flatMap { od in discount.map { od * (1 - $0) } }) else { return }
        let committed = Double(base) * Workload.hoursPerMonth * rate * max(1, Double(months) / Double(max(1, horizonMonths)))
        let above = aboveBase ?? split(floor: base).above
        aboveBase = above
        if let od { best = min(best, committed + above * od) }
        if let spot = o.spotPerHour, od != nil, above > 0 { best = min(best, committed + spotCost(aboveHours: above, spot: spot)) }
      }
      term(12, o.commit1yPerHour, commitment?.oneYear)
      term(36, o.commit3yPerHour, commitment?.threeYear)
    }
    return best.isFinite ? best : nil
  }
}
