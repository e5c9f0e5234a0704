import Foundation
import MLCostCore

/// Azure header names: case-insensitive, BOM dropped, and a localised header such as
/// `Maßeinheit (UnitOfMeasure)` read by the English name in its trailing parentheses.
enum AzureColumns {
  static func key(_ name: String) -> String {
    var s = name.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces)
    if s.hasSuffix(")"), let open = s.lastIndex(of: "(") {
      s = String(s[s.index(after: open)..<s.index(before: s.endIndex)])
    }
    return s.lowercased()
  }

  static let costs = ["costinbillingcurrency", "cost", "pretaxcost"]

  static func sniff(_ header: [String]) -> SniffResult? {
    let keys = Set(header.map(key))
    guard keys.contains("metercategory") || keys.contains("meterid"), let cost = costs.first(where: keys.contains) else { return nil }
    let version: String
    if keys.contains("usagedatetime") || keys.contains("subscriptionguid") { version = "pay-as-you-go" }
    else if header.contains(where: { $0.first?.isLowercase == true && $0.hasPrefix("cost") }) { version = "mca" }
    else { version = "ea" }
    return SniffResult(format: .azure, version: version, evidence: ["MeterCategory", cost])
  }
}

/// Azure cost details (EA, MCA, pay-as-you-go; actual or amortised) → canonical charges.
///
/// Per row, Microsoft's own recipe for a FOCUS view: commitment purchases (ChargeType Purchase/Refund
/// with PricingModel Reservation or SavingsPlan) are billed but carry no effective cost; usage covered
/// by a commitment and `UnusedReservation`/`UnusedSavingsPlan` rows carry effective cost but are not
/// billed again; every other row is both. So neither export is ever counted twice.
public final class AzureImporter: ChargeRowMapper {
  @exclusivity(unchecked) public private(set) var warnings: [Diagnostic] = []
  private let f: ProviderFields
  private let constants = ConstantText()
  @exclusivity(unchecked) private var scratch = ScratchBytes(capacity: 4096)
  private let defaultCurrency: String?
  private let file: String
  @exclusivity(unchecked) private var c = Cols()
  private let extraColumns: [(Int, [UInt8])]
  @exclusivity(unchecked) private var validTags = Set<UInt64>()
  @exclusivity(unchecked) private var sawAmortised = false
  @exclusivity(unchecked) private var sawPurchase = false
  @exclusivity(unchecked) private var noted = false

  struct Cols {
    var date, cost, currency, periodStart, periodEnd, account, accountName, subscription, subscriptionName: Int?
    var invoice, resource, resourceName, resourceType, location, zone, meterCategory, meterSubCategory, serviceFamily: Int?
    var partNumber, meterId, meterName, product, unit, quantity, payg, unitPrice, chargeType, frequency, pricingModel: Int?
    var reservationId, reservationName, benefitId, benefitName, tags, publisher, additionalInfo, pricingCurrency: Int?
    var pricingCost, exchangeRate: Int?
  }

  static let keptAsExtra = ["resourcegroup", "resourcegroupname", "costcenter", "invoicesectionname", "invoicesection", "offerid",
                            "consumedservice", "publishertype", "servicefamily", "costallocationrulename", "serviceinfo1", "serviceinfo2",
                            "additionalinfo", "costinusd", "costinpricingcurrency", "exchangeratepricingtobilling", "term", "servicetier", "servicename"]

