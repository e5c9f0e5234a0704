import Foundation
import MLCostCatalogs
import MLCostCore

public enum PlannerError: Error, Equatable, CustomStringConvertible {
  case invalid(String)
  public var description: String { switch self { case let .invalid(s): "error: \(s)" } }
}

/// Values in, plan out: a workload and the catalogs become ranked options, a recommendation, the
/// break-even volume against the API and the availability risk. No clock, no I/O; the random
/// seed is in the workload.
public struct Planner: Sendable {
  public var catalog: Catalog
  public var throughput: ThroughputModel
  public var calibration: PlanCalibration
  /// How many options the plan lists (all API options are always listed).
  public var top: Int

  public init(catalog: Catalog, efficiency: Efficiency, calibration: PlanCalibration, top: Int = 15) {
    self.catalog = catalog; self.throughput = ThroughputModel(efficiency: efficiency); self.calibration = calibration; self.top = top
  }

  /// One self-hosted candidate before pricing: a model at a precision on one instance offer.
  struct Candidate {
    var model: ModelShape
    var precision: Precision
    var offer: InstanceOffer
    var estimate: ThroughputEstimate
    /// Requests per second per instance at the autoscaler's target.
    var capacity: Double
    /// Monthly spot interruption rate of this offer.
    var spotRate: Double
    /// Why the spot price differs from the catalog's, when it does.
    var spotNote: String?
  }

  /// The offer with a spot price no deeper than the Spot Advisor's average saving for it: the catalog's spot price
  /// is the cheapest zone's at one moment, which ran 15–60 points deeper than the advisor for some AWS rows.
  func consistentSpot(_ o: InstanceOffer) -> (InstanceOffer, String?) {
    guard let od = o.onDemandPerHour, let spot = o.spotPerHour, od > 0,
          let savings = catalog.spotRisk(provider: o.provider, region: o.region, instanceType: o.instanceType)?.savings else { return (o, nil) }
    let floor = od * (1 - savings)
    guard spot < floor * 0.95 else { return (o, nil) }
    var adjusted = o
    adjusted.spotPerHour = floor
    return (adjusted, String(format: "spot priced at the Spot Advisor's average saving (%.0f%% off), not the cheapest zone's %.0f%% off", savings * 100,
                             (1 - spot / od) * 100))
  }

  public func plan(_ w: Workload, at time: Int64) throws -> PlanResult {
    try check(w)
    var notes: [String] = []
    let candidates = try self.candidates(w, notes: &notes)
    var (options, ownAPIs) = apiOptions(w, at: time, notes: &notes)
    let selfHosted = selfHostedOptions(w, candidates)
    notes.append("\(selfHosted.count) self-hosted options evaluated (\(candidates.count) model × precision × instance × region combinations that fit).")
    let simulated = simulatedCheapest(w, Self.oncePerPrice(selfHosted))
    options += simulated
    options.sort { a, b in
      let (x, y) = (ok(a, w), ok(b, w))
      return x != y ? x : (a.monthlyCost, a.id) < (b.monthlyCost, b.id)
    }
    let shownSelfHosted = Set(options.filter { $0.kind == .selfHosted }.prefix(top).map(\.id))
    let bestStem = options.first { $0.kind == .selfHosted && ok($0, w) }.map { Self.stem($0.id) }
    options = options.filter { $0.kind == .api || shownSelfHosted.contains($0.id) || bestStem.map($0.id.hasPrefix) == true }
    for i in options.indices { options[i].rank = i + 1 }

    let apiReference = referenceAPI(options, own: ownAPIs)
    if apiReference != nil && ownAPIs.isEmpty {
      notes.append("No API the workload uses today is priced: the comparison is with the cheapest hosted API option.")
    }
    let breakEven = self.breakEven(w, candidates: candidates, api: apiReference)
    let recommendation = recommend(options, w, api: apiReference, breakEven: breakEven)
    return PlanResult(name: w.name, requestType: w.requestType, workload: summary(w), options: options, recommendation: recommendation,
                      breakEven: breakEven, calibration: calibration, notes: notes, seed: w.availability.seed, trials: w.availability.trials)
  }

