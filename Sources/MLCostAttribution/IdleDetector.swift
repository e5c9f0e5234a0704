#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MLCostCore

/// Thresholds of idle detection (the `idle:` block of the rules file; printed with every result).
public struct IdleRules: Sendable, Equatable {
  public var windowDays = 14
  /// Below this cost over the window nothing is reported.
  public var minCost = Amount(units: 1)
  /// Under-used when the highest GPU utilisation seen in the window stays below this percent
  /// (so its p95 does too: a conservative test from daily maxima).
  public var gpuBelowPercent = 10.0
  /// Notebooks and clusters with no activity above 1% for this many days are orphaned.
  public var orphanDays = 7
  /// Resource id patterns that are endpoints besides the built-in ones (SageMaker/Vertex/Azure ML endpoints, GPU instances).
  public var endpoints: [Pattern] = []
  public init() {}
  public static func == (l: IdleRules, r: IdleRules) -> Bool {
    (l.windowDays, l.minCost, l.gpuBelowPercent, l.orphanDays, l.endpoints.map(\.description))
      == (r.windowDays, r.minCost, r.gpuBelowPercent, r.orphanDays, r.endpoints.map(\.description))
  }
}

/// One billed resource over the window.
public struct BilledResource: Sendable {
  public var resourceId: String
  public var resourceName: String?
  public var resourceType: String?
  public var provider: String?
  public var service: String?
  public var serviceCategory: String?
  public var instanceType: String?
  public var gpuModel: String?
  public var model: String?
  public var currency: Currency
  public var cost: Amount
  public var daysBilled: Int
  public init(resourceId: String, currency: Currency, cost: Amount, daysBilled: Int) {
    self.resourceId = resourceId; self.currency = currency; self.cost = cost; self.daysBilled = daysBilled
  }
}

/// One metric series over the window, from daily rollups.
public struct SeriesWindow: Sendable {
  public var resource: String
  public var metric: String
  public var dimensions: String
  public var days: Int
  public var samples: Int
  public var total: Double
  public var maximum: Double
  public init(resource: String, metric: String, dimensions: String, days: Int, samples: Int, total: Double, maximum: Double) {
    self.resource = resource; self.metric = metric; self.dimensions = dimensions; self.days = days; self.samples = samples
    self.total = total; self.maximum = maximum
  }
}

/// Joins the bill with activity (DESIGN.md "Idle endpoints"). Pure: values in, findings out.
public enum IdleDetector {
  static func isEndpoint(_ r: BilledResource, _ rules: IdleRules) -> Bool {
    let id = r.resourceId.lowercased(), type = r.resourceType?.lowercased() ?? ""
    if rules.endpoints.contains(where: { $0.matches(r.resourceId) }) { return true }
    if id.contains(":endpoint/") || type.contains("endpoint") || r.gpuModel != nil { return true }
    return isNotebookOrCluster(r)
  }

  static func isNotebookOrCluster(_ r: BilledResource) -> Bool {
    let s = (r.resourceType ?? "").lowercased() + " " + r.resourceId.lowercased()
    return s.contains("notebook") || s.contains("cluster") || s.contains("training-job")
  }

  static func key(_ r: BilledResource) -> [String] {
    var keys = [r.resourceId]
    if let last = r.resourceId.split(separator: "/").last { keys.append(String(last)) }
    if let n = r.resourceName { keys.append(n) }
    var seen = Set<String>()
    return keys.filter { seen.insert($0).inserted }
  }

  /// Monthly figure from a window cost: per billed day × the average calendar month (365/12 days = 730 hours, the
  /// month the planner projects with), exact (half-even).
  static func monthly(_ cost: Amount, days: Int) -> Amount { LargestRemainder.scale(cost, 365, 12 * Int64(max(1, days))) }

  /// Storage billed in the window for an instance billed before it but not in it (stopped): volumes and
  /// disks carry the instance's name or id (`<vm>_OsDisk_1_…`, GCP disks named after their instance).
  static func stoppedButBilled(_ resources: [BilledResource], stopped: [BilledResource], rules: IdleRules) -> [IdleFinding] {
    var out: [IdleFinding] = []
    // Each stopped instance's names, lowercased as bytes once (not once per volume: with thousands of each,
    // the pairs took seconds in Foundation's `contains`).
    let stoppedNames: [[(name: String, bytes: [UInt8])]] = stopped.map { i in
      [String(i.resourceId.split(separator: "/").last ?? ""), i.resourceName ?? ""].filter { $0.count >= 6 }.map { ($0, Array($0.lowercased().utf8)) }
    }
    for r in resources where r.cost >= rules.minCost {
      let kind = ((r.resourceType ?? "") + " " + (r.serviceCategory ?? "") + " " + (r.service ?? "")).lowercased()
      guard kind.contains("volume") || kind.contains("disk") || kind.contains("storage") else { continue }
      let haystack = Array((r.resourceId + " " + (r.resourceName ?? "")).lowercased().utf8)
      for (i, names) in zip(stopped, stoppedNames) {
        guard let hit = names.first(where: { contains(haystack, $0.bytes) })?.name, r.resourceId != i.resourceId else { continue }
        let perMonth = monthly(r.cost, days: r.daysBilled)
        out.append(IdleFinding(kind: .stoppedButBilled, resourceId: r.resourceId, model: i.model, currency: r.currency,
          windowCost: r.cost, monthlyWaste: perMonth,
          rule: "storage billed in the window for an instance with no compute charges in it (billed before)",
          evidence: ["instance": i.resourceId, "matched on": hit, "cost": r.cost.decimalString, "daysBilled": String(r.daysBilled)],
          action: "snapshot and delete the volume, or delete the stopped instance with it", monthlySaving: perMonth))
        break
      }
    }
    return out
  }

