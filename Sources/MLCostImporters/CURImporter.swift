import Foundation
import MLCostCore

/// AWS Cost and Usage Report → canonical charges: legacy CSV (`lineItem/UnblendedCost`), the Athena
/// flattening (`line_item_unblended_cost`) and CUR 2.0 (same names, `resource_tags` as a JSON map).
///
/// Billed cost is `lineItem/UnblendedCost` on every row. Effective (amortised) cost follows AWS's CUR
/// query library per line-item type (docs/import.md has the table and a worked example per type).
public final class CURImporter: ChargeRowMapper {
  @exclusivity(unchecked) public private(set) var warnings: [Diagnostic] = []
  private let f: ProviderFields
  private let constants = ConstantText()
  @exclusivity(unchecked) private var scratch = ScratchBytes(capacity: 4096)
  private let defaultCurrency: String?
  private let c: Cols
  /// (column, JSON key) of each one-column-per-tag column.
  private let tagColumns: [(Int, [UInt8])]
  /// (column, JSON key) of the columns kept as extras (cost categories, line-item type, usage type …).
  private let extraColumns: [(Int, [UInt8])]
  @exclusivity(unchecked) private var typeCache = EnumCache<LineItemType>()
  @exclusivity(unchecked) private var lastCurrencyBytes: [UInt8] = []
  @exclusivity(unchecked) private var lastCurrency = TextRef.null
  @exclusivity(unchecked) private var gpuCache: [String: TextRef?] = [:]
  @exclusivity(unchecked) private var lastInstance: [UInt8] = []
  @exclusivity(unchecked) private var lastGPU = TextRef.null
  @exclusivity(unchecked) private var validMaps = Set<UInt64>()

  struct Cols {
    var periodStart, periodEnd, usageStart, usageEnd, timeInterval, type, unblended, currency: Int?
    var payer, payerName, usageAccount, usageAccountName, invoice, billingEntity, invoicingEntity, legalEntity: Int?
    var productCode, productName, resource, region, zone, sku, usageType, description, unit, usageAmount: Int?
    var publicCost, publicRate, unblendedRate, term, instanceType, gpu: Int?
    var riEffective, riArn, riUnusedUpfront, riUnusedRecurring: Int?
    var spEffective, spArn, spTotalCommitment, spUsedCommitment: Int?
    var resourceTagsMap, tagsMap, costCategoryMap: Int?
  }

  /// `lineItem/UnblendedCost`, `line_item_unblended_cost` → `lineitemunblendedcost`.
  static func key(_ name: String) -> String {
    String(name.lowercased().unicodeScalars.filter { $0 != "/" && $0 != "_" && $0 != " " && $0 != "\u{FEFF}" })
  }

