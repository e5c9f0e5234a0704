/// A borrowed view of bytes: a field of the row being imported, or importer scratch.
/// Valid only until the importer moves to the next row. `nil` base = null.
public struct TextRef: @unchecked Sendable {
  public var base: UnsafeRawPointer?
  public var count: Int
  public init(base: UnsafeRawPointer?, count: Int) { self.base = base; self.count = count }
  public init(_ buffer: UnsafeRawBufferPointer) { self.base = buffer.baseAddress; self.count = buffer.count }
  public static let null = TextRef(base: nil, count: 0)
  public var isNull: Bool { base == nil }
  public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
  public var string: String? { base == nil ? nil : String(decoding: bytes, as: UTF8.self) }
}

/// The text dimensions of a canonical charge, named after FOCUS columns.
public enum ChargeText: Int, CaseIterable, Sendable {
  case billingCurrency, providerName, publisherName, invoiceIssuerName
  case billingAccountId, billingAccountName, billingAccountType, subAccountId, subAccountName, subAccountType
  case invoiceId, serviceName, serviceCategory, serviceSubcategory
  case resourceId, resourceName, resourceType, regionId, regionName, availabilityZone
  case skuId, skuPriceId, skuMeter, skuPriceDetails
  case chargeDescription, consumedUnit, pricingUnit, listUnitPrice, contractedUnitPrice
  case commitmentDiscountId, commitmentDiscountName, commitmentDiscountCategory, commitmentDiscountType
  case commitmentDiscountStatus, commitmentDiscountUnit
  case capacityReservationId, capacityReservationStatus
  case pricingCurrency, hostProviderName, serviceProviderName
  case instanceType, gpuModel
  /// The Tags JSON object (Azure's form without braces is wrapped).
  case tags
  /// A JSON object of the `x_` and unknown columns, kept as they came.
  case extra

  /// The store column name (snake_case of the FOCUS name).
  public var column: String {
    var out = ""
    for ch in "\(self)" {
      if ch.isUppercase { out += "_" + ch.lowercased() } else { out.append(ch) }
    }
    return out
  }
}

/// One canonical charge, as the importer hands it to the sink: exact money (`Amount`), instants in
/// UTC seconds, text as borrowed bytes. The sink must copy what it keeps before returning.
public struct ChargeRecord {
  public var line: Int = 0
  public var billingPeriodStart: Int64 = 0
  public var billingPeriodEnd: Int64? = nil
  public var chargePeriodStart: Int64 = 0
  public var chargePeriodEnd: Int64 = 0
  public var chargeCategory: ChargeCategory = .usage
  public var chargeClass: ChargeClass? = nil
  public var chargeFrequency: ChargeFrequency? = nil
  public var pricingCategory: PricingCategory? = nil
  public var billedCost: Amount = .zero
  public var effectiveCost: Amount = .zero
  public var listCost: Amount? = nil
  public var contractedCost: Amount? = nil
  /// EffectiveCost in the row's PricingCurrency, set only when that is an ISO currency other than the billing
  /// currency (so an anomaly's FX part can be told from its unit-price part). The source column stays in `extra`.
  public var pricingCurrencyCost: Amount? = nil
  public var consumedQuantity: Double? = nil
  public var pricingQuantity: Double? = nil
  public var commitmentDiscountQuantity: Double? = nil
  public var gpuCount: Int64? = nil
  /// How many source rows this record stands for: 1, except for a group of rows another engine (Spark) reduced
  /// to one record with their amounts summed; counts and reconciliation weigh it so.
  public var sourceRows: Int64 = 1
  public var flags: ArithmeticFlags = []
  /// A hint from a batching sink: categories, GPU count and every text field equal the previous row's
  /// (byte for byte), so a loader may reuse that row's dimensions. False when unknown.
  public var sameDimensionsAsPrevious = false
  public var text: [TextRef] = Array(repeating: .null, count: ChargeText.allCases.count)

  public init() {}

  public subscript(_ field: ChargeText) -> TextRef {
    get { text[field.rawValue] }
    set { text[field.rawValue] = newValue }
  }

  public mutating func reset() {
    billingPeriodEnd = nil; chargeClass = nil; chargeFrequency = nil; pricingCategory = nil
    listCost = nil; contractedCost = nil; pricingCurrencyCost = nil; consumedQuantity = nil; pricingQuantity = nil
    commitmentDiscountQuantity = nil; gpuCount = nil; sourceRows = 1; flags = []; sameDimensionsAsPrevious = false
    for i in text.indices { text[i] = .null }
  }
}

/// GPUs per resource: a whole number in 0…`maxGPUCount` (a GB200 NVL72 rack is 72); nil when `value` is not.
public func gpuCount(_ value: Double) -> Int64? {
  guard value.isFinite, value >= 0, value <= Double(maxGPUCount), value == value.rounded() else { return nil }
  return Int64(value)
}
public let maxGPUCount: Int64 = 100_000

extension Int64 {
  /// Counts (tokens, requests, driver weights) add up to at most `Int64.max` instead of trapping; no money goes through here.
  @inline(__always) public mutating func addSaturating(_ other: Int64) {
    let (s, o) = addingReportingOverflow(other)
    self = o ? (other < 0 ? .min : .max) : s
  }
  @inline(__always) public func plusSaturating(_ other: Int64) -> Int64 { var x = self; x.addSaturating(other); return x }

  /// `value` rounded and clamped into `range` (NaN → its lower bound): weights and counts taken from
  /// floating-point data, where `Int64(_:)` would trap on 1e19 or 1e300.
  public init(clampingRounded value: Double, to range: ClosedRange<Int64> = 0...1_000_000_000_000_000) {
    let r = value.rounded()
    if !(r >= Double(range.lowerBound)) { self = range.lowerBound }
    else if r >= Double(range.upperBound) { self = range.upperBound }
    else { self = Int64(r) }
  }
}

/// Where importers send rows. Implemented by the store's loader (and by counting sinks for dry runs).
public protocol ImportSink: AnyObject {
  /// Stores one charge. Text in the record is only valid during the call.
  func write(_ charge: borrowing ChargeRecord) throws
  /// Keeps one rejected row (lenient mode).
  func reject(_ row: RejectedRow) throws
  /// Stores one LLM API usage record.
  func writeUsage(_ usage: UsageRecord) throws
  /// Stores one metric sample.
  func writeMetric(_ sample: MetricSample) throws
  /// Stores one row of a FOCUS Contract Commitment, Billing Period or Invoice Detail dataset.
  func writeDataset(_ row: DatasetRecord) throws
}

// No default implementations: a sink that forgot a kind of record would drop it in silence (a batching sink once did).

/// A row that could not be imported, kept whole.
public struct RejectedRow: Sendable, Equatable {
  public var location: SourceLocation
  public var field: String?
  public var rawText: String
  public var reason: String
  /// Source rows this rejected record stands for (a reduced group is rejected whole).
  public var sourceRows = 1
  public init(location: SourceLocation, field: String?, rawText: String, reason: String, sourceRows: Int = 1) {
    self.location = location; self.field = field; self.rawText = rawText; self.reason = reason; self.sourceRows = sourceRows
  }
}
