import Foundation
import MLCostCatalogs
import MLCostCore

extension Planner {
  /// The cheapest self-hosted monthly cost for the workload scaled by `factor` (deterministic pricing only).
  func cheapestSelfHosted(_ w: Workload, _ candidates: [Candidate], factor: Double, terms: [CommitmentTerms]? = nil) -> Double? {
    let terms = terms ?? commitmentTerms(w, candidates)
    let scaled = w.scaled(factor)
    var fleets: [Double: Fleet] = [:]
    var best: Double?
    for (c, t) in zip(candidates, terms) {
      let fleet = fleets[c.capacity] ?? Fleet(hourlyRequests: scaled.hourlyRequests, capacityPerSecond: c.capacity,
                                              minReplicas: w.selfHost.minReplicas, scaleToZero: w.selfHost.scaleToZero)
      fleets[c.capacity] = fleet
      if let cost = fleet.minimumCost(c.offer, policy: w.pricing, horizonMonths: w.horizonMonths, spotRate: c.spotRate, commitment: t.discount,
                                      contract: t.contract),
         best == nil || cost < best! { best = cost }
    }
    return best.map { $0 + w.selfHost.fixedMonthlyTotal }
  }

  /// What each candidate's provider commits at, looked up once per plan (the break-even search prices every candidate
  /// ~50 times).
  struct CommitmentTerms { var discount: (oneYear: Double?, threeYear: Double?)?; var contract: Bool }

  func commitmentTerms(_ w: Workload, _ candidates: [Candidate]) -> [CommitmentTerms] {
    var byProvider: [String: CommitmentTerms] = [:]
    return candidates.map { c in
      if let t = byProvider[c.offer.provider] { return t }
      let t = CommitmentTerms(discount: w.pricing.commitmentDiscount(provider: c.offer.provider),
                              contract: w.pricing.contractSources[c.offer.provider.lowercased()] != nil)
      byProvider[c.offer.provider] = t
      return t
    }
  }

  /// Sweeps volume from 1% to 100× today's and finds where self-hosting starts to beat the API.
  func breakEven(_ w: Workload, candidates: [Candidate], api: PlanOption?) -> PlanBreakEven {
    let tokens = monthlyTokens(w)
    let factors = (0...32).map { pow(10, -2 + Double($0) / 8) }
    let terms = commitmentTerms(w, candidates)
    let sweep = factors.map { f in
      PlanSweepPoint(monthlyTokens: tokens * f, apiCost: api.map { $0.monthlyCost * f },
                     selfHostedCost: cheapestSelfHosted(w, candidates, factor: f, terms: terms))
    }
    guard let api else {
      return PlanBreakEven(apiOptionId: nil, monthlyTokens: nil, statement: "No priced API option: nothing to break even against.", sweep: sweep)
    }
    guard !candidates.isEmpty else {
      return PlanBreakEven(apiOptionId: api.id, monthlyTokens: nil, statement: "No self-hosted option fits: the API is the only choice.", sweep: sweep)
    }
    func cheaper(_ f: Double) -> Bool { (cheapestSelfHosted(w, candidates, factor: f, terms: terms) ?? .infinity) <= api.monthlyCost * f }
    // The sweep has priced every factor already: find the first crossing in it, then bisect between its neighbours.
    func cheaperAt(_ i: Int) -> Bool { (sweep[i].selfHostedCost ?? .infinity) <= api.monthlyCost * factors[i] }
    if cheaperAt(0) {
      return PlanBreakEven(apiOptionId: api.id, monthlyTokens: tokens * factors[0],
                           statement: "Self-hosting is cheaper than \(api.provider) \(api.model) from 1% of this volume up.", sweep: sweep)
    }
    guard let i = factors.indices.first(where: cheaperAt) else {
      return PlanBreakEven(apiOptionId: api.id, monthlyTokens: nil,
                           statement: "\(api.provider) \(api.model) stays cheaper than self-hosting up to 100× this volume.", sweep: sweep)
    }
    var lo = log(factors[i - 1]), hi = log(factors[i])
    // 20 halvings of a 1/8-decade interval: the volume to 0.0003%.
    for _ in 0..<20 { let mid = (lo + hi) / 2; if cheaper(exp(mid)) { hi = mid } else { lo = mid } }
    let volume = tokens * exp(hi)
    let ratio = exp(hi)
    let statement = String(format: "Self-hosting breaks even with %@ %@ at %@ tokens a month (%@ today's volume), where both cost %@ a month.",
                           api.provider, api.model, PlanText.tokens(volume),
                           ratio >= 1 ? String(format: "%.1f×", ratio) : String(format: "%.0f%% of", ratio * 100),
                           PlanText.dollars(api.monthlyCost * ratio))
    return PlanBreakEven(apiOptionId: api.id, monthlyTokens: volume, statement: statement, sweep: sweep)
  }