  public init(header rawHeader: [String], file: String, currency: String? = nil) throws(ImportError) {
    var header = rawHeader
    // A koku CUR fixture has a merged cell `pricing/OfferingClasspricing/PurchaseOption`: one name
    // carrying two. Rows match the merged header, so the cell keeps its place under the first name.
    for (i, name) in header.enumerated() {
      if let split = Self.mergedCell(name) {
        header[i] = split.0
        warnings.append(Diagnostic(.warning, at: SourceLocation(file: file, line: 1, column: nil),
          "header cell \(i + 1) '\(name)' holds two column names; it is read as '\(split.0)' ('\(split.1)' has no column of its own)"))
      }
    }
    f = ProviderFields(header: header, file: file, normalise: Self.key,
                       timeFix: "CUR times are UTC, e.g. 2026-10-01T00:00:00Z or 2026-10-01 00:00:00")
    var c = Cols()
    c.periodStart = f.find("billbillingperiodstartdate"); c.periodEnd = f.find("billbillingperiodenddate")
    c.usageStart = f.find("lineitemusagestartdate"); c.usageEnd = f.find("lineitemusageenddate")
    c.timeInterval = f.find("identitytimeinterval"); c.type = f.find("lineitemlineitemtype")
    c.unblended = f.find("lineitemunblendedcost"); c.currency = f.find("lineitemcurrencycode")
    c.payer = f.find("billpayeraccountid"); c.payerName = f.find("billpayeraccountname")
    c.usageAccount = f.find("lineitemusageaccountid"); c.usageAccountName = f.find("lineitemusageaccountname")
    c.invoice = f.find("billinvoiceid"); c.billingEntity = f.find("billbillingentity")
    c.invoicingEntity = f.find("billinvoicingentity"); c.legalEntity = f.find("lineitemlegalentity")
    c.productCode = f.find("lineitemproductcode"); c.productName = f.find("productproductname", "productservicename")
    c.resource = f.find("lineitemresourceid"); c.region = f.find("productregioncode", "productregion")
    c.zone = f.find("lineitemavailabilityzone"); c.sku = f.find("productsku")
    c.usageType = f.find("lineitemusagetype"); c.description = f.find("lineitemlineitemdescription")
    c.unit = f.find("pricingunit"); c.usageAmount = f.find("lineitemusageamount")
    c.publicCost = f.find("pricingpublicondemandcost"); c.publicRate = f.find("pricingpublicondemandrate")
    c.unblendedRate = f.find("lineitemunblendedrate"); c.term = f.find("pricingterm")
    c.instanceType = f.find("productinstancetype"); c.gpu = f.find("productgpu")
    c.riEffective = f.find("reservationeffectivecost"); c.riArn = f.find("reservationreservationarn")
    c.riUnusedUpfront = f.find("reservationunusedamortizedupfrontfeeforbillingperiod")
    c.riUnusedRecurring = f.find("reservationunusedrecurringfee")
    c.spEffective = f.find("savingsplansavingsplaneffectivecost"); c.spArn = f.find("savingsplansavingsplanarn")
    c.spTotalCommitment = f.find("savingsplantotalcommitmenttodate"); c.spUsedCommitment = f.find("savingsplanusedcommitment")
    var tags: [(Int, [UInt8])] = []
    var extras: [(Int, [UInt8])] = []
    for (i, name) in header.enumerated() {
      let lower = name.lowercased().trimmingCharacters(in: .whitespaces)
      if lower == "resource_tags" { c.resourceTagsMap = i; continue }
      if lower == "tags" { c.tagsMap = i; continue }
      if lower == "cost_category" { c.costCategoryMap = i; continue }
      for prefix in ["resourcetags/", "resource_tags_"] where lower.hasPrefix(prefix) {
        tags.append((i, Array(JSON.escaped(String(name.trimmingCharacters(in: .whitespaces).dropFirst(prefix.count))).utf8)))
      }
      if lower.hasPrefix("costcategory/") || lower.hasPrefix("cost_category_") || Self.keptAsExtra.contains(Self.key(name)) {
        extras.append((i, Array(JSON.escaped(name.trimmingCharacters(in: .whitespaces)).utf8)))
      }
    }
    self.c = c
    tagColumns = tags
    extraColumns = extras
    let required: [(Int?, String)] = [(c.periodStart, "bill/BillingPeriodStartDate"), (c.type, "lineItem/LineItemType"),
                                      (c.unblended, "lineItem/UnblendedCost")]
    for (col, name) in required where col == nil {
      throw f.headerError("the CUR column \(name) is missing",
                          fix: "a Cost and Usage Report has \(required.map(\.1).joined(separator: ", ")) (or their snake_case names)")
    }
    if c.usageStart == nil && c.timeInterval == nil {
      throw f.headerError("the CUR has neither lineItem/UsageStartDate nor identity/TimeInterval", fix: "export the report with its line-item columns")
    }
    defaultCurrency = AssumedCurrency.resolve(hasColumn: c.currency != nil, columnName: "lineItem/CurrencyCode", option: currency, file: file,
                                              warnings: &warnings)
  }

  deinit { scratch.free() }

  /// Line-item columns kept in `extra` because attribution rules match on them.
  static let keptAsExtra: Set<String> = ["lineitemlineitemtype", "lineitemusagetype", "lineitemoperation", "pricingterm",
                                         "pricingpurchaseoption", "productproductfamily", "billbilltype", "productinstancefamily"]
  private static let categories = ["bill", "lineItem", "product", "pricing", "reservation", "savingsPlan", "identity",
                                   "resourceTags", "costCategory", "discount", "splitLineItem"]

