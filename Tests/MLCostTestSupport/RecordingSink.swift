import Foundation
import MLCostCore

/// Keeps every charge and reject as readable text lines (fixtures, invariance tests).
public final class RecordingSink: ImportSink {
  public var lines: [String] = []
  public var rejects: [RejectedRow] = []
  /// The usage records as written.
  public var usage: [UsageRecord] = []
  /// Tags or extra cells that are not a JSON object (must stay empty).
  public var invalidJSON: [String] = []
  /// Rows flagged `sameDimensionsAsPrevious` whose dimensions differ from the previous row's (must stay 0).
  public var wrongHints = 0
  public var hints = 0
  private var previousDimensions = ""
  public var failAfter: Int?
  public init() {}

  public func write(_ c: borrowing ChargeRecord) throws {
    if let failAfter, lines.count >= failAfter { throw RecordingSinkFailure() }
    var dims = "\(c.chargeCategory)|\(String(describing: c.chargeClass))|\(String(describing: c.chargeFrequency))|\(String(describing: c.pricingCategory))|\(String(describing: c.gpuCount))"
    for field in ChargeText.allCases { dims += "|" + (c[field].string ?? "∅") }
    if c.sameDimensionsAsPrevious {
      hints += 1
      if dims != previousDimensions { wrongHints += 1 }
    }
    previousDimensions = dims
    var parts = ["line \(c.line):", "\(c.chargeCategory)"]
    if let p = c.pricingCategory { parts.append("pricing=\(p)") }
    if let f = c.chargeFrequency { parts.append("frequency=\(f)") }
    if let k = c.chargeClass { parts.append("class=\(k)") }
    parts.append("billed=\(c.billedCost.decimalString)")
    parts.append("effective=\(c.effectiveCost.decimalString)")
    if let v = c.listCost { parts.append("list=\(v.decimalString)") }
    if let v = c.contractedCost { parts.append("contracted=\(v.decimalString)") }
    if let v = c.pricingCurrencyCost { parts.append("inPricingCurrency=\(v.decimalString)") }
    parts.append("billingPeriod=\(Timestamp.iso8601(c.billingPeriodStart))..\(c.billingPeriodEnd.map(Timestamp.iso8601) ?? "null")")
    parts.append("charge=\(Timestamp.iso8601(c.chargePeriodStart))..\(Timestamp.iso8601(c.chargePeriodEnd))")
    if let q = c.consumedQuantity { parts.append("consumed=\(q)") }
    if let q = c.pricingQuantity { parts.append("pricingQty=\(q)") }
    if let q = c.commitmentDiscountQuantity { parts.append("cdQty=\(q)") }
    if let g = c.gpuCount { parts.append("gpuCount=\(g)") }
    for field in ChargeText.allCases { if let s = c[field].string { parts.append("\(field)=\(s)") } }
    for field in [ChargeText.tags, .extra] {
      if let s = c[field].string, !((try? JSONSerialization.jsonObject(with: Data(s.utf8))) is [String: Any]) {
        invalidJSON.append("line \(c.line) \(field): \(s)")
      }
    }
    if !c.flags.isEmpty {
      parts.append("flags=[" + ArithmeticFlags.all.filter { c.flags.contains($0.0) }.map(\.1).joined(separator: "; ") + "]")
    }
    lines.append(parts.joined(separator: " "))
  }

  public func reject(_ row: RejectedRow) throws { rejects.append(row) }

  public func writeDataset(_ d: DatasetRecord) throws {
    var parts = ["line \(d.line): \(d.dataset.rawValue)"]
    func add(_ name: String, _ v: Any?) { if let v { parts.append("\(name)=\(v)") } }
    add("id", d.id); add("issuer", d.invoiceIssuer); add("account", d.billingAccountId); add("invoice", d.invoiceId)
    add("period", d.periodStart.map { Timestamp.iso8601($0) + ".." + (d.periodEnd.map(Timestamp.iso8601) ?? "null") })
    add("category", d.category); add("currency", d.currency?.code); add("cost", d.cost?.decimalString); add("quantity", d.quantity); add("unit", d.unit)
    if (try? JSONSerialization.jsonObject(with: Data(d.fields.utf8))) as? [String: Any] == nil { invalidJSON.append("line \(d.line) fields: \(d.fields)") }
    parts.append("fields=\(d.fields)")
    lines.append(parts.joined(separator: " "))
  }

  public func writeUsage(_ u: UsageRecord) throws {
    usage.append(u)
    var parts = ["line \(u.line): usage \(u.provider) \(u.source)", "bucket=\(Timestamp.iso8601(u.bucketStart))..\(Timestamp.iso8601(u.bucketEnd))",
                 "type=\(u.requestType.rawValue)"]
    func add(_ name: String, _ v: Any?) { if let v { parts.append("\(name)=\(v)") } }
    add("sourceType", u.sourceRequestType); add("model", u.model); add("project", u.project); add("apiKey", u.apiKey)
    add("user", u.user); add("team", u.team); add("endUser", u.endUser); add("tier", u.serviceTier); add("batch", u.batch)
    add("requestId", u.requestId); add("requests", u.requests); add("input", u.inputTokens); add("cachedInput", u.cachedInputTokens)
    add("cacheWrite", u.cacheWriteTokens); add("output", u.outputTokens); add("quantity", u.quantity); add("unit", u.unit)
    add("cost", u.cost.map { $0.decimalString }); add("currency", u.currency); add("tags", u.tags); add("extra", u.extra)
    for (name, s) in [("tags", u.tags), ("extra", u.extra)] {
      if let s, !((try? JSONSerialization.jsonObject(with: Data(s.utf8))) is [String: Any]) { invalidJSON.append("line \(u.line) \(name): \(s)") }
    }
    lines.append(parts.joined(separator: " "))
  }

  public func writeMetric(_ m: MetricSample) throws {
    var parts = ["line \(m.line): metric \(m.resourceId) \(m.metric)", "at=\(Timestamp.iso8601(m.timestamp))", "value=\(m.value)"]
    if let u = m.unit { parts.append("unit=\(u)") }
    if let n = m.namespace { parts.append("namespace=\(n)") }
    if let s = m.statistic { parts.append("stat=\(s)") }
    parts.append("dimensions=\(m.dimensions)")
    if !((try? JSONSerialization.jsonObject(with: Data(m.dimensions.utf8))) is [String: Any]) { invalidJSON.append("line \(m.line) dimensions") }
    lines.append(parts.joined(separator: " "))
  }
}

public struct RecordingSinkFailure: Error {}
