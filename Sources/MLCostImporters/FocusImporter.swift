import Foundation
import MLCostCore

/// FOCUS 0.5–1.4 Cost and Usage CSV → canonical charges, by header name.
public final class FocusImporter: ChargeRowMapper {
  @exclusivity(unchecked) public private(set) var warnings: [Diagnostic] = []
  private let header: [String]
  private let file: String
  @exclusivity(unchecked) private var notedUnreadablePricing = false
  @exclusivity(unchecked) private var notedUnreadableAllocation = false
  private let targets: [FocusColumns.Target]
  private let extraKeys: [[UInt8]]
  private let defaultCurrency: String?
  @exclusivity(unchecked) private var scratch = ScratchBytes(capacity: 4096)
  @exclusivity(unchecked) private var tagScratch = ScratchBytes(capacity: 1024)
  private static let tagsKey = Array("Tags".utf8)
  @exclusivity(unchecked) private var categoryCache = EnumCache<ChargeCategory>()
  @exclusivity(unchecked) private var classCache = EnumCache<ChargeClass>()
  @exclusivity(unchecked) private var frequencyCache = EnumCache<ChargeFrequency>()
  @exclusivity(unchecked) private var pricingCache = EnumCache<PricingCategory>()
  @exclusivity(unchecked) private var validTags = Set<UInt64>()
  @exclusivity(unchecked) private var lastCurrencyBytes: [UInt8] = []
  @exclusivity(unchecked) private var lastCurrency = ""

  /// - Parameters:
  ///   - header: the header row as read.
  ///   - file: the file name, for diagnostics.
  ///   - currency: the currency to assume when the file has no BillingCurrency column.
  public init(header: [String], file: String, currency: String? = nil) throws(ImportError) {
    self.header = header
    self.file = file
    var targets: [FocusColumns.Target] = []
    var extraKeys: [[UInt8]] = []
    var seen: [String: Int] = [:]
    for (i, name) in header.enumerated() {
      let key = FocusColumns.normalise(name)
      if let first = seen[key] {
        throw .badData(Diagnostic(.error, at: SourceLocation(file: file, line: 1, column: nil),
          "column '\(name)' appears twice (columns \(first + 1) and \(i + 1))", fix: "remove or rename one of them"))
      }
      seen[key] = i
      let target = FocusColumns.targets[key] ?? .extra
      targets.append(target)
      extraKeys.append(Array(JSON.escaped(name.trimmingCharacters(in: .whitespaces)).utf8))
    }
    for (target, name) in FocusColumns.required where !targets.contains(target) {
      throw .badData(Diagnostic(.error, at: SourceLocation(file: file, line: 1, column: nil),
        "the FOCUS column \(name) is missing", fix: "FOCUS exports need BilledCost, EffectiveCost, ChargeCategory, ChargePeriodStart, ChargePeriodEnd and BillingPeriodStart; pin another format with --format if this is not FOCUS"))
    }
    defaultCurrency = AssumedCurrency.resolve(hasColumn: seen["billingcurrency"] != nil, columnName: "BillingCurrency", option: currency,
                                              file: file, warnings: &warnings)
    let extras = header.enumerated().filter { [.extra, .pricingCurrencyEffectiveCost, .billingExchangeRate, .allocatedTags, .allocatedMethodId].contains(targets[$0.offset]) }
      .map(\.element)
    if !extras.isEmpty {
      warnings.append(Diagnostic(.note, at: SourceLocation(file: file, line: 1, column: nil),
        "\(extras.count) column(s) kept as extra attributes: \(extras.prefix(8).joined(separator: ", "))\(extras.count > 8 ? ", …" : "")"))
    }
    self.targets = targets
    self.extraKeys = extraKeys
  }

  deinit {
    scratch.free()
    tagScratch.free()
  }

  /// What one row's fields leave for after the loop.
  struct RowState {
    var firstError: RowError?
    var hasTags = false
    var extraStart = -1
    var currency = TextRef.null
    var pricingCurrencyCost: UnsafeRawBufferPointer?
    var exchangeRate: UnsafeRawBufferPointer?
    var allocatedTags: UnsafeRawBufferPointer?
    var allocatedMethodId: UnsafeRawBufferPointer?
  }

