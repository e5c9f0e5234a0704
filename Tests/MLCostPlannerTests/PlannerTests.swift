import Foundation
import MLCostCatalogs
import MLCostCore
@testable import MLCostPlanner
import MLCostTestSupport
import Testing

struct PlannerTests {
  static let full: Catalog = try! Catalog.load(directory: Repo.path("catalogs"))
  /// A small slice of the shipped catalog (debug builds are slow over all 1,164 offers).
  static let slice: Catalog = {
    var c = full
    c.instances = c.instances.filter { ($0.provider == "AWS" && $0.region == "us-east-2") || ($0.provider == "Lambda" && $0.region == "us-east-1")
      || ($0.provider == "GCP" && $0.region == "europe-west4") }
    return c
  }()
  static let efficiency = try! CalibrationFile.load(directory: Repo.path("catalogs"))!
  static let time: Int64 = 1_790_000_000

  static func workload(daily: Double = 500_000, shape: TrafficShape = .businessHours) -> Workload {
    Workload(name: "test", requestType: "chat", hourlyRequests: shape.weights.map { $0 * daily / 24 }, inputTokens: 1200, cachedInputTokens: 400,
             outputTokens: 250, ttftMs: 1500, tpotMs: 50, api: [.init(provider: "OpenAI", model: "gpt-4.1-mini")],
             selfHost: .init(models: ["Llama-3.1-8B", "Llama-3.1-70B"], includeOpenModelAPIs: false),
             pricing: .init(commitmentDiscounts: ["AWS": (0.3, 0.5)]), availability: .init(trials: 500, seed: 7))
  }

  func planner(_ c: Catalog = PlannerTests.slice) -> Planner { Planner(catalog: c, efficiency: Self.efficiency, calibration: PlanCalibration(benchmarkRows: 0, medianAbsPercentError: nil, worstAbsPercentError: nil)) }

  @Test func fleetAndPricingArithmeticByHand() {
    // 7,200 requests an hour at 1 request/s per instance = 2 instances all week = 1,460 instance-hours a month.
    let fleet = Fleet(hourlyRequests: Array(repeating: 7200, count: 168), capacityPerSecond: 1, minReplicas: 1, scaleToZero: false)
    #expect(fleet.peak == 2 && fleet.base == 2 && abs(fleet.hours - 1460) < 1e-9)
    let offer = InstanceOffer(provider: "AWS", region: "r", instanceType: "t", gpu: "H100", gpuCount: 1, vcpus: nil, memoryGiB: nil,
                              onDemandPerHour: 2, spotPerHour: 1, zones: 1, zonesWithoutSpotDiscount: 0, provenance: Provenance(source: "s", asOf: "2025-01-01"))
    let prices = Dictionary(uniqueKeysWithValues: fleet.pricings(offer, policy: .init(spotOnDemandFloor: 1, restartMinutes: 10,
                                                                                       commitmentDiscounts: ["AWS": (0.3, 0.5)]),
                                                                  horizonMonths: 12, spotRate: 0.25).map { ($0.name.rawValue, $0.monthlyCost) })
    #expect(abs(prices["on-demand"]! - 2920) < 1e-9)
    // One on-demand floor (730 h × $2) + 730 spot hours × $1 + 0.25 interruptions × 10 min × $1.
    #expect(abs(prices["spot"]! - (1460 + 730 + 0.25 * 10 / 60)) < 1e-9)
    #expect(abs(prices["1y+on-demand"]! - 2 * 730 * 1.4) < 1e-9)
    // A 3-year term on a 12-month horizon is paid three times over the horizon.
    #expect(abs(prices["3y+on-demand"]! - 2 * 730 * 1.0 * 3) < 1e-9)
    #expect(prices["1y+spot"] == nil)   // nothing above the committed base
  }

