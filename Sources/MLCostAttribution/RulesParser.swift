import Foundation
import MLCostCore
import Yams

/// A rules file that cannot be used, and where.
public struct RulesError: Error, CustomStringConvertible, Sendable {
  public var file: String
  public var line: Int
  public var column: Int?
  public var message: String
  public var fix: String?
  public var description: String {
    "\(file):\(line)\(column.map { ":\($0)" } ?? ""): error: \(message)" + (fix.map { "; \($0)" } ?? "")
  }
}

extension Rules {
  /// Parses `mlcost.yaml`. Every error names its line and column.
  public static func parse(yaml text: String, file: String) throws(RulesError) -> Rules {
    let root: Node
    do {
      guard let node = try Yams.compose(yaml: text) else { var r = Rules(); r.source = file; return r }
      root = node
    } catch {
      let (line, column) = Self.position(in: "\(error)")
      var reason = Self.firstLine(error)
      if let r = reason.range(of: "error: ") { reason = String(reason[r.upperBound...]) }
      throw RulesError(file: file, line: line, column: column, message: "not valid YAML: \(reason)",
                       fix: "check the indentation and quoting around that line")
    }
    var p = RulesParser(file: file)
    return try p.rules(root)
  }

  static func firstLine(_ error: any Error) -> String {
    "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
  }

  /// Yams messages say `line N, column M` (1-based) or `N:M:`.
  static func position(in message: String) -> (Int, Int?) {
    let lead = message.split(separator: ":", maxSplits: 2)
    if lead.count >= 2, let l = Int(lead[0]), let c = Int(lead[1]) { return (l, c) }
    let digits = message.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    if let r = message.range(of: "line ") {
      let rest = message[r.upperBound...].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
      if let l = rest.first { return (l, rest.count > 1 ? rest[1] : nil) }
    }
    return (digits.first ?? 1, digits.count > 1 ? digits[1] : nil)
  }
}

struct RulesParser {
  let file: String

  func fail(_ node: Node, _ message: String, fix: String? = nil) -> RulesError {
    RulesError(file: file, line: node.mark?.line ?? 0, column: node.mark?.column, message: message, fix: fix)
  }

  func pairs(_ node: Node, _ what: String) throws(RulesError) -> [(String, Node, Node)] {
    guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping (key: value)") }
    return mapping.map { ($0.key.string ?? "", $0.key, $0.value) }
  }

  func string(_ node: Node, _ what: String) throws(RulesError) -> String {
    guard let s = node.scalar?.string else { throw fail(node, "\(what) must be a single value") }
    return s
  }

  func strings(_ node: Node, _ what: String) throws(RulesError) -> [String] {
    if let s = node.scalar?.string { return [s] }
    guard let seq = node.sequence else { throw fail(node, "\(what) must be a value or a list of values") }
    var out: [String] = []
    for item in seq { out.append(try string(item, what)) }
    return out
  }

  mutating func rules(_ root: Node) throws(RulesError) -> Rules {
    var r = Rules()
    r.source = file
    for (key, keyNode, value) in try pairs(root, "the rules file") {
      switch key {
      case "basis":
        let s = try string(value, "basis")
        switch s.lowercased() {
        case "amortised", "amortized", "effective", "effectivecost": r.basis = .amortised
        case "cash", "billed", "billedcost": r.basis = .cash
        default: throw fail(value, "basis '\(s)' is not known", fix: "use amortised (EffectiveCost) or cash (BilledCost)")
        }
      case "dimensions":
        for (name, nameNode, aliases) in try pairs(value, "dimensions") {
          guard let d = Dimension(rawValue: name) else {
            throw fail(nameNode, "unknown dimension '\(name)'", fix: "dimensions are \(Dimension.allCases.map(\.rawValue).joined(separator: ", "))")
          }
          r.dimensions[d] = try strings(aliases, "the tag keys of \(name)").map(Rules.normaliseKey)
        }
      case "virtual_tags":
        guard let seq = value.sequence else { throw fail(value, "virtual_tags must be a list") }
        for item in seq { r.virtualTags.append(try virtualTag(item)) }
      case "pools":
        guard let seq = value.sequence else { throw fail(value, "pools must be a list") }
        for item in seq { r.pools.append(try pool(item)) }
      case "components":
        guard let seq = value.sequence else { throw fail(value, "components must be a list") }
        for item in seq { r.components.append(try componentRule(item)) }
      case "idle": r.idle = try idle(value, r.idle)
      case "anomalies": r.anomalies = try anomalies(value, r.anomalies)
      case "budgets":
        guard let seq = value.sequence else { throw fail(value, "budgets must be a list") }
        for item in seq { r.budgets.append(try budget(item)) }
        var names = Set<String>()
        for b in r.budgets where !names.insert(b.name).inserted {
          throw RulesError(file: file, line: b.line, column: nil, message: "two budgets are named '\(b.name)'", fix: "give each budget its own name")
        }
      case "mutes":
        guard let seq = value.sequence else { throw fail(value, "mutes must be a list") }
        for item in seq { r.mutes.append(try mute(item)) }
      default:
        throw fail(keyNode, "unknown key '\(key)'",
                   fix: "the rules file has basis, dimensions, virtual_tags, pools, components, idle, anomalies, budgets and mutes")
      }
    }
    return r
  }

