import MLCostCore

/// What a generated export looks like (`mlcost generate --shape`).
public enum ExportShape: String, CaseIterable, Sendable {
  /// The demo company's few dozen endpoints, repeated: one spelling of everything.
  case demo
  /// A mid-size company: many resources over a month of hourly usage, long-tailed costs, dozens of
  /// services, thousands of SKUs, many regions and accounts, tags with JSON escapes and Azure-style
  /// brace-less tags, and the spellings real files mix (exponent amounts, four timestamp forms,
  /// quoted commas, quotes and newlines, three spellings of null).
  case realistic
  /// Every row its own resource, SKU, description and tag set: nothing repeats, nothing interns.
  case adversarial
}

/// The resources behind the `realistic` and `adversarial` shapes, shared by the FOCUS and CUR writers.
struct SyntheticFleet {
  struct Service {
    let name, code, category, subcategory, resourceType, unit: String
    let usageTypes: [String]
    let gpu: (model: String, count: Int, instance: String)?
  }
  struct Resource {
    let id, name, account, accountName, region, regionName, zone, sku, meter, usageType: String
    let service: Service
    /// Hourly cost in pico-units (long-tailed), and whether a commitment covers it.
    let rate: Int64
    let committed: Bool
    /// Tags as FOCUS writes them (JSON, some Azure-style without braces, some empty) and as pairs.
    let tagsText: String
    let tags: [(String, String)]
  }