  public init(header: [String], file: String, currency: String? = nil) throws(ImportError) {
    self.file = file
    f = ProviderFields(header: header, file: file, normalise: AzureColumns.key,
                       timeFix: "Azure dates look like 2026-10-01 or 10/01/2026 (US order)")
    c.date = f.find("date", "usagedatetime"); c.cost = f.find("costinbillingcurrency", "cost", "pretaxcost")
    c.currency = f.find("billingcurrencycode", "billingcurrency", "currency")
    c.periodStart = f.find("billingperiodstartdate"); c.periodEnd = f.find("billingperiodenddate")
    c.account = f.find("billingaccountid"); c.accountName = f.find("billingaccountname")
    c.subscription = f.find("subscriptionid", "subscriptionguid"); c.subscriptionName = f.find("subscriptionname")
    c.invoice = f.find("invoiceid"); c.resource = f.find("resourceid", "instanceid")
    c.resourceName = f.find("resourcename", "instancename"); c.resourceType = f.find("resourcetype")
    c.location = f.find("resourcelocation", "location"); c.zone = f.find("availabilityzone")
    c.meterCategory = f.find("metercategory"); c.meterSubCategory = f.find("metersubcategory")
    c.serviceFamily = f.find("servicefamily"); c.partNumber = f.find("partnumber", "productid")
    c.meterId = f.find("meterid"); c.meterName = f.find("metername"); c.product = f.find("productname", "product")
    c.unit = f.find("unitofmeasure"); c.quantity = f.find("quantity", "usagequantity")
    c.payg = f.find("paygprice"); c.unitPrice = f.find("unitprice", "resourcerate")
    c.chargeType = f.find("chargetype"); c.frequency = f.find("frequency"); c.pricingModel = f.find("pricingmodel")
    c.reservationId = f.find("reservationid"); c.reservationName = f.find("reservationname")
    c.benefitId = f.find("benefitid"); c.benefitName = f.find("benefitname")
    c.tags = f.find("tags"); c.publisher = f.find("publishername"); c.additionalInfo = f.find("additionalinfo")
    c.pricingCurrency = f.find("pricingcurrency")
    c.pricingCost = f.find("costinpricingcurrency"); c.exchangeRate = f.find("exchangeratepricingtobilling")
    var extras: [(Int, [UInt8])] = []
    for (i, name) in header.enumerated() where Self.keptAsExtra.contains(AzureColumns.key(name)) {
      extras.append((i, Array(JSON.escaped(AzureColumns.key(name) == "additionalinfo" ? "AdditionalInfo" : name.trimmingCharacters(in: .whitespaces)).utf8)))
    }
    extraColumns = extras
    if c.date == nil { throw f.headerError("the Azure column Date (or UsageDateTime) is missing", fix: "export cost details with their Date column") }
    if c.cost == nil { throw f.headerError("the Azure cost column is missing", fix: "expected CostInBillingCurrency, Cost or PreTaxCost") }
    defaultCurrency = AssumedCurrency.resolve(hasColumn: c.currency != nil, columnName: "BillingCurrency", option: currency, file: file,
                                              warnings: &warnings)
    if c.account == nil && c.subscription != nil {
      warnings.append(Diagnostic(.note, at: SourceLocation(file: file, line: 1, column: nil),
        "there is no BillingAccountId column; the subscription id stands in as the billing account (newer exports of the same subscription and month replace older ones)"))
    }
  }

  deinit { scratch.free() }

  public func map(_ row: CSVReader, into r: inout ChargeRecord, amounts: inout RowAmounts) throws(RowError) {
    r.reset()
    scratch.reset()
    // Some exports drop a trailing empty field; a row one field short reads it as empty.
    try f.checkShape(row, allowShortBy: 1)
    let day = try f.time(row, c.date, required: true)!
    r.chargePeriodStart = day
    r.chargePeriodEnd = day + 86_400
    // Azure's BillingPeriodEndDate is the last day, inclusive; FOCUS ends are exclusive.
    if let start = try f.time(row, c.periodStart, wallClock: true) {
      r.billingPeriodStart = start
      r.billingPeriodEnd = try f.time(row, c.periodEnd, wallClock: true).map { $0 + 86_400 }
    } else {
      let month = BillingMonth(containing: day)
      r.billingPeriodStart = month.start
      r.billingPeriodEnd = month.next.start
    }
    amounts.period = BillingMonth(containing: r.billingPeriodStart)
    let currency: String
    if let raw = f.raw(row, c.currency) { currency = FocusImporter.currencyCode(raw) } else if let defaultCurrency { currency = defaultCurrency } else {
      throw f.missing(c.currency)
    }
    amounts.currency = Currency(currency)
    r[.billingCurrency] = constants.ref(currency)
    let cost = try f.money(row, c.cost, required: true)!

    try categoryAndCosts(row, cost, &r, &amounts)
    if let freq = f.string(row, c.frequency) {
      switch freq.lowercased() {
      case "onetime": r.chargeFrequency = .oneTime
      case "recurring": r.chargeFrequency = .recurring
      case "usagebased": r.chargeFrequency = .usageBased
      default: break
      }
    }

    textFields(row, &r)

    // "10 Hours", "1/Month", "10K": the block size divides the quantity into pricing units.
    let quantity = try f.quantity(row, c.quantity)
    r.consumedQuantity = quantity
    if let unit = f.string(row, c.unit) {
      let (block, name) = Self.block(unit)
      r[.consumedUnit] = constants.ref(name)
      r[.pricingUnit] = constants.ref(unit)
      r.pricingQuantity = quantity.map { $0 / block }
    } else {
      r.pricingQuantity = quantity
    }

    // The VM size (for GPU attribution) is in AdditionalInfo's ServiceType — when it is a VM size: other services
    // write their own words there (SQLThreatDetection), which stay in AdditionalInfo.
    if let info = f.raw(row, c.additionalInfo), let size = Self.serviceType(info), Self.isVMSize(size) {
      r[.instanceType] = constants.ref(size)
      if let gpu = AzureVMGPU.model(size) { r[.gpuModel] = constants.ref(gpu.model); r.gpuCount = gpu.count }
    }
    if c.pricingCost != nil || c.exchangeRate != nil { pricingCurrencyCost(row, cost, &r, amounts) }
    try tagsAndExtras(row, &r)
    if r.chargeCategory == .credit && r.effectiveCost != r.billedCost { r.flags.insert(.creditEffective) }
    if !noted && sawAmortised && sawPurchase {
      noted = true
      warnings.append(Diagnostic(.note, at: SourceLocation(file: file, line: row.rowLine, column: nil),
        "this file mixes amortised usage and commitment purchases; each is counted once (purchases as billed, amortised usage as effective)"))
    }
  }

