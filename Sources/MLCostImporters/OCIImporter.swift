import Foundation
import MLCostCore

/// Oracle Cloud Infrastructure cost reports (`reports/cost-csv/*.csv`: `lineItem/…`, `product/…`, `usage/…`,
/// `cost/…`, `tags/<namespace>.<key>`) → canonical charges. Years of these exist from before OCI exported FOCUS.
///
/// `cost/myCost` is the line's cost (billed = effective; OCI has no amortised column); `cost/myCostOverage` is the part
/// of it above the commitment and is kept as an extra, not added. The billing period is the calendar month of
/// `lineItem/intervalUsageStart`. A correction line (`lineItem/isCorrection`) is a Correction. OCI leaves
/// `cost/currencyCode` empty on some zero-cost lines: those take `--currency`, else `XXX` (ISO 4217's "no currency"),
/// said once; a non-zero cost without a currency is an error. The usage report (quantities, no cost) is refused.
public final class OCIImporter: ChargeRowMapper {
  @exclusivity(unchecked) public private(set) var warnings: [Diagnostic] = []
  private let f: ProviderFields
  private let constants = ConstantText()
  @exclusivity(unchecked) private var scratch = ScratchBytes(capacity: 4096)
  private let option: String?
  @exclusivity(unchecked) private var c = Cols()
  @exclusivity(unchecked) private var noCurrencyRows = 0
  @exclusivity(unchecked) private var gpuCache: [String: String?] = [:]
  private let tagColumns: [(Int, [UInt8])]
  private let extraColumns: [(Int, [UInt8])]

  struct Cols {
    var reference, tenant, start, end, service, resource, compartmentId, compartmentName, region, domain, resourceId: Int?
    var billedQuantity, sku, description, unitPrice, cost, currency, billingUnit, skuUnit, correction: Int?
  }

