import MLCostCore

/// OpenAI organisation Usage API (`/v1/organization/usage/*`) and Costs API (`/v1/organization/costs`)
/// responses → usage records. One page object, or an array of pages. Usage `input_tokens` includes
/// cached and cache-write tokens: the record keeps them apart so nothing is counted twice.
enum OpenAIImporter: DocumentImporter {
  static func run(_ bytes: UnsafeRawBufferPointer, context: RecordContext) throws {
    try context.importBucketedUsage(bytes, vendor: "OpenAI usage or costs", startKey: "start_time", endKey: "end_time", usage)
  }

  static func usage(_ r: JSONNode) throws(FieldError) -> UsageRecord {
    var u = UsageRecord()
    u.provider = "OpenAI"
    let object = r.string("object") ?? ""
    u.model = r.string("model"); u.project = r.string("project_id"); u.apiKey = r.string("api_key_id")
    u.user = r.string("user_id"); u.serviceTier = r.string("service_tier"); u.batch = r["batch"]?.bool
    u.requests = try r.int("num_model_requests")
    if object == "organization.costs.result" {
      u.source = "openai.costs"
      guard let amount = r["amount"], !amount.isNull else {
        throw FieldError(line: r.line, column: r.column, field: "amount", message: "a costs result has no amount", fix: "expected {\"value\": 0.06, \"currency\": \"usd\"}")
      }
      u.cost = try amount.money("value")
      u.currency = Currency(amount.string("currency")?.uppercased() ?? "USD")
      u.sourceRequestType = r.string("line_item")
      u.quantity = try r.double("quantity"); u.unit = r.string("quantity_unit")
      if let item = u.sourceRequestType {
        u.requestType = lineItemType(item)
        if u.model == nil, let comma = item.firstIndex(of: ",") {
          var model = String(item[..<comma])
          if model.lowercased().hasPrefix("batch ") { model.removeFirst(6) }
          u.model = model
        }
      }
      return u
    }
    let prefix = "organization.usage."
    guard object.hasPrefix(prefix), object.hasSuffix(".result") else {
      throw FieldError(line: r.line, column: r.column, field: "object", message: "unknown result object '\(object)'",
                       fix: "expected organization.usage.<endpoint>.result or organization.costs.result")
    }
    let endpoint = String(object.dropFirst(prefix.count).dropLast(".result".count))
    u.source = "openai.usage." + endpoint
    u.sourceRequestType = endpoint
    u.requestType = RequestType(sourceTerm: endpoint) ?? .other
    if u.batch == true { u.requestType = .batch }
    switch endpoint {
    case "completions", "embeddings", "moderations":
      let input = try r.int("input_tokens") ?? 0
      let cached = try r.int("input_cached_tokens") ?? 0
      let written = try r.int("input_cache_write_tokens") ?? 0
      guard cached + written <= input else {
        throw FieldError(line: r.line, column: r.column, field: "input_cached_tokens",
          message: "input_cached_tokens (\(cached)) plus input_cache_write_tokens (\(written)) exceed input_tokens (\(input))",
          fix: "OpenAI's input_tokens includes cached and cache-write tokens")
      }
      u.inputTokens = input - cached - written
      u.cachedInputTokens = cached
      u.cacheWriteTokens = written == 0 && r["input_cache_write_tokens"] == nil ? nil : written
      u.outputTokens = try r.int("output_tokens")
    case "images": u.quantity = try r.double("images"); u.unit = "images"
    case "audio_speeches": u.quantity = try r.double("characters"); u.unit = "characters"
    case "audio_transcriptions": u.quantity = try r.double("seconds"); u.unit = "seconds"
    case "vector_stores": u.quantity = try r.double("usage_bytes"); u.unit = "bytes"
    case "code_interpreter_sessions": u.quantity = try r.double("num_sessions"); u.unit = "sessions"
    // The API's results say file_searches / web_searches; its endpoint paths say file_search_calls / web_search_calls.
    case "file_search_calls", "web_search_calls", "file_searches", "web_searches": u.quantity = try r.double("num_requests"); u.unit = "calls"
    default: break
    }
    var extra: [(String, JSONNode)] = []
    for (k, v) in r.members where !v.isNull && !known.contains(k) { extra.append((k, v)) }
    if !extra.isEmpty { u.extra = JSONNode.object(extra, 0, 0).json }
    return u
  }

  static let known: Set<String> = ["object", "model", "project_id", "api_key_id", "user_id", "service_tier", "batch", "num_model_requests",
                                   "input_tokens", "input_cached_tokens", "input_cache_write_tokens", "output_tokens", "images", "characters",
                                   "seconds", "usage_bytes", "num_sessions", "num_requests"]

  /// Costs line items are opaque text ("gpt-4o-2024-08-06, input"); read the request type from words in it.
  static func lineItemType(_ item: String) -> RequestType {
    let s = item.lowercased()
    if s.contains("batch") { return .batch }
    if s.contains("embedding") { return .embedding }
    if s.contains("fine-tun") || s.contains("fine tun") || s.contains("training") { return .fineTune }
    if s.contains("moderation") { return .moderation }
    if s.contains("dall") || s.contains("image") { return .image }
    if s.contains("whisper") || s.contains("tts") || s.contains("audio") || s.contains("transcri") { return .audio }
    if s.contains("input") || s.contains("output") || s.contains("gpt") || s.contains("o1") || s.contains("o3") { return .chat }
    return .other
  }
}

extension ImportFormat {
  /// OpenAI organisation Usage API or Costs API JSON.
  public static let openai = ImportFormat(declaring: "openai")
}

extension FormatDescriptor {
  static let openai = FormatDescriptor(.openai, document: .importer(OpenAIImporter.self) { head in
    guard !head.isXML, head.has("\"organization.usage.") || head.has("\"organization.costs.result\"") else { return nil }
    return SniffResult(format: .openai, version: head.has("organization.costs.result") ? "costs" : "usage",
                       evidence: ["\"object\": \"organization.…\""])
  })
}