  static func mergedCell(_ name: String) -> (String, String)? {
    guard let slash = name.firstIndex(of: "/") else { return nil }
    let rest = name[name.index(after: slash)...]
    for cat in categories {
      if let r = rest.range(of: cat + "/"), r.lowerBound > rest.startIndex {
        return (String(name[..<r.lowerBound]), String(name[r.lowerBound...]))
      }
    }
    return nil
  }

  enum LineItemType: Equatable {
    case usage, discountedUsage, spCoveredUsage, spNegation, spRecurringFee, spUpfrontFee, riFee, fee, credit, refund, tax, discount
    init?(_ s: String) {
      switch s.lowercased() {
      case "usage": self = .usage
      case "discountedusage": self = .discountedUsage
      case "savingsplancoveredusage": self = .spCoveredUsage
      case "savingsplannegation": self = .spNegation
      case "savingsplanrecurringfee": self = .spRecurringFee
      case "savingsplanupfrontfee": self = .spUpfrontFee
      case "rifee": self = .riFee
      case "fee": self = .fee
      case "credit": self = .credit
      case "refund": self = .refund
      case "tax": self = .tax
      default:
        if s.lowercased().hasSuffix("discount") { self = .discount } else { return nil }
      }
    }
    static let expected = "Usage, DiscountedUsage, SavingsPlanCoveredUsage, SavingsPlanNegation, SavingsPlanRecurringFee, SavingsPlanUpfrontFee, RIFee, Fee, Credit, Refund, Tax or a …Discount type"
  }

  public func map(_ row: CSVReader, into r: inout ChargeRecord, amounts: inout RowAmounts) throws(RowError) {
    r.reset()
    scratch.reset()
    // Excel-style exports drop trailing empty fields: a short row reads them as empty.
    try f.checkShape(row, allowShortBy: 1)
    r.billingPeriodStart = try f.time(row, c.periodStart, required: true, wallClock: true)!
    amounts.period = BillingMonth(containing: r.billingPeriodStart)
    amounts.currency = Currency(try currency(row, &r))
    r.billedCost = try f.money(row, c.unblended, required: true)!
    amounts.billedCost = r.billedCost
    guard let typeRaw = f.raw(row, c.type) else { throw f.missing(c.type) }
    guard let type = typeCache.value(typeRaw, LineItemType.init) else { throw f.invalid(row, c.type!, expected: LineItemType.expected) }
    try amortise(type, row, &r)
    amounts.effectiveCost = r.effectiveCost

    r.billingPeriodEnd = try f.time(row, c.periodEnd, wallClock: true)
    if let start = try f.time(row, c.usageStart) {
      r.chargePeriodStart = start
      r.chargePeriodEnd = try f.time(row, c.usageEnd) ?? start
    } else if let interval = f.raw(row, c.timeInterval), let slash = interval.firstIndex(of: UInt8(ascii: "/")) {
      do {
        r.chargePeriodStart = try Timestamp.parse(UnsafeRawBufferPointer(rebasing: interval[..<slash]))
        r.chargePeriodEnd = try Timestamp.parse(UnsafeRawBufferPointer(rebasing: interval[(slash + 1)...]))
      } catch {
        throw RowError(fieldIndex: c.timeInterval, field: f.header[c.timeInterval!], message: "\(error) in identity/TimeInterval",
                       fix: "expected start/end, e.g. 2026-10-01T00:00:00Z/2026-10-01T01:00:00Z")
      }
    } else {
      throw f.missing(c.usageStart ?? c.timeInterval)
    }
    if r.chargePeriodEnd < r.chargePeriodStart { r.flags.insert(.periodOrder) }

    r[.providerName] = constants.ref("AWS")
    let entity = f.text(row, c.billingEntity)
    r[.publisherName] = entity.string == "AWS Marketplace" ? f.text(row, c.legalEntity) : constants.ref("AWS")
    r[.invoiceIssuerName] = c.invoicingEntity.map { f.text(row, $0) } ?? constants.ref("AWS")
    r[.billingAccountId] = f.text(row, c.payer); r[.billingAccountName] = f.text(row, c.payerName)
    r[.subAccountId] = f.text(row, c.usageAccount); r[.subAccountName] = f.text(row, c.usageAccountName)
    r[.invoiceId] = f.text(row, c.invoice)
    let productName = f.text(row, c.productName)
    r[.serviceName] = productName.isNull ? f.text(row, c.productCode) : productName
    if let code = f.string(row, c.productCode) { r[.serviceCategory] = constants.ref(Self.serviceCategory(code)) }
    r[.resourceId] = f.text(row, c.resource); r[.regionId] = f.text(row, c.region)
    r[.availabilityZone] = f.text(row, c.zone); r[.skuId] = f.text(row, c.sku)
    r[.skuMeter] = f.text(row, c.usageType); r[.chargeDescription] = f.text(row, c.description)
    r[.consumedUnit] = f.text(row, c.unit); r[.pricingUnit] = r[.consumedUnit]
    r[.listUnitPrice] = f.text(row, c.publicRate); r[.contractedUnitPrice] = f.text(row, c.unblendedRate)
    r[.instanceType] = f.text(row, c.instanceType)
    r.consumedQuantity = try f.quantity(row, c.usageAmount)
    r.pricingQuantity = r.consumedQuantity
    r.listCost = try f.money(row, c.publicCost)
    if let gpus = try f.quantity(row, c.gpu), gpus != 0 {
      guard let n = gpuCount(gpus) else {
        throw RowError(fieldIndex: c.gpu, field: f.header[c.gpu!], message: "'\(gpus)' in \(f.header[c.gpu!]) is not a GPU count",
                       fix: "write a whole number of GPUs from 0 to \(maxGPUCount)")
      }
      r.gpuCount = n
    }
    if let instance = f.raw(row, c.instanceType) { r[.gpuModel] = gpuModel(instance) }
    if type == .usage && (f.string(row, c.term)?.lowercased() == "spot" || f.string(row, c.usageType)?.contains("SpotUsage") == true) {
      r.pricingCategory = .dynamic
    }

    try tagsAndExtras(row, &r)
    if r.chargeCategory == .credit && r.effectiveCost != r.billedCost { r.flags.insert(.creditEffective) }
  }