  /// One line a reader can act on: switch to the best option that meets the targets and save what, or stay.
  static func verdict(best: PlanOption, api: PlanOption?, meetsTargets: Bool) -> String {
    func label(_ o: PlanOption) -> String {
      o.kind == .api ? "\(o.provider) \(o.model) (\(o.pricing))"
        : "\(o.model) \(o.precision ?? "") self-hosted on \(o.provider) \(o.instanceType ?? "") in \(o.region ?? ""), \(o.pricing)"
    }
    guard let api else { return "Verdict: \(label(best)), \(PlanText.dollars(best.monthlyCost)) a month (no API used today to compare with)." }
    guard meetsTargets else { return "Verdict: nothing meets the targets and constraints; see the notes." }
    let saving = api.monthlyCost - best.monthlyCost
    if best.id == api.id || saving <= 0.005 * api.monthlyCost {
      return "Verdict: stay on \(api.provider) \(api.model): no option that meets the targets costs less than its \(PlanText.dollars(api.monthlyCost)) a month."
    }
    return String(format: "Verdict: switch to %@ and save %@ a month (%.0f%%) against %@ %@ at %@.", label(best), PlanText.dollars(saving),
                  saving / api.monthlyCost * 100, api.provider, api.model, PlanText.dollars(api.monthlyCost))
  }