  /// Whether `needle` occurs in `haystack`, byte for byte (both lowercased UTF-8).
  static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, needle.count <= haystack.count else { return needle.isEmpty }
    return haystack.withUnsafeBufferPointer { h in
      needle.withUnsafeBufferPointer { n in
        let first = n[0], count = n.count
        var i = 0
        while i <= h.count - count {
          if h[i] == first && memcmp(h.baseAddress! + i, n.baseAddress!, count) == 0 { return true }
          i += 1
        }
        return false
      }
    }
  }

  public static func run(resources: [BilledResource], series: [String: [SeriesWindow]], rules: IdleRules,
                         stopped: [BilledResource] = []) -> [IdleFinding] {
    var out = stoppedButBilled(resources, stopped: stopped, rules: rules)
    for r in resources where r.cost >= rules.minCost && isEndpoint(r, rules) {
      let found = key(r).lazy.compactMap { series[$0] }.first ?? []
      let perMonth = monthly(r.cost, days: r.daysBilled)
      var evidence = ["cost": r.cost.decimalString, "daysBilled": String(r.daysBilled)]
      if let t = r.instanceType { evidence["instanceType"] = t }
      func finding(_ kind: FindingKind, _ rule: String, _ action: String, waste: Amount?, saving: Amount?) -> IdleFinding {
        IdleFinding(kind: kind, resourceId: r.resourceId, model: r.model, currency: r.currency, windowCost: r.cost,
                    monthlyWaste: waste, rule: rule, evidence: evidence, action: action, monthlySaving: saving)
      }
      if found.isEmpty {
        evidence["metrics"] = "none for this resource (matched on \(key(r).joined(separator: ", ")))"
        out.append(finding(.unknown, "cost > \(rules.minCost.decimalString) with no activity data: never called idle",
                           "export its metrics (CloudWatch get-metric-data, or the long metrics CSV) and run again", waste: nil, saving: nil))
        continue
      }
      let invocations = found.filter { ["invocations", "requests", "requestcount", "invocationcount"].contains(norm($0.metric)) }
      let gpu = found.filter { ["gpuutilization", "gpuutil", "dcgmfidevgpuutil", "gpuutilisation"].contains(norm($0.metric)) }
      let anyUtil = found.filter { norm($0.metric).contains("utilization") || norm($0.metric).contains("util") }
      for s in found { evidence["series \(s.metric) \(s.dimensions)"] = "\(s.samples) samples over \(s.days) days" }
      if !invocations.isEmpty {
        let total = invocations.reduce(0) { $0 + $1.total }
        evidence["invocations"] = String(format: "%.0f", total)
      }
      if !gpu.isEmpty {
        let samples = gpu.reduce(0) { $0 + $1.samples }
        evidence["gpuUtilisationMean"] = String(format: "%.1f%%", gpu.reduce(0) { $0 + $1.total } / Double(max(1, samples)))
        evidence["gpuUtilisationMax"] = String(format: "%.1f%%", gpu.map(\.maximum).max() ?? 0)
      }
      if !invocations.isEmpty && invocations.allSatisfy({ $0.total == 0 && $0.samples > 0 }) {
        out.append(finding(.idle, "cost > \(rules.minCost.decimalString) and zero invocations over \(rules.windowDays) days (every variant)",
                           "delete the endpoint, or scale it to zero (serverless inference / minimum 0 instances)", waste: perMonth, saving: perMonth))
      } else if isNotebookOrCluster(r), !anyUtil.isEmpty, anyUtil.allSatisfy({ $0.maximum < 1 }), (anyUtil.map(\.days).max() ?? 0) >= rules.orphanDays {
        out.append(finding(.orphaned, "notebook or cluster with utilisation under 1% for \(rules.orphanDays)+ days",
                           "stop or delete it; schedule it off outside working hours if it is used", waste: perMonth, saving: perMonth))
      } else if !gpu.isEmpty, let maxUtil = gpu.map(\.maximum).max(), maxUtil < rules.gpuBelowPercent {
        let saving = perMonth.scaled(by: 1, over: 2)
        let target = r.instanceType.flatMap(smaller).map { "downsize to \($0) if the family offers it (one size down, about half the price)" }
          ?? "downsize one instance size in the same family (about half the price)"
        out.append(finding(.underUsed, "GPU utilisation never above \(String(format: "%.0f", rules.gpuBelowPercent))% in \(rules.windowDays) days (so p95 is below it)",
                           target + ", or move to serverless", waste: saving, saving: saving))
      }
    }
    func waste(_ f: IdleFinding) -> Amount { f.monthlyWaste ?? .zero }
    return out.sorted { a, b in
      if a.kind != b.kind { return a.kind < b.kind }
      if waste(a) != waste(b) { return waste(a) > waste(b) }
      return a.resourceId < b.resourceId
    }
  }

  /// One size down for AWS-style names (`ml.g5.2xlarge` → `ml.g5.xlarge`); nil at the smallest or when unknown.
  /// The price halves per step within a family; the instance catalog (planner) will name GPU-count changes.
  public static func smaller(_ instanceType: String) -> String? {
    let ladder = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge"]
    guard let dot = instanceType.lastIndex(of: ".") else { return nil }
    let size = String(instanceType[instanceType.index(after: dot)...])
    guard let i = ladder.firstIndex(of: size), i > 0 else { return nil }
    return String(instanceType[...dot]) + ladder[i - 1]
  }

  static func norm(_ s: String) -> String { s.lowercased().replacingOccurrences(of: "_", with: "") }
}