  /// Category, frequency, commitment fields and effective cost, per line-item type (AWS CUR query library).
  private func amortise(_ type: LineItemType, _ row: CSVReader, _ r: inout ChargeRecord) throws(RowError) {
    func need(_ col: Int?, _ name: String) throws(RowError) -> Amount {
      guard let col else {
        throw RowError(fieldIndex: c.type, field: f.header[c.type!], message: "a \(row.string(c.type!)) row needs the column \(name), which the file lacks",
                       fix: "export the CUR with its reservation and savings-plan columns")
      }
      return try f.money(row, col) ?? .zero
    }
    r.chargeFrequency = .usageBased
    switch type {
    case .usage:
      r.chargeCategory = .usage; r.pricingCategory = .standard; r.effectiveCost = r.billedCost
    case .discountedUsage:
      r.chargeCategory = .usage; r.pricingCategory = .committed
      r.effectiveCost = try need(c.riEffective, "reservation/EffectiveCost")
      commitment(row, r: &r, arn: c.riArn, category: "Usage", status: "Used")
    case .spCoveredUsage:
      r.chargeCategory = .usage; r.pricingCategory = .committed
      r.effectiveCost = try need(c.spEffective, "savingsPlan/SavingsPlanEffectiveCost")
      commitment(row, r: &r, arn: c.spArn, category: "Spend", status: "Used")
    case .spNegation:
      r.chargeCategory = .usage; r.pricingCategory = .committed; r.effectiveCost = .zero
      commitment(row, r: &r, arn: c.spArn, category: "Spend", status: nil)
    case .spRecurringFee:
      r.chargeCategory = .purchase; r.chargeFrequency = .recurring; r.pricingCategory = .committed
      r.effectiveCost = try need(c.spTotalCommitment, "savingsPlan/TotalCommitmentToDate") - need(c.spUsedCommitment, "savingsPlan/UsedCommitment")
      commitment(row, r: &r, arn: c.spArn, category: "Spend", status: "Unused")
    case .spUpfrontFee:
      r.chargeCategory = .purchase; r.chargeFrequency = .oneTime; r.pricingCategory = .committed; r.effectiveCost = .zero
      commitment(row, r: &r, arn: c.spArn, category: "Spend", status: nil)
    case .riFee:
      r.chargeCategory = .purchase; r.chargeFrequency = .recurring; r.pricingCategory = .committed
      r.effectiveCost = try need(c.riUnusedUpfront, "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod")
        + need(c.riUnusedRecurring, "reservation/UnusedRecurringFee")
      commitment(row, r: &r, arn: c.riArn, category: "Usage", status: "Unused")
    case .fee:
      r.chargeCategory = .purchase; r.chargeFrequency = .oneTime
      if f.raw(row, c.riArn) != nil {
        r.pricingCategory = .committed; r.effectiveCost = .zero
        commitment(row, r: &r, arn: c.riArn, category: "Usage", status: nil)
      } else {
        r.effectiveCost = r.billedCost
      }
    case .credit, .refund, .discount:
      r.chargeCategory = .credit; r.chargeFrequency = nil; r.effectiveCost = r.billedCost
    case .tax:
      r.chargeCategory = .tax; r.chargeFrequency = nil; r.effectiveCost = r.billedCost
    }
  }