  /// The `idle:` block over the defaults.
  func idle(_ value: Node, _ defaults: IdleRules) throws(RulesError) -> IdleRules {
    var r = defaults
    for (k, kNode, v) in try pairs(value, "idle") {
      switch k {
      case "window_days":
        guard let n = Int(try string(v, k)), n > 0, n <= 3660 else { throw fail(v, "window_days must be a whole number of days from 1 to 3660") }
        r.windowDays = n
      case "min_cost":
        guard let n = try? ExactDecimal.parse(try string(v, k)), n >= .zero else { throw fail(v, "min_cost must be an amount such as 1.00") }
        r.minCost = n
      case "gpu_below_percent":
        guard let d = Double(try string(v, k)), d >= 0, d <= 100 else { throw fail(v, "gpu_below_percent must be 0–100") }
        r.gpuBelowPercent = d
      case "orphan_days":
        guard let n = Int(try string(v, k)), n > 0 else { throw fail(v, "orphan_days must be a whole number of days > 0") }
        r.orphanDays = n
      case "endpoints":
        let items: [Node] = v.sequence.map(Array.init) ?? [v]
        for item in items { r.endpoints.append(try pattern(item)) }
      default:
        throw fail(kNode, "unknown key '\(k)' in idle", fix: "idle has window_days, min_cost, gpu_below_percent, orphan_days and endpoints")
      }
    }
    return r
  }

  /// The `anomalies:` block over the defaults.
  func anomalies(_ value: Node, _ defaults: AnomalyRules) throws(RulesError) -> AnomalyRules {
    var r = defaults
    for (k, kNode, v) in try pairs(value, "anomalies") {
      switch k {
      case "baseline_days":
        guard let n = Int(try string(v, k)), n >= 7, n <= 3660 else { throw fail(v, "baseline_days must be a whole number from 7 to 3660") }
        r.baselineDays = n
      case "relative_percent":
        guard let d = Double(try string(v, k)), d >= 0 else { throw fail(v, "relative_percent must be a number ≥ 0") }
        r.relative = d / 100
      case "absolute":
        guard let n = try? ExactDecimal.parse(try string(v, k)), n >= .zero else { throw fail(v, "absolute must be an amount such as 50.00") }
        r.absolute = n
      case "robust_z":
        guard let d = Double(try string(v, k)), d >= 0 else { throw fail(v, "robust_z must be a number ≥ 0") }
        r.robustZ = d
      default:
        throw fail(kNode, "unknown key '\(k)' in anomalies", fix: "anomalies has baseline_days, relative_percent, absolute and robust_z")
      }
    }
    return r
  }

  func match(_ node: Node) throws(RulesError) -> Match {
    var m = Match()
    for (key, keyNode, value) in try pairs(node, "match") {
      if key == "tag" || key == "tags" {
        for (tag, _, v) in try pairs(value, "tag") { m.tags.append((Rules.normaliseKey(tag), try pattern(v))) }
        continue
      }
      guard let field = Match.Field(rawValue: key) else {
        throw fail(keyNode, "unknown match field '\(key)'", fix: "match on \(Match.Field.allCases.map(\.rawValue).joined(separator: ", ")) or tag")
      }
      m.fields.append((field, try pattern(value)))
    }
    if m.fields.isEmpty && m.tags.isEmpty { throw fail(node, "an empty match would take every charge", fix: "name at least one field") }
    return m
  }

  func pattern(_ node: Node) throws(RulesError) -> Pattern {
    let s = try string(node, "a match value")
    do { return try Pattern.parse(s) } catch {
      throw fail(node, "'\(s)' is not a valid regular expression", fix: "write regex:<ICU regular expression> or glob:<pattern with * and ?>")
    }
  }

