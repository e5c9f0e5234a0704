import Foundation
import MLCostCatalogs
import Yams

/// The scenario's sections, one reader each.
extension Scenario.Reader {
  /// Requests per hour over one week: `hourly` (168 numbers) or `daily_requests` with a shape.
  func hourly(_ traffic: Node) throws -> [Double] {
    let t = try pairs(traffic, "traffic", allowed: ["daily_requests", "shape", "hourly"])
    var hourly: [Double]
    if let (_, h) = t["hourly"] {
      guard let seq = h.sequence else { throw fail(h, "traffic.hourly must be a list of 168 numbers (requests per hour, Monday 00:00 UTC first)") }
      hourly = try seq.map { try number($0, "traffic.hourly") }
      if hourly.count != 168 { throw fail(h, "traffic.hourly has \(hourly.count) values; a week has 168") }
      if t["daily_requests"] != nil { throw fail(h, "give traffic.hourly or traffic.daily_requests, not both") }
    } else {
      guard let (_, d) = t["daily_requests"] else { throw fail(traffic, "traffic needs daily_requests (with a shape) or hourly") }
      let daily = try number(d, "traffic.daily_requests")
      let shapeName = try t["shape"].map { try string($0.1, "traffic.shape") } ?? "flat"
      guard let shape = TrafficShape(rawValue: shapeName) else {
        throw fail(t["shape"]!.1, "unknown shape '\(shapeName)'; shapes: \(TrafficShape.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      hourly = shape.weights.map { $0 * daily / 24 }
    }
    if hourly.contains(where: { $0 < 0 }) { throw fail(traffic, "traffic cannot be negative") }
    return hourly
  }

  /// Input, cached input and output tokens per request.
  func tokens(_ tokensNode: Node) throws -> (input: Double, cached: Double, output: Double) {
    let tk = try pairs(tokensNode, "tokens", allowed: ["input", "cached_input", "output"])
    guard let input = tk["input"], let output = tk["output"] else { throw fail(tokensNode, "tokens needs input and output (per request)") }
    let cached = try tk["cached_input"].map { try number($0.1, "tokens.cached_input") } ?? 0
    let inputTokens = try number(input.1, "tokens.input"), outputTokens = try number(output.1, "tokens.output")
    if inputTokens <= 0 || outputTokens <= 0 { throw fail(tokensNode, "tokens.input and tokens.output must be positive") }
    if cached > inputTokens { throw fail(tk["cached_input"]!.1, "cached_input is part of input: it cannot exceed it") }
    return (inputTokens, cached, outputTokens)
  }

  /// TTFT and TPOT targets in milliseconds.
  func latency(_ l: Node) throws -> (ttft: Double?, tpot: Double?) {
    let lat = try pairs(l, "latency", allowed: ["ttft_ms", "tpot_ms"])
    return (try lat["ttft_ms"].map { try number($0.1, "latency.ttft_ms") }, try lat["tpot_ms"].map { try number($0.1, "latency.tpot_ms") })
  }

  /// The hosted APIs to compare with: one `{provider, model}` or a list.
  func apis(_ a: Node) throws -> [Workload.APIChoice] {
    var apis: [Workload.APIChoice] = []
    let items = a.sequence.map(Array.init) ?? [a]
    for item in items {
      let p = try pairs(item, "api", allowed: ["provider", "model"])
      guard let provider = p["provider"], let model = p["model"] else { throw fail(item, "api needs provider and model") }
      apis.append(.init(provider: try string(provider.1, "api.provider"), model: try string(model.1, "api.model")))
    }
    return apis
  }

  /// What self-hosting may use: models, precisions, providers, regions, GPUs, residency and the fleet's rules.
  func selfHost(_ selfHostNode: Node) throws -> Workload.SelfHost {
    let s = try pairs(selfHostNode, "self_host", allowed: ["models", "precisions", "providers", "regions", "gpus", "residency", "min_replicas",
                                                          "scale_to_zero", "target_utilisation", "include_open_model_apis",
                                                          "fixed_monthly_usd", "engine"])
    guard let models = s["models"] else { throw fail(selfHostNode, "self_host needs models (open models to consider)") }
    var selfHost = Workload.SelfHost(models: try strings(models.1, "self_host.models"))
    if let (_, p) = s["precisions"] {
      selfHost.precisions = try strings(p, "self_host.precisions").map { name in
        guard let v = Precision(rawValue: name.lowercased()) else { throw fail(p, "unknown precision '\(name)'; use bf16, fp8 or fp4") }
        return v
      }
    }
    if let (_, p) = s["providers"] { selfHost.providers = try strings(p, "self_host.providers") }
    if let (_, p) = s["regions"] { selfHost.regions = try strings(p, "self_host.regions") }
    if let (_, p) = s["gpus"] { selfHost.gpus = try strings(p, "self_host.gpus") }
    if let (_, p) = s["residency"] {
      selfHost.residency = try string(p, "self_host.residency").lowercased()
      if !["any", "eu"].contains(selfHost.residency) { throw fail(p, "residency must be any or eu") }
    }
    if let (_, p) = s["min_replicas"] { selfHost.minReplicas = try integer(p, "self_host.min_replicas") }
    if let (_, p) = s["scale_to_zero"] { selfHost.scaleToZero = try bool(p, "self_host.scale_to_zero") }
    if let (_, p) = s["target_utilisation"] {
      selfHost.targetUtilisation = try number(p, "self_host.target_utilisation")
      if !(0.05...1).contains(selfHost.targetUtilisation) { throw fail(p, "target_utilisation is a fraction between 0.05 and 1") }
    }
    if let (_, p) = s["include_open_model_apis"] { selfHost.includeOpenModelAPIs = try bool(p, "self_host.include_open_model_apis") }
    if let (_, p) = s["fixed_monthly_usd"] { selfHost.fixedMonthly = try fixedMonthly(p) }
    if let (_, p) = s["engine"] {
      let name = try string(p, "self_host.engine")
      guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail(p, "engine names a serving engine: tensorrt-llm, vllm, sglang …") }
      selfHost.engine = BenchmarkRow.engineKind(name)
    }
    return selfHost
  }

  /// A number, or named parts: {engineering: 4000, monitoring: 300, egress: 150}.
  func fixedMonthly(_ p: Node) throws -> [Workload.FixedCost] {
    var parts: [Workload.FixedCost] = []
    if let named = p.mapping {
      for (k, v) in named {
        let usd = try number(v, "self_host.fixed_monthly_usd.\(k.string ?? "")")
        if usd < 0 { throw fail(v, "a fixed monthly cost is ≥ 0") }
        parts.append(.init(name: k.string ?? "fixed", usd: usd))
      }
    } else {
      let usd = try number(p, "self_host.fixed_monthly_usd")
      if usd < 0 { throw fail(p, "a fixed monthly cost is ≥ 0") }
      parts = [.init(name: "fixed", usd: usd)]
    }
    return parts
  }

  /// Spot floor, restart time and commitment discounts.
  func pricing(_ pr: Node) throws -> Workload.PricingPolicy {
    var pricing = Workload.PricingPolicy()
    let p = try pairs(pr, "pricing", allowed: ["spot_on_demand_floor", "restart_minutes", "commitment_discounts"])
    if let (_, v) = p["spot_on_demand_floor"] { pricing.spotOnDemandFloor = try integer(v, "pricing.spot_on_demand_floor") }
    if let (_, v) = p["restart_minutes"] { pricing.restartMinutes = try number(v, "pricing.restart_minutes") }
    if let (_, v) = p["commitment_discounts"] {
      guard let m = v.mapping else { throw fail(v, "commitment_discounts maps a provider to {1y: 0.3, 3y: 0.5}") }
      for (k, terms) in m {
        let tm = try pairs(terms, "commitment_discounts.\(k.string ?? "")", allowed: ["1y", "3y"])
        func fraction(_ key: String) throws -> Double? {
          guard let (_, n) = tm[key] else { return nil }
          let d = try number(n, "commitment_discounts \(key)")
          if !(0..<1).contains(d) { throw fail(n, "a discount is a fraction 0…1 (0.3 = 30% off on-demand)") }
          return d
        }
        pricing.commitmentDiscounts[k.string ?? ""] = (try fraction("1y"), try fraction("3y"))
      }
    }
    return pricing
  }

  /// The availability simulation's trials, seed and required probability.
  func availability(_ av: Node) throws -> Workload.AvailabilityPolicy {
    var availability = Workload.AvailabilityPolicy()
    let a = try pairs(av, "availability", allowed: ["trials", "seed", "min_probability"])
    if let (_, v) = a["trials"] { availability.trials = max(1, try integer(v, "availability.trials")) }
    if let (_, v) = a["seed"] { availability.seed = UInt64(try integer(v, "availability.seed")) }
    if let (_, v) = a["min_probability"] { availability.minProbability = try number(v, "availability.min_probability") }
    return availability
  }
}