  private func commitment(_ row: CSVReader, r: inout ChargeRecord, arn: Int?, category: String, status: String?) {
    r[.commitmentDiscountId] = f.text(row, arn)
    r[.commitmentDiscountCategory] = constants.ref(category)
    r[.commitmentDiscountType] = constants.ref(category == "Spend" ? "Savings Plan" : "Reserved Instance")
    if let status { r[.commitmentDiscountStatus] = constants.ref(status) }
  }

  private func currency(_ row: CSVReader, _ r: inout ChargeRecord) throws(RowError) -> String {
    if let raw = f.raw(row, c.currency) {
      if !lastCurrencyBytes.elementsEqual(raw) {
        lastCurrencyBytes = Array(raw)
        lastCurrency = constants.ref(FocusImporter.currencyCode(raw))
      }
      r[.billingCurrency] = lastCurrency
      return lastCurrency.string!
    }
    if let defaultCurrency {
      r[.billingCurrency] = constants.ref(defaultCurrency)
      return defaultCurrency
    }
    throw f.missing(c.currency)
  }

  private func gpuModel(_ instance: UnsafeRawBufferPointer) -> TextRef {
    if instance.elementsEqual(lastInstance) { return lastGPU }
    lastInstance = Array(instance)
    let name = String(decoding: instance, as: UTF8.self)
    if let cached = gpuCache[name] { lastGPU = cached ?? .null; return lastGPU }
    let model = AWSInstanceGPU.model(instanceType: name).map { constants.ref($0) }
    if gpuCache.count < 10_000 { gpuCache[name] = model }
    lastGPU = model ?? .null
    return lastGPU
  }

  /// Tags from one column per tag (legacy, Athena) or the CUR 2.0 map; extras as a JSON object.
  private func tagsAndExtras(_ row: CSVReader, _ r: inout ChargeRecord) throws(RowError) {
    var tags = JSONObjectBuilder()
    var tagRange: (Int, Int)?
    if let map = c.resourceTagsMap, let value = f.raw(row, map), !(value.count == 2 && value[0] == UInt8(ascii: "{")) {
      let start = scratch.count
      scratch.append(value)
      let view = UnsafeRawBufferPointer(start: scratch.base + start, count: value.count)
      let h = FNV.hash(view)
      if !validMaps.contains(h) {
        guard (try? JSONSerialization.jsonObject(with: Data(view))) is [String: Any] else {
          throw RowError(fieldIndex: map, field: f.header[map], message: "resource_tags is not a JSON object",
                         fix: "CUR 2.0 CSV writes the map as JSON, e.g. {\"user_team\":\"ml\"}")
        }
        if validMaps.count < 100_000 { validMaps.insert(h) }
      }
      tagRange = (start, value.count)
    } else {
      for (col, key) in tagColumns { if let v = f.raw(row, col) { tags.add(&scratch, key: key, value: v) } }
      tagRange = tags.close(&scratch)
    }
    var extra = JSONObjectBuilder()
    for (col, key) in extraColumns { if let v = f.raw(row, col) { extra.add(&scratch, key: key, value: v) } }
    for (col, name) in [(c.costCategoryMap, "cost_category"), (c.tagsMap, "tags")] {
      if let v = f.raw(row, col), v.count > 2 { extra.add(&scratch, key: Array(name.utf8), value: v) }
    }
    let extraRange = extra.close(&scratch)
    // Scratch is final: resolve the views.
    if let (s, n) = tagRange { r[.tags] = scratch.ref(s, n) }
    if let (s, n) = extraRange { r[.extra] = scratch.ref(s, n) }
  }

