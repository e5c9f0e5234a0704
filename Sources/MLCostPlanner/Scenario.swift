import Foundation
import MLCostCatalogs
import Yams

/// A scenario file error: `scenario.yaml:12:5: error: …`.
public struct ScenarioError: Error, Equatable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int
  public var message: String
  public var description: String { "\(file):\(line):\(column): error: \(message)" }
}

/// `mlcost plan SCENARIO.yaml`: the workload, the choices allowed and the policies, in YAML
/// (documented in examples/scenario.yaml). Unknown keys are errors, with line and column.
public enum Scenario {
  public static func parse(yaml text: String, file: String) throws -> Workload {
    let root: Node
    do {
      guard let node = try Yams.compose(yaml: text) else { throw ScenarioError(file: file, line: 1, column: 1, message: "the scenario is empty") }
      root = node
    } catch let e as ScenarioError { throw e } catch {
      let digits = "\(error)".split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
      throw ScenarioError(file: file, line: digits.first ?? 1, column: digits.count > 1 ? digits[1] : 1,
                          message: "not valid YAML: \("\(error)".split(separator: "\n").first ?? "")")
    }
    return try Reader(file: file).workload(root)
  }

  struct Reader {
    let file: String

    func fail(_ n: Node, _ message: String) -> ScenarioError {
      ScenarioError(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, message: message)
    }
    func pairs(_ n: Node, _ what: String, allowed: [String]) throws -> [String: (Node, Node)] {
      guard let m = n.mapping else { throw fail(n, "\(what) must be a mapping (key: value)") }
      var out: [String: (Node, Node)] = [:]
      for (k, v) in m {
        let key = k.string ?? ""
        guard allowed.contains(key) else { throw fail(k, "unknown key '\(key)' in \(what); allowed: \(allowed.joined(separator: ", "))") }
        out[key] = (k, v)
      }
      return out
    }
    func string(_ n: Node, _ what: String) throws -> String {
      guard let s = n.scalar?.string, !s.isEmpty else { throw fail(n, "\(what) must be a single value") }
      return s
    }
    func number(_ n: Node, _ what: String) throws -> Double {
      guard let s = n.scalar?.string, let v = Double(s.replacingOccurrences(of: "_", with: "")), v.isFinite else {
        throw fail(n, "\(what) must be a number")
      }
      return v
    }
    func integer(_ n: Node, _ what: String) throws -> Int {
      let v = try number(n, what)
      guard v == v.rounded(), v >= 0 else { throw fail(n, "\(what) must be a whole number ≥ 0") }
      return Int(v)
    }
    func bool(_ n: Node, _ what: String) throws -> Bool {
      switch n.scalar?.string.lowercased() {
      case "true", "yes", "on": return true
      case "false", "no", "off": return false
      default: throw fail(n, "\(what) must be true or false")
      }
    }
    func strings(_ n: Node, _ what: String) throws -> [String] {
      if n.scalar != nil { return [try string(n, what)] }
      guard let seq = n.sequence else { throw fail(n, "\(what) must be a value or a list") }
      return try seq.map { try string($0, what) }
    }

    func workload(_ root: Node) throws -> Workload {
      let top = try pairs(root, "the scenario", allowed: ["name", "request_type", "horizon_months", "traffic", "tokens", "latency", "batchable",
                                                           "api", "self_host", "pricing", "availability"])
      guard let traffic = top["traffic"]?.1 else { throw fail(root, "the scenario needs traffic: (daily_requests and shape, or hourly)") }
      guard let tokensNode = top["tokens"]?.1 else { throw fail(root, "the scenario needs tokens: (input, output, cached_input)") }
      guard let selfHostNode = top["self_host"]?.1 else { throw fail(root, "the scenario needs self_host: (models to consider)") }

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

      let tk = try pairs(tokensNode, "tokens", allowed: ["input", "cached_input", "output"])
      guard let input = tk["input"], let output = tk["output"] else { throw fail(tokensNode, "tokens needs input and output (per request)") }
      let cached = try tk["cached_input"].map { try number($0.1, "tokens.cached_input") } ?? 0
      let inputTokens = try number(input.1, "tokens.input"), outputTokens = try number(output.1, "tokens.output")
      if inputTokens <= 0 || outputTokens <= 0 { throw fail(tokensNode, "tokens.input and tokens.output must be positive") }
      if cached > inputTokens { throw fail(tk["cached_input"]!.1, "cached_input is part of input: it cannot exceed it") }

      var ttft: Double?, tpot: Double?
      if let (_, l) = top["latency"] {
        let lat = try pairs(l, "latency", allowed: ["ttft_ms", "tpot_ms"])
        ttft = try lat["ttft_ms"].map { try number($0.1, "latency.ttft_ms") }
        tpot = try lat["tpot_ms"].map { try number($0.1, "latency.tpot_ms") }
      }

      var apis: [Workload.APIChoice] = []
      if let (_, a) = top["api"] {
        let items = a.sequence.map(Array.init) ?? [a]
        for item in items {
          let p = try pairs(item, "api", allowed: ["provider", "model"])
          guard let provider = p["provider"], let model = p["model"] else { throw fail(item, "api needs provider and model") }
          apis.append(.init(provider: try string(provider.1, "api.provider"), model: try string(model.1, "api.model")))
        }
      }

      let s = try pairs(selfHostNode, "self_host", allowed: ["models", "precisions", "providers", "regions", "gpus", "residency", "min_replicas",
                                                            "scale_to_zero", "target_utilisation", "include_open_model_apis",
                                                            "fixed_monthly_usd"])
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
      if let (_, p) = s["fixed_monthly_usd"] {
        // A number, or named parts: {engineering: 4000, monitoring: 300, egress: 150}.
        if let parts = p.mapping {
          for (k, v) in parts {
            let usd = try number(v, "self_host.fixed_monthly_usd.\(k.string ?? "")")
            if usd < 0 { throw fail(v, "a fixed monthly cost is ≥ 0") }
            selfHost.fixedMonthly.append(.init(name: k.string ?? "fixed", usd: usd))
          }
        } else {
          let usd = try number(p, "self_host.fixed_monthly_usd")
          if usd < 0 { throw fail(p, "a fixed monthly cost is ≥ 0") }
          selfHost.fixedMonthly = [.init(name: "fixed", usd: usd)]
        }
      }

      var pricing = Workload.PricingPolicy()
      if let (_, pr) = top["pricing"] {
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
      }
      var availability = Workload.AvailabilityPolicy()
      if let (_, av) = top["availability"] {
        let a = try pairs(av, "availability", allowed: ["trials", "seed", "min_probability"])
        if let (_, v) = a["trials"] { availability.trials = max(1, try integer(v, "availability.trials")) }
        if let (_, v) = a["seed"] { availability.seed = UInt64(try integer(v, "availability.seed")) }
        if let (_, v) = a["min_probability"] { availability.minProbability = try number(v, "availability.min_probability") }
      }
      return Workload(name: try top["name"].map { try string($0.1, "name") } ?? "Scenario",
                      requestType: try top["request_type"].map { try string($0.1, "request_type") } ?? "all",
                      hourlyRequests: hourly, inputTokens: inputTokens, cachedInputTokens: cached, outputTokens: outputTokens, ttftMs: ttft,
                      tpotMs: tpot, batchable: try top["batchable"].map { try bool($0.1, "batchable") } ?? false,
                      horizonMonths: try top["horizon_months"].map { try integer($0.1, "horizon_months") } ?? 12, api: apis,
                      selfHost: selfHost, pricing: pricing, availability: availability)
    }
  }
}
