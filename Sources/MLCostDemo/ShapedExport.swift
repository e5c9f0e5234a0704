import Foundation
import MLCostCore


/// Writes the `realistic` and `adversarial` shapes (see `ExportShape`) as FOCUS 1.2, a legacy AWS CUR
/// or a CUR 2.0 export. Deterministic for a given shape, row count, resource count and month; rows run
/// through the month hour by hour.
public enum ShapedExport {
  static let seed: UInt64 = 0x6D6C_636F_7374_2026

  public static func writeFocus(to path: String, rows: Int, shape: ExportShape, resources: Int, month: BillingMonth) throws -> (rows: Int, bytes: Int) {
    let w = try FocusWriter(path: path)
    let fleet = SyntheticFleet(shape: shape, resources: resources, seed: seed)
    var rng = SplitMix64(seed: seed ^ 0xF0C5)
    var spell = Spellings(rng: SplitMix64(seed: seed ^ 0x5BE1))
    let start = month.start, hours = Int64(month.days * 24)
    let ix = FocusWriter.index
    var cells = [String](repeating: "", count: FocusWriter.columns.count)
    func set(_ k: String, _ v: String) { cells[ix[k]!] = v }
    for row in 0..<rows {
      let r = fleet.resource(row: row, &rng)
      let t = start + Int64(row) * hours / Int64(rows) * 3600
      let null = spell.null()
      for i in cells.indices { cells[i] = null }
      set("BillingAccountId", "111122223333"); set("BillingAccountName", "Example Corp"); set("BillingAccountType", "Billing Account")
      set("BillingCurrency", "USD"); set("BillingPeriodStart", spell.time(start)); set("BillingPeriodEnd", spell.time(month.next.start))
      set("ChargePeriodStart", spell.time(t)); set("ChargePeriodEnd", spell.time(t + 3600))
      set("InvoiceIssuerName", "Amazon Web Services, Inc."); set("ProviderName", "AWS"); set("PublisherName", "Amazon Web Services, Inc.")
      set("InvoiceId", "INV-2026-\(month.month)"); set("SubAccountId", r.account); set("SubAccountName", r.accountName)
      set("SubAccountType", "Linked Account")
      let kind = rng.below(100)
      if kind < 1 {
        // Tax: no resource, a share of the hour's spend.
        set("ChargeCategory", "Tax"); set("ChargeFrequency", "Recurring"); set("ChargeDescription", "Tax for \(r.regionName), state and local")
        let tax = spell.money(r.rate / 10 + 10_000_000)
        set("BilledCost", tax); set("EffectiveCost", tax); set("ListCost", tax); set("ContractedCost", tax)
        set("ServiceName", "Tax"); set("ServiceCategory", "Other")
      } else {
        set("RegionId", r.region); set("RegionName", r.regionName); set("AvailabilityZone", r.zone)
        set("ResourceId", r.id); set("ResourceName", r.name); set("ResourceType", r.service.resourceType)
        set("ServiceName", r.service.name); set("ServiceCategory", r.service.category); set("ServiceSubcategory", r.service.subcategory)
        set("SkuId", r.sku); set("SkuPriceId", "\(r.sku).\(r.region)"); set("SkuMeter", r.meter); set("Tags", r.tagsText)
        set("x_ServiceCode", r.service.code); set("x_Operation", r.usageType.hasPrefix("Box") ? "RunInstances" : "Usage")
        let (quantity, quarters, cost) = SyntheticFleet.line(r, &rng, &spell)
        set("ConsumedQuantity", quantity); set("ConsumedUnit", r.service.unit); set("PricingQuantity", quantity); set("PricingUnit", r.service.unit)
        set("SkuPriceDetails", #"{"UsageType":"\#(r.usageType)","RegionCode":"\#(r.region)"}"#)
        if let gpu = r.service.gpu {
          set("x_GpuModel", gpu.model); set("x_GpuCount", String(gpu.count)); set("x_InstanceType", gpu.instance)
        }
        let hourly = r.service.unit == "Hours"
        // Costs that a unit price × quantity must match are spelled without rounding.
        let list = hourly ? spell.unrounded(r.rate / 10 * 12 / 4 * quarters) : spell.money(cost / 10 * 12)
        set("ListCost", list)
        // Unit prices and descriptions carry the SKU's rate, as providers write them, not the line's cost.
        if hourly { set("ListUnitPrice", Amount(picos: Int128(r.rate / 10 * 12)).decimalString) }
        if kind < 3 {
          set("ChargeCategory", "Credit"); set("ChargeFrequency", "One-Time")
          set("ChargeDescription", #"Credit: "Activate" program, \#(r.service.name)"#)
          let credit = spell.money(-cost / 2)
          set("BilledCost", credit); set("EffectiveCost", credit); set("ContractedCost", credit)
        } else {
          set("ChargeCategory", "Usage"); set("ChargeFrequency", "Usage-Based")
          let spot = r.usageType.hasPrefix("Spot")
          let money = spell.money(cost)
          set("ContractedCost", hourly ? spell.unrounded(cost) : money)
          if hourly { set("ContractedUnitPrice", Amount(picos: Int128(r.rate)).decimalString) }
          if r.committed {
            set("PricingCategory", "Committed"); set("BilledCost", "0.0"); set("EffectiveCost", money)
            set("CommitmentDiscountId", "arn:aws:savingsplans::111122223333:savingsplan/sp-\(r.region)")
            set("CommitmentDiscountCategory", "Spend"); set("CommitmentDiscountType", "Savings Plan"); set("CommitmentDiscountStatus", "Used")
            set("CommitmentDiscountName", "Compute Savings Plan, 1yr \"No Upfront\"")
          } else {
            set("PricingCategory", spot ? "Dynamic" : "Standard"); set("BilledCost", money); set("EffectiveCost", money)
          }
          let description = "$\(Amount(picos: Int128(r.rate)).rounded(toFractionDigits: 4).decimalString) per \(spot ? "Spot" : "On Demand") \(r.usageType), \(r.regionName)"
          set("ChargeDescription", rng.below(300) == 0 ? description + "\nsee \"pricing\" notes" : description)
        }
      }
      if fleet.shape == .adversarial { set("ChargeDescription", "line \(row): \(cells[ix["ChargeDescription"]!])") }
      w.write(cells: cells)
    }
    try w.close()
    return (w.rows, w.bytes)
  }

  /// The user tags a shaped CUR carries as columns (legacy) or in `resource_tags` (2.0).
  static let curTagKeys = ["model", "request-type", "team", "env", "cost-center", "owner", "run-id"]

  public static func writeCUR(to path: String, rows: Int, shape: ExportShape, resources: Int, month: BillingMonth, version2: Bool) throws -> (rows: Int, bytes: Int) {
    let legacyColumns = CURWriter.identity + CURWriter.bill + CURWriter.lineItem + CURWriter.product + CURWriter.pricing
      + CURWriter.reservation + CURWriter.savingsPlan
    let columns = version2 ? legacyColumns.map(snakeCase) + ["resource_tags"] : legacyColumns + curTagKeys.map { "resourceTags/user:\($0)" }
    let ix = Dictionary(uniqueKeysWithValues: legacyColumns.enumerated().map { ($1, $0) })
    let out = try CSVFile(path: path)
    out.write(columns)
    let fleet = SyntheticFleet(shape: shape, resources: resources, seed: seed)
    var rng = SplitMix64(seed: seed ^ 0xC0B)
    var spell = Spellings(rng: SplitMix64(seed: seed ^ 0x5BE2))
    let start = month.start, hours = Int64(month.days * 24)
    var cells = [String](repeating: "", count: columns.count)
    func set(_ k: String, _ v: String) { cells[ix[k]!] = v }
    for row in 0..<rows {
      let r = fleet.resource(row: row, &rng)
      let t = start + Int64(row) * hours / Int64(rows) * 3600
      for i in cells.indices { cells[i] = "" }
      set("identity/LineItemId", String(rng.next(), radix: 36) + String(rng.next(), radix: 36))
      set("identity/TimeInterval", "\(Timestamp.iso8601(t))/\(Timestamp.iso8601(t + 3600))")
      set("bill/InvoiceId", "INV-2026-\(month.month)"); set("bill/InvoicingEntity", "Amazon Web Services, Inc."); set("bill/BillingEntity", "AWS")
      set("bill/BillType", "Anniversary"); set("bill/PayerAccountId", "111122223333")
      set("bill/BillingPeriodStartDate", spell.time(start)); set("bill/BillingPeriodEndDate", spell.time(month.next.start))
      set("lineItem/UsageAccountId", r.account); set("lineItem/UsageStartDate", spell.time(t)); set("lineItem/UsageEndDate", spell.time(t + 3600))
      set("lineItem/CurrencyCode", "USD"); set("lineItem/LegalEntity", "Amazon Web Services, Inc.")
      let kind = rng.below(100)
      let (quantity, quarters, cost) = SyntheticFleet.line(r, &rng, &spell)
      if kind < 1 {
        set("lineItem/LineItemType", "Tax"); set("lineItem/TaxType", "Sales"); set("lineItem/ProductCode", r.service.code)
        set("lineItem/LineItemDescription", "Tax for \(r.regionName), state and local")
        set("lineItem/UnblendedCost", spell.money(cost / 10 + 10_000_000))
      } else {
        set("lineItem/ProductCode", r.service.code); set("lineItem/UsageType", "\(r.region.uppercased())-\(r.usageType)")
        set("lineItem/Operation", r.usageType.hasPrefix("Box") ? "RunInstances:0002" : "Usage"); set("lineItem/AvailabilityZone", r.zone)
        set("lineItem/ResourceId", r.id)
        set("lineItem/UsageAmount", quantity)
        set("product/ProductName", r.service.name); set("product/region", r.region); set("product/regionCode", r.region)
        set("product/location", r.regionName); set("product/servicecode", r.service.code); set("product/sku", r.sku)
        set("product/usagetype", r.usageType); set("product/productFamily", r.service.category); set("pricing/unit", r.service.unit)
        if let gpu = r.service.gpu {
          set("product/instanceType", gpu.instance); set("product/gpu", String(gpu.count)); set("product/gpuMemory", "\(gpu.count * 80) GB")
        }
        let money = spell.money(cost)
        let hourly = r.service.unit == "Hours"
        set("pricing/publicOnDemandCost", spell.money(hourly ? r.rate / 10 * 12 / 4 * quarters : cost / 10 * 12))
        // Rates are the SKU's, as AWS writes them; for usage-based lines the effective rate of the line.
        let rate = spell.money(hourly ? r.rate : cost)
        set("pricing/publicOnDemandRate", spell.money(hourly ? r.rate / 10 * 12 : cost / 10 * 12))
        set("lineItem/UnblendedRate", rate); set("lineItem/BlendedRate", rate)
        if kind < 3 {
          set("lineItem/LineItemType", "Credit"); set("lineItem/LineItemDescription", #"Credit: "Activate" program, \#(r.service.name)"#)
          set("lineItem/UnblendedCost", spell.money(-cost / 2))
        } else if r.committed {
          set("lineItem/LineItemType", "SavingsPlanCoveredUsage"); set("lineItem/UnblendedCost", money)
          set("savingsPlan/SavingsPlanARN", "arn:aws:savingsplans::111122223333:savingsplan/sp-\(r.region)")
          set("savingsPlan/SavingsPlanEffectiveCost", spell.money(cost / 10 * 7)); set("savingsPlan/SavingsPlanRate", spell.money(cost / 10 * 7))
          set("lineItem/LineItemDescription", "Compute Savings Plan covered usage of \(r.usageType), \"1yr\"")
        } else {
          set("lineItem/LineItemType", "Usage"); set("lineItem/UnblendedCost", money); set("pricing/term", "OnDemand")
          let description = "$\(Amount(picos: Int128(r.rate)).rounded(toFractionDigits: 4).decimalString) per \(r.usageType), \(r.regionName)"
          set("lineItem/LineItemDescription", rng.below(300) == 0 ? description + "\nsee \"pricing\" notes" : description)
        }
        set("lineItem/BlendedCost", cells[ix["lineItem/UnblendedCost"]!])
      }
      if fleet.shape == .adversarial { set("lineItem/LineItemDescription", "line \(row): \(cells[ix["lineItem/LineItemDescription"]!])") }
      let tags = kind < 1 ? [] : r.tags.filter { curTagKeys.contains($0.0) }
      if version2 {
        cells[columns.count - 1] = tags.isEmpty ? "{}" : "{" + tags.map { #""user_\#($0.0)":\#(jsonString($0.1))"# }.joined(separator: ",") + "}"
      } else {
        for (k, v) in tags { cells[legacyColumns.count + curTagKeys.firstIndex(of: k)!] = v }
      }
      out.write(cells)
    }
    try out.close()
    return (rows, out.bytes)
  }

  /// `lineItem/UsageStartDate` → `line_item_usage_start_date` (CUR 2.0's names).
  static func snakeCase(_ legacy: String) -> String {
    var out = ""
    for ch in legacy {
      if ch == "/" { out += "_"; continue }
      if ch.isUppercase {
        if let last = out.last, last != "_" { out += "_" }
        out += ch.lowercased()
      } else {
        out.append(ch)
      }
    }
    return out
  }

  static func jsonString(_ s: String) -> String { "\"" + JSON.escaped(s) + "\"" }
}