  /// FOCUS ServiceCategory for the AWS product codes an ML team meets; the rest are "Other".
  static func serviceCategory(_ code: String) -> String {
    switch code {
    case "AmazonSageMaker", "AmazonBedrock", "AmazonComprehend", "AmazonRekognition", "AmazonTextract", "AmazonTranscribe", "AmazonPolly":
      "AI and Machine Learning"
    case "AmazonEC2", "AWSLambda", "AmazonECS", "AmazonEKS", "AWSBatch", "AmazonLightsail": "Compute"
    case "AmazonS3", "AmazonEFS", "AmazonFSx", "AmazonGlacier", "AWSBackup": "Storage"
    case "AWSDataTransfer", "AmazonCloudFront", "AmazonVPC", "AmazonRoute53", "AWSDirectConnect", "AWSELB": "Networking"
    case "AmazonRDS", "AmazonDynamoDB", "AmazonElastiCache", "AmazonRedshift", "AmazonOpenSearchService", "AmazonDocDB": "Databases"
    case "AmazonCloudWatch", "AWSCloudTrail", "AWSConfig": "Management and Governance"
    case "AWSSupportBusiness", "AWSSupportEnterprise", "AWSDeveloperSupport": "Other"
    default: "Other"
    }
  }
}

/// The GPU inside an AWS (or SageMaker `ml.`) instance type, by family.
public enum AWSInstanceGPU {
  static let families: [(String, String)] = [
    ("p6-b200", "B200"), ("p5en", "H200"), ("p5e", "H200"), ("p5", "H100"), ("p4de", "A100 80GB"), ("p4d", "A100 40GB"),
    ("p3dn", "V100"), ("p3", "V100"), ("p2", "K80"), ("g6e", "L40S"), ("g6", "L4"), ("gr6", "L4"), ("g5g", "T4G"),
    ("g5", "A10G"), ("g4dn", "T4"), ("g4ad", "Radeon Pro V520"), ("g3", "M60"),
    ("trn2", "Trainium2"), ("trn1n", "Trainium"), ("trn1", "Trainium"), ("inf2", "Inferentia2"), ("inf1", "Inferentia"),
  ]
  public static func model(instanceType: String) -> String? {
    var t = instanceType.lowercased()
    if t.hasPrefix("ml.") { t.removeFirst(3) }
    guard let dot = t.firstIndex(of: ".") else { return nil }
    let family = String(t[..<dot])
    return families.first { $0.0 == family }?.1
  }
}

extension ImportFormat {
  /// AWS Cost and Usage Report: legacy, Athena snake_case and CUR 2.0.
  public static let cur = ImportFormat(declaring: "cur")
}

extension FormatDescriptor {
  static let cur = FormatDescriptor(.cur, csv: CSVReading(sniff: { header in
    let keys = Set(header.map(CURImporter.key))
    guard keys.contains("lineitemunblendedcost") && keys.contains("lineitemlineitemtype") else { return nil }
    let legacy = header.contains { $0.contains("/") }
    let v2 = header.contains { ["resource_tags", "bill_payer_account_name", "line_item_usage_account_name", "product"].contains($0.lowercased()) }
    return SniffResult(format: .cur, version: legacy ? "legacy" : (v2 ? "2.0" : "athena"),
                       evidence: [legacy ? "lineItem/UnblendedCost" : "line_item_unblended_cost", legacy ? "lineItem/LineItemType" : "line_item_line_item_type"])
  }, mapper: .charges { try CURImporter(header: $0, file: $1, currency: $2) }))
}
