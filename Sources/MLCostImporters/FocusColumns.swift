import MLCostCore

/// The FOCUS 1.0–1.4 Cost and Usage columns and what each becomes in a canonical charge.
enum FocusColumns {
  enum Target: Equatable {
    case text(ChargeText)
    case billedCost, effectiveCost, listCost, contractedCost
    case billingPeriodStart, billingPeriodEnd, chargePeriodStart, chargePeriodEnd
    case chargeCategory, chargeClass, chargeFrequency, pricingCategory
    case consumedQuantity, pricingQuantity, commitmentDiscountQuantity
    case tags, gpuCount
    /// PricingCurrencyEffectiveCost and Microsoft's x_BillingExchangeRate: read for the FX split, kept in `extra` too.
    case pricingCurrencyEffectiveCost, billingExchangeRate
    /// FOCUS 1.3's AllocatedTags: the consumer's tags on a row the provider split; they win over Tags (kept in `extra` too).
    case allocatedTags
    /// FOCUS 1.3's AllocatedMethodId: how the provider split the row; it names the rule in drill-down (kept in `extra` too).
    case allocatedMethodId
    /// Kept in the `extra` JSON object under its header name.
    case extra
  }

  /// What a row cannot do without, and its name (a 0.5 file names two of them AmortizedCost and ChargeType).
  static let required: [(Target, String)] = [
    (.billedCost, "BilledCost"), (.effectiveCost, "EffectiveCost"), (.chargeCategory, "ChargeCategory"),
    (.chargePeriodStart, "ChargePeriodStart"), (.chargePeriodEnd, "ChargePeriodEnd"), (.billingPeriodStart, "BillingPeriodStart"),
  ]

  /// Lower-cased header → target. Names absent here (1.3's other Allocated* columns and ContractApplied,
  /// PricingCurrency* unit prices, `x_` columns, anything unknown) are kept in `extra`.
  static let targets: [String: Target] = {
    var t: [String: Target] = [
      "billedcost": .billedCost, "effectivecost": .effectiveCost, "listcost": .listCost, "contractedcost": .contractedCost,
      "billingperiodstart": .billingPeriodStart, "billingperiodend": .billingPeriodEnd,
      "chargeperiodstart": .chargePeriodStart, "chargeperiodend": .chargePeriodEnd,
      "chargecategory": .chargeCategory, "chargeclass": .chargeClass, "chargefrequency": .chargeFrequency,
      "pricingcategory": .pricingCategory, "consumedquantity": .consumedQuantity, "pricingquantity": .pricingQuantity,
      "commitmentdiscountquantity": .commitmentDiscountQuantity, "tags": .tags,
      "x_gpucount": .gpuCount,
      "pricingcurrencyeffectivecost": .pricingCurrencyEffectiveCost, "x_billingexchangerate": .billingExchangeRate,
      "allocatedtags": .allocatedTags, "allocatedmethodid": .allocatedMethodId,
      // FOCUS 0.5 spellings (1.0-preview renamed them).
      "amortizedcost": .effectiveCost, "chargetype": .chargeCategory, "usagequantity": .consumedQuantity, "usageunit": .text(.consumedUnit),
    ]
    let text: [(String, ChargeText)] = [
      ("billingcurrency", .billingCurrency), ("providername", .providerName), ("publishername", .publisherName),
      ("invoiceissuername", .invoiceIssuerName), ("invoiceissuer", .invoiceIssuerName), ("provider", .providerName), ("publisher", .publisherName),
      ("billingaccountid", .billingAccountId), ("billingaccountname", .billingAccountName), ("billingaccounttype", .billingAccountType),
      ("subaccountid", .subAccountId), ("subaccountname", .subAccountName), ("subaccounttype", .subAccountType),
      ("invoiceid", .invoiceId), ("servicename", .serviceName), ("servicecategory", .serviceCategory),
      ("servicesubcategory", .serviceSubcategory), ("resourceid", .resourceId), ("resourcename", .resourceName),
      ("resourcetype", .resourceType), ("regionid", .regionId), ("regionname", .regionName), ("region", .regionId),
      ("availabilityzone", .availabilityZone), ("skuid", .skuId), ("skupriceid", .skuPriceId), ("skumeter", .skuMeter),
      ("skupricedetails", .skuPriceDetails), ("chargedescription", .chargeDescription), ("consumedunit", .consumedUnit),
      ("pricingunit", .pricingUnit), ("listunitprice", .listUnitPrice), ("contractedunitprice", .contractedUnitPrice),
      ("commitmentdiscountid", .commitmentDiscountId), ("commitmentdiscountname", .commitmentDiscountName),
      ("commitmentdiscountcategory", .commitmentDiscountCategory), ("commitmentdiscounttype", .commitmentDiscountType),
      ("commitmentdiscountstatus", .commitmentDiscountStatus), ("commitmentdiscountunit", .commitmentDiscountUnit),
      ("capacityreservationid", .capacityReservationId), ("capacityreservationstatus", .capacityReservationStatus),
      ("pricingcurrency", .pricingCurrency), ("hostprovidername", .hostProviderName),
      ("serviceprovidername", .serviceProviderName), ("x_instancetype", .instanceType), ("x_gpumodel", .gpuModel),
    ]
    for (name, field) in text { t[name] = .text(field) }
    return t
  }()

  static func normalise(_ header: String) -> String {
    header.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
  }

  /// The FOCUS version whose columns the header shows (the newest one that has them all).
  static func version(of names: Set<String>) -> String {
    // 1.4 adds InvoiceDetailId and CommitmentProgramEligibilityDetails and drops ProviderName for ServiceProviderName.
    if !names.isDisjoint(with: ["invoicedetailid", "commitmentprogrameligibilitydetails"])
      || (names.contains("serviceprovidername") && !names.contains("providername")) { return "1.4" }
    if !names.isDisjoint(with: ["hostprovidername", "serviceprovidername", "allocatedmethodid", "contractapplied", "allocatedresourceid"]) { return "1.3" }
    if !names.isDisjoint(with: ["billingaccounttype", "invoiceid", "pricingcurrency", "subaccounttype"]) { return "1.2" }
    if !names.isDisjoint(with: ["capacityreservationid", "commitmentdiscountquantity", "servicesubcategory", "skumeter", "skupricedetails", "commitmentdiscountunit"]) { return "1.1" }
    if names.contains("amortizedcost") || names.contains("chargetype") { return "0.5" }
    return "1.0"
  }
}

import Foundation