  static let regions: [(String, String)] = [
    ("us-east-1", "US East (N. Virginia)"), ("us-east-2", "US East (Ohio)"), ("us-west-2", "US West (Oregon)"),
    ("eu-west-1", "Europe (Ireland)"), ("eu-central-1", "Europe (Frankfurt)"), ("eu-north-1", "Europe (Stockholm)"),
    ("ap-northeast-1", "Asia Pacific (Tokyo)"), ("ap-southeast-1", "Asia Pacific (Singapore)"),
    ("ap-south-1", "Asia Pacific (Mumbai)"), ("ca-central-1", "Canada (Central)"), ("sa-east-1", "South America (São Paulo)"),
    ("ap-southeast-3", "Asia Pacific (Jakarta)"),
  ]
  static let services: [Service] = {
    func s(_ name: String, _ code: String, _ cat: String, _ sub: String, _ type: String, _ unit: String, _ kinds: [String],
           gpu: (String, Int, String)? = nil) -> Service {
      Service(name: name, code: code, category: cat, subcategory: sub, resourceType: type, unit: unit, usageTypes: kinds, gpu: gpu)
    }
    return [
      s("Amazon Elastic Compute Cloud", "AmazonEC2", "Compute", "Virtual Machines", "Instance", "Hours",
        ["BoxUsage:m7i.2xlarge", "BoxUsage:c7g.4xlarge", "BoxUsage:r6i.8xlarge", "SpotUsage:m6a.large", "BoxUsage:t3.medium"]),
      s("Amazon Elastic Compute Cloud", "AmazonEC2", "Compute", "Virtual Machines", "Instance", "Hours",
        ["BoxUsage:p5.48xlarge", "SpotUsage:p5.48xlarge"], gpu: ("H100", 8, "p5.48xlarge")),
      s("Amazon Elastic Compute Cloud", "AmazonEC2", "Compute", "Virtual Machines", "Instance", "Hours",
        ["BoxUsage:g6e.12xlarge", "SpotUsage:g6e.12xlarge"], gpu: ("L40S", 4, "g6e.12xlarge")),
      s("Amazon Elastic Compute Cloud", "AmazonEC2", "Compute", "Virtual Machines", "Instance", "Hours",
        ["BoxUsage:g5.xlarge"], gpu: ("A10G", 1, "g5.xlarge")),
      s("Amazon SageMaker", "AmazonSageMaker", "AI and Machine Learning", "Machine Learning", "Endpoint", "Hours",
        ["Hosting:ml.g5.12xlarge", "Hosting:ml.p4d.24xlarge"], gpu: ("A100", 8, "ml.p4d.24xlarge")),
      s("Amazon SageMaker", "AmazonSageMaker", "AI and Machine Learning", "Machine Learning", "Notebook", "Hours",
        ["Notebk:ml.t3.medium", "Studio:ml.m5.large"]),
      s("Amazon Bedrock", "AmazonBedrock", "AI and Machine Learning", "Generative AI", "Model", "Tokens",
        ["InputTokenCount", "OutputTokenCount", "CacheReadInputTokenCount"]),
      s("Amazon Simple Storage Service", "AmazonS3", "Storage", "Object Storage", "Bucket", "GB-Mo",
        ["TimedStorage-ByteHrs", "Requests-Tier1", "Requests-Tier2", "DataTransfer-Out-Bytes"]),
      s("Amazon Elastic Block Store", "AmazonEC2", "Storage", "Block Storage", "Volume", "GB-Mo",
        ["EBS:VolumeUsage.gp3", "EBS:VolumeIOUsage", "EBS:SnapshotUsage"]),
      s("Amazon Relational Database Service", "AmazonRDS", "Databases", "Relational Databases", "DBInstance", "Hours",
        ["InstanceUsage:db.r6g.xlarge", "RDS:GP3-Storage"]),
      s("Amazon DynamoDB", "AmazonDynamoDB", "Databases", "NoSQL Databases", "Table", "ReadCapacityUnit-Hrs",
        ["ReadCapacityUnit-Hrs", "WriteCapacityUnit-Hrs", "TimedStorage-ByteHrs"]),
      s("AWS Lambda", "AWSLambda", "Compute", "Serverless Compute", "Function", "Lambda-GB-Second",
        ["Lambda-GB-Second", "Request"]),
      s("Amazon CloudWatch", "AmazonCloudWatch", "Management and Governance", "Observability", "LogGroup", "GB",
        ["DataProcessing-Bytes", "TimedStorage-ByteHrs", "CW:MetricMonitorUsage"]),
      s("AWS Data Transfer", "AWSDataTransfer", "Networking", "Data Transfer", "", "GB",
        ["DataTransfer-Regional-Bytes", "DataTransfer-Out-Bytes", "CloudFront-Out-Bytes"]),
      s("Amazon Elastic Container Service for Kubernetes", "AmazonEKS", "Compute", "Containers", "Cluster", "Hours",
        ["AmazonEKS-Hours:perCluster"]),
      s("Amazon OpenSearch Service", "AmazonES", "Analytics", "Search", "Domain", "Hours", ["ESInstance:r6g.large"]),
      s("Elastic Load Balancing", "AWSELB", "Networking", "Load Balancing", "LoadBalancer", "Hours", ["LoadBalancerUsage", "LCUUsage"]),
      s("Amazon Kinesis", "AmazonKinesis", "Analytics", "Streaming", "Stream", "Hours", ["Storage-ShardHour", "PutRequestPayloadUnits"]),
      s("AWS Key Management Service", "awskms", "Security", "Key Management", "Key", "Requests", ["KMS-Requests", "KMS-Keys"]),
      s("Amazon Elastic Container Registry", "AmazonECR", "Storage", "Container Registry", "Repository", "GB-Mo", ["TimedStorage-ByteHrs"]),
    ]
  }()
  static let teams = ["ml-platform", "search", "ads-ranking", "recsys", "trust-safety", "data-eng", "finance", "growth", "infra",
                      "nlp-research", "vision", "speech", "analytics", "payments", "support-bots", "sre"]
  static let models = ["llama-3.1-8b", "llama-3.1-70b", "llama-3.3-70b", "mistral-7b", "mixtral-8x7b", "qwen2.5-72b",
                       "bge-large", "whisper-large-v3", "sdxl", "gpt-4o", "claude-sonnet-4", "e5-mistral", "phi-3-mini"]
  static let requestTypes = ["chat", "completion", "embedding", "batch", "fine-tune", "eval"]
  static let owners = [#"Ren\u00e9e O'Brien"#, #"J. \"JJ\" Smith"#, #"ops\\oncall"#, "Zoë Ng", "Ana María Pérez"]

  let shape: ExportShape
  let resources: [Resource]
  let hot: Int

  init(shape: ExportShape, resources count: Int, seed: UInt64) {
    self.shape = shape
    var rng = SplitMix64(seed: seed)
    let accounts = (0..<60).map { i in (String(format: "%012llu", 100_000_000_000 + UInt64(i) * 7_919_111), "team-account-\(i)") }
    resources = shape == .realistic ? (0..<max(1, count)).map { i in SyntheticFleet.resource(i, &rng, accounts: accounts) } : []
    hot = max(1, count / 20)
  }

  /// One line's quantity (as text) and cost in pico-units: hourly resources run whole or part hours at their
  /// rate, so cost = unit price × quantity exactly; the others vary ±20% around their rate.
  static func line(_ r: Resource, _ rng: inout SplitMix64, _ spell: inout Spellings) -> (quantity: String, quarters: Int64, cost: Int64) {
    if r.service.unit == "Hours" {
      let q = Int64([4, 4, 4, 4, 4, 4, 3, 2, 1][rng.below(9)])
      return (["0.25", "0.5", "0.75", "1"][Int(q) - 1], q, r.rate / 4 * q)
    }
    return (spell.money(Int64(rng.below(5_000_000)) * 1_000_000 + 1), 4, r.rate / 100 * Int64(80 + rng.below(41)))
  }

  /// The resource of one row: in `realistic`, 60% of rows fall on the busiest 5% of resources; in
  /// `adversarial`, each row makes its own.
  func resource(row: Int, _ rng: inout SplitMix64) -> Resource {
    if shape == .adversarial {
      let accounts = [(String(format: "%012llu", 200_000_000_000 + UInt64(row % 997)), "account-\(row % 997)")]
      var r = SplitMix64(seed: UInt64(row) &* 0x9E37_79B9_7F4A_7C15)
      return SyntheticFleet.resource(row, &r, accounts: accounts, unique: true)
    }
    return rng.below(10) < 6 ? resources[rng.below(hot)] : resources[rng.below(resources.count)]
  }

  static func resource(_ i: Int, _ rng: inout SplitMix64, accounts: [(String, String)], unique: Bool = false) -> Resource {
    // Long tail: half the services are rare.
    let service = services[rng.below(2) == 0 ? rng.below(services.count) : rng.below(6)]
    let (region, regionName) = regions[rng.below(3) == 0 ? rng.below(regions.count) : rng.below(3)]
    let account = accounts[rng.below(accounts.count)]
    let usage = service.usageTypes[rng.below(service.usageTypes.count)]
    let hex = String(rng.next(), radix: 16)
    let kind = service.resourceType.isEmpty ? "transfer" : service.resourceType.lowercased()
    let id = service.resourceType.isEmpty && !unique ? "" : "arn:aws:\(service.code.lowercased()):\(region):\(account.0):\(kind)/\(kind.prefix(3))-\(hex)"
    let name = rng.below(50) == 0 ? "\(kind) \(i), \(teams[i % teams.count])" : "\(kind)-\(i)"
    let sku = unique ? "SKU\(i)X\(hex.prefix(6))" : String(format: "%@%04d", String(service.code.prefix(4)).uppercased(), rng.below(2500))
    // Pareto(α = 1.16, the 80/20 rule) hourly cost from $0.01, ×40 for GPUs, capped at $900 before that.
    let u = Double(rng.next() % 1_000_000 + 1) / 1_000_001
    let dollars = min(900, 0.01 / pow(u, 1 / 1.16)) * (service.gpu != nil ? 40 : 1)
    var tags: [(String, String)] = []
    let tagged = unique || rng.below(10) < 8
    if tagged {
      tags.append(("team", unique ? "team-\(i)" : teams[rng.below(teams.count)]))
      tags.append(("env", ["prod", "staging", "dev", "Prod"][rng.below(4)]))
      if service.gpu != nil || service.category == "AI and Machine Learning" || unique {
        tags.append(("model", unique ? "model-\(i % 50_000)" : models[rng.below(models.count)]))
        tags.append(("request-type", requestTypes[rng.below(requestTypes.count)]))
      }
      if unique || rng.below(3) == 0 { tags.append(("owner", unique ? #"user \"\#(i)\" \u00e9"# : owners[rng.below(owners.count)])) }
      if unique || rng.below(4) == 0 { tags.append(("cost-center", "cc-\(unique ? i : rng.below(300))")) }
      if unique { tags.append(("run-id", "run-\(hex)")) }
    }
    let json = tags.map { #""\#($0.0)":"\#($0.1)""# }.joined(separator: ",")
    let tagsText = !tagged ? "" : (rng.below(5) == 0 ? tags.map { #""\#($0.0)": "\#($0.1)""# }.joined(separator: ", ") : "{\(json)}")
    return Resource(id: id, name: name, account: account.0, accountName: account.1, region: region, regionName: regionName,
                    zone: "\(region)\(["a", "b", "c"][rng.below(3)])", sku: sku, meter: usage, usageType: usage,
                    service: service, rate: Int64(dollars * 1e12) / 40 * 40, committed: service.gpu != nil && rng.below(3) == 0,
                    tagsText: tagsText, tags: tags.map { ($0.0, unescape($0.1)) })
  }

  /// A tag value as a CUR column holds it (the JSON escapes undone).
  static func unescape(_ s: String) -> String {
    s.replacingOccurrences(of: #"\""#, with: "\"").replacingOccurrences(of: #"\\"#, with: "\\").replacingOccurrences(of: #"\u00e9"#, with: "é")
  }
}

/// The spellings real exports mix, chosen per row.
struct Spellings {
  var rng: SplitMix64

  /// One of four ISO 8601 spellings of the same UTC instant.
  mutating func time(_ t: Int64) -> String {
    let iso = Timestamp.iso8601(t)   // 2026-10-01T00:00:00Z
    switch rng.below(4) {
    case 0: return iso
    case 1: return String(iso.dropLast()) + "+00:00"
    case 2: return iso.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
    default: return String(iso.dropLast()) + ".000Z"
    }
  }

  /// An amount of pico-units as text: 2, 6, 10 or 12 decimals, 16 (a provider's extra digits), or exponent form.
  mutating func money(_ picos: Int64) -> String {
    let exact = Amount(picos: Int128(picos))
    switch rng.below(20) {
    case 0 where picos != 0 && abs(picos) < 1_000_000_000_000:
      // 1.2345E-5: the mantissa's digits, exactly.
      var e = 0
      var m = Double(abs(picos)) / 1e12
      while m < 1 { m *= 10; e += 1 }
      let digits = String(format: "%.4f", m)
      return (picos < 0 ? "-" : "") + digits + "E-\(e)"
    case 1, 2: return exact.decimalString + String(rng.below(10_000)).leftPadded(4)
    case 3...6: return exact.rounded(toFractionDigits: 2).decimalString
    case 7...12: return exact.rounded(toFractionDigits: 6).decimalString
    case 13...16: return exact.rounded(toFractionDigits: 10).decimalString
    default: return exact.decimalString
    }
  }

  /// An amount of pico-units as text, not rounded: all its digits, sometimes padded to 16 decimals.
  mutating func unrounded(_ picos: Int64) -> String {
    let exact = Amount(picos: Int128(picos)).decimalString
    return rng.below(4) == 0 ? (exact.contains(".") ? exact : exact + ".") + String(repeating: "0", count: 4) : exact
  }

  /// Empty, NULL or null.
  mutating func null() -> String { ["", "", "NULL", "null"][rng.below(4)] }
}

extension String {
  func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

#if canImport(Glibc)
import Glibc
#endif
