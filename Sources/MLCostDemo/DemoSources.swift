import Foundation
import MLCostCore

/// The demo company's other exports, in their real formats: the research org's AWS CUR (a shared
/// GPU training cluster on a reserved instance), OpenAI organisation usage, the LiteLLM gateway's
/// daily spend in front of the self-hosted endpoints, CloudWatch metrics of the endpoints, and the
/// rules file. Deterministic: the same bytes on every run.
public enum DemoSources {
  static func iso(_ t: Int64) -> String { Timestamp.iso8601(t) }
  static func money(_ n: Int64) -> String { Amount(nanos: n).decimalString }
  static func rng(_ month: BillingMonth, _ salt: UInt64) -> SplitMix64 {
    SplitMix64(seed: DemoCompany.seed ^ (UInt64(month.year * 12 + month.month) << 8) ^ salt)
  }

  static let researchPayer = "555566667777"
  static let reservation = "arn:aws:ec2:us-west-2:555566667777:reserved-instances/4f1e2d3c-p4d-cluster"
  static let nodes = ["i-0a11c0ffee0p4d01", "i-0a11c0ffee0p4d02"]

  /// Legacy CUR: two p4d.24xlarge nodes of the shared training cluster, hourly, covered by a reserved
  /// instance (DiscountedUsage), its monthly RIFee, and tax.
  public static func writeCUR(to path: String, month: BillingMonth) throws {
    let out = try CSVFile(path: path)
    let columns = ["identity/LineItemId", "identity/TimeInterval", "bill/InvoiceId", "bill/BillingEntity", "bill/PayerAccountId",
                   "bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate", "lineItem/UsageAccountId", "lineItem/LineItemType",
                   "lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode", "lineItem/UsageType", "lineItem/Operation",
                   "lineItem/ResourceId", "lineItem/UsageAmount", "lineItem/CurrencyCode", "lineItem/UnblendedRate", "lineItem/UnblendedCost",
                   "lineItem/LineItemDescription", "product/ProductName", "product/instanceType", "product/gpu", "product/region",
                   "pricing/term", "pricing/unit", "pricing/publicOnDemandCost", "reservation/ReservationARN", "reservation/EffectiveCost",
                   "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "reservation/UnusedRecurringFee",
                   "resourceTags/user:cluster", "resourceTags/user:team"]
    out.write(columns)
    var r = rng(month, 0xC0)
    let start = month.start, hours = month.days * 24
    // The RI: $21.97/h effective (amortised upfront + recurring) per node; on demand $32.77.
    let effective: Int64 = 21_970_000_000, onDemand: Int64 = 32_772_600_000
    var busyHours = 0
    func row(_ v: [String: String]) { out.write(columns.map { v[$0] ?? "" }) }
    let common = ["bill/InvoiceId": "", "bill/BillingEntity": "AWS", "bill/PayerAccountId": researchPayer,
                  "bill/BillingPeriodStartDate": iso(start), "bill/BillingPeriodEndDate": iso(month.next.start),
                  "lineItem/UsageAccountId": "555566667778", "lineItem/CurrencyCode": "USD", "product/region": "us-west-2"]
    for h in 0..<hours {
      let t = start + Int64(h) * 3600
      for node in nodes {
        // Nodes are drained ~10% of hours (maintenance); the RI then goes unused for that hour.
        if r.below(10) == 0 { continue }
        busyHours += 1
        var v = common
        v.merge(["identity/LineItemId": String(format: "%016llx", r.next()), "identity/TimeInterval": "\(iso(t))/\(iso(t + 3600))",
                 "lineItem/LineItemType": "DiscountedUsage", "lineItem/UsageStartDate": iso(t), "lineItem/UsageEndDate": iso(t + 3600),
                 "lineItem/ProductCode": "AmazonEC2", "lineItem/UsageType": "USW2-BoxUsage:p4d.24xlarge", "lineItem/Operation": "RunInstances",
                 "lineItem/ResourceId": node, "lineItem/UsageAmount": "1", "lineItem/UnblendedRate": "0", "lineItem/UnblendedCost": "0",
                 "lineItem/LineItemDescription": "USD 0.0 hourly fee per Linux/UNIX (Amazon VPC), p4d.24xlarge instance",
                 "product/ProductName": "Amazon Elastic Compute Cloud", "product/instanceType": "p4d.24xlarge", "product/gpu": "8",
                 "pricing/term": "Reserved", "pricing/unit": "Hrs", "pricing/publicOnDemandCost": money(onDemand),
                 "reservation/ReservationARN": reservation, "reservation/EffectiveCost": money(effective),
                 "resourceTags/user:cluster": "gpu-shared", "resourceTags/user:team": "research"]) { $1 }
        row(v)
      }
    }
    // The RI fee for the month: 2 nodes × all hours × the effective rate; the hours not used are its unused part.
    let fee = effective * Int64(hours * nodes.count)
    let unused = effective * Int64(hours * nodes.count - busyHours)
    var v = common
    v.merge(["identity/LineItemId": String(format: "%016llx", r.next()), "identity/TimeInterval": "\(iso(start))/\(iso(month.next.start))",
             "lineItem/LineItemType": "RIFee", "lineItem/UsageStartDate": iso(start), "lineItem/UsageEndDate": iso(month.next.start),
             "lineItem/ProductCode": "AmazonEC2", "lineItem/UsageType": "USW2-HeavyUsage:p4d.24xlarge", "lineItem/UsageAmount": String(hours * 2),
             "lineItem/UnblendedCost": money(fee), "lineItem/LineItemDescription": "p4d.24xlarge reserved instance applied, 1-year all recurring",
             "reservation/ReservationARN": reservation, "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod": "0",
             "reservation/UnusedRecurringFee": money(unused)]) { $1 }
    row(v)
    var tax = common
    let taxAmount = fee / 10_000_000 * 600 / 10_000 * 10_000_000
    tax.merge(["identity/LineItemId": String(format: "%016llx", r.next()), "lineItem/LineItemType": "Tax",
               "lineItem/UsageStartDate": iso(start), "lineItem/UsageEndDate": iso(month.next.start), "lineItem/ProductCode": "AmazonEC2",
               "lineItem/UnblendedCost": money(taxAmount), "lineItem/LineItemDescription": "Tax for product code AmazonEC2"]) { $1 }
    row(tax)
    try out.close()
  }