  /// ChargeType and PricingModel → category, billed and effective cost, pricing category and commitment fields.
  @inline(__always)
  private func categoryAndCosts(_ row: CSVReader, _ cost: Amount, _ r: inout ChargeRecord, _ amounts: inout RowAmounts) throws(RowError) {
    let chargeType = f.string(row, c.chargeType)?.lowercased() ?? "usage"
    let model = f.string(row, c.pricingModel)?.lowercased().replacingOccurrences(of: " ", with: "") ?? ""
    let committed = model == "reservation" || model == "savingsplan"
    switch chargeType {
    case "usage":
      r.chargeCategory = .usage
      if committed {
        r.billedCost = .zero; r.effectiveCost = cost
        if !cost.isZero { sawAmortised = true }
        r[.commitmentDiscountStatus] = constants.ref("Used")
      } else {
        r.billedCost = cost; r.effectiveCost = cost
      }
    case "unusedreservation", "unusedsavingsplan":
      r.chargeCategory = .usage; r.billedCost = .zero; r.effectiveCost = cost; sawAmortised = true
      r[.commitmentDiscountStatus] = constants.ref("Unused")
    case "purchase", "refund":
      r.chargeCategory = .purchase
      if chargeType == "refund" { r.chargeClass = .correction }
      r.billedCost = cost; r.effectiveCost = committed ? .zero : cost
      if committed { sawPurchase = true }
    case "tax": r.chargeCategory = .tax; r.billedCost = cost; r.effectiveCost = cost
    case "credit": r.chargeCategory = .credit; r.billedCost = cost; r.effectiveCost = cost
    case "roundingadjustment", "adjustment": r.chargeCategory = .adjustment; r.billedCost = cost; r.effectiveCost = cost
    default:
      throw f.invalid(row, c.chargeType!, expected: "Usage, Purchase, Refund, UnusedReservation, UnusedSavingsPlan, Tax, Credit or RoundingAdjustment")
    }
    amounts.billedCost = r.billedCost
    amounts.effectiveCost = r.effectiveCost
    switch model {
    case "ondemand", "": r.pricingCategory = r.chargeCategory == .usage ? .standard : nil
    case "spot": r.pricingCategory = .dynamic
    case "reservation", "savingsplan":
      r.pricingCategory = .committed
      r[.commitmentDiscountCategory] = constants.ref(model == "reservation" ? "Usage" : "Spend")
      r[.commitmentDiscountType] = constants.ref(model == "reservation" ? "Reservation" : "Savings Plan")
    default: r.pricingCategory = .other
    }
  }

