import MLCostCore

/// Anthropic Admin API reports → usage records: the messages usage report (`uncached_input_tokens`,
/// `cache_creation`, `cache_read_input_tokens`, `output_tokens`) and the cost report (`amount` is a
/// decimal string in cents: "123.45" is $1.2345).
enum AnthropicImporter: DocumentImporter {
  static func run(_ bytes: UnsafeRawBufferPointer, context: RecordContext) throws {
    try context.importBucketedUsage(bytes, vendor: "Anthropic", startKey: "starting_at", endKey: "ending_at", usage)
  }

  static func usage(_ r: JSONNode) throws(FieldError) -> UsageRecord {
    var u = UsageRecord()
    u.provider = "Anthropic"
    u.model = r.string("model"); u.apiKey = r.string("api_key_id"); u.project = r.string("workspace_id")
    u.serviceTier = r.string("service_tier")
    u.batch = u.serviceTier.map { $0 == "batch" }
    if r["amount"] != nil {
      u.source = "anthropic.cost_report"
      u.cost = try r.money("amount", scaleDown100: true)
      u.currency = Currency(r.string("currency")?.uppercased() ?? "USD")
      let costType = r.string("cost_type")
      u.sourceRequestType = [costType, r.string("token_type"), r.string("description")].compactMap { $0 }.joined(separator: " / ")
      u.requestType = u.batch == true ? .batch : (costType == nil || costType == "tokens" ? .chat : .other)
    } else {
      u.source = "anthropic.usage_report"
      u.sourceRequestType = "messages"
      u.requestType = u.batch == true ? .batch : .chat
      u.inputTokens = try r.int("uncached_input_tokens")
      u.cachedInputTokens = try r.int("cache_read_input_tokens")
      if let creation = r["cache_creation"], !creation.isNull {
        let five = try creation.int("ephemeral_5m_input_tokens") ?? 0
        let hour = try creation.int("ephemeral_1h_input_tokens") ?? 0
        u.cacheWriteTokens = five + hour
      }
      u.outputTokens = try r.int("output_tokens")
      if let searches = try r["server_tool_use"]?.int("web_search_requests"), searches > 0 {
        u.quantity = Double(searches); u.unit = "web_search_requests"
      }
    }
    var extra: [(String, JSONNode)] = []
    for key in ["context_window", "inference_geo", "token_type", "description", "cost_type", "cache_creation"] {
      if let v = r[key], !v.isNull { extra.append((key, v)) }
    }
    if !extra.isEmpty { u.extra = JSONNode.object(extra, 0, 0).json }
    return u
  }
}

extension ImportFormat {
  /// Anthropic Admin API usage report or cost report JSON.
  public static let anthropic = ImportFormat(declaring: "anthropic")
}

extension FormatDescriptor {
  static let anthropic = FormatDescriptor(.anthropic, document: .importer(AnthropicImporter.self) { head in
    guard !head.isXML, head.has("\"uncached_input_tokens\"") || head.has("\"cache_read_input_tokens\"")
            || (head.has("\"starting_at\"") && head.has("\"amount\"") && head.has("\"cost_type\"")) else { return nil }
    return SniffResult(format: .anthropic, version: head.has("\"cost_type\"") || head.has("\"token_type\"") ? "cost_report" : "usage_report",
                       evidence: ["starting_at", "uncached_input_tokens / amount"])
  })
}