  typealias Entry = (PlanOption, Candidate, Pricing)

  /// Every pricing of every candidate on the fleet its capacity needs, cheapest first.
  func selfHostedOptions(_ w: Workload, _ candidates: [Candidate]) -> [Entry] {
    var selfHosted: [Entry] = []
    var fleets: [Double: Fleet] = [:]   // offers with the same GPUs share a capacity, hence a fleet
    // Said on every option: formatted once, not once per option (tens of thousands).
    let fixedNote = w.selfHost.fixedMonthly.isEmpty ? nil
      : "includes \(PlanText.dollars(w.selfHost.fixedMonthlyTotal)) a month fixed: \(w.selfHost.fixedMonthlyParts)"
    for c in candidates {
      let fleet = fleets[c.capacity] ?? Fleet(hourlyRequests: w.hourlyRequests, capacityPerSecond: c.capacity,
                                              minReplicas: w.selfHost.minReplicas, scaleToZero: w.selfHost.scaleToZero)
      fleets[c.capacity] = fleet
      for var p in fleet.pricings(c.offer, policy: w.pricing, horizonMonths: w.horizonMonths, spotRate: c.spotRate) {
        // The scenario's fixed monthly costs are part of every self-hosted option (and of its P50/P90).
        p.monthlyCost += w.selfHost.fixedMonthlyTotal
        selfHosted.append((option(w, c, fleet, p, fixedNote: fixedNote), c, p))
      }
    }
    // Sorts small keys, then moves each entry once (comparing and swapping whole entries dominated this step).
    let order = selfHosted.indices.map { ($0, selfHosted[$0].0.monthlyCost, selfHosted[$0].0.id) }.sorted { ($0.1, $0.2) < ($1.1, $1.2) }
    return order.map { selfHosted[$0.0] }
  }

  /// Same instance type and price in several regions (Lambda, RunPod price alike everywhere): listed once, with a note.
  static func oncePerPrice(_ selfHosted: [Entry]) -> [Entry] {
    var firstOf: [String: Int] = [:]
    var unique: [Entry] = []
    var alsoIn: [[String]] = []
    for entry in selfHosted {
      let o = entry.0
      let key = "\(o.provider)|\(o.instanceType ?? "")|\(o.model)|\(o.precision ?? "")|\(o.pricing)|\(Int64((o.monthlyCost * 100).rounded()))"
      if let i = firstOf[key] { alsoIn[i].append(o.region ?? "") } else { firstOf[key] = unique.count; unique.append(entry); alsoIn.append([]) }
    }
    for (i, same) in alsoIn.enumerated() where !same.isEmpty {
      unique[i].0.notes.append("same price in \(same.count) other region(s): \(same.prefix(8).joined(separator: ", "))\(same.count > 8 ? " …" : "")")
    }
    return unique
  }

  /// The Monte Carlo for the cheapest options (it is the expensive part), and for every pricing of the best instance
  /// (on-demand vs spot vs commitments side by side); availability then re-ranks them.
  func simulatedCheapest(_ w: Workload, _ unique: [Entry]) -> [PlanOption] {
    let simulator = AvailabilitySimulator(trials: w.availability.trials, seed: w.availability.seed)
    func simulate(_ entry: Entry) -> PlanOption {
      var (o, c, p) = entry
      let risk = spotRisk(c.offer)
      o.availability = simulator.run(.init(id: o.id, offer: c.offer, pricing: p, peak: o.instancesPeak ?? 0, rate: risk.rate, band: risk.band,
                                           bandAssumed: risk.assumed, restartHours: w.pricing.restartMinutes / 60),
                                     minProbability: w.availability.minProbability)
      return o
    }
    var simulated = unique.prefix(max(top * 3, 30)).map(simulate)
    // Show every pricing of the best instance (on-demand vs spot vs commitments side by side).
    if let best = simulated.first(where: { ok($0, w) }) ?? simulated.first {
      for entry in unique where entry.0.id.hasPrefix(Self.stem(best.id)) && !simulated.contains(where: { $0.id == entry.0.id }) {
        simulated.append(simulate(entry))
      }
    }
    return simulated
  }


