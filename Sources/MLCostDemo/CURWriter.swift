import Foundation
import MLCostCore

/// Writes a legacy AWS Cost and Usage Report (CSV, `category/Name` headers, ≈130 columns as a real
/// report with GPU instances has) for the demo company's AWS fleet, hour by hour (benchmarks).
/// The 70B endpoint runs under a savings plan (covered usage plus its negation); the rest on demand
/// or spot; a monthly savings-plan fee, an RI fee and tax close the month.
public enum CURWriter {
  static let identity = ["identity/LineItemId", "identity/TimeInterval"]
  static let bill = ["bill/InvoiceId", "bill/InvoicingEntity", "bill/BillingEntity", "bill/BillType", "bill/PayerAccountId",
                     "bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate"]
  static let lineItem = ["lineItem/UsageAccountId", "lineItem/LineItemType", "lineItem/UsageStartDate", "lineItem/UsageEndDate",
                         "lineItem/ProductCode", "lineItem/UsageType", "lineItem/Operation", "lineItem/AvailabilityZone", "lineItem/ResourceId",
                         "lineItem/UsageAmount", "lineItem/NormalizationFactor", "lineItem/NormalizedUsageAmount", "lineItem/CurrencyCode",
                         "lineItem/UnblendedRate", "lineItem/UnblendedCost", "lineItem/BlendedRate", "lineItem/BlendedCost",
                         "lineItem/LineItemDescription", "lineItem/TaxType", "lineItem/LegalEntity", "lineItem/NetUnblendedRate",
                         "lineItem/NetUnblendedCost"]
  static let product = ["product/ProductName", "product/availability", "product/capacitystatus", "product/classicnetworkingsupport",
                        "product/clockSpeed", "product/currentGeneration", "product/dedicatedEbsThroughput", "product/ecu",
                        "product/enhancedNetworkingSupported", "product/fromLocation", "product/fromLocationType", "product/gpu",
                        "product/gpuMemory", "product/group", "product/groupDescription", "product/instanceFamily", "product/instanceType",
                        "product/instanceTypeFamily", "product/intelAvxAvailable", "product/intelAvx2Available", "product/intelTurboAvailable",
                        "product/licenseModel", "product/location", "product/locationType", "product/marketoption", "product/maxIopsvolume",
                        "product/maxThroughputvolume", "product/maxVolumeSize", "product/memory", "product/networkPerformance",
                        "product/normalizationSizeFactor", "product/operatingSystem", "product/operation", "product/physicalProcessor",
                        "product/preInstalledSw", "product/processorArchitecture", "product/processorFeatures", "product/productFamily",
                        "product/region", "product/regionCode", "product/servicecode", "product/servicename", "product/sku",
                        "product/storage", "product/storageClass", "product/storageMedia", "product/tenancy", "product/toLocation",
                        "product/toLocationType", "product/transferType", "product/usagetype", "product/vcpu", "product/volumeApiName",
                        "product/volumeType", "product/vpcnetworkingsupport", "product/componentType", "product/computeType",
                        "product/gpuMemoryType", "product/inferenceType", "product/mlcomputetype"]
  static let pricing = ["pricing/LeaseContractLength", "pricing/OfferingClass", "pricing/PurchaseOption", "pricing/RateCode",
                        "pricing/RateId", "pricing/currency", "pricing/publicOnDemandCost", "pricing/publicOnDemandRate", "pricing/term",
                        "pricing/unit"]
  static let reservation = ["reservation/AmortizedUpfrontCostForUsage", "reservation/AmortizedUpfrontFeeForBillingPeriod",
                            "reservation/AvailabilityZone", "reservation/EffectiveCost", "reservation/EndTime", "reservation/ModificationStatus",
                            "reservation/NormalizedUnitsPerReservation", "reservation/NumberOfReservations", "reservation/RecurringFeeForUsage",
                            "reservation/ReservationARN", "reservation/StartTime", "reservation/SubscriptionId",
                            "reservation/TotalReservedNormalizedUnits", "reservation/TotalReservedUnits", "reservation/UnitsPerReservation",
                            "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "reservation/UnusedNormalizedUnitQuantity",
                            "reservation/UnusedQuantity", "reservation/UnusedRecurringFee", "reservation/UpfrontValue"]
  static let savingsPlan = ["savingsPlan/AmortizedUpfrontCommitmentForBillingPeriod", "savingsPlan/EndTime", "savingsPlan/InstanceTypeFamily",
                            "savingsPlan/OfferingType", "savingsPlan/PaymentOption", "savingsPlan/PurchaseTerm",
                            "savingsPlan/RecurringCommitmentForBillingPeriod", "savingsPlan/Region", "savingsPlan/SavingsPlanARN",
                            "savingsPlan/SavingsPlanEffectiveCost", "savingsPlan/SavingsPlanRate", "savingsPlan/StartTime",
                            "savingsPlan/TotalCommitmentToDate", "savingsPlan/UsedCommitment"]
  static let tags = ["resourceTags/user:model", "resourceTags/user:request-type", "resourceTags/user:team", "resourceTags/user:env",
                     "resourceTags/user:cost-center", "resourceTags/aws:createdBy"]
  static let columns = identity + bill + lineItem + product + pricing + reservation + savingsPlan + tags
  static let index: [String: Int] = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })

  /// Writes `rows` rows; returns (rows, bytes).
  public static func write(to path: String, rows maxRows: Int) throws -> (rows: Int, bytes: Int) {
    let out = try CSVFile(path: path)
    out.write(columns)
    var rng = SplitMix64(seed: DemoCompany.seed)
    let month = DemoCompany.month
    let start = month.start, hours = month.days * 24
    func iso(_ t: Int64) -> String { Timestamp.iso8601(t) }
    func money(_ n: Int64) -> String { Amount(nanos: n).decimalString }
    var cells = [String](repeating: "", count: columns.count)
    func set(_ k: String, _ v: String) { cells[index[k]!] = v }
    var rows = 0
    var fleet = 0
    outer: while true {
      for e in DemoCompany.endpoints(fleet: fleet) {
        cells = [String](repeating: "", count: columns.count)
        let arn = e.resourceType == "Instance"
          ? "arn:aws:ec2:us-east-1:\(e.subAccount.0):instance/\(e.name)"
          : "arn:aws:sagemaker:us-east-1:\(e.subAccount.0):endpoint/\(e.name)"
        set("bill/InvoiceId", "EUINUS26-0471185"); set("bill/InvoicingEntity", "Amazon Web Services, Inc."); set("bill/BillingEntity", "AWS")
        set("bill/BillType", "Anniversary"); set("bill/PayerAccountId", DemoCompany.aws.account)
        set("bill/BillingPeriodStartDate", iso(start)); set("bill/BillingPeriodEndDate", iso(month.next.start))
        set("lineItem/UsageAccountId", e.subAccount.0); set("lineItem/ProductCode", e.serviceCode)
        set("lineItem/Operation", e.resourceType == "Instance" ? "RunInstances:SV001" : "RunInstance")
        set("lineItem/AvailabilityZone", "us-east-1\(["a", "b", "c"][fleet % 3])"); set("lineItem/ResourceId", arn)
        set("lineItem/UsageAmount", "1"); set("lineItem/CurrencyCode", "USD"); set("lineItem/LegalEntity", "Amazon Web Services, Inc.")
        set("product/ProductName", e.service); set("product/instanceType", e.instanceType); set("product/gpu", String(e.gpuCount))
        set("product/gpuMemory", "\(e.gpuCount * 24) GiB"); set("product/instanceFamily", "GPU instance")
        set("product/location", "US East (N. Virginia)"); set("product/locationType", "AWS Region"); set("product/region", "us-east-1")
        set("product/regionCode", "us-east-1"); set("product/servicecode", e.serviceCode); set("product/sku", e.sku)
        set("product/operatingSystem", "Linux"); set("product/tenancy", "Shared"); set("product/vcpu", "\(e.gpuCount * 8)")
        set("product/memory", "\(e.gpuCount * 64) GiB"); set("product/productFamily", e.resourceType == "Instance" ? "Compute Instance" : "ML Instance")
        set("product/currentGeneration", "Yes"); set("product/physicalProcessor", "AMD EPYC"); set("product/processorArchitecture", "64-bit")
        set("product/networkPerformance", "Up to 100 Gigabit"); set("pricing/currency", "USD"); set("pricing/unit", "Hrs")
        set("pricing/publicOnDemandRate", money(e.listRate)); set("pricing/publicOnDemandCost", money(e.listRate))
        if let t = e.tags, let data = t.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: String] {
          for (k, v) in object { if index["resourceTags/user:\(k)"] != nil { set("resourceTags/user:\(k)", v) } }
        }
        let covered = fleet == 0 && e.gpuModel == "H100"
        for h in 0..<hours {
          let t = start + Int64(h) * 3600
          set("identity/TimeInterval", "\(iso(t))/\(iso(t + 3600))")
          set("lineItem/UsageStartDate", iso(t)); set("lineItem/UsageEndDate", iso(t + 3600))
          let kinds: [String] = covered ? ["SavingsPlanCoveredUsage", "SavingsPlanNegation"] : ["Usage"]
          for kind in kinds {
            if rows >= maxRows { break outer }
            set("identity/LineItemId", String(format: "%016llx%016llx", rng.next(), rng.next()))
            set("lineItem/LineItemType", kind)
            var rate = e.listRate
            if let spot = e.spotRange {
              rate = spot.lowerBound + Int64(rng.below(Int(spot.upperBound - spot.lowerBound) / 1_000_000 + 1)) * 1_000_000
              set("lineItem/UsageType", "USE1-SpotUsage:\(e.instanceType)"); set("pricing/term", "")
              set("lineItem/LineItemDescription", "$\(money(rate)) per Spot Linux \(e.instanceType) Instance Hour")
            } else {
              set("lineItem/UsageType", "USE1-Hosting:\(e.instanceType)"); set("pricing/term", "OnDemand")
              set("lineItem/LineItemDescription", "$\(money(rate)) per On Demand \(e.instanceType) Hosting Hour")
            }
            let amount = kind == "SavingsPlanNegation" ? -rate : rate
            set("lineItem/UnblendedRate", money(rate)); set("lineItem/UnblendedCost", money(amount))
            set("lineItem/BlendedRate", money(rate)); set("lineItem/BlendedCost", money(amount))
            if covered {
              set("savingsPlan/SavingsPlanARN", DemoCompany.savingsPlan)
              set("savingsPlan/SavingsPlanRate", money(DemoCompany.savingsPlanRate))
              set("savingsPlan/SavingsPlanEffectiveCost", kind == "SavingsPlanCoveredUsage" ? money(DemoCompany.savingsPlanRate) : "0")
            }
            out.write(cells)
            rows += 1
          }
        }
      }
      fleet += 1
    }
    try out.close()
    return (rows, out.bytes)
  }
}