  /// The effective cost in PricingCurrency when that is another ISO currency (for the FX split of anomalies):
  /// CostInPricingCurrency, else the cost ÷ ExchangeRatePricingToBilling. Unreadable values leave it unset.
  private func pricingCurrencyCost(_ row: CSVReader, _ cost: Amount, _ r: inout ChargeRecord, _ amounts: RowAmounts) {
    guard let raw = f.raw(row, c.pricingCurrency) else { return }
    let code = Currency(FocusImporter.currencyCode(raw))
    guard code.isISOCode, code != amounts.currency, r.effectiveCost == cost || r.effectiveCost.isZero else { return }
    var inPricing: Amount?
    if let v = f.raw(row, c.pricingCost), let m = try? ExactDecimal.parse(FocusImporter.trimmed(v)) {
      inPricing = m.amount
    } else if let v = f.raw(row, c.exchangeRate), let rate = try? ExactDecimal.parse(FocusImporter.trimmed(v)).amount.int64, rate > 0 {
      let scaled = cost.scaled(by: Int64(Amount.picosPerUnit), over: rate)
      if !scaled.isOverflow { inPricing = scaled }
    }
    if let inPricing { r.pricingCurrencyCost = r.effectiveCost.isZero ? .zero : inPricing }
  }

  /// The text columns, named after FOCUS.
  @inline(__always)
  private func textFields(_ row: CSVReader, _ r: inout ChargeRecord) {
    r[.providerName] = constants.ref("Microsoft")
    r[.invoiceIssuerName] = constants.ref("Microsoft")
    let publisher = f.text(row, c.publisher)
    r[.publisherName] = publisher.isNull ? constants.ref("Microsoft") : publisher
    r[.billingAccountId] = c.account != nil ? f.text(row, c.account) : f.text(row, c.subscription)
    r[.billingAccountName] = f.text(row, c.accountName)
    r[.subAccountId] = f.text(row, c.subscription); r[.subAccountName] = f.text(row, c.subscriptionName)
    r[.invoiceId] = f.text(row, c.invoice)
    r[.resourceId] = f.text(row, c.resource); r[.resourceName] = f.text(row, c.resourceName)
    r[.resourceType] = f.text(row, c.resourceType)
    r[.regionId] = f.text(row, c.location); r[.availabilityZone] = f.text(row, c.zone)
    r[.serviceName] = f.text(row, c.meterCategory); r[.serviceSubcategory] = f.text(row, c.meterSubCategory)
    if let category = f.string(row, c.meterCategory) { r[.serviceCategory] = constants.ref(Self.serviceCategory(category)) }
    r[.skuId] = f.text(row, c.partNumber); r[.skuPriceId] = f.text(row, c.meterId); r[.skuMeter] = f.text(row, c.meterName)
    r[.chargeDescription] = f.text(row, c.product)
    r[.listUnitPrice] = f.text(row, c.payg); r[.contractedUnitPrice] = f.text(row, c.unitPrice)
    r[.pricingCurrency] = f.text(row, c.pricingCurrency)
    let reservation = f.text(row, c.reservationId)
    r[.commitmentDiscountId] = reservation.isNull ? f.text(row, c.benefitId) : reservation
    let reservationName = f.text(row, c.reservationName)
    r[.commitmentDiscountName] = reservationName.isNull ? f.text(row, c.benefitName) : reservationName
    if r[.commitmentDiscountId].isNull { r[.commitmentDiscountStatus] = .null; r[.commitmentDiscountCategory] = .null; r[.commitmentDiscountType] = .null }
  }

  private func tagsAndExtras(_ row: CSVReader, _ r: inout ChargeRecord) throws(RowError) {
    var tagRange: (Int, Int)?
    if let value = f.raw(row, c.tags), !(value.count == 2 && value[0] == UInt8(ascii: "{")), !(value.count == 2 && value[0] == UInt8(ascii: "\"")) {
      let start = scratch.count
      let wrap = value[0] != UInt8(ascii: "{")
      if wrap { scratch.append(UInt8(ascii: "{")) }
      scratch.append(value)
      if wrap { scratch.append(UInt8(ascii: "}")) }
      let view = UnsafeRawBufferPointer(start: scratch.base + start, count: scratch.count - start)
      let h = FNV.hash(view)
      if validTags.contains(h) || (try? JSONSerialization.jsonObject(with: Data(view))) is [String: Any] {
        if validTags.count < 200_000 { validTags.insert(h) }
        tagRange = (start, scratch.count - start)
      } else {
        scratch.truncate(to: start)
        r.flags.insert(.unreadableTags)
      }
    }
    var extra = JSONObjectBuilder()
    if r.flags.contains(.unreadableTags), let v = f.raw(row, c.tags) { extra.add(&scratch, key: Array("Tags".utf8), value: v) }
    for (col, key) in extraColumns { if let v = f.raw(row, col), v.count > 0, !(v.count == 2 && v[0] == UInt8(ascii: "{")) { extra.add(&scratch, key: key, value: v) } }
    let extraRange = extra.close(&scratch)
    if let (s, n) = tagRange { r[.tags] = scratch.ref(s, n) }
    if let (s, n) = extraRange { r[.extra] = scratch.ref(s, n) }
  }