  public func map(_ row: CSVReader, into r: inout ChargeRecord, amounts: inout RowAmounts) throws(RowError) {
    r.reset()
    scratch.reset()
    tagScratch.reset()
    try checkShape(row)
    var state = RowState()
    for i in 0..<targets.count {
      do throws(RowError) {
        try field(i, Self.nonNull(row.field(i)), into: &r, amounts: &amounts, state: &state)
      } catch {
        if state.firstError == nil { state.firstError = error }
      }
    }
    try resolveCurrency(&state, &amounts)
    if let allocated = state.allocatedTags { allocate(allocated, &state, line: row.rowLine) }
    if state.pricingCurrencyCost != nil || state.exchangeRate != nil { pricingCurrencyCost(state, amounts, &r, line: row.rowLine) }
    // Scratch is final after these appends: resolve the views into it.
    var extraRange: (Int, Int)? = nil
    if state.extraStart >= 0 {
      scratch.append(UInt8(ascii: "}"))
      extraRange = (state.extraStart, scratch.count - state.extraStart)
    }
    let currency = amounts.currency!
    let currencyOffset = scratch.count
    scratch.append(currency.code)
    r[.billingCurrency] = scratch.ref(currencyOffset, scratch.count - currencyOffset)
    if state.hasTags { r[.tags] = tagScratch.ref(0, tagScratch.count) }
    // FOCUS 1.3 deprecates ProviderName for ServiceProviderName and 1.4 drops it: the provider is the service's.
    if r[.providerName].isNull { r[.providerName] = r[.serviceProviderName] }
    if let (start, count) = extraRange { r[.extra] = scratch.ref(start, count) }
    checkArithmetic(&r)
  }

  @inline(__always)
  private func checkShape(_ row: CSVReader) throws(RowError) {
    let n = targets.count
    if let problem = row.rowProblem {
      throw RowError(fieldIndex: nil, field: nil, message: problem, fix: "quote the whole field and double any quote inside it")
    }
    guard row.fieldCount == n else {
      throw RowError(fieldIndex: min(row.fieldCount, n), field: nil,
        message: "the row has \(row.fieldCount) fields but the header has \(n)",
        fix: "check for an unquoted comma or a missing field")
    }
  }

  /// One field into the record, by the column's target.
  @inline(__always)
  private func field(_ i: Int, _ value: UnsafeRawBufferPointer?, into r: inout ChargeRecord, amounts: inout RowAmounts,
                     state: inout RowState) throws(RowError) {
    let target = targets[i]
    switch target {
    case .text(let f):
      if f == .billingCurrency {
        state.currency = value.map(TextRef.init) ?? .null
      } else if let value { r[f] = TextRef(value) }
    case .billedCost:
      let m = try exactMoney(value, i, required: true)!
      r.billedCost = m.amount; amounts.billedCost = m.amount; amounts.billedResidual = m.residual
    case .effectiveCost:
      let m = try exactMoney(value, i, required: true)!
      r.effectiveCost = m.amount; amounts.effectiveCost = m.amount; amounts.effectiveResidual = m.residual
    case .listCost: r.listCost = try money(value, i, required: false)
    case .contractedCost: r.contractedCost = try money(value, i, required: false)
    case .billingPeriodStart:
      r.billingPeriodStart = try time(value, i, required: true, wallClock: true)!
      amounts.period = BillingMonth(containing: r.billingPeriodStart)
    case .billingPeriodEnd: r.billingPeriodEnd = try time(value, i, required: false, wallClock: true)
    case .chargePeriodStart: r.chargePeriodStart = try time(value, i, required: true)!
    case .chargePeriodEnd: r.chargePeriodEnd = try time(value, i, required: true)!
    case .chargeCategory, .chargeClass, .chargeFrequency, .pricingCategory:
      try category(target, value, i, into: &r)
    case .consumedQuantity: r.consumedQuantity = try quantity(value, i)
    case .pricingQuantity: r.pricingQuantity = try quantity(value, i)
    case .commitmentDiscountQuantity: r.commitmentDiscountQuantity = try quantity(value, i)
    case .gpuCount:
      if let q = try quantity(value, i) {
        guard let n = gpuCount(q) else {
          throw RowError(fieldIndex: i, field: header[i], message: "'\(q)' in \(header[i]) is not a GPU count",
                         fix: "write a whole number of GPUs from 0 to \(maxGPUCount)")
        }
        r.gpuCount = n
      }
    case .tags:
      if let value {
        state.hasTags = tags(Self.trimmed(value))
        if !state.hasTags {
          r.flags.insert(.unreadableTags)
          scratch.appendExtra(key: Self.tagsKey, value: value, first: &state.extraStart)
        }
      }
    case .extra:
      if let value { scratch.appendExtra(key: extraKeys[i], value: value, first: &state.extraStart) }
    case .pricingCurrencyEffectiveCost, .billingExchangeRate, .allocatedTags, .allocatedMethodId:
      guard let value else { break }
      switch target {
      case .billingExchangeRate: state.exchangeRate = value
      case .allocatedTags: state.allocatedTags = value
      case .allocatedMethodId: state.allocatedMethodId = value
      default: state.pricingCurrencyCost = value
      }
      scratch.appendExtra(key: extraKeys[i], value: value, first: &state.extraStart)
    }
  }