  /// `self-hosted/AWS/us-east-1/p5.48xlarge/Llama-3.1-70B/fp8/spot` → everything before the pricing.
  static func stem(_ id: String) -> String { String(id[..<(id.lastIndex(of: "/") ?? id.endIndex)]) + "/" }

  func ok(_ o: PlanOption, _ w: Workload) -> Bool {
    o.meetsTargets && (o.availability.map { $0.probabilityToHold >= w.availability.minProbability } ?? true)
  }

  func check(_ w: Workload) throws {
    if w.hourlyRequests.count != 168 { throw PlannerError.invalid("the hourly profile has \(w.hourlyRequests.count) values, a week has 168") }
    if w.hourlyRequests.contains(where: { $0 < 0 || !$0.isFinite }) { throw PlannerError.invalid("the hourly profile has a negative or non-finite value") }
    if w.hourlyRequests.allSatisfy({ $0 == 0 }) { throw PlannerError.invalid("the workload has no requests") }
    if w.inputTokens <= 0 || w.outputTokens <= 0 { throw PlannerError.invalid("input and output tokens per request must be positive") }
    if w.cachedInputTokens < 0 || w.cachedInputTokens > w.inputTokens { throw PlannerError.invalid("cached input tokens must be between 0 and the input tokens") }
    if !(0.05...1).contains(w.selfHost.targetUtilisation) { throw PlannerError.invalid("target utilisation must be between 0.05 and 1") }
    if w.horizonMonths <= 0 { throw PlannerError.invalid("the horizon must be at least one month") }
    if w.availability.trials <= 0 { throw PlannerError.invalid("the Monte Carlo needs at least one trial") }
    for m in w.selfHost.models where catalog.model(named: m) == nil { throw PlannerError.invalid(ThroughputError.unknownModel(m).description) }
    for g in w.selfHost.gpus where catalog.gpu(named: g) == nil { throw PlannerError.invalid(ThroughputError.unknownGPU(g).description) }
    if !["any", "eu"].contains(w.selfHost.residency) { throw PlannerError.invalid("residency must be any or eu") }
  }

  func candidates(_ w: Workload, notes: inout [String]) throws -> [Candidate] {
    let providers = Set(w.selfHost.providers.map { $0.lowercased() }), regions = Set(w.selfHost.regions.map { $0.lowercased() })
    let gpus = Set(w.selfHost.gpus.compactMap { catalog.gpu(named: $0)?.name })
    let offers = catalog.instances.filter { o in
      (providers.isEmpty || providers.contains(o.provider.lowercased())) && (regions.isEmpty || regions.contains(o.region.lowercased()))
        && (gpus.isEmpty || gpus.contains(catalog.gpu(named: o.gpu)?.name ?? ""))
        && (w.selfHost.residency != "eu" || catalog.region(provider: o.provider, region: o.region)?.euEEA == true)
    }
    if offers.isEmpty { notes.append("No instance offer matches the providers, regions, GPUs and residency allowed.") }
    var estimates: [String: ThroughputEstimate?] = [:]
    var reasons: [String: String] = [:]
    var uncalibrated: [String: Set<String>] = [:]
    var out: [Candidate] = []
    for name in w.selfHost.models {
      let m = catalog.model(named: name)!
      for p in w.selfHost.precisions {
        for listed in offers {
          let (o, spotNote) = consistentSpot(listed)
          guard let g = catalog.gpu(named: o.gpu) else { continue }
          // FP8 and FP4 need the GPU's own support (T4, A10G, A100 have no FP8 tensor cores).
          if !g.supports(p) {
            reasons["\(m.name) \(p.rawValue) on \(g.name)"] = "\(g.name) has no native \(p.rawValue.uppercased()) support"
            continue
          }
          let key = "\(m.name)|\(g.name)|\(o.gpuCount)|\(p.rawValue)"
          if estimates[key] == nil {
            do {
              estimates[key] = try throughput.best(model: m, gpu: g, gpus: o.gpuCount, precision: p, input: Int(w.inputTokens.rounded()),
                                                   output: Int(w.outputTokens.rounded()), ttftMs: w.ttftMs, tpotMs: w.tpotMs,
                                                   engine: w.selfHost.engine)
            } catch {
              estimates[key] = .some(nil)
              reasons["\(m.name) \(p.rawValue) on \(o.gpuCount) × \(g.name)"] = "\(error)"
            }
          }
          guard let e = estimates[key]!, e.outputTokensPerSecond > 0 else { continue }
          if !e.calibrated { uncalibrated[e.engine + " on " + g.architecture, default: []].insert(g.name) }
          out.append(Candidate(model: m, precision: p, offer: o, estimate: e,
                               capacity: e.outputTokensPerSecond / w.outputTokens * w.selfHost.targetUtilisation, spotRate: spotRisk(o).rate,
                               spotNote: spotNote))
        }
      }
    }
    for (what, gpus) in uncalibrated.sorted(by: { $0.key < $1.key }) {
      notes.append("Throughput of \(what) (\(gpus.sorted().joined(separator: ", "))) is not calibrated: no published result of that engine on that "
        + "architecture was fitted, so its speed is borrowed from other GPUs or engines (docs/planner.md); treat those options' capacity as ±50%.")
    }
    for (what, why) in reasons.sorted(by: { $0.key < $1.key }).prefix(6) { notes.append("Not viable: \(what): \(why)") }
    if reasons.count > 6 { notes.append("… and \(reasons.count - 6) more GPU configurations that do not fit or miss the latency target.") }
    return out
  }

