import Foundation
import MLCostAttribution
import MLCostCatalogs
import MLCostCore
import MLCostImporters
import MLCostStore

/// What `mlcost export focus` wrote.
public struct FocusExportSummary: Sendable {
  public var path: String
  public var rows: Int
  public var lines: Int
  /// API usage rows (token kinds of usage groups) written after the charge lines.
  public var usageRows = 0
  /// Per owner and currency, the basis cost written (equal to the monthly report's allocation).
  public var byOwner: [String: [Currency: Amount]]
}

extension Workspace {
  /// The month's charges as FOCUS Cost and Usage rows, each line split into one row per owner the attribution gave it
  /// (docs/export.md): the `Allocated*` columns name the owner, the rule and the share; every cost column of one origin
  /// line sums exactly to it, and per owner the basis cost sums exactly to the monthly report's allocation.
  /// A path ending `.gz` is gzipped, `.parquet` written by pyarrow (through a CSV next to it, removed after).
  public func exportFocus(month: BillingMonth, rules: Rules, prices: APIPriceBook?, version: String, to path: String) throws -> FocusExportSummary {
    let lower = path.lowercased()
    guard lower.hasSuffix(".gz") || lower.hasSuffix(".parquet") else { return try exportFocusCSV(month: month, rules: rules, prices: prices, version: version, to: path) }
    let csv = path + ".part.csv"
    defer { try? FileManager.default.removeItem(atPath: csv) }
    var summary = try exportFocusCSV(month: month, rules: rules, prices: prices, version: version, to: csv)
    if lower.hasSuffix(".gz") { try CompressedOutput.gzip(csv, to: path) } else { try CompressedOutput.parquet(csv, to: path) }
    summary.path = path
    return summary
  }

