import Foundation
import MLCostCatalogs

/// Replicas per hour over the week for one instance offer, and the cost of running them under
/// each pricing. Pure arithmetic, no randomness: the Monte Carlo adds the spread.
struct Fleet {
  var instancesPerHour: [Int]
  /// Requests per second one instance serves at the autoscaler's target.
  var capacity: Double
  var peak: Int { instancesPerHour.max() ?? 0 }
  var base: Int { instancesPerHour.min() ?? 0 }
  /// Instance-hours per month.
  var hours: Double { Double(instancesPerHour.reduce(0, +)) * Workload.weeksPerMonth }

  /// replicas(h) = ceil(demand(h) / capacity), at least the minimum unless the hour has no traffic and scale-to-zero is on.
  init(hourlyRequests: [Double], capacityPerSecond: Double, minReplicas: Int, scaleToZero: Bool) {
    capacity = capacityPerSecond
    instancesPerHour = hourlyRequests.map { r in
      let need = Int((r / 3600 / capacityPerSecond - 1e-9).rounded(.up))
      if r <= 0 && scaleToZero { return 0 }
      return max(need, minReplicas, 1)
    }
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
  var name: String
  var monthlyCost: Double
  /// Instance-hours per month on spot, on-demand (incl. floors), committed.
  var spotHours: Double
  var onDemandHours: Double
  var committedInstances: Int
  /// Instances at the peak hour on spot, and on-demand or committed.
  var spotPeak: Int
  var notes: [String] = []
}

extension Fleet {
  /// Every pricing this offer supports for this fleet; a missing price skips that pricing (unpriced, not $0).
  func pricings(_ o: InstanceOffer, policy: Workload.PricingPolicy, horizonMonths: Int, spotRate: Double, withNotes: Bool = true) -> [Pricing] {
    var out: [Pricing] = []
    let restart = policy.restartMinutes / 60
    let od = o.onDemandPerHour
    if let od { out.append(Pricing(name: "on-demand", monthlyCost: hours * od, spotHours: 0, onDemandHours: hours, committedInstances: 0, spotPeak: 0)) }
    func spotPart(floor: Int, rest: (below: Double, above: Double), spot: Double, odRate: Double) -> (cost: Double, spotHours: Double) {
      // Each interruption costs a replacement's boot time, paid at the spot rate.
      let overhead = spotRate * rest.above / Workload.hoursPerMonth * restart * spot
      return (rest.above * spot + overhead, rest.above)
    }
    if let spot = o.spotPerHour, let od {
      let floor = min(policy.spotOnDemandFloor, peak)
      let s = split(floor: floor)
      let part = spotPart(floor: floor, rest: s, spot: spot, odRate: od)
      out.append(Pricing(name: "spot", monthlyCost: s.below * od + part.cost, spotHours: part.spotHours, onDemandHours: s.below, committedInstances: 0,
                         spotPeak: peak - floor, notes: floor > 0 && withNotes ? ["\(floor) on-demand replica(s) under the spot fleet"] : []))
    }
    let discounts = policy.commitmentDiscounts.first { $0.key.lowercased() == o.provider.lowercased() }?.value
    for (term, months, catalogRate, discount) in [("1y", 12, o.commit1yPerHour, discounts?.oneYear), ("3y", 36, o.commit3yPerHour, discounts?.threeYear)] {
      guard base > 0, let rate = catalogRate ?? (od.flatMap { od in discount.map { od * (1 - $0) } }) else { continue }
      // A commitment longer than the horizon is paid in full: spread it over the horizon.
      let termFactor = max(1, Double(months) / Double(max(1, horizonMonths)))
      let committed = Double(base) * Workload.hoursPerMonth * rate * termFactor
      let s = split(floor: base)
      var notes: [String] = []
      if withNotes {
        let source = catalogRate != nil ? "published \(term) rate" : "\(term) rate = on-demand − \(Int((discount! * 100).rounded()))% (scenario)"
        notes.append("\(base) instance(s) committed (\(source))")
        if termFactor > 1 { notes.append("the \(term) term outlasts the \(horizonMonths)-month horizon: its cost is spread over the horizon") }
      }
      if let od {
        out.append(Pricing(name: "\(term)+on-demand", monthlyCost: committed + s.above * od, spotHours: 0, onDemandHours: s.above,
                           committedInstances: base, spotPeak: 0, notes: notes))
      }
      if let spot = o.spotPerHour, let od, s.above > 0 {
        let part = spotPart(floor: base, rest: s, spot: spot, odRate: od)
        out.append(Pricing(name: "\(term)+spot", monthlyCost: committed + part.cost, spotHours: part.spotHours, onDemandHours: 0,
                           committedInstances: base, spotPeak: peak - base, notes: notes))
      }
    }
    return out
  }
}