  /// ChargeCategory, ChargeClass, ChargeFrequency and PricingCategory, through their caches.
  @inline(__always)
  private func category(_ target: FocusColumns.Target, _ value: UnsafeRawBufferPointer?, _ i: Int, into r: inout ChargeRecord) throws(RowError) {
    switch target {
  case .chargeCategory:
    guard let value else { throw missing(i) }
    guard let c = categoryCache.value(value, ChargeCategory.init(focus:)) else {
      throw invalid(i, value, expected: ChargeCategory.expected)
    }
    r.chargeCategory = c
  case .chargeClass:
    if let value {
      guard let c = classCache.value(value, ChargeClass.init(focus:)) else { throw invalid(i, value, expected: "Correction or null") }
      r.chargeClass = c
    }
  case .chargeFrequency:
    if let value {
      guard let c = frequencyCache.value(value, ChargeFrequency.init(focus:)) else { throw invalid(i, value, expected: ChargeFrequency.expected) }
      r.chargeFrequency = c
    }
  case .pricingCategory:
    if let value {
      guard let c = pricingCache.value(value, PricingCategory.init(focus:)) else { throw invalid(i, value, expected: PricingCategory.expected) }
      r.pricingCategory = c
    }
    default: break
    }
  }

  /// The row's currency (its column, else the assumed one); the row's first error, if any, is thrown here.
  @inline(__always)
  private func resolveCurrency(_ state: inout RowState, _ amounts: inout RowAmounts) throws(RowError) {
    if !state.currency.isNull {
      if !lastCurrencyBytes.elementsEqual(state.currency.bytes) {
        lastCurrencyBytes = Array(state.currency.bytes)
        lastCurrency = Self.currencyCode(state.currency.bytes)
      }
      amounts.currency = Currency(lastCurrency)
    } else if let defaultCurrency {
      amounts.currency = Currency(defaultCurrency)
    } else if state.firstError == nil {
      state.firstError = RowError(fieldIndex: header.firstIndex { FocusColumns.normalise($0) == "billingcurrency" },
                                  field: "BillingCurrency", message: "BillingCurrency is required but empty",
                                  fix: "fill in the ISO 4217 code, e.g. USD")
    }
    if let firstError = state.firstError { throw firstError }
  }

  // MARK: - Fields