  func exportFocusCSV(month: BillingMonth, rules: Rules, prices: APIPriceBook?, version: String, to path: String) throws -> FocusExportSummary {
    guard ["1.3", "1.4"].contains(version) else { throw ImportError.usage("--focus-version is 1.3 or 1.4, not \(version)") }
    let input = try Self.attributionInput(month, prices: prices, store: store, sliceFields: [.origin])
    let attribution = try AttributionEngine.run(input, rules: rules)
    var byOrigin: [String: [Allocation]] = [:]
    for a in attribution.allocations where a.source == .charge || a.source == .pool {
      byOrigin[a.slice.first ?? SliceField.none, default: []].append(a)
    }
    for k in byOrigin.keys { byOrigin[k]!.sort { ($0.owner, $0.requestType, $0.component.rawValue, $0.rule) < ($1.owner, $1.requestType, $1.component.rawValue, $1.rule) } }
    // Per origin, its lines' basis total and count (for the exact split across lines), from the summaries: one pass
    // over the line table.
    let totals = try store.lineTotalsByDims(month: month, billed: rules.basis == .cash)
    let weightsOf = byOrigin.mapValues { Self.weights($0.map(\.cost)) }
    let writer = FocusRowWriter(version: version, basis: rules.basis)
    let out = try CSVFile(path: path)
    out.write(writer.header)
    var state: [Int64: SplitState] = [:]
    var summary = FocusExportSummary(path: path, rows: 0, lines: 0, byOwner: [:])
    try store.chargeLines(month: month) { l in
      summary.lines += 1
      let allocations = byOrigin[String(l.dimsId)] ?? []
      let basisCost = rules.basis == .cash ? l.billedCost : l.effectiveCost
      let total = totals[l.dimsId] ?? (basisCost, 1)
      var s = state[l.dimsId] ?? SplitState(count: 0, cumulative: .zero, given: Array(repeating: .zero, count: allocations.count))
      let weights = weightsOf[String(l.dimsId)] ?? []
      let parts = Self.basisParts(basisCost, allocations: allocations, weights: weights, total: total, state: &s)
      state[l.dimsId] = s
      func split(_ a: Amount?) -> [Amount?] {
        guard let a else { return allocations.map { _ in nil } }
        return weights.allSatisfy({ $0 == 0 }) ? allocations.indices.map { $0 == 0 ? a : .zero } : LargestRemainder.split(a, weights: weights)
      }
      let billed = rules.basis == .cash ? parts : split(l.billedCost).map { $0 ?? .zero }
      let effective = rules.basis == .cash ? split(l.effectiveCost).map { $0 ?? .zero } : parts
      let list = split(l.listCost), contracted = split(l.contractedCost)
      let weightSum = weights.reduce(0.0) { $0 + Double($1) }
      if allocations.isEmpty {
        out.write(writer.row(l, billed: l.billedCost, effective: l.effectiveCost, list: l.listCost, contracted: l.contractedCost, share: 1, allocation: nil,
                             groupBasis: total.sum))
        summary.rows += 1
        return
      }
      for (i, a) in allocations.enumerated() {
        let share = weightSum > 0 ? Double(weights[i]) / weightSum : (i == 0 ? 1 : 0)
        // A share nothing went to (a zero weight beside others) is not a row.
        if share == 0 && billed[i].isZero && effective[i].isZero && (list[i] ?? .zero).isZero && (contracted[i] ?? .zero).isZero { continue }
        out.write(writer.row(l, billed: billed[i], effective: effective[i], list: list[i], contracted: contracted[i], share: share, allocation: a,
                             groupBasis: total.sum))
        summary.rows += 1
        summary.byOwner[a.owner.description, default: [:]][a.currency, default: .zero] += rules.basis == .cash ? billed[i] : effective[i]
      }
    }
    // API usage: a row per usage group and token kind, its cost as the report counts it.
    let usageRows = FocusUsageRows(writer: writer, month: month)
    for (u, c) in zip(input.usage, attribution.usageCosts) {
      let price = u.model.flatMap { input.prices[TokenPrice.key(provider: u.provider, model: $0)] }
      for (row, cost) in usageRows.rows(u, c, kindCosts: AttributionEngine.kindCosts(u, price)) {
        out.write(row)
        summary.rows += 1
        summary.usageRows += 1
        if !cost.isZero { summary.byOwner[c.owner.description, default: [:]][c.currency, default: .zero] += cost }
      }
    }
    try out.close()
    return summary
  }

  /// Where one origin's split across its lines stands: lines done, their basis so far, and what each owner got so far.
  struct SplitState { var count: Int; var cumulative: Amount; var given: [Amount] }

  /// One line's basis cost split across the origin's allocations so that each line's parts sum to the line and, after
  /// the origin's last line, each owner's parts sum to its allocation: the owners' shares of the running total, minus
  /// what they were given before (the last line takes exactly the remainder).
  static func basisParts(_ line: Amount, allocations: [Allocation], weights w: [Int64], total: (sum: Amount, count: Int),
                         state s: inout SplitState) -> [Amount] {
    guard !allocations.isEmpty else { return [] }
    s.count += 1
    s.cumulative += line
    let targets: [Amount]
    let owed = allocations.reduce(Amount.zero) { $0 + $1.cost }
    if s.count == total.count && owed == total.sum {
      targets = allocations.map(\.cost)
    } else {
      targets = w.allSatisfy({ $0 == 0 }) ? allocations.indices.map { $0 == 0 ? s.cumulative : .zero } : LargestRemainder.split(s.cumulative, weights: w)
    }
    let parts = zip(targets, s.given).map { $0 - $1 }
    s.given = targets
    return parts
  }

  /// Allocation costs as split weights: magnitudes, scaled down to fit 62 bits when they are very large.
  static func weights(_ costs: [Amount]) -> [Int64] {
    let magnitudes = costs.map { $0.picos.magnitude }
    guard let largest = magnitudes.max(), largest > 0 else { return costs.map { _ in 0 } }
    var shift = 0
    while (largest >> shift) > UInt128(Int64.max >> 1) { shift += 1 }
    return magnitudes.map { Int64($0 >> shift) }
  }
}
