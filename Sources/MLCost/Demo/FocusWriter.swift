import Foundation
import MLCostCore

/// Writes FOCUS 1.2 CSV the way AWS's `FOCUS_1_2_AWS` export lays it out (57 FOCUS columns plus
/// `x_` columns), buffered, quoting only where needed.
final class FocusWriter {
  static let columns = [
    "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingAccountType", "BillingCurrency",
    "BillingPeriodEnd", "BillingPeriodStart", "CapacityReservationId", "CapacityReservationStatus", "ChargeCategory",
    "ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
    "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountQuantity",
    "CommitmentDiscountStatus", "CommitmentDiscountType", "CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit",
    "ContractedCost", "ContractedUnitPrice", "EffectiveCost", "InvoiceId", "InvoiceIssuerName", "ListCost", "ListUnitPrice",
    "PricingCategory", "PricingCurrency", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId",
    "RegionName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName", "ServiceSubcategory",
    "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName", "SubAccountType", "Tags",
    "x_Discounts", "x_Operation", "x_ServiceCode", "x_InstanceType", "x_GpuModel", "x_GpuCount",
  ]
  static let index: [String: Int] = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })

  private let handle: FileHandle
  private var buffer: [UInt8] = []
  private(set) var rows = 0
  private(set) var bytes = 0

  init(path: String) throws {
    guard FileManager.default.createFile(atPath: path, contents: nil) else {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
    }
    guard let h = FileHandle(forWritingAtPath: path) else {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
    }
    handle = h
    buffer.reserveCapacity(1 << 20)
    write(line: Self.columns)
  }

  /// One row; `values` maps column names to text (absent = empty).
  func write(_ values: [String: String]) {
    var cells = Array(repeating: "", count: Self.columns.count)
    for (k, v) in values { if let i = Self.index[k] { cells[i] = v } else { preconditionFailure("unknown column \(k)") } }
    write(line: cells)
    rows += 1
  }

  private func write(line cells: [String]) {
    for (i, cell) in cells.enumerated() {
      if i > 0 { buffer.append(UInt8(ascii: ",")) }
      if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
        buffer.append(UInt8(ascii: "\""))
        buffer.append(contentsOf: cell.replacingOccurrences(of: "\"", with: "\"\"").utf8)
        buffer.append(UInt8(ascii: "\""))
      } else {
        buffer.append(contentsOf: cell.utf8)
      }
    }
    buffer.append(UInt8(ascii: "\n"))
    if buffer.count >= 1 << 20 { flush() }
  }

  func flush() {
    bytes += buffer.count
    handle.write(Data(buffer))
    buffer.removeAll(keepingCapacity: true)
  }

  func close() {
    flush()
    try? handle.close()
  }
}
