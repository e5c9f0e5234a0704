import Foundation
import MLCostAttribution
import MLCostCore
import MLCostStore

/// FOCUS 1.3 / 1.4 Cost and Usage columns for the export, and one row of them (docs/export.md).
struct FocusRowWriter {
  let version: String
  let basis: Basis
  let header: [String]

  /// The Cost and Usage columns both versions share, in the spec's alphabetical order, and what MLCost adds.
  static let common = ["AllocatedMethodDetails", "AllocatedMethodId", "AllocatedResourceId", "AllocatedResourceName", "AllocatedTags",
                       "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingAccountType", "BillingCurrency",
                       "BillingPeriodEnd", "BillingPeriodStart", "CapacityReservationId", "CapacityReservationStatus", "ChargeCategory", "ChargeClass",
                       "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountCategory",
                       "CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountQuantity", "CommitmentDiscountStatus",
                       "CommitmentDiscountType", "CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit", "ContractApplied", "ContractedCost",
                       "ContractedUnitPrice", "EffectiveCost", "HostProviderName", "InvoiceId", "InvoiceIssuerName", "ListCost", "ListUnitPrice",
                       "PricingCategory", "PricingCurrency", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost",
                       "PricingCurrencyListUnitPrice", "PricingQuantity", "PricingUnit", "RegionId", "RegionName", "ResourceId", "ResourceName",
                       "ResourceType", "ServiceCategory", "ServiceName", "ServiceProviderName", "ServiceSubcategory", "SkuId", "SkuMeter",
                       "SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName", "SubAccountType", "Tags"]
  static let mlcost = ["x_CacheAction", "x_DerivedColumns", "x_MLCostBasis", "x_MLCostComponent", "x_MLCostOwner", "x_MLCostRequestType",
                       "x_MLCostRule", "x_SourceExtra", "x_SourceValues", "x_TokenCostSplit", "x_TokenDirection", "x_UsageSource"]

  /// FOCUS 1.2+ ServiceSubcategory values (the spec's list).
  static let subcategories: Set<String> = ["AI Platforms", "API Management", "Analytics Platforms", "Application Networking", "Application Platforms",
    "Architecture", "Backup Storage", "Block Storage", "Bots", "Business Intelligence", "Caching", "Compliance", "Containers", "Content Creation",
    "Content Delivery", "Continuous Integration and Deployment", "Cost Management", "Data Governance", "Data Migration", "Data Processing",
    "Data Warehouses", "Developer Platforms", "Development Environments", "Disaster Recovery", "End User Computing", "Endpoint Management",
    "File Storage", "Gaming", "Generative AI", "Identity and Access Management", "IoT Analytics", "IoT Platforms", "Ledger Databases",
    "Machine Learning", "Media Streaming", "Messaging", "Mixed Reality", "Multicloud Integration", "Natural Language Processing",
    "Network Connectivity", "Network Infrastructure", "Network Routing", "Network Security", "NoSQL Databases", "Object Storage", "Observability",
    "Other (AI and Machine Learning)", "Other (Analytics)", "Other (Business Applications)", "Other (Compute)", "Other (Databases)",
    "Other (Developer Tools)", "Other (Identity)", "Other (Integration)", "Other (Internet of Things)", "Other (Management and Governance)",
    "Other (Media)", "Other (Migration)", "Other (Mobile)", "Other (Multicloud)", "Other (Networking)", "Other (Other)", "Other (Security)",
    "Other (Storage)", "Other (Web)", "Productivity and Collaboration", "Quality Assurance", "Quantum Compute", "Relational Databases",
    "Resource Migration", "Search", "Secret Management", "Security Posture Management", "Serverless Compute", "Source Code Management",
    "Storage Platforms", "Streaming Analytics", "Support", "Threat Detection and Response", "Time Series Databases", "Virtual Machines",
    "Workflow Orchestration"]
  /// FOCUS-defined SkuPriceDetails keys; any other key goes out `x_`-prefixed, as the spec requires of custom keys.
  static let skuPriceDetailsKeys: Set<String> = ["CoreCount", "DiskMaxIops", "DiskSpace", "DiskType", "GpuCount", "InstanceType", "InstanceSeries",
                                                "MemorySize", "NetworkMaxIops", "NetworkMaxThroughput", "OperatingSystem", "Redundancy", "StorageClass"]

  init(version: String, basis: Basis) {
    self.version = version
    self.basis = basis
    var columns = Self.common
    if version == "1.3" { columns += ["ProviderName", "PublisherName"] } else { columns += ["CommitmentProgramEligibilityDetails", "InvoiceDetailId"] }
    header = columns.sorted() + Self.mlcost
  }