  @Test func scaleToZeroDropsEmptyHoursOnly() {
    let hourly = (0..<168).map { $0 % 24 < 6 ? 3600.0 : 0 }
    #expect(Fleet(hourlyRequests: hourly, capacityPerSecond: 1, minReplicas: 1, scaleToZero: true).instancesPerHour.filter { $0 == 0 }.count == 126)
    #expect(Fleet(hourlyRequests: hourly, capacityPerSecond: 1, minReplicas: 1, scaleToZero: false).base == 1)
  }

  @Test func apiCostPerRequestByHand() throws {
    // gpt-4.1-mini: $0.40 input, $0.10 cached, $1.60 output per 1M: 800 × 0.4 + 400 × 0.1 + 250 × 1.6 = 760 µ$ a request.
    let p = try #require(Self.full.apiPrices.price(provider: "OpenAI", model: "gpt-4.1-mini", at: Self.time))
    let each = try #require(Planner.perRequest(p, Self.workload(), batch: false))
    #expect(abs(each - 760e-6) < 1e-12)
    #expect(abs(try #require(Planner.perRequest(p, Self.workload(), batch: true)) - 380e-6) < 1e-12)
  }

  @Test func moreTrafficNeverCostsLess() throws {
    let p = planner()
    let w = Self.workload()
    let candidates = try p.candidates(w, notes: &Self.scratch)
    var previous = 0.0
    for f in [0.05, 0.3, 1, 1.7, 4, 11] {
      let c = try #require(p.cheapestSelfHosted(w, candidates, factor: f))
      #expect(c >= previous)
      previous = c
    }
  }

  @Test func aCheaperPriceNeverRaisesThePlan() throws {
    var cheaper = Self.slice
    var rng = SplitMix64(seed: 3)
    for i in cheaper.instances.indices {
      let cut = 1 - Double(rng.below(50)) / 100
      cheaper.instances[i].onDemandPerHour = cheaper.instances[i].onDemandPerHour.map { $0 * cut }
      cheaper.instances[i].spotPerHour = cheaper.instances[i].spotPerHour.map { $0 * cut }
    }
    let w = Self.workload()
    let before = try planner().cheapestSelfHosted(w, planner().candidates(w, notes: &Self.scratch), factor: 1)!
    let after = try planner(cheaper).cheapestSelfHosted(w, planner(cheaper).candidates(w, notes: &Self.scratch), factor: 1)!
    #expect(after <= before)
  }

  @Test func theSameSeedGivesTheSamePlanAndResidencyIsHonoured() throws {
    let a = try planner().plan(Self.workload(), at: Self.time), b = try planner().plan(Self.workload(), at: Self.time)
    #expect(a == b)
    #expect(a.options.contains { $0.kind == .selfHosted && $0.availability != nil })
    var eu = Self.workload()
    eu.selfHost.residency = "eu"
    let plan = try planner().plan(eu, at: Self.time)
    #expect(plan.options.filter { $0.kind == .selfHosted }.allSatisfy { $0.region == "europe-west4" })
  }

  @Test func onDemandHasNoSpreadAndSpotDoes() {
    let offer = Self.full.instances.first { $0.provider == "AWS" && $0.region == "us-east-2" && $0.instanceType == "p5.48xlarge" }!
    let fleet = Fleet(hourlyRequests: Array(repeating: 36_000, count: 168), capacityPerSecond: 2, minReplicas: 1, scaleToZero: false)
    let pricings = fleet.pricings(offer, policy: .init(), horizonMonths: 12, spotRate: 0.075)
    let sim = AvailabilitySimulator(trials: 2000, seed: 1)
    let od = sim.run(.init(id: "od", offer: offer, pricing: pricings.first { $0.name == .onDemand }!, peak: fleet.peak, rate: 0.075, band: "5-10%",
                           bandAssumed: false, restartHours: 1 / 6), minProbability: 0.9)
    #expect(od.p50MonthlyCost == od.p90MonthlyCost && od.expectedInterruptionsPerMonth == 0)
    let spot = sim.run(.init(id: "spot", offer: offer, pricing: pricings.first { $0.name == .spot }!, peak: fleet.peak, rate: 0.075, band: "5-10%",
                             bandAssumed: false, restartHours: 1 / 6), minProbability: 0.9)
    #expect(spot.p90MonthlyCost > spot.p50MonthlyCost && spot.expectedInterruptionsPerMonth > 0)
    #expect(od.gpusNeeded == fleet.peak * 8)
  }