  func virtualTag(_ node: Node) throws(RulesError) -> VirtualTag {
    var name = "", m: Match?, set: [Dimension: String] = [:]
    for (key, keyNode, value) in try pairs(node, "a virtual tag") {
      switch key {
      case "name": name = try string(value, "name")
      case "match": m = try match(value)
      case "set":
        for (dim, dimNode, v) in try pairs(value, "set") {
          guard let d = Dimension(rawValue: dim) else {
            throw fail(dimNode, "unknown dimension '\(dim)'", fix: "dimensions are \(Dimension.allCases.map(\.rawValue).joined(separator: ", "))")
          }
          set[d] = try string(v, dim)
        }
      default: throw fail(keyNode, "unknown key '\(key)' in a virtual tag", fix: "a virtual tag has name, match and set")
      }
    }
    guard let m else { throw fail(node, "a virtual tag needs a match") }
    if set.isEmpty { throw fail(node, "a virtual tag needs set: {dimension: value}") }
    return VirtualTag(name: name.isEmpty ? "virtual tag at line \((node.mark?.line ?? 0))" : name, match: m, set: set, line: node.mark?.line ?? 0)
  }

  /// Model names are compared as written: two spellings that differ only in case would split one owner in two.
  func sameExceptCase(_ names: [String], _ node: Node) throws(RulesError) {
    var seen: [String: String] = [:]
    for n in names {
      if let other = seen[n.lowercased()], other != n {
        throw fail(node, "'\(other)' and '\(n)' differ only in case", fix: "model names are compared as written; use one spelling")
      }
      seen[n.lowercased()] = n
    }
  }

  func pool(_ node: Node) throws(RulesError) -> Pool {
    var name = "", m: Match?, split: Pool.Split?, among: [String]?
    for (key, keyNode, value) in try pairs(node, "a pool") {
      switch key {
      case "name": name = try string(value, "name")
      case "match": m = try match(value)
      case "among":
        among = try strings(value, "among")
        try sameExceptCase(among ?? [], value)
      case "split":
        if let s = value.scalar?.string {
          switch s.lowercased() {
          case "even": split = .even
          case "tokens": split = .tokens
          case "requests": split = .requests
          case "gpu_hours", "gpu-hours", "gpuhours": split = .gpuHours
          default: throw fail(value, "unknown split '\(s)'", fix: "split is even, tokens, requests, gpu_hours or {percent: {model: share}}")
          }
        } else {
          let inner = try pairs(value, "split")
          guard inner.count == 1, inner[0].0 == "percent" else {
            throw fail(value, "a split mapping must be {percent: {model: share, …}}")
          }
          var shares: [String: Double] = [:]
          for (model, _, v) in try pairs(inner[0].2, "percent") {
            guard let d = Double(try string(v, "a share")), d >= 0 else { throw fail(v, "a share must be a number ≥ 0") }
            shares[model] = d
          }
          let total = shares.values.reduce(0, +)
          if abs(total - 100) > 1e-9 {
            throw fail(value, "the percentages sum to \(String(format: "%g", total)), not 100",
                       fix: "give every model its share so that they add up to 100 (a remainder can go to a model such as 'shared')")
          }
          try sameExceptCase(Array(shares.keys), value)
          split = .percent(shares)
        }
      default: throw fail(keyNode, "unknown key '\(key)' in a pool", fix: "a pool has name, match, split and optionally among")
      }
    }
    guard let m else { throw fail(node, "a pool needs a match") }
    guard let split else { throw fail(node, "a pool needs a split (even, tokens, requests, gpu_hours or percent)") }
    return Pool(name: name.isEmpty ? "pool at line \(node.mark?.line ?? 0)" : name, match: m, split: split, among: among, line: node.mark?.line ?? 0)
  }

  func componentRule(_ node: Node) throws(RulesError) -> ComponentRule {
    var m: Match?, component: Component?, phase: Phase?
    for (key, keyNode, value) in try pairs(node, "a component rule") {
      switch key {
      case "match": m = try match(value)
      case "component":
        let s = try string(value, "component")
        guard let c = Component(rawValue: s) else {
          throw fail(value, "unknown component '\(s)'", fix: "components are \(Component.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        component = c
      case "phase":
        let s = try string(value, "phase")
        guard let p = Phase(rawValue: s) else { throw fail(value, "unknown phase '\(s)'", fix: "phase is inference or training") }
        phase = p
      default: throw fail(keyNode, "unknown key '\(key)' in a component rule", fix: "a component rule has match, component and/or phase")
      }
    }
    guard let m else { throw fail(node, "a component rule needs a match") }
    if component == nil && phase == nil { throw fail(node, "a component rule sets a component, a phase or both") }
    return ComponentRule(match: m, component: component, phase: phase, line: node.mark?.line ?? 0)
  }
}