  /// `extra`: MLCost's own columns set by the caller (API usage rows: owner, token direction …).
  func row(_ l: StoredChargeLine, billed: Amount, effective: Amount, list: Amount?, contracted: Amount?, share: Double, allocation a: Allocation?,
           groupBasis: Amount, extra: [String: String] = [:]) -> [String] {
    var v: [String: String] = [:]
    func t(_ f: ChargeText) -> String? { l.text[f] }
    for f in ChargeText.allCases where f != .tags && f != .extra && f != .instanceType && f != .gpuModel {
      if let s = t(f) { v[Self.columnName(f)] = s }
    }
    let provider = t(.providerName) ?? t(.serviceProviderName) ?? ""
    v["ServiceProviderName"] = t(.serviceProviderName) ?? provider
    v["HostProviderName"] = t(.hostProviderName) ?? provider
    v["InvoiceIssuerName"] = t(.invoiceIssuerName) ?? provider
    if version == "1.3" { v["ProviderName"] = provider; v["PublisherName"] = t(.publisherName) ?? provider }
    var derived: [String] = [], moved: [String: String] = [:]
    v["BilledCost"] = billed.decimalString; v["EffectiveCost"] = effective.decimalString
    // Mandatory cost columns a source left empty: contracted at list (no negotiated rate known), else at what was billed.
    let contractedOrDerived = contracted ?? list ?? (l.chargeCategory == .usage ? effective : billed)
    if contracted == nil {
      derived.append("ContractedCost")
      // A unit price beside a derived cost would not multiply out to it: it goes with the source values.
      if let p = v["ContractedUnitPrice"] { moved["ContractedUnitPrice"] = p; v["ContractedUnitPrice"] = nil }
    }
    if list == nil { derived.append("ListCost") }
    v["ContractedCost"] = contractedOrDerived.decimalString
    v["ListCost"] = (list ?? contractedOrDerived).decimalString
    v["BillingPeriodStart"] = Timestamp.iso8601(l.billingPeriodStart)
    v["BillingPeriodEnd"] = Timestamp.iso8601(l.billingPeriodEnd ?? BillingMonth(containing: l.billingPeriodStart).next.start)
    v["ChargePeriodStart"] = Timestamp.iso8601(l.chargePeriodStart); v["ChargePeriodEnd"] = Timestamp.iso8601(l.chargePeriodEnd)
    v["ChargeCategory"] = l.chargeCategory.description
    v["ChargeClass"] = l.chargeClass?.description
    v["ChargeFrequency"] = l.chargeFrequency?.description ?? (l.chargeCategory == .usage ? "Usage-Based" : "One-Time")
    if l.chargeFrequency == nil { derived.append("ChargeFrequency") }
    v["PricingCategory"] = l.pricingCategory?.description
    if v["BillingAccountType"] == nil { v["BillingAccountType"] = "Billing Account"; derived.append("BillingAccountType") }
    // PricingCurrency: the billing currency when the source names no other (then the pricing-currency columns are the billing ones).
    let billing = t(.billingCurrency) ?? ""
    if v["PricingCurrency"] == nil { v["PricingCurrency"] = billing; derived.append("PricingCurrency") }
    if v["PricingCurrency"] == billing {
      v["PricingCurrencyEffectiveCost"] = effective.decimalString
      v["PricingCurrencyListUnitPrice"] = t(.listUnitPrice)
      v["PricingCurrencyContractedUnitPrice"] = v["ContractedUnitPrice"]
    }
    let category = t(.serviceCategory) ?? "Other"
    if let sub = t(.serviceSubcategory), !Self.subcategories.contains(sub) { moved["ServiceSubcategory"] = sub; v["ServiceSubcategory"] = nil }
    if v["ServiceSubcategory"] == nil {
      v["ServiceSubcategory"] = Self.subcategories.contains("Other (\(category))") ? "Other (\(category))" : "Other (Other)"
      derived.append("ServiceSubcategory")
    }
    // Quantities: consumption belongs to usage that was used; a quantity needs its unit.
    let consumption = l.chargeCategory == .usage && t(.commitmentDiscountStatus)?.lowercased() != "unused"
    if let q = l.consumedQuantity {
      if consumption && t(.consumedUnit) != nil { v["ConsumedQuantity"] = Self.number(q * share) } else { moved["ConsumedQuantity"] = Self.number(q * share) }
    }
    if !consumption, let u = v["ConsumedUnit"] { moved["ConsumedUnit"] = u; v["ConsumedUnit"] = nil }
    if let q = l.pricingQuantity {
      if t(.pricingUnit) != nil { v["PricingQuantity"] = Self.number(q * share) } else { moved["PricingQuantity"] = Self.number(q * share) }
    }
    v["CommitmentDiscountQuantity"] = l.commitmentDiscountQuantity.map { Self.number($0 * share) }
    // SkuPriceDetails: only beside a SkuPriceId; keys FOCUS does not define go out x_-prefixed.
    if let details = t(.skuPriceDetails) {
      if t(.skuPriceId) == nil {
        moved["SkuPriceDetails"] = details; v["SkuPriceDetails"] = nil
      } else {
        let o = Workspace.tags(json: details)
        v["SkuPriceDetails"] = Self.json(Dictionary(uniqueKeysWithValues: o.map { (Self.skuPriceDetailsKeys.contains($0.key) || $0.key.hasPrefix("x_") ? $0.key : "x_" + $0.key, $0.value) }))
      }
    }
    if !derived.isEmpty { v["x_DerivedColumns"] = derived.joined(separator: ",") }
    if !moved.isEmpty { v["x_SourceValues"] = Self.json(moved) }
    var tags = Workspace.tags(json: t(.tags) ?? "")
    tags[AttributionEngine.allocatedTag] = nil
    v["Tags"] = Self.json(tags)
    if let extra = t(.extra) { v["x_SourceExtra"] = extra }
    v["x_MLCostBasis"] = basis == .cash ? "cash" : "amortised"
    if let a {
      v["x_MLCostOwner"] = a.owner.description; v["x_MLCostRequestType"] = a.requestType; v["x_MLCostComponent"] = a.component.rawValue
      v["x_MLCostRule"] = a.rule
      // Allocated* name the consumer when attribution found one (a model, or the pool's (shared) remainder).
      if a.owner != .unallocated {
        v["AllocatedMethodId"] = Self.methodId(a.rule)
        v["AllocatedResourceId"] = a.owner.model.map { "mlcost:model/" + $0 } ?? "mlcost:owner/" + a.owner.description
        v["AllocatedResourceName"] = a.owner.description
        var allocated: [String: String] = ["mlcost:owner": a.owner.description, "mlcost:request-type": a.requestType]
        if let m = a.owner.model { allocated["model"] = m }
        if let team = a.team { allocated["team"] = team }
        if let env = a.environment { allocated["environment"] = env }
        v["AllocatedTags"] = Self.json(allocated)
        v["AllocatedMethodDetails"] = Self.methodDetails(share: share, rule: a.rule, component: a.component.rawValue, requestType: a.requestType,
                                                         basis: basis, originBasisCost: groupBasis)
      }
    }
    for (k, x) in extra { v[k] = x }
    return header.map { v[$0] ?? "" }
  }