  /// OpenAI organisation usage: daily buckets of gpt-4o-mini chat (support bot) and embeddings (RAG
  /// index refresh), grouped by model and project. No costs: they are priced from the catalog.
  public static func writeOpenAIUsage(to path: String, month: BillingMonth) throws {
    var r = rng(month, 0x0A)
    var buckets: [String] = []
    let growth = Int64(month.month - 7)   // traffic grows month by month
    for d in 0..<month.days {
      let t = month.start + Int64(d) * 86_400
      let chatRequests = Int64(r.between(3_000, 4_200)) * growth
      let input = chatRequests * Int64(r.between(1_100, 1_400)), cached = input * 35 / 100, output = chatRequests * Int64(r.between(180, 260))
      let embedTokens = Int64(r.between(2_000_000, 4_000_000)) * growth
      buckets.append("""
            {"object": "bucket", "start_time": \(t), "end_time": \(t + 86_400), "results": [
              {"object": "organization.usage.completions.result", "input_tokens": \(input), "input_cached_tokens": \(cached), "output_tokens": \(output), "num_model_requests": \(chatRequests), "project_id": "proj_support_bot", "user_id": null, "api_key_id": null, "model": "gpt-4o-mini-2024-07-18", "batch": false, "service_tier": null},
              {"object": "organization.usage.embeddings.result", "input_tokens": \(embedTokens), "num_model_requests": \(embedTokens / 8_000), "project_id": "proj_rag_index", "user_id": null, "api_key_id": null, "model": "text-embedding-3-large"}
            ]}
        """)
    }
    let text = "{\n  \"object\": \"page\",\n  \"data\": [\n" + buckets.joined(separator: ",\n") + "\n  ],\n  \"has_more\": false,\n  \"next_page\": null\n}\n"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }

