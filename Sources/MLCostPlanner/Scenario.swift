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
      let hourly = try self.hourly(traffic)
      let (inputTokens, cached, outputTokens) = try tokens(tokensNode)
      let (ttft, tpot) = try top["latency"].map { try latency($0.1) } ?? (nil, nil)
      let apis = try top["api"].map { try self.apis($0.1) } ?? []
      let selfHost = try self.selfHost(selfHostNode)
      let pricing = try top["pricing"].map { try self.pricing($0.1) } ?? Workload.PricingPolicy()
      let availability = try top["availability"].map { try self.availability($0.1) } ?? Workload.AvailabilityPolicy()
      return Workload(name: try top["name"].map { try string($0.1, "name") } ?? "Scenario",
                      requestType: try top["request_type"].map { try string($0.1, "request_type") } ?? "all",
                      hourlyRequests: hourly, inputTokens: inputTokens, cachedInputTokens: cached, outputTokens: outputTokens, ttftMs: ttft,
                      tpotMs: tpot, batchable: try top["batchable"].map { try bool($0.1, "batchable") } ?? false,
                      horizonMonths: try top["horizon_months"].map { try integer($0.1, "horizon_months") } ?? 12, api: apis,
                      selfHost: selfHost, pricing: pricing, availability: availability)
    }
  }
}
