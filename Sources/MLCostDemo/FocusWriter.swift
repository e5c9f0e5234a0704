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

  private let file: CSVFile
  @exclusivity(unchecked) private(set) var rows = 0
  var bytes: Int { file.bytes }

  init(path: String) throws {
    file = try CSVFile(path: path)
    file.write(Self.columns)
  }

  /// One row; `values` maps column names to text (absent = empty).
  func write(_ values: [String: String]) {
    var cells = Array(repeating: "", count: Self.columns.count)
    for (k, v) in values { if let i = Self.index[k] { cells[i] = v } else { preconditionFailure("unknown column \(k)") } }
    file.write(cells)
    rows += 1
  }

  /// One row, cells in `columns` order.
  func write(cells: [String]) {
    file.write(cells)
    rows += 1
  }

  func close() throws { try file.close() }
}