  @inline(__always)
  static func nonNull(_ raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
    let n = raw.count
    if n == 0 { return nil }
    if n == 4 {
      let a = raw[0] | 0x20, b = raw[1] | 0x20, c = raw[2] | 0x20, d = raw[3] | 0x20
      if a == UInt8(ascii: "n") && b == UInt8(ascii: "u") && c == UInt8(ascii: "l") && d == UInt8(ascii: "l") { return nil }
    }
    return raw
  }

  static func trimmed(_ raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    var s = 0, e = raw.count
    while s < e, raw[s] == 0x20 || raw[s] == 0x09 { s += 1 }
    while e > s, raw[e - 1] == 0x20 || raw[e - 1] == 0x09 { e -= 1 }
    return UnsafeRawBufferPointer(rebasing: raw[s..<e])
  }

  private func money(_ value: UnsafeRawBufferPointer?, _ i: Int, required: Bool) throws(RowError) -> Amount? {
    try exactMoney(value, i, required: required)?.amount
  }

  private func exactMoney(_ value: UnsafeRawBufferPointer?, _ i: Int, required: Bool) throws(RowError) -> (amount: Amount, residual: ExactDecimal.Residual)? {
    guard let value else {
      if required { throw missing(i) }
      return nil
    }
    do { return try ExactDecimal.parse(Self.trimmed(value)) } catch {
      throw RowError(fieldIndex: i, field: header[i], message: "\(error) in \(header[i])",
                     fix: "write plain decimals such as 1234.56 (no currency symbol, no thousands separator)")
    }
  }

  private func time(_ value: UnsafeRawBufferPointer?, _ i: Int, required: Bool, wallClock: Bool = false) throws(RowError) -> Int64? {
    guard let value else {
      if required { throw missing(i) }
      return nil
    }
    do { return try Timestamp.parse(Self.trimmed(value), wallClock: wallClock) } catch {
      throw RowError(fieldIndex: i, field: header[i], message: "\(error) in \(header[i])",
                     fix: "FOCUS timestamps are UTC ISO 8601, e.g. 2026-10-01T00:00:00Z")
    }
  }

  private func quantity(_ value: UnsafeRawBufferPointer?, _ i: Int) throws(RowError) -> Double? {
    guard let value else { return nil }
    do { return try ExactDecimal.parseDouble(Self.trimmed(value)) } catch {
      throw RowError(fieldIndex: i, field: header[i], message: "\(error) in \(header[i])", fix: "write a plain decimal number")
    }
  }

  private func missing(_ i: Int) -> RowError {
    RowError(fieldIndex: i, field: header[i], message: "\(header[i]) is required but empty or null",
             fix: "every FOCUS row needs a value in \(header[i])")
  }

  private func invalid(_ i: Int, _ value: UnsafeRawBufferPointer, expected: String) -> RowError {
    RowError(fieldIndex: i, field: header[i],
             message: "'\(String(decoding: value, as: UTF8.self))' is not a valid \(header[i])", fix: "expected \(expected)")
  }

  /// ISO-looking codes are upper-cased (`usd` → `USD`); virtual currencies stay as written.
  static func currencyCode(_ raw: UnsafeRawBufferPointer) -> String {
    let t = trimmed(raw)
    var s = String(decoding: t, as: UTF8.self)
    if t.count == 3 && t.allSatisfy({ ($0 | 0x20) &- 97 < 26 }) { s = s.uppercased() }
    return s
  }

  /// Tags: a JSON object; Azure writes it without the outer braces. False when it is not JSON.
  private func tags(_ value: UnsafeRawBufferPointer) -> Bool {
    if value.isEmpty { return false }
    let wrap = value[0] != UInt8(ascii: "{")
    if wrap { tagScratch.append(UInt8(ascii: "{")) }
    tagScratch.append(value)
    if wrap { tagScratch.append(UInt8(ascii: "}")) }
    let view = tagScratch.bytes
    let h = FNV.hash(view)
    if !validTags.contains(h) {
      guard (try? JSONSerialization.jsonObject(with: Data(view))) is [String: Any] else {
        tagScratch.reset()
        return false
      }
      if validTags.count < 200_000 { validTags.insert(h) }
    }
    return true
  }