  struct Risk { var rate: Double; var band: String; var assumed: Bool }

  /// The spot band of this instance in this region; without a row, the most common GPU band (`>20%`), flagged as assumed.
  func spotRisk(_ o: InstanceOffer) -> Risk {
    if let r = catalog.spotRisk(provider: o.provider, region: o.region, instanceType: o.instanceType) {
      // An open-ended band (">20%") counts at its lower edge plus five points.
      let rate = r.interruptionHigh >= 0.99 ? r.interruptionLow + 0.05 : r.monthlyRate
      return Risk(rate: rate, band: r.band, assumed: false)
    }
    return Risk(rate: 0.25, band: ">20%", assumed: true)
  }

  func option(_ w: Workload, _ c: Candidate, _ f: Fleet, _ p: Pricing, fixedNote: String? = nil) -> PlanOption {
    let o = c.offer
    let demand = w.hourlyRequests.reduce(0, +) / 3600
    let served = Double(f.instancesPerHour.reduce(0, +)) * c.capacity / w.selfHost.targetUtilisation
    var notes = p.notes
    if let fixedNote { notes.append(fixedNote) }
    if !c.estimate.calibrated {
      notes.append("throughput not calibrated for \(c.estimate.engine) on this GPU (speed from \(c.estimate.speedCell)): capacity ±50%")
    }
    if let n = c.spotNote, p.spotHours > 0 { notes.append(n) }
    if o.zonesWithoutSpotDiscount > 0 && p.spotHours > 0 {
      notes.append("\(o.zonesWithoutSpotDiscount) of \(o.zones) zones price spot at on-demand (no spare capacity there)")
    }
    return PlanOption(
      id: "self-hosted/\(o.provider)/\(o.region)/\(o.instanceType)/\(c.model.name)/\(c.precision.rawValue)/\(p.name)", kind: .selfHosted,
      provider: o.provider, region: o.region, instanceType: o.instanceType, gpu: o.gpu, gpusPerInstance: o.gpuCount, model: c.model.name,
      precision: c.precision.rawValue, pricing: p.name, monthlyCost: p.monthlyCost, costPer1MTokens: p.monthlyCost / max(1, monthlyTokens(w)) * 1e6,
      layout: c.estimate.layout, instancesPeak: f.peak, instancesMin: f.base, instanceHoursPerMonth: f.hours,
      utilisation: served > 0 ? demand / served : nil, ttftMs: c.estimate.ttftMs, tpotMs: c.estimate.tpotMs, meetsTargets: true, notes: notes)
  }

  func monthlyTokens(_ w: Workload) -> Double { w.monthlyRequests * (w.inputTokens + w.outputTokens) }
}