  /// What each self-hosted endpoint serves behind the LiteLLM gateway: model, endpoint path, team, requests
  /// per hour by day and by night, and the tokens of one request (prompt, completion). Sized to its GPUs at
  /// their measured utilisation, so unit costs land where public price lists are: the 70B chat model
  /// about 2 USD per 1M tokens and 3 USD per 1k requests on its 8 H100s, the embedding model about
  /// 0.10 USD per 1M tokens, the 8B batch model under 1 USD per 1M tokens.
  struct Traffic {
    var endpoint: String, model: String, path: String, team: String
    var day: ClosedRange<Int>, night: ClosedRange<Int>, prompt: ClosedRange<Int>, completion: ClosedRange<Int>
  }
  static let traffic = [
    Traffic(endpoint: "llama-31-70b-chat-prod", model: "llama-3.1-70b", path: "/v1/chat/completions", team: "assistant",
            day: 28_000...36_000, night: 5_000...10_000, prompt: 1_100...1_200, completion: 300...350),
    // The batch model works through the night's queue.
    Traffic(endpoint: "llama-31-8b-batch-prod", model: "llama-3.1-8b", path: "/v1/batches", team: "assistant",
            day: 2_000...4_000, night: 9_000...12_000, prompt: 430...470, completion: 620...680),
    Traffic(endpoint: "bge-large-embed-prod", model: "bge-large-en-v1.5", path: "/v1/embeddings", team: "search",
            day: 14_000...18_000, night: 3_000...5_000, prompt: 1_900...2_100, completion: 0...0),
  ]

  /// Requests per hour of the month at one endpoint: the same numbers in CloudWatch and in LiteLLM. A
  /// staging endpoint serves nothing.
  static func invocations(endpoint: String, month: BillingMonth) -> [Int] {
    guard let t = traffic.first(where: { $0.endpoint == endpoint }) else { return Array(repeating: 0, count: month.days * 24) }
    var r = rng(month, 0x1A ^ UInt64(truncatingIfNeeded: endpoint.utf8.reduce(0) { $0 &* 31 &+ Int($1) }))
    return (0..<(month.days * 24)).map { h in
      let hourOfDay = h % 24
      return hourOfDay >= 7 && hourOfDay <= 22 ? r.between(t.day.lowerBound, t.day.upperBound) : r.between(t.night.lowerBound, t.night.upperBound)
    }
  }

  /// The LiteLLM gateway in front of the self-hosted endpoints: its daily team spend roll-up
  /// (`LiteLLM_DailyTeamSpend`), one row per day and model, with requests and tokens and no spend (the GPUs
  /// are on the bill). The tokens drive the vector database split and the unit costs.
  public static func writeLiteLLM(to path: String, month: BillingMonth) throws {
    let out = try CSVFile(path: path)
    out.write(["id", "team_id", "date", "api_key", "model", "model_group", "custom_llm_provider", "mcp_namespaced_tool_name", "endpoint",
               "prompt_tokens", "completion_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "spend", "api_requests",
               "successful_requests", "failed_requests", "created_at", "updated_at"])
    var r = rng(month, 0x11)
    let hourly = traffic.map { invocations(endpoint: $0.endpoint, month: month) }
    var n = 0
    for d in 0..<month.days {
      let date = String(iso(month.start + Int64(d) * 86_400).prefix(10))
      let written = String(iso(month.start + Int64(d + 1) * 86_400 + 300).prefix(19)).replacingOccurrences(of: "T", with: " ")
      for (i, t) in traffic.enumerated() {
        n += 1
        let requests = hourly[i][(d * 24)..<((d + 1) * 24)].reduce(0, +)
        let failed = r.below(requests / 2_000 + 1)
        let prompt = requests * r.between(t.prompt.lowerBound, t.prompt.upperBound)
        let completion = requests * r.between(t.completion.lowerBound, t.completion.upperBound)
        out.write([String(format: "%08x-%04d", month.year * 100 + month.month, n), "team-\(t.team)", date, "hashed-key-\(t.team)", t.model, t.model,
                   "hosted_vllm", "", t.path, String(prompt), String(completion), "0", "0", "", String(requests), String(requests - failed),
                   String(failed), written, written])
      }
    }
    try out.close()
  }