  /// The tag a provider-split row carries (docs/import.md).
  public static let allocatedTag = "focus:allocated"

  /// A row the provider split (FOCUS 1.3): its consumer's AllocatedTags over the resource's Tags, as one JSON object
  /// with sorted keys, so attribution reads the consumer. Unreadable AllocatedTags leave its Tags (noted once; the raw
  /// value stays in `extra`).
  private func allocate(_ raw: UnsafeRawBufferPointer, _ state: inout RowState, line: Int) {
    let value = Self.trimmed(raw)
    guard !value.isEmpty else { return }
    let text = value[0] == UInt8(ascii: "{") ? Data(value) : Data([UInt8(ascii: "{")] + Array(value) + [UInt8(ascii: "}")])
    guard let consumer = (try? JSONSerialization.jsonObject(with: text)) as? [String: Any] else {
      if !notedUnreadableAllocation {
        notedUnreadableAllocation = true
        warnings.append(Diagnostic(.note, at: SourceLocation(file: file, line: line, column: nil),
          "AllocatedTags is not a JSON object: the row is attributed by its Tags; the raw value is kept under AllocatedTags (noted once)"))
      }
      return
    }
    var merged: [String: Any] = state.hasTags ? ((try? JSONSerialization.jsonObject(with: Data(tagScratch.bytes))) as? [String: Any] ?? [:]) : [:]
    for (k, v) in consumer { merged[k] = v }
    // Marks the row as split by its provider (the tag's value is its AllocatedMethodId, which drill-down shows as the
    // rule): attribution reads its consumer and no pool splits it again.
    if !consumer.isEmpty {
      let method = state.allocatedMethodId.map { String(decoding: Self.trimmed($0), as: UTF8.self) } ?? ""
      merged[Self.allocatedTag] = method.isEmpty ? "true" : method
    }
    guard let out = try? JSONSerialization.data(withJSONObject: merged, options: [.sortedKeys]) else { return }
    tagScratch.reset()
    out.withUnsafeBytes { tagScratch.append($0) }
    state.hasTags = true
  }

  /// The row's EffectiveCost in its PricingCurrency, when that is another ISO currency: PricingCurrencyEffectiveCost,
  /// else EffectiveCost ÷ x_BillingExchangeRate (Microsoft's pricing-to-billing rate). Unreadable values leave it
  /// unset (the columns stay in `extra`): it only splits an anomaly's FX part from its unit-price part.
  private func pricingCurrencyCost(_ state: RowState, _ amounts: RowAmounts, _ r: inout ChargeRecord, line: Int) {
    let raw = r[.pricingCurrency]
    guard !raw.isNull else { return }
    let code = Currency(Self.currencyCode(raw.bytes))
    guard code.isISOCode, code != amounts.currency else { return }
    if let raw = state.pricingCurrencyCost, let m = try? ExactDecimal.parse(Self.trimmed(raw)) {
      r.pricingCurrencyCost = m.amount
    } else if let raw = state.exchangeRate, let rate = try? ExactDecimal.parse(Self.trimmed(raw)).amount.int64, rate > 0 {
      let cost = r.effectiveCost.scaled(by: Int64(Amount.picosPerUnit), over: rate)
      if !cost.isOverflow { r.pricingCurrencyCost = cost }
    }
    if r.pricingCurrencyCost == nil && !notedUnreadablePricing {
      notedUnreadablePricing = true
      warnings.append(Diagnostic(.note, at: SourceLocation(file: file, line: line, column: nil),
        "PricingCurrencyEffectiveCost / x_BillingExchangeRate is not a number (or the rate is not above zero): kept as an extra attribute; anomalies on such rows show no FX part (noted once)"))
    }
  }