  /// Spot at a tenth of on-demand with frequent interruptions: GPUs are easy to get, but a bad month costs several
  /// times the median. That is not "low" risk (it was: only the probability of holding the GPUs counted).
  @Test func aWideCostSpreadIsNeverLowRisk() {
    let offer = InstanceOffer(provider: "AWS", region: "r", instanceType: "t", gpu: "H100", gpuCount: 8, vcpus: nil, memoryGiB: nil,
                              onDemandPerHour: 100, spotPerHour: 10, zones: 3, zonesWithoutSpotDiscount: 0, provenance: Provenance(source: "s", asOf: "2025-01-01"))
    let fleet = Fleet(hourlyRequests: Array(repeating: 3_600, count: 168), capacityPerSecond: 1, minReplicas: 1, scaleToZero: false)
    let spot = fleet.pricings(offer, policy: .init(spotOnDemandFloor: 0), horizonMonths: 12, spotRate: 0.5).first { $0.name == .spot }!
    let a = AvailabilitySimulator(trials: 2000, seed: 3).run(.init(id: "spot", offer: offer, pricing: spot, peak: fleet.peak, rate: 0.5, band: "<5%",
                                                                   bandAssumed: false, restartHours: 1 / 6), minProbability: 0.5)
    #expect(a.p90MonthlyCost / a.p50MonthlyCost > AvailabilitySimulator.mediumSpread)
    #expect(a.expectedInterruptionsPerMonth < 1 && a.probabilityToHold >= 0.95)
    #expect(a.risk != .low)
  }

  /// The break-even search prices candidates through `minimumCost`; it must be exactly the cheapest of `pricings`
  /// for every shipped offer, fleet shape and policy (commitments from the catalog or the scenario, horizons, floors).
  @Test func theBreakEvenPricesAsThePlanDoes() {
    let fleets = [Fleet(hourlyRequests: TrafficShape.businessHours.weights.map { $0 * 40_000 }, capacityPerSecond: 3, minReplicas: 1, scaleToZero: false),
                  Fleet(hourlyRequests: TrafficShape.nightlyBatch.weights.map { $0 * 9_000 }, capacityPerSecond: 0.7, minReplicas: 2, scaleToZero: true),
                  Fleet(hourlyRequests: Array(repeating: 7_200, count: 168), capacityPerSecond: 1, minReplicas: 1, scaleToZero: false)]
    let policies = [Workload.PricingPolicy(), Workload.PricingPolicy(spotOnDemandFloor: 0, restartMinutes: 30, commitmentDiscounts: ["AWS": (0.3, 0.5), "gcp": (0.37, nil)])]
    var compared = 0
    for offer in Self.full.instances.prefix(600) {
      for fleet in fleets {
        for policy in policies {
          for horizon in [6, 12, 36] {
            let all = fleet.pricings(offer, policy: policy, horizonMonths: horizon, spotRate: 0.12).map(\.monthlyCost).min()
            let fast = fleet.minimumCost(offer, policy: policy, horizonMonths: horizon, spotRate: 0.12,
                                         commitment: policy.commitmentDiscount(provider: offer.provider))
            #expect(all == fast, "\(offer.provider) \(offer.region) \(offer.instanceType)")
            compared += 1
          }
        }
      }
    }
    #expect(compared == 600 * 18)
  }

  nonisolated(unsafe) static var scratch: [String] = []
}