  /// `aws cloudwatch get-metric-data` output for the SageMaker endpoints, with its queries: hourly
  /// Invocations per endpoint and variant (the requests LiteLLM counted), and GPUUtilization. The staging
  /// image endpoint serves nothing; the Azure eval VM has no metrics at all (unknown, not idle).
  public static func writeCloudWatch(to path: String, month: BillingMonth) throws {
    var r = rng(month, 0xCC)
    let endpoints = DemoCompany.endpoints(fleet: 0).filter { $0.resourceType == "Endpoint" }
    var queries: [String] = [], results: [String] = []
    for (i, e) in endpoints.enumerated() {
      let idle = e.name.contains("staging")
      let served = invocations(endpoint: e.name, month: month)
      for (metric, namespace, stat) in [("Invocations", "AWS/SageMaker", "Sum"), ("GPUUtilization", "/aws/sagemaker/Endpoints", "Average")] {
        let id = "m\(i)_\(metric.lowercased())"
        queries.append("""
              {"Id": "\(id)", "MetricStat": {"Metric": {"Namespace": "\(namespace)", "MetricName": "\(metric)", "Dimensions": [{"Name": "EndpointName", "Value": "\(e.name)"}, {"Name": "VariantName", "Value": "AllTraffic"}]}, "Period": 3600, "Stat": "\(stat)"}}
          """)
        var times: [String] = [], values: [String] = []
        for h in 0..<(month.days * 24) {
          let t = month.start + Int64(h) * 3600
          let hourOfDay = h % 24
          let daytime = hourOfDay >= 7 && hourOfDay <= 22
          let v: Double
          if metric == "Invocations" {
            v = Double(served[h])
          } else {
            v = idle ? Double(r.between(0, 8)) / 10 : Double(daytime ? r.between(450, 780) : r.between(80, 250)) / 10
          }
          times.append("\"" + iso(t).replacingOccurrences(of: "Z", with: "+00:00") + "\"")
          values.append(String(format: "%.1f", v))
        }
        results.append("""
              {"Id": "\(id)", "Label": "\(metric)", "Timestamps": [\(times.joined(separator: ", "))], "Values": [\(values.joined(separator: ", "))], "StatusCode": "Complete"}
          """)
      }
    }
    let text = "{\n  \"MetricDataQueries\": [\n" + queries.joined(separator: ",\n") + "\n  ],\n  \"MetricDataResults\": [\n"
      + results.joined(separator: ",\n") + "\n  ],\n  \"Messages\": []\n}\n"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }

  /// The demo's rules: two shared pools, a component rule for the vector database.
  public static let rules = """
    # MLCost attribution rules for the Northwind AI demo (docs/rules.md explains every key).
    # Sum EffectiveCost: commitments spread over the usage they covered.
    basis: amortised

    # Tag keys that name each dimension (case and spaces do not matter). Azure writes ModelName.
    dimensions:
      model: [model, user:model, modelname]
      request_type: [request-type, requesttype, user:request-type]
      team: [team, user:team]

    pools:
      # The research org's p4d training cluster (CUR, tag cluster=gpu-shared) runs fine-tuning and
      # batch jobs for two models; the research lead agreed a 60/40 split.
      - name: shared GPU training cluster
        match: {tag: {"user:cluster": gpu-shared}}
        split: {percent: {mistral-7b: 60, llama-3.1-8b: 40}}
      # The vector database serves the chat model's retrieval and the embedding service: split by tokens.
      - name: vector database
        match: {provider: Pinecone}
        split: tokens
        among: [llama-3.1-70b, bge-large-en-v1.5]

    # Idle detection (mlcost idle): the window, the cost below which nothing is reported, and when
    # GPU utilisation counts as under-used.
    idle:
      window_days: 14
      min_cost: 1.00
      gpu_below_percent: 10

    # Budgets (mlcost budget, mlcost alerts): alert at 80% and 100% spent, and when the forecast reaches 100%.
    budgets:
      - name: support chatbot
        scope: {team: support}
        amount: 5000
        period: monthly
      - name: assistant team
        scope: {team: assistant}
        amount: 70000
        period: monthly
      - name: research
        scope: {team: research}
        amount: 34000
        period: monthly
      - name: all ML spend
        scope: total
        amount: 400000
        period: quarterly

    components:
      - match: {service_category: Databases}
        component: other
      - match: {tag: {"user:cluster": gpu-shared}}
        phase: training
    """
}
