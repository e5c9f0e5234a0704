import MLCostAttribution
import MLCostCore

/// A month worked out by hand (docs/attribution.md, "Worked example"): every number the tests and
/// the golden reports check comes from this.
public enum FixtureMonth {
  public static let month = BillingMonth(year: 2026, month: 10)
  public static func usd(_ s: String) -> Amount { try! ExactDecimal.parse(s) }

  static func charge(_ cost: String, billed: String? = nil, provider: String = "AWS", service: String, category: String,
                     resource: String?, tags: [String: String] = [:], gpu: (String, Int)? = nil, hours: Double? = nil,
                     kind: ChargeCategory = .usage, status: String? = nil) -> ChargeGroup {
    var c = ChargeGroup(currency: "USD", billedCost: usd(billed ?? cost), effectiveCost: usd(cost), rows: 1, chargeCategory: kind, tags: tags)
    c.provider = provider; c.service = service; c.serviceCategory = category; c.resourceId = resource
    c.gpuModel = gpu?.0; c.gpuCount = gpu?.1; c.consumedQuantity = hours; c.consumedUnit = hours == nil ? nil : "Hours"
    c.commitmentStatus = status
    return c
  }

  public static let charges: [ChargeGroup] = [
    charge("7200.00", billed: "0", service: "Amazon SageMaker", category: "AI and Machine Learning",
           resource: "arn:aws:sagemaker:us-east-1:1:endpoint/chat-prod", tags: ["model": "llama-3.1-70b", "request-type": "chat"],
           gpu: ("H100", 8), hours: 720),
    charge("1000.00", service: "Amazon SageMaker", category: "AI and Machine Learning", resource: "arn:aws:sagemaker:us-east-1:1:endpoint/embed",
           tags: ["Model": " bge-large ", "request-type": "embeddings"], gpu: ("A10G", 1), hours: 720),
    charge("180.00", service: "Amazon Elastic Compute Cloud", category: "Compute", resource: "arn:aws:ec2:us-east-1:1:instance/i-0c3f9a", gpu: ("L4", 4), hours: 100),
    charge("300.00", provider: "Pinecone", service: "Pinecone Serverless", category: "Databases", resource: "index/docs"),
    charge("120.00", billed: "0", service: "Savings Plans for AWS Compute usage", category: "Other", resource: "sp-1", status: "Unused"),
    charge("55.55", service: "AWS Data Transfer", category: "Networking", resource: nil),
    charge("10.01", service: "Amazon SageMaker", category: "AI and Machine Learning", resource: nil, kind: .tax),
    charge("20.00", service: "Amazon Simple Storage Service", category: "Storage", resource: "arn:aws:s3:::weights",
           tags: ["user:model": "llama-3.1-70b"]),
  ]

  static func usage(_ provider: String, _ model: String, _ type: RequestType, requests: Int64, input: Int64, cached: Int64 = 0, output: Int64) -> UsageGroup {
    var u = UsageGroup(provider: provider, source: "fixture", model: model, requestType: type)
    u.requests = requests; u.inputTokens = input; u.cachedInputTokens = cached; u.outputTokens = output
    return u
  }

  public static let usageGroups: [UsageGroup] = [
    usage("OpenAI", "gpt-4o", .chat, requests: 1000, input: 1_000_000, cached: 200_000, output: 100_000),
    usage("vLLM", "llama-3.1-70b", .chat, requests: 5000, input: 3_000_000, output: 1_000_000),
    usage("vLLM", "bge-large", .embedding, requests: 2000, input: 6_000_000, output: 0),
    usage("vLLM", "llama-3.1-8b", .batch, requests: 100, input: 1_000_000, output: 1_000_000),
    usage("Anthropic", "claude-x", .chat, requests: 3, input: 5000, output: 100),
  ]

  public static let rulesYAML = """
    virtual_tags:
      - name: spot batch box
        match: {resource_id: "glob:*instance/i-0c3f*"}
        set: {model: llama-3.1-8b, request_type: batch}
    pools:
      - name: vector database
        match: {provider: Pinecone}
        split: tokens
        among: [llama-3.1-70b, bge-large]
    """

  public static var input: AttributionInput {
    AttributionInput(month: month, charges: charges, usage: usageGroups,
                     activity: ["chat-prod": Activity(gpuUtilisation: 0.4)],
                     prices: [TokenPrice.key(provider: "OpenAI", model: "gpt-4o"):
                                TokenPrice(inputPer1M: usd("2.50"), cachedInputPer1M: usd("1.25"), outputPer1M: usd("10.00"), source: "fixture")])
  }

  public static var rules: Rules { try! Rules.parse(yaml: rulesYAML, file: "fixture.yaml") }
}

/// In tests, an integer literal where an `Amount` is expected counts nano-units (10⁻⁹), the unit the
/// tests were first written in; `Amount(picos:)` says pico-units explicitly.
extension Amount: ExpressibleByIntegerLiteral {
  public init(integerLiteral value: Int64) { self.init(nanos: value) }
}