  func recommend(_ options: [PlanOption], _ w: Workload, api: PlanOption?, breakEven: PlanBreakEven) -> PlanRecommendation? {
    guard let best = options.first else { return nil }
    var reasons: [String] = [Self.verdict(best: best, api: api, meetsTargets: ok(best, w))]
    let cheapestSelf = options.first { $0.kind == .selfHosted }
    if best.kind == .api {
      reasons.append("\(best.provider) \(best.model) (\(best.pricing)) costs \(PlanText.dollars(best.monthlyCost)) a month, \(String(format: "$%.3f", best.costPer1MTokens)) per 1M tokens.")
      if let s = cheapestSelf {
        reasons.append("The cheapest self-hosted option (\(s.model) \(s.precision ?? "") on \(s.instanceType ?? "") in \(s.provider) \(s.region ?? ""), \(s.pricing)) would cost \(PlanText.dollars(s.monthlyCost)).")
      }
    } else {
      reasons.append("\(best.model) (\(best.precision ?? "")) on \(best.provider) \(best.instanceType ?? "") in \(best.region ?? ""), \(best.pricing): \(PlanText.dollars(best.monthlyCost)) a month, \(String(format: "$%.3f", best.costPer1MTokens)) per 1M tokens.")
      if let api {
        let saving = api.monthlyCost - best.monthlyCost
        reasons.append(String(format: "%@ a month less than %@ %@ (%@, %.0f%% less).", PlanText.dollars(saving), api.provider, api.model,
                              PlanText.dollars(api.monthlyCost), saving / max(api.monthlyCost, 1e-9) * 100))
      }
      reasons.append("Layout \(best.layout ?? "?") per instance; \(best.instancesMin ?? 0)–\(best.instancesPeak ?? 0) instances over the week; utilisation \(Int(((best.utilisation ?? 0) * 100).rounded()))%.")
      var latency = String(format: "TPOT %.0f ms, TTFT %.0f ms at the chosen batch", best.tpotMs ?? 0, best.ttftMs ?? 0)
      if w.tpotMs != nil || w.ttftMs != nil { latency += " (targets: " + [w.tpotMs.map { String(format: "TPOT ≤ %.0f ms", $0) }, w.ttftMs.map { String(format: "TTFT ≤ %.0f ms", $0) }].compactMap { $0 }.joined(separator: ", ") + ")" }
      reasons.append(latency + ".")
      if let a = best.availability {
        reasons.append(String(format: "Probability of getting all %d GPUs: %.0f%%; %.1f spot interruptions a month expected; P50 %@, P90 %@ a month (%d trials, seed %llu).",
                              a.gpusNeeded, a.probabilityToHold * 100, a.expectedInterruptionsPerMonth, PlanText.dollars(a.p50MonthlyCost),
                              PlanText.dollars(a.p90MonthlyCost), w.availability.trials, w.availability.seed))
        if a.bandAssumed { reasons.append("No spot-risk data for this provider and region: the \(a.band) band is assumed.") }
      }
      reasons += best.notes.filter { !$0.hasPrefix("LiteLLM") }
    }
    if let api, let host = cheapestHost(options, of: api) {
      let saving = api.monthlyCost - host.monthlyCost
      reasons.append(String(format: "The same model for less: %@ %@ (%@) at %@ a month, %@ (%.0f%%) less than %@ %@.", host.provider, host.model,
                            host.pricing.rawValue, PlanText.dollars(host.monthlyCost), PlanText.dollars(saving), saving / max(api.monthlyCost, 1e-9) * 100,
                            api.provider, api.model))
    }
    var selfHosting = "Self-hosting here keeps at least \(w.selfHost.minReplicas) replica(s) up at every hour"
    if w.selfHost.minReplicas < 2 { selfHosting += " (no redundancy: one failure is an outage)" }
    if w.selfHost.fixedMonthlyTotal > 0 {
      selfHosting += " and carries \(PlanText.dollars(w.selfHost.fixedMonthlyTotal)) a month fixed (\(w.selfHost.fixedMonthlyParts))"
    } else {
      selfHosting += "; no fixed cost of running it (engineering time, monitoring) is counted: set self_host.fixed_monthly_usd"
    }
    reasons.append(selfHosting + ".")
    reasons.append(breakEven.statement)
    if w.selfHost.residency == "eu" { reasons.append("Only EU/EEA regions, and hosted APIs whose price list places them in the EU/EEA, were considered.") }
    return PlanRecommendation(optionId: best.id, reasons: reasons)
  }

  func summary(_ w: Workload) -> PlanWorkload {
    let requests = w.monthlyRequests
    return PlanWorkload(monthlyRequests: requests, monthlyInputTokens: requests * w.inputTokens, monthlyCachedInputTokens: requests * w.cachedInputTokens,
                        monthlyOutputTokens: requests * w.outputTokens, averageRequestsPerSecond: w.hourlyRequests.reduce(0, +) / 168 / 3600,
                        peakRequestsPerSecond: (w.hourlyRequests.max() ?? 0) / 3600, inputTokensPerRequest: w.inputTokens,
                        cachedInputTokensPerRequest: w.cachedInputTokens, outputTokensPerRequest: w.outputTokens, ttftTargetMs: w.ttftMs,
                        tpotTargetMs: w.tpotMs, batchable: w.batchable, residency: w.selfHost.residency, horizonMonths: w.horizonMonths,
                        hourlyRequests: w.hourlyRequests)
  }
}
