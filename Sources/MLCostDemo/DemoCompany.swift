import Foundation
import MLCostCore

/// A realistic, deterministic company-month of ML spend as a FOCUS 1.2 export: GPU endpoints for
/// several models (one of them idle), an untagged spot GPU instance, storage of weights, egress,
/// hosted-API tokens, a savings-plan purchase with its amortised usage and unused remainder,
/// credits (one that breaks the spec's arithmetic, as real files do) and tax.
public enum DemoCompany {
  /// The month the demo reports on; the export covers it and the two before it.
  public static let month = BillingMonth(year: 2026, month: 10)
  public static let months = [BillingMonth(year: 2026, month: 8), BillingMonth(year: 2026, month: 9), month]
  public static let seed: UInt64 = 0x4D4C_436F_7374

  struct Endpoint {
    var name: String
    var service: String, serviceCode: String, meter: String, resourceType: String
    var instanceType: String, gpuModel: String, gpuCount: Int
    var listRate: Int64          // nanos per hour
    var spotRange: ClosedRange<Int64>? = nil
    var tags: String?
    var subAccount: (String, String)
    var sku: String
  }

  static let aws = (account: "123456789012", name: "Northwind AI", issuer: "Amazon Web Services, Inc.")
  static let prod = ("210987654321", "ml-prod"), research = ("345678901234", "ml-research")

  /// How many endpoints one copy of the fleet has (rows per hour of a generated export).
  public static var endpointsPerFleet: Int { endpoints(fleet: 0).count }

  static func endpoints(fleet: Int) -> [Endpoint] {
    let f = fleet == 0 ? "" : String(format: "-f%03d", fleet)
    return [
      Endpoint(name: "llama-31-70b-chat-prod\(f)", service: "Amazon SageMaker", serviceCode: "AmazonSageMaker", meter: "Hosting",
               resourceType: "Endpoint", instanceType: "ml.p5.48xlarge", gpuModel: "H100", gpuCount: 8, listRate: 113_070_000_000,
               tags: #"{"model":"llama-3.1-70b","request-type":"chat","team":"assistant","env":"prod","cost-center":"CC-4410"}"#,
               subAccount: prod, sku: "9QHZ7H8RG3UFFH3K"),
      Endpoint(name: "llama-31-8b-batch-prod\(f)", service: "Amazon SageMaker", serviceCode: "AmazonSageMaker", meter: "Hosting",
               resourceType: "Endpoint", instanceType: "ml.g6e.2xlarge", gpuModel: "L40S", gpuCount: 1, listRate: 2_242_000_000,
               tags: #"{"model":"llama-3.1-8b","request-type":"batch","team":"assistant","env":"prod","cost-center":"CC-4410"}"#,
               subAccount: prod, sku: "TR3WS6J9M2VZ7KCQ"),
      Endpoint(name: "bge-large-embed-prod\(f)", service: "Amazon SageMaker", serviceCode: "AmazonSageMaker", meter: "Hosting",
               resourceType: "Endpoint", instanceType: "ml.g5.xlarge", gpuModel: "A10G", gpuCount: 1, listRate: 1_408_000_000,
               tags: #"{"model":"bge-large-en-v1.5","request-type":"embedding","team":"search","env":"prod","cost-center":"CC-5120"}"#,
               subAccount: prod, sku: "U7B2YV3C8PHXQ4DN"),
      Endpoint(name: "sdxl-image-staging\(f)", service: "Amazon SageMaker", serviceCode: "AmazonSageMaker", meter: "Hosting",
               resourceType: "Endpoint", instanceType: "ml.g5.2xlarge", gpuModel: "A10G", gpuCount: 1, listRate: 1_515_000_000,
               tags: #"{"model":"sdxl-1.0","request-type":"image","team":"creative","env":"staging"}"#,
               subAccount: research, sku: "K8D5N2QW7FJ3TZ6R"),
      Endpoint(name: "i-0c3f9a7e51b2d4f86\(f)", service: "Amazon Elastic Compute Cloud", serviceCode: "AmazonEC2", meter: "Spot Instance",
               resourceType: "Instance", instanceType: "g6.12xlarge", gpuModel: "L4", gpuCount: 4, listRate: 4_601_600_000,
               spotRange: 1_702_000_000...1_978_000_000, tags: nil, subAccount: research, sku: "M4X7C2K9V5B8N3QJ"),
    ]
  }

