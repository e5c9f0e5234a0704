import Foundation
import MLCostCore

/// Google Cloud billing export (standard or detailed, flattened to CSV with dotted names; JSON lines
/// are flattened into the same columns by `GCPJSONLines`) → canonical charges.
///
/// `cost` is before credits; credits are a list of negative amounts. Billed and effective cost are
/// the net `cost + Σ credits.amount`; the gross cost is kept as ContractedCost and the credits as an
/// extra. The billing period is `invoice.month` (YYYYMM).
public final class GCPImporter: ChargeRowMapper {
  @exclusivity(unchecked) public private(set) var warnings: [Diagnostic] = []
  private let f: ProviderFields
  private let constants = ConstantText()
  @exclusivity(unchecked) private var scratch = ScratchBytes(capacity: 4096)
  private let defaultCurrency: String?
  @exclusivity(unchecked) private var c = Cols()
  @exclusivity(unchecked) private var gpuCache: [String: String?] = [:]

  struct Cols {
    var account, serviceId, service, sku, skuDescription, start, end, project, projectName, projectLabels, labels, systemLabels: Int?
    var location, region, zone, cost, currency, amount, unit, pricingAmount, pricingUnit, credits, invoiceMonth, costType: Int?
    var resourceName, resourceGlobalName, costAtList: Int?
  }

  /// The columns the JSON-lines reader flattens into, in this order.
  static let columns = ["billing_account_id", "service.id", "service.description", "sku.id", "sku.description", "usage_start_time",
                        "usage_end_time", "project.id", "project.name", "project.labels", "labels", "system_labels", "location.location",
                        "location.region", "location.zone", "cost", "currency", "usage.amount", "usage.unit", "usage.amount_in_pricing_units",
                        "usage.pricing_unit", "credits", "invoice.month", "cost_type", "resource.name", "resource.global_name", "cost_at_list"]