  public init(header: [String], file: String, currency: String? = nil) throws(ImportError) {
    f = ProviderFields(header: header, file: file, normalise: { $0.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces).lowercased() },
                       timeFix: "OCI times look like 2026-10-01T00:00Z")
    c.reference = f.find("lineitem/referenceno"); c.tenant = f.find("lineitem/tenantid")
    c.start = f.find("lineitem/intervalusagestart"); c.end = f.find("lineitem/intervalusageend")
    c.service = f.find("product/service"); c.resource = f.find("product/resource")
    c.compartmentId = f.find("product/compartmentid"); c.compartmentName = f.find("product/compartmentname")
    c.region = f.find("product/region"); c.domain = f.find("product/availabilitydomain"); c.resourceId = f.find("product/resourceid")
    c.billedQuantity = f.find("usage/billedquantity"); c.sku = f.find("cost/productsku"); c.description = f.find("product/description")
    c.unitPrice = f.find("cost/unitprice"); c.cost = f.find("cost/mycost"); c.currency = f.find("cost/currencycode")
    c.billingUnit = f.find("cost/billingunitreadable"); c.skuUnit = f.find("cost/skuunitdescription"); c.correction = f.find("lineitem/iscorrection")
    if c.cost == nil {
      throw f.headerError(f.find("usage/consumedquantity") != nil
                            ? "this is an OCI usage report: it has quantities and no cost (cost/myCost)"
                            : "the OCI cost report column cost/myCost is missing",
                          fix: "import the cost report (Cost Management → Cost and Usage Reports → reports/cost-csv) instead")
    }
    if c.start == nil { throw f.headerError("the OCI column lineItem/intervalUsageStart is missing", fix: "export the cost report as OCI writes it") }
    option = currency.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
    var tags: [(Int, [UInt8])] = [], extras: [(Int, [UInt8])] = []
    let mapped: Set<Int> = Set([c.tenant, c.start, c.end, c.service, c.compartmentId, c.compartmentName, c.region, c.domain, c.resourceId,
                                c.billedQuantity, c.sku, c.description, c.unitPrice, c.cost, c.currency, c.billingUnit, c.skuUnit, c.correction].compactMap { $0 })
    for (i, name) in header.enumerated() where !mapped.contains(i) {
      let clean = name.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces)
      if clean.lowercased().hasPrefix("tags/") { tags.append((i, Array(JSON.escaped(String(clean.dropFirst(5))).utf8))) }
      else { extras.append((i, Array(JSON.escaped(clean).utf8))) }
    }
    tagColumns = tags; extraColumns = extras
  }

  deinit { scratch.free() }

  public func map(_ row: CSVReader, into r: inout ChargeRecord, amounts: inout RowAmounts) throws(RowError) {
    r.reset()
    scratch.reset()
    try f.checkShape(row)
    try f.chargePeriod(row, start: c.start, end: c.end, into: &r, amounts: &amounts)
    let cost = try f.money(row, c.cost, required: true)!
    var currency = f.raw(row, c.currency).map(FocusImporter.currencyCode)
    if currency == nil {
      guard cost.isZero else { throw f.missing(c.currency) }
      currency = option ?? "XXX"
      noCurrencyRows += 1
      if noCurrencyRows == 1 {
        warnings.append(Diagnostic(.note, at: SourceLocation(file: f.file, line: row.rowLine, column: nil),
          "zero-cost lines without cost/currencyCode are filed under \(currency!)\(option == nil ? " (ISO 4217: no currency)" : "")",
          fix: option == nil ? "give --currency with the tenancy's currency to file them under it" : nil))
      }
    }
    amounts.currency = Currency(currency!)
    r[.billingCurrency] = constants.ref(currency!)
    r.billedCost = cost; r.effectiveCost = cost
    amounts.billedCost = cost; amounts.effectiveCost = cost
    r.chargeCategory = .usage; r.chargeFrequency = .usageBased
    if f.string(row, c.correction)?.lowercased() == "true" { r.chargeClass = .correction }
    r[.providerName] = constants.ref("Oracle"); r[.publisherName] = constants.ref("Oracle"); r[.invoiceIssuerName] = constants.ref("Oracle")
    r[.billingAccountId] = f.text(row, c.tenant)
    r[.subAccountId] = f.text(row, c.compartmentId); r[.subAccountName] = f.text(row, c.compartmentName)
    r[.serviceName] = f.text(row, c.service)
    if let s = f.string(row, c.service) { r[.serviceCategory] = constants.ref(Self.serviceCategory(s)) }
    r[.resourceId] = f.text(row, c.resourceId)
    r[.regionId] = f.text(row, c.region); r[.availabilityZone] = f.text(row, c.domain)
    r[.skuId] = f.text(row, c.sku); r[.skuMeter] = f.text(row, c.description); r[.chargeDescription] = r[.skuMeter]
    r.consumedQuantity = try f.quantity(row, c.billedQuantity); r.pricingQuantity = r.consumedQuantity
    r[.consumedUnit] = f.text(row, c.skuUnit); r[.pricingUnit] = f.text(row, c.billingUnit)
    r[.contractedUnitPrice] = f.text(row, c.unitPrice)
    if let d = f.string(row, c.description) {
      if gpuCache[d] == nil { gpuCache[d] = .some(GCPImporter.gpuModel(skuDescription: d)) }
      if let model = gpuCache[d]! { r[.gpuModel] = constants.ref(model) }
    }
    var tags = JSONObjectBuilder(), extra = JSONObjectBuilder()
    for (i, key) in tagColumns { if let v = f.raw(row, i) { tags.add(&scratch, key: key, value: v) } }
    let tagRange = tags.close(&scratch)
    for (i, key) in extraColumns { if let v = f.raw(row, i) { extra.add(&scratch, key: key, value: v) } }
    let extraRange = extra.close(&scratch)
    if let (s, n) = tagRange { r[.tags] = scratch.ref(s, n) }
    if let (s, n) = extraRange { r[.extra] = scratch.ref(s, n) }
  }

  /// OCI's service codes → FOCUS service categories.
  static func serviceCategory(_ service: String) -> String {
    switch service.uppercased() {
    case "COMPUTE", "CONTAINER_ENGINE", "FUNCTIONS", "CONTAINER_INSTANCES": "Compute"
    case "OBJECTSTORE", "BLOCK_STORAGE", "FILE_STORAGE", "ARCHIVE_STORAGE": "Storage"
    case "NETWORK", "VIRTUAL_CLOUD_NETWORK", "LOAD_BALANCER", "FASTCONNECT", "API_GATEWAY", "DNS": "Networking"
    case "DATABASE", "AUTONOMOUS_DATABASE", "MYSQL", "NOSQL": "Databases"
    case "GENERATIVE_AI", "DATA_SCIENCE", "AI_SERVICES", "AI_LANGUAGE", "AI_VISION", "AI_SPEECH": "AI and Machine Learning"
    case "TELEMETRY", "MONITORING", "LOGGING", "NOTIFICATIONS": "Management and Governance"
    default: "Other"
    }
  }
}

extension ImportFormat {
  /// Oracle Cloud Infrastructure cost report CSV (`reports/cost-csv`).
  public static let oci = ImportFormat(declaring: "oci")
}

extension FormatDescriptor {
  static let oci = FormatDescriptor(.oci, csv: CSVReading(sniff: { header in
    let names = Set(header.map { $0.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces).lowercased() })
    guard names.contains("lineitem/referenceno"), names.contains("lineitem/intervalusagestart") else { return nil }
    return SniffResult(format: .oci, version: names.contains("cost/mycost") ? "cost-report" : "usage-report",
                       evidence: ["lineItem/referenceNo", "lineItem/intervalUsageStart", names.contains("cost/mycost") ? "cost/myCost" : "no cost/myCost"])
  }, mapper: .charges { try OCIImporter(header: $0, file: $1, currency: $2) }))
}