  private func checkArithmetic(_ r: inout ChargeRecord) {
    if r.chargeClass != .correction, let q = r.pricingQuantity {
      if let cost = r.listCost, let price = Self.double(r[.listUnitPrice]), !Self.close(price * q, cost) { r.flags.insert(.listCost) }
      if let cost = r.contractedCost, let price = Self.double(r[.contractedUnitPrice]), !Self.close(price * q, cost) { r.flags.insert(.contractedCost) }
    }
    if r.chargeCategory == .credit && r.effectiveCost != r.billedCost { r.flags.insert(.creditEffective) }
    if r.chargePeriodEnd < r.chargePeriodStart { r.flags.insert(.periodOrder) }
    if r.consumedQuantity != nil, let status = r[.commitmentDiscountStatus].string, status.lowercased() == "unused" {
      r.flags.insert(.unusedConsumed)
    }
  }

  private static func double(_ t: TextRef) -> Double? {
    guard !t.isNull else { return nil }
    return try? ExactDecimal.parseDouble(trimmed(t.bytes))
  }

  /// A check, not money: the product and the stated cost agree within a millionth (or a nano).
  private static func close(_ product: Double, _ costAmount: Amount) -> Bool {
    let cost = costAmount.approximateDouble
    return abs(product - cost) <= max(abs(cost) * 1e-6, 1e-9) + 5e-10
  }
}

/// Enum parsing with a one-entry cache: consecutive rows usually repeat the value.
struct EnumCache<T> {
  private var lastBytes: [UInt8] = []
  private var lastValue: T?
  mutating func value(_ raw: UnsafeRawBufferPointer, _ parse: (String) -> T?) -> T? {
    if let lastValue, raw.elementsEqual(lastBytes) { return lastValue }
    let text = String(decoding: FocusImporter.trimmed(raw), as: UTF8.self)
    let v = parse(text)
    if v != nil { lastBytes = Array(raw); lastValue = v }
    return v
  }
}

/// FNV-1a, for remembering which tag sets were already validated.
enum FNV {
  static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
  }
}

extension ScratchBytes {
  /// Appends `"key":"value"` to the extra-columns JSON object, opening it on the first call.
  mutating func appendExtra(key: [UInt8], value: UnsafeRawBufferPointer, first start: inout Int) {
    if start < 0 {
      start = count
      append(UInt8(ascii: "{"))
    } else {
      append(UInt8(ascii: ","))
    }
    append(UInt8(ascii: "\""))
    append(key)
    append(UInt8(ascii: "\""))
    append(UInt8(ascii: ":"))
    append(UInt8(ascii: "\""))
    var plain = 0
    for (k, b) in value.enumerated() where b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 {
      append(UnsafeRawBufferPointer(rebasing: value[plain..<k]))
      switch b {
      case UInt8(ascii: "\""): append("\\\"")
      case UInt8(ascii: "\\"): append("\\\\")
      case UInt8(ascii: "\n"): append("\\n")
      case UInt8(ascii: "\r"): append("\\r")
      case UInt8(ascii: "\t"): append("\\t")
      default: append(String(format: "\\u%04x", Int(b)))
      }
      plain = k + 1
    }
    append(UnsafeRawBufferPointer(rebasing: value[plain...]))
    append(UInt8(ascii: "\""))
  }
}

extension ImportFormat {
  /// FOCUS 1.0–1.3 cost and usage rows (CSV).
  public static let focus = ImportFormat(declaring: "focus")
}

extension FormatDescriptor {
  static let focus = FormatDescriptor(.focus, csv: CSVReading(sniff: { header in
    let names = Set(header.map { FocusColumns.normalise($0) })
    // FOCUS 0.5 names two of them AmortizedCost and ChargeType.
    let effective = names.contains("effectivecost") ? "EffectiveCost" : names.contains("amortizedcost") ? "AmortizedCost" : nil
    let category = names.contains("chargecategory") ? "ChargeCategory" : names.contains("chargetype") ? "ChargeType" : nil
    guard names.contains("billedcost"), names.contains("chargeperiodstart"), let effective, let category else { return nil }
    return SniffResult(format: .focus, version: FocusColumns.version(of: names), evidence: ["BilledCost", effective, category, "ChargePeriodStart"])
  }, mapper: .charges { try FocusImporter(header: $0, file: $1, currency: $2) }))
}