  /// `10 Hours` → (10, Hours); `1/Month` → (1, Month); `10K` → (10000, Units); `100 Hours` → (100, Hours).
  static func block(_ unit: String) -> (Double, String) {
    let s = unit.trimmingCharacters(in: .whitespaces)
    let digits = s.prefix { $0.isNumber || $0 == "." }
    guard let n = Double(digits), n > 0 else { return (1, s) }
    var rest = s.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
    var scale = 1.0
    if rest.hasPrefix("K") && (rest.count == 1 || rest.dropFirst().first == " ") { scale = 1000; rest = String(rest.dropFirst()).trimmingCharacters(in: .whitespaces) }
    else if rest.hasPrefix("M") && (rest.count == 1 || rest.dropFirst().first == " ") { scale = 1_000_000; rest = String(rest.dropFirst()).trimmingCharacters(in: .whitespaces) }
    if rest.hasPrefix("/") { rest = String(rest.dropFirst()).trimmingCharacters(in: .whitespaces) }
    return (n * scale, rest.isEmpty ? "Units" : rest)
  }

  /// `"ServiceType": "Standard_NC24ads_A100_v4"` inside AdditionalInfo (with or without braces).
  static func serviceType(_ info: UnsafeRawBufferPointer) -> String? {
    let text = String(decoding: info, as: UTF8.self)
    guard let key = text.range(of: "\"ServiceType\"") else { return nil }
    let after = text[key.upperBound...].drop { $0 == " " || $0 == ":" }
    guard after.first == "\"" else { return nil }
    let value = after.dropFirst().prefix { $0 != "\"" }
    return value.isEmpty ? nil : String(value)
  }

  /// `Standard_NC24ads_A100_v4`, `Basic_A1`: Azure VM sizes start with their tier.
  static func isVMSize(_ s: String) -> Bool {
    let l = s.lowercased()
    return (l.hasPrefix("standard_") || l.hasPrefix("basic_")) && s.count > 9
  }

  static func serviceCategory(_ meterCategory: String) -> String {
    switch meterCategory.lowercased() {
    case "virtual machines", "container instances", "azure kubernetes service", "functions", "cloud services", "batch": "Compute"
    case "storage", "backup": "Storage"
    case "bandwidth", "virtual network", "load balancer", "networking", "azure front door service", "content delivery network": "Networking"
    case "azure machine learning", "cognitive services", "azure openai", "foundry models", "azure ai services", "machine learning studio": "AI and Machine Learning"
    case "sql database", "azure cosmos db", "azure database for postgresql", "azure database for mysql", "redis cache": "Databases"
    default: "Other"
    }
  }
}

/// The GPU in an Azure VM size, from the size name (`Standard_NC24ads_A100_v4`, `Standard_ND96isr_H100_v5`).
enum AzureVMGPU {
  static func model(_ size: String) -> (model: String, count: Int64?)? {
    let s = size.uppercased()
    let known: [(String, String)] = [("MI300X", "MI300X"), ("H200", "H200"), ("H100", "H100"), ("A100", "A100 80GB"), ("A10", "A10"),
                                     ("V100", "V100"), ("T4", "T4"), ("L40S", "L40S"), ("L4", "L4")]
    for (needle, model) in known where s.contains("_" + needle) {
      return (model, nil)
    }
    if s.hasPrefix("STANDARD_NC") && s.hasSuffix("_V3") { return ("V100", nil) }
    return nil
  }
}

extension ImportFormat {
  /// Azure cost details (EA, MCA, pay-as-you-go; actual or amortised).
  public static let azure = ImportFormat(declaring: "azure")
}

extension FormatDescriptor {
  static let azure = FormatDescriptor(.azure, csv: CSVReading(sniff: AzureColumns.sniff,
                                                              mapper: .charges { try AzureImporter(header: $0, file: $1, currency: $2) }))
}