  public init(header: [String], file: String, currency: String? = nil) throws(ImportError) {
    f = ProviderFields(header: header, file: file, normalise: { $0.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces).lowercased() },
                       timeFix: "GCP times look like 2026-10-01 00:00:00+00:00 or 2026-10-01T00:00:00Z")
    c.account = f.find("billing_account_id"); c.serviceId = f.find("service.id"); c.service = f.find("service.description")
    c.sku = f.find("sku.id"); c.skuDescription = f.find("sku.description")
    c.start = f.find("usage_start_time"); c.end = f.find("usage_end_time")
    c.project = f.find("project.id"); c.projectName = f.find("project.name"); c.projectLabels = f.find("project.labels")
    c.labels = f.find("labels"); c.systemLabels = f.find("system_labels")
    c.location = f.find("location.location"); c.region = f.find("location.region"); c.zone = f.find("location.zone")
    c.cost = f.find("cost"); c.currency = f.find("currency")
    c.amount = f.find("usage.amount"); c.unit = f.find("usage.unit")
    c.pricingAmount = f.find("usage.amount_in_pricing_units"); c.pricingUnit = f.find("usage.pricing_unit")
    c.credits = f.find("credits"); c.invoiceMonth = f.find("invoice.month"); c.costType = f.find("cost_type")
    c.resourceName = f.find("resource.name"); c.resourceGlobalName = f.find("resource.global_name"); c.costAtList = f.find("cost_at_list")
    if c.cost == nil || c.start == nil {
      throw f.headerError("the GCP billing export columns cost and usage_start_time are required", fix: "export the standard or detailed billing table")
    }
    defaultCurrency = AssumedCurrency.resolve(hasColumn: c.currency != nil, columnName: "currency", option: currency, file: file,
                                              warnings: &warnings)
  }

  deinit { scratch.free() }

  public func map(_ row: CSVReader, into r: inout ChargeRecord, amounts: inout RowAmounts) throws(RowError) {
    r.reset()
    scratch.reset()
    try f.checkShape(row)
    try f.chargePeriod(row, start: c.start, end: c.end, month: try invoiceMonth(row), into: &r, amounts: &amounts)
    let currency = f.raw(row, c.currency).map(FocusImporter.currencyCode) ?? defaultCurrency
    guard let currency else { throw f.missing(c.currency) }
    amounts.currency = Currency(currency)
    r[.billingCurrency] = constants.ref(currency)

    let gross = try f.money(row, c.cost, required: true)!
    var credits = Amount.zero
    if let raw = f.raw(row, c.credits) {
      do { credits = try Self.creditTotal(raw) } catch {
        throw RowError(fieldIndex: c.credits, field: "credits", message: "credits: \(error)",
                       fix: "credits are a list of {name, amount, type}; amounts are plain decimals")
      }
    }
    let net = gross + credits
    if net.isOverflow { throw RowError(fieldIndex: c.cost, field: "cost", message: "cost plus credits overflows", fix: nil) }
    r.billedCost = net; r.effectiveCost = net
    amounts.billedCost = net; amounts.effectiveCost = net
    if !credits.isZero { r.contractedCost = gross }
    r.listCost = try f.money(row, c.costAtList)

    switch f.string(row, c.costType)?.lowercased() ?? "regular" {
    case "regular": r.chargeCategory = .usage; r.chargeFrequency = .usageBased
    case "tax": r.chargeCategory = .tax
    case "adjustment", "rounding_error": r.chargeCategory = .adjustment
    default: throw f.invalid(row, c.costType!, expected: "regular, tax, adjustment or rounding_error")
    }
    try textAndQuantities(row, &r)

    labelsAndExtras(row, credits: credits, &r)
  }

  /// `invoice.month` (YYYYMM), nil when the column is absent or empty.
  @inline(__always)
  private func invoiceMonth(_ row: CSVReader) throws(RowError) -> BillingMonth? {
    guard let raw = f.raw(row, c.invoiceMonth) else { return nil }
    let s = String(decoding: raw, as: UTF8.self)
    guard s.count == 6, let y = Int(s.prefix(4)), let m = Int(s.suffix(2)), (1...12).contains(m) else {
      throw RowError(fieldIndex: c.invoiceMonth, field: "invoice.month", message: "'\(s)' is not a valid invoice.month", fix: "expected YYYYMM, e.g. 202610")
    }
    return BillingMonth(year: y, month: m)
  }

  /// Provider, account, project, service, SKU, resource, location, quantities and the GPU the SKU names.
  @inline(__always)
  private func textAndQuantities(_ row: CSVReader, _ r: inout ChargeRecord) throws(RowError) {
    r[.providerName] = constants.ref("Google Cloud"); r[.publisherName] = constants.ref("Google Cloud")
    r[.invoiceIssuerName] = constants.ref("Google Cloud")
    r[.billingAccountId] = f.text(row, c.account)
    r[.subAccountId] = f.text(row, c.project); r[.subAccountName] = f.text(row, c.projectName)
    r[.serviceName] = f.text(row, c.service)
    if let service = f.string(row, c.service) { r[.serviceCategory] = constants.ref(Self.serviceCategory(service)) }
    r[.skuId] = f.text(row, c.sku); r[.skuMeter] = f.text(row, c.skuDescription); r[.chargeDescription] = r[.skuMeter]
    let global = f.text(row, c.resourceGlobalName)
    r[.resourceId] = global.isNull ? f.text(row, c.resourceName) : global
    r[.resourceName] = f.text(row, c.resourceName)
    let region = f.text(row, c.region)
    r[.regionId] = region.isNull ? f.text(row, c.location) : region
    r[.availabilityZone] = f.text(row, c.zone)
    r.consumedQuantity = try f.quantity(row, c.amount); r[.consumedUnit] = f.text(row, c.unit)
    r.pricingQuantity = try f.quantity(row, c.pricingAmount); r[.pricingUnit] = f.text(row, c.pricingUnit)
    if let sku = f.string(row, c.skuDescription) {
      if gpuCache[sku] == nil { gpuCache[sku] = .some(Self.gpuModel(skuDescription: sku)) }
      if let model = gpuCache[sku]! { r[.gpuModel] = constants.ref(model) }
    }
  }

  /// Labels: [{key, value}] (JSON or the Python repr some pipelines write) → a JSON object; system labels,
  /// credits and the service id are kept as extras.
  @inline(__always)
  private func labelsAndExtras(_ row: CSVReader, credits: Amount, _ r: inout ChargeRecord) {
    var tags = JSONObjectBuilder()
    var extra = JSONObjectBuilder()
    for col in [c.projectLabels, c.labels] {
      guard let raw = f.raw(row, col), raw.count > 2 else { continue }
      guard let pairs = Self.keyValues(raw) else {
        r.flags.insert(.unreadableTags)
        extra.add(&scratch, key: Array(f.header[col!].utf8), value: raw)
        continue
      }
      for (k, v) in pairs {
        let key = Array(JSON.escaped(col == c.projectLabels ? "project:" + k : k).utf8)
        v.utf8CString.withUnsafeBytes { tags.add(&scratch, key: key, value: UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
      }
    }
    let tagRange = tags.close(&scratch)
    if let raw = f.raw(row, c.systemLabels), raw.count > 2, let pairs = Self.keyValues(raw) {
      for (k, v) in pairs where k.hasSuffix("machine_spec") { r[.instanceType] = constants.ref(v) }
      extra.add(&scratch, key: Array("system_labels".utf8), value: raw)
    }
    if !credits.isZero, let raw = f.raw(row, c.credits) { extra.add(&scratch, key: Array("credits".utf8), value: raw) }
    if let raw = f.raw(row, c.serviceId) { extra.add(&scratch, key: Array("service.id".utf8), value: raw) }
    let extraRange = extra.close(&scratch)
    if let (s, n) = tagRange { r[.tags] = scratch.ref(s, n) }
    if let (s, n) = extraRange { r[.extra] = scratch.ref(s, n) }
  }

  /// Σ of every `amount` in a credits list, exactly, whether JSON or Python repr.
  static func creditTotal(_ raw: UnsafeRawBufferPointer) throws -> Amount {
    var total = Amount.zero
    let key = Array("amount".utf8)
    var i = 0
    let n = raw.count
    while i + key.count < n {
      if raw[i] == key[0], (0..<key.count).allSatisfy({ raw[i + $0] == key[$0] }),
         i > 0, raw[i - 1] == UInt8(ascii: "'") || raw[i - 1] == UInt8(ascii: "\""),
         i + key.count < n, raw[i + key.count] == raw[i - 1] {
        var j = i + key.count + 1
        while j < n, raw[j] == UInt8(ascii: ":") || raw[j] == UInt8(ascii: " ") { j += 1 }
        var e = j
        while e < n, raw[e] != UInt8(ascii: ","), raw[e] != UInt8(ascii: "}"), raw[e] != UInt8(ascii: " ") { e += 1 }
        let value = try ExactDecimal.parse(UnsafeRawBufferPointer(rebasing: raw[j..<e])).amount
        let sum = total + value
        if sum.isOverflow { throw DecimalError.overflow("credits") }
        total = sum
        i = e
      } else {
        i += 1
      }
    }
    return total
  }

  /// `[{"key": "k", "value": "v"}]` or `[{'key': 'k', 'value': 'v'}]` → pairs; nil when unreadable.
  static func keyValues(_ raw: UnsafeRawBufferPointer) -> [(String, String)]? {
    var text = String(decoding: raw, as: UTF8.self)
    var parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8))
    if parsed == nil {
      text = text.replacingOccurrences(of: "'", with: "\"").replacingOccurrences(of: ": None", with: ": null")
        .replacingOccurrences(of: ": True", with: ": true").replacingOccurrences(of: ": False", with: ": false")
      parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8))
    }
    if let dict = parsed as? [String: Any] { return dict.map { ($0.key, "\($0.value)") }.sorted { $0.0 < $1.0 } }
    guard let list = parsed as? [[String: Any]] else { return nil }
    return list.compactMap { item in
      guard let k = item["key"] as? String else { return nil }
      return (k, item["value"].map { "\($0)" } ?? "")
    }
  }

  static func gpuModel(skuDescription: String) -> String? {
    let s = skuDescription.lowercased()
    guard s.contains("gpu") else { return nil }
    let known: [(String, String)] = [("b200", "B200"), ("h200", "H200"), ("h100", "H100"), ("a100 80gb", "A100 80GB"), ("a100", "A100 40GB"),
                                     ("l4 ", "L4"), ("t4 ", "T4"), ("v100", "V100"), ("p100", "P100"), ("p4 ", "P4"), ("k80", "K80")]
    return known.first { s.contains($0.0) }?.1
  }

  static func serviceCategory(_ service: String) -> String {
    switch service {
    case "Compute Engine", "Kubernetes Engine", "Cloud Run", "Cloud Functions", "App Engine": "Compute"
    case "Cloud Storage", "Filestore", "Persistent Disk": "Storage"
    case "Vertex AI", "Cloud Machine Learning Engine", "Cloud TPU", "Gemini API", "Generative Language API": "AI and Machine Learning"
    case "Networking", "Cloud CDN", "Cloud Load Balancing": "Networking"
    case "BigQuery", "Cloud SQL", "Cloud Spanner", "Firestore", "Bigtable": "Databases"
    default: "Other"
    }
  }
}

extension ImportFormat {
  /// Google Cloud billing export (CSV or JSON lines).
  public static let gcp = ImportFormat(declaring: "gcp")
}

extension FormatDescriptor {
  static let gcp = FormatDescriptor(.gcp, csv: CSVReading(sniff: { header in
    let names = Set(header.map { $0.lowercased() })
    guard names.contains("cost") && names.contains("usage_start_time")
      && (names.contains("sku.id") || names.contains("service.description") || names.contains("invoice.month")) else { return nil }
    return SniffResult(format: .gcp, version: "csv", evidence: ["cost", "usage_start_time", "sku.id"])
  }, mapper: .charges { try GCPImporter(header: $0, file: $1, currency: $2) }),
  document: DocumentReading(sniff: { head in
    !head.isXML && head.has("\"usage_start_time\"") && head.has("\"cost\"")
      ? SniffResult(format: .gcp, version: "jsonl", evidence: ["usage_start_time", "cost"]) : nil
  }, run: { bytes, file in try GCPJSONLines.run(bytes, fileName: file.name, options: file.options, sink: file.sink) }))
}