  static let savingsPlan = "arn:aws:savingsplans::123456789012:savingsplan/3f9c1b2e-7a44-4d1e-9b0a-5c2e8d7f6a10"
  static let savingsPlanRate: Int64 = 73_495_500_000   // 35% off the 70B endpoint's list rate
  static let savingsPlanHourly: Int64 = 75_000_000_000  // the hourly commitment

  /// Writes the export. `fleets` > 1 repeats the hourly AWS fleet (benchmark scale); `maxRows` stops early.
  @discardableResult
  public static func writeFocusExport(to path: String, month: BillingMonth = month, fleets: Int = 1, maxRows: Int? = nil) throws -> (rows: Int, bytes: Int) {
    let w = try FocusWriter(path: path)
    var rng = SplitMix64(seed: seed ^ UInt64(bitPattern: Int64((Self.month.year * 12 + Self.month.month) - (month.year * 12 + month.month))))
    let start = month.start
    let hours = month.days * 24
    let periodEnd = month.next.start
    func iso(_ t: Int64) -> String { Timestamp.iso8601(t) }
    func money(_ n: Int64) -> String { Amount(nanos: n).decimalString }
    var base: [String: String] = [
      "BillingCurrency": "USD", "BillingPeriodStart": iso(start), "BillingPeriodEnd": iso(periodEnd),
    ]
    func full() -> Bool { maxRows.map { w.rows >= $0 } ?? false }
    var billedHourly: Int64 = 0

    // Hourly GPU endpoints and instances on AWS.
    base.merge(["BillingAccountId": aws.account, "BillingAccountName": aws.name, "BillingAccountType": "Billing Account",
                "InvoiceIssuerName": aws.issuer, "ProviderName": "AWS", "PublisherName": aws.issuer,
                "InvoiceId": "EUINUS26-0471185", "RegionId": "us-east-1", "RegionName": "US East (N. Virginia)",
                "SubAccountType": "Linked Account", "x_Operation": "RunInstance"]) { $1 }
    fleetLoop: for fleet in 0..<max(1, fleets) {
      for e in endpoints(fleet: fleet) {
        let arn = e.resourceType == "Instance"
          ? "arn:aws:ec2:us-east-1:\(e.subAccount.0):instance/\(e.name)"
          : "arn:aws:sagemaker:us-east-1:\(e.subAccount.0):endpoint/\(e.name)"
        var row = base
        row.merge(["AvailabilityZone": "us-east-1\(["a", "b", "c"][fleet % 3])", "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based",
                   "ConsumedQuantity": "1", "ConsumedUnit": "Hours", "PricingQuantity": "1", "PricingUnit": "Hours",
                   "ResourceId": arn, "ResourceName": e.name, "ResourceType": e.resourceType,
                   "ServiceCategory": e.resourceType == "Instance" ? "Compute" : "AI and Machine Learning", "ServiceName": e.service,
                   "ServiceSubcategory": e.resourceType == "Instance" ? "Virtual Machines" : "Machine Learning",
                   "SkuId": e.sku, "SkuMeter": e.meter, "SkuPriceDetails": #"{"InstanceType":"\#(e.instanceType)","OperatingSystem":"Linux"}"#,
                   "SubAccountId": e.subAccount.0, "SubAccountName": e.subAccount.1, "Tags": e.tags ?? "",
                   "x_ServiceCode": e.serviceCode, "x_InstanceType": e.instanceType, "x_GpuModel": e.gpuModel,
                   "x_GpuCount": String(e.gpuCount), "ListUnitPrice": money(e.listRate), "ListCost": money(e.listRate)]) { $1 }
        let committed = fleet == 0 && e.gpuModel == "H100"
        for h in 0..<hours {
          if full() { break fleetLoop }
          let t = start + Int64(h) * 3600
          row["ChargePeriodStart"] = iso(t)
          row["ChargePeriodEnd"] = iso(t + 3600)
          let rate: Int64
          if let spot = e.spotRange {
            rate = spot.lowerBound + Int64(rng.below(Int(spot.upperBound - spot.lowerBound) / 1_000_000 + 1)) * 1_000_000
            row["PricingCategory"] = "Dynamic"
            row["BilledCost"] = money(rate); row["EffectiveCost"] = money(rate)
            row["ChargeDescription"] = "$\(money(rate)) per Spot Linux \(e.instanceType) Instance Hour"
          } else if committed {
            rate = savingsPlanRate
            row["PricingCategory"] = "Committed"
            row["BilledCost"] = "0.00"; row["EffectiveCost"] = money(rate)
            row["CommitmentDiscountId"] = savingsPlan; row["CommitmentDiscountCategory"] = "Spend"
            row["CommitmentDiscountType"] = "Savings Plan"; row["CommitmentDiscountStatus"] = "Used"
            row["CommitmentDiscountName"] = "SageMaker Savings Plan 1yr No Upfront"
            row["ChargeDescription"] = "SageMaker Savings Plan covered usage of \(e.instanceType)"
          } else {
            rate = e.listRate
            row["PricingCategory"] = "Standard"
            row["BilledCost"] = money(rate); row["EffectiveCost"] = money(rate)
            row["ChargeDescription"] = "$\(money(rate)) per On Demand \(e.instanceType) Hosting Hour"
          }
          row["ContractedUnitPrice"] = money(rate); row["ContractedCost"] = money(rate)
          billedHourly += committed ? 0 : rate
          w.write(row)
        }
      }
    }

    if !full() {
      writeDaily(w, month: month, base: base, start: start, billedHourly: billedHourly, rng: &rng)
    }
    try w.close()
    return (w.rows, w.bytes)
  }