  /// FOCUS's AllocatedMethodDetails object: one element with the AllocatedRatio (the owner's share of the origin's basis
  /// cost), MLCost's own keys x_-prefixed.
  static func methodDetails(share: Double, rule: String, component: String, requestType: String, basis: Basis, originBasisCost: Amount) -> String {
    let element: [String: Any] = ["AllocatedRatio": (share * 1e9).rounded() / 1e9, "x_Rule": rule, "x_Component": component, "x_RequestType": requestType]
    let object: [String: Any] = ["Elements": [element], "x_Basis": basis == .cash ? "BilledCost" : "EffectiveCost",
                                 "x_OriginBasisCost": originBasisCost.decimalString]
    guard let d = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "" }
    return String(decoding: d, as: UTF8.self)
  }

  /// `mlcost:model-tag`, `mlcost:pool`, `mlcost:unused-commitment`, … from the rule that placed the cost.
  static func methodId(_ rule: String) -> String {
    let r = rule.lowercased()
    // A row its provider split keeps the provider's method.
    if rule.hasPrefix("split by the provider ('"), rule.hasSuffix("')") { return String(rule.dropFirst(24).dropLast(2)) }
    if r.hasPrefix("pool") { return "mlcost:pool" }
    if r.hasPrefix("virtual tag") { return "mlcost:virtual-tag" }
    if r.hasPrefix("model tag") { return "mlcost:model-tag" }
    if r.contains("unused commitment") { return "mlcost:unused-commitment" }
    if r.contains("commitment purchase") { return "mlcost:commitment-purchase" }
    return "mlcost:" + r.replacingOccurrences(of: " ", with: "-")
  }

  static func columnName(_ f: ChargeText) -> String {
    let c = f.column
    return c.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
  }

  static func json(_ o: [String: String]) -> String {
    guard !o.isEmpty, let d = try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]) else { return o.isEmpty ? "" : "{}" }
    return String(decoding: d, as: UTF8.self)
  }

  /// A quantity as a plain decimal (no exponent), up to 9 decimals.
  static func number(_ x: Double) -> String {
    var s = String(format: "%.9f", x)
    while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
    return s == "-0" ? "0" : s
  }
}