  /// The daily and monthly rows: storage, egress, the savings plan, GCP, Azure, a GPU cloud, credits, tax.
  private static func writeDaily(_ w: FocusWriter, month: BillingMonth, base: [String: String], start: Int64, billedHourly: Int64, rng: inout SplitMix64) {
    func iso(_ t: Int64) -> String { Timestamp.iso8601(t) }
    func money(_ n: Int64) -> String { Amount(nanos: n).decimalString }
    let days = month.days
    var billedAWS = billedHourly
    for d in 0..<days {
      let t = start + Int64(d) * 86_400
      var day = base
      day.merge(["ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Standard",
                 "ChargePeriodStart": iso(t), "ChargePeriodEnd": iso(t + 86_400), "SubAccountId": prod.0, "SubAccountName": prod.1]) { $1 }
      // Model weights and checkpoints in S3: 3,100 GB at $0.023 per GB-month, billed daily.
      var s3 = day
      let gbMonth: Int64 = 3_100_000_000_000 / Int64(days)   // nanos of GB-months per day
      let s3Cost = gbMonth * 23 / 1000
      s3.merge(["ServiceName": "Amazon Simple Storage Service", "ServiceCategory": "Storage", "ServiceSubcategory": "Object Storage",
                "ResourceId": "arn:aws:s3:::northwind-model-weights", "ResourceName": "northwind-model-weights", "ResourceType": "Bucket",
                "SkuId": "WP9ANXZGBYYSGJEA", "SkuMeter": "Storage", "ConsumedQuantity": money(gbMonth), "ConsumedUnit": "GB-Mo",
                "PricingQuantity": money(gbMonth), "PricingUnit": "GB-Mo", "ListUnitPrice": "0.023", "ContractedUnitPrice": "0.023",
                "BilledCost": money(s3Cost), "EffectiveCost": money(s3Cost), "ListCost": money(s3Cost), "ContractedCost": money(s3Cost),
                "ChargeDescription": "$0.023 per GB - first 50 TB / month of storage used", "x_ServiceCode": "AmazonS3",
                "x_Operation": "StandardStorage", "Tags": #"{"model":"llama-3.1-70b","team":"platform","env":"prod"}"#]) { $1 }
      w.write(s3); billedAWS += s3Cost
      // Egress: untagged.
      let gb = Int64(rng.between(380, 620))
      let egress = gb * 90_000_000
      var net = day
      net.merge(["ServiceName": "AWS Data Transfer", "ServiceCategory": "Networking", "ServiceSubcategory": "Network Connectivity",
                 "SkuId": "HQEH3ZPJ4SNRYXHF", "SkuMeter": "Data Transfer", "ConsumedQuantity": String(gb), "ConsumedUnit": "GB",
                 "PricingQuantity": String(gb), "PricingUnit": "GB", "ListUnitPrice": "0.09", "ContractedUnitPrice": "0.09",
                 "BilledCost": money(egress), "EffectiveCost": money(egress), "ListCost": money(egress), "ContractedCost": money(egress),
                 "ChargeDescription": "$0.09 per GB - first 10 TB / month data transfer out", "x_ServiceCode": "AWSDataTransfer",
                 "x_Operation": "DataTransfer-Out-Bytes"]) { $1 }
      w.write(net); billedAWS += egress
      // The savings plan's unused remainder, daily.
      var unused = day
      let unusedCost = (savingsPlanHourly - savingsPlanRate) * 24
      unused.merge(["PricingCategory": "Committed", "ServiceName": "Savings Plans for AWS Compute usage", "ServiceCategory": "Compute",
                    "ResourceId": savingsPlan, "CommitmentDiscountId": savingsPlan, "CommitmentDiscountCategory": "Spend",
                    "CommitmentDiscountType": "Savings Plan", "CommitmentDiscountStatus": "Unused",
                    "CommitmentDiscountName": "SageMaker Savings Plan 1yr No Upfront", "BilledCost": "0.00",
                    "EffectiveCost": money(unusedCost), "ChargeDescription": "Unused savings plan commitment"]) { $1 }
      w.write(unused)
    }
    // The savings plan's monthly purchase: billed now, amortised into the usage above (EffectiveCost 0).
    var purchase = base
    let commitment = savingsPlanHourly * Int64(days * 24)
    purchase.merge(["ChargeCategory": "Purchase", "ChargeFrequency": "Recurring", "PricingCategory": "Standard",
                    "ChargePeriodStart": iso(start), "ChargePeriodEnd": iso(month.next.start), "SubAccountId": prod.0,
                    "SubAccountName": prod.1, "ServiceName": "Savings Plans for AWS Compute usage", "ServiceCategory": "Compute",
                    "ResourceId": savingsPlan, "CommitmentDiscountId": savingsPlan, "CommitmentDiscountCategory": "Spend",
                    "CommitmentDiscountType": "Savings Plan", "CommitmentDiscountName": "SageMaker Savings Plan 1yr No Upfront",
                    "BilledCost": money(commitment), "EffectiveCost": "0.00", "PricingQuantity": "1", "PricingUnit": "Month",
                    "ChargeDescription": "1-year No Upfront SageMaker Savings Plan, $75.00/hour commitment"]) { $1 }
    w.write(purchase); billedAWS += commitment
    // Credits: an enterprise credit and a promotional one (EffectiveCost = BilledCost, as FOCUS requires of credits; a
    // real export that breaks it is stored as is and flagged: Tests/Fixtures/focus/arithmetic-violations).
    for (amount, effective, what) in [(-1_500_000_000_000 as Int64, -1_500_000_000_000 as Int64, "Enterprise discount credit"),
                                      (-250_000_000_000, -250_000_000_000, "AI Accelerate promotional credit")] {
      var credit = base
      credit.merge(["ChargeCategory": "Credit", "ChargeFrequency": "One-Time", "ChargePeriodStart": iso(start),
                    "ChargePeriodEnd": iso(month.next.start), "SubAccountId": prod.0, "SubAccountName": prod.1,
                    "ServiceName": "Amazon SageMaker", "ServiceCategory": "AI and Machine Learning",
                    "BilledCost": money(amount), "EffectiveCost": money(effective), "ChargeDescription": what]) { $1 }
      w.write(credit); billedAWS += amount
    }
    writeOtherProviders(w, month: month, start: start, rng: &rng)
    // Sales tax on the AWS invoice.
    var tax = base
    let cents = billedAWS / 10_000_000
    let taxAmount = cents * 625 / 10_000 * 10_000_000  // 6.25 %, rounded down to the cent
    tax.merge(["ChargeCategory": "Tax", "ChargeFrequency": "One-Time", "ChargePeriodStart": iso(start),
               "ChargePeriodEnd": iso(month.next.start), "ServiceName": "Tax", "ServiceCategory": "Other",
               "BilledCost": money(taxAmount), "EffectiveCost": money(taxAmount), "ChargeDescription": "Sales tax"]) { $1 }
    tax["PricingCategory"] = nil
    w.write(tax)
  }

  private static func writeOtherProviders(_ w: FocusWriter, month: BillingMonth, start: Int64, rng: inout SplitMix64) {
    func iso(_ t: Int64) -> String { Timestamp.iso8601(t) }
    func money(_ n: Int64) -> String { Amount(nanos: n).decimalString }
    let common = ["BillingCurrency": "USD", "BillingPeriodStart": iso(month.start), "BillingPeriodEnd": iso(month.next.start),
                  "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based"]
    // GCP: a week of spot a3-highgpu-8g (8× H100) fine-tuning Mistral-7B, daily rows.
    for d in 2..<9 {
      let t = start + Int64(d) * 86_400
      let hoursUsed = Int64(rng.between(20, 24))
      let rate: Int64 = 29_990_000_000
      var row = common
      row.merge(["BillingAccountId": "01A2B3-C4D5E6-F7G8H9", "BillingAccountName": "Northwind AI GCP", "ProviderName": "Google Cloud",
                 "PublisherName": "Google Cloud", "InvoiceIssuerName": "Google Cloud", "SubAccountId": "ml-research-4412",
                 "SubAccountName": "ml-research", "SubAccountType": "Project", "RegionId": "europe-west4", "RegionName": "Netherlands",
                 "AvailabilityZone": "europe-west4-b", "ServiceName": "Compute Engine", "ServiceCategory": "Compute",
                 "ServiceSubcategory": "Virtual Machines", "ResourceId": "projects/ml-research-4412/zones/europe-west4-b/instances/mistral-ft-a3-0",
                 "ResourceName": "mistral-ft-a3-0", "ResourceType": "VM Instance", "SkuId": "C3A1-9B7E-44D2", "SkuMeter": "Spot Preemptible A3 Instance",
                 "PricingCategory": "Dynamic", "ChargePeriodStart": iso(t), "ChargePeriodEnd": iso(t + 86_400),
                 "ConsumedQuantity": String(hoursUsed), "ConsumedUnit": "Hours", "PricingQuantity": String(hoursUsed), "PricingUnit": "Hours",
                 "ListUnitPrice": "88.49", "ListCost": money(88_490_000_000 * hoursUsed), "ContractedUnitPrice": money(rate),
                 "ContractedCost": money(rate * hoursUsed), "BilledCost": money(rate * hoursUsed), "EffectiveCost": money(rate * hoursUsed),
                 "ChargeDescription": "Spot A3 High GPU instance running in Netherlands", "x_InstanceType": "a3-highgpu-8g",
                 "x_GpuModel": "H100", "x_GpuCount": "8",
                 "Tags": #"{"goog-ml-job":"mistral-7b-sft","model":"mistral-7b","request-type":"fine-tune","team":"research","env":"dev"}"#]) { $1 }
      w.write(row)
    }
    // Azure: an A100 VM for evaluations (10 h a day) and Azure OpenAI tokens.
    let azure = ["BillingAccountId": "/providers/Microsoft.Billing/billingAccounts/8611537", "BillingAccountName": "Northwind AI EA",
                 "ProviderName": "Microsoft", "PublisherName": "Microsoft", "InvoiceIssuerName": "Microsoft",
                 "SubAccountId": "/subscriptions/5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "SubAccountName": "ml-eval",
                 "SubAccountType": "Subscription", "RegionId": "westeurope", "RegionName": "West Europe"]
    for d in 0..<month.days {
      let t = start + Int64(d) * 86_400
      var vm = common.merging(azure) { $1 }
      let rate: Int64 = 3_673_000_000
      vm.merge(["ServiceName": "Virtual Machines", "ServiceCategory": "Compute", "ServiceSubcategory": "Virtual Machines",
                "ResourceId": "/subscriptions/5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/resourceGroups/ml-eval/providers/Microsoft.Compute/virtualMachines/eval-a100-01",
                "ResourceName": "eval-a100-01", "ResourceType": "Virtual machine", "SkuId": "DZH318Z0BQ4L", "SkuMeter": "NC24ads A100 v4",
                "PricingCategory": "Standard", "ChargePeriodStart": iso(t), "ChargePeriodEnd": iso(t + 86_400),
                "ConsumedQuantity": "10", "ConsumedUnit": "Hours", "PricingQuantity": "10", "PricingUnit": "1 Hour",
                "ListUnitPrice": money(rate), "ListCost": money(rate * 10), "ContractedUnitPrice": money(rate), "ContractedCost": money(rate * 10),
                "BilledCost": money(rate * 10), "EffectiveCost": money(rate * 10), "ChargeDescription": "NC24ads A100 v4 - West Europe",
                "x_InstanceType": "Standard_NC24ads_A100_v4", "x_GpuModel": "A100 80GB", "x_GpuCount": "1",
                "Tags": #""ModelName": "qwen2.5-7b","RequestType": "eval","team": "research""#]) { $1 }
      w.write(vm)
      // In the reported month, a support bot's retry loop triples the gpt-4o tokens for three days (the demo's anomaly).
      let retryLoop: Int64 = month == Self.month && (19...21).contains(d) ? 3 : 1
      for (direction, pricePerToken, tokens) in [("Input", 2_500 as Int64, Int64(rng.between(38, 61)) * 1_000_000 * retryLoop),
                                                ("Output", 10_000 as Int64, Int64(rng.between(9, 16)) * 1_000_000 * retryLoop)] {
        var tok = common.merging(azure) { $1 }
        let cost = pricePerToken * tokens
        tok.merge(["ServiceName": "Azure OpenAI Service", "ServiceCategory": "AI and Machine Learning", "ServiceSubcategory": "Generative AI",
                   "ResourceId": "/subscriptions/5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/resourceGroups/support/providers/Microsoft.CognitiveServices/accounts/northwind-support-aoai",
                   "ResourceName": "northwind-support-aoai", "ResourceType": "Cognitive Services account",
                   "SkuId": "gpt-4o-2024-11-20-\(direction.lowercased())", "SkuMeter": "\(direction) Tokens",
                   "SkuPriceDetails": #"{"ModelId":"gpt-4o-2024-11-20","ModelFamily":"GPT-4o","TokenDirection":"\#(direction)"}"#,
                   "PricingCategory": "Standard", "ChargePeriodStart": iso(t), "ChargePeriodEnd": iso(t + 86_400),
                   "ConsumedQuantity": String(tokens), "ConsumedUnit": "Tokens", "PricingQuantity": money(tokens * 1000),
                   "PricingUnit": "1000000 Tokens", "ListUnitPrice": money(pricePerToken * 1_000_000), "ListCost": money(cost),
                   "ContractedUnitPrice": money(pricePerToken * 1_000_000), "ContractedCost": money(cost),
                   "BilledCost": money(cost), "EffectiveCost": money(cost), "ChargeDescription": "gpt-4o \(direction.lowercased()) tokens",
                   "Tags": #""ModelName": "gpt-4o","RequestType": "chat","team": "support""#]) { $1 }
        w.write(tok)
      }
    }
    // A managed vector database shared by the retrieval-augmented chat and the embedding service: daily read units and storage.
    for d in 0..<month.days {
      let t = start + Int64(d) * 86_400
      let readUnits = Int64(rng.between(1_900, 2_600)) * 1000
      let cost = readUnits * 16_000   // $16 per 1M read units
      var row = common
      row.merge(["BillingAccountId": "pc-org-northwind", "BillingAccountName": "Northwind AI", "ProviderName": "Pinecone",
                 "PublisherName": "Pinecone", "InvoiceIssuerName": "Pinecone Systems, Inc.", "RegionId": "us-east-1", "RegionName": "US East",
                 "ServiceName": "Pinecone Serverless", "ServiceCategory": "Databases", "ServiceSubcategory": "Vector Database",
                 "ResourceId": "index/northwind-docs", "ResourceName": "northwind-docs", "ResourceType": "Index",
                 "SkuId": "serverless-read-units", "SkuMeter": "Read Units", "PricingCategory": "Standard",
                 "ChargePeriodStart": iso(t), "ChargePeriodEnd": iso(t + 86_400),
                 "ConsumedQuantity": String(readUnits), "ConsumedUnit": "Read Units", "PricingQuantity": money(readUnits * 1000),
                 "PricingUnit": "1000000 Read Units", "ListUnitPrice": "16.00", "ListCost": money(cost), "ContractedUnitPrice": "16.00",
                 "ContractedCost": money(cost), "BilledCost": money(cost), "EffectiveCost": money(cost),
                 "ChargeDescription": "Serverless read units", "Tags": #"{"team":"platform","env":"prod"}"#]) { $1 }
      w.write(row)
    }
    // A GPU cloud: a 1× H100 dev box on weekdays, 8 hours a day.
    for d in 0..<month.days {
      let t = start + Int64(d) * 86_400
      let weekday = (Int(t / 86_400) + 4) % 7  // 0 = Sunday
      if weekday == 0 || weekday == 6 { continue }
      let rate: Int64 = 2_490_000_000
      var row = common
      row.merge(["BillingAccountId": "lambda-7781", "BillingAccountName": "Northwind AI", "ProviderName": "Lambda",
                 "PublisherName": "Lambda", "InvoiceIssuerName": "Lambda, Inc.", "RegionId": "us-south-1", "RegionName": "Texas, USA",
                 "ServiceName": "On-Demand Cloud", "ServiceCategory": "Compute", "ServiceSubcategory": "Virtual Machines",
                 "ResourceId": "0920e7a1b1f84c2fa1d8c3a2b4e5f607", "ResourceName": "dev-llama-8b", "ResourceType": "Instance",
                 "SkuId": "gpu_1x_h100_pcie", "PricingCategory": "Standard", "ChargePeriodStart": iso(t), "ChargePeriodEnd": iso(t + 86_400),
                 "ConsumedQuantity": "8", "ConsumedUnit": "Hours", "PricingQuantity": "8", "PricingUnit": "Hours",
                 "ListUnitPrice": money(rate), "ListCost": money(rate * 8), "ContractedUnitPrice": money(rate), "ContractedCost": money(rate * 8),
                 "BilledCost": money(rate * 8), "EffectiveCost": money(rate * 8), "ChargeDescription": "1x H100 (80 GB PCIe) instance hours",
                 "x_InstanceType": "gpu_1x_h100_pcie", "x_GpuModel": "H100 PCIe", "x_GpuCount": "1",
                 "Tags": #"{"model":"llama-3.1-8b","request-type":"chat","team":"assistant","env":"dev"}"#]) { $1 }
      w.write(row)
    }
  }
}
