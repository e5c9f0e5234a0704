import Foundation
import MLCostCore

/// LiteLLM spend logs (`LiteLLM_SpendLogs` exported as CSV) → one usage record per request, with the
/// spend LiteLLM computed as its cost. A request tag `request_type:<type>` overrides the call type.
final class LiteLLMImporter: RecordRowMapper {
  @exclusivity(unchecked) private(set) var warnings: [Diagnostic] = []
  private let f: ProviderFields
  @exclusivity(unchecked) private var c = Cols()
  /// Request ids seen in this file, with their line: a request logged twice would count its spend twice.
  @exclusivity(unchecked) private var seen: [String: Int] = [:]
  @exclusivity(unchecked) private(set) var refusedAmounts: (key: PeriodCurrency, amounts: RowAmounts)?

  struct Cols {
    var id, callType, apiKey, spend, prompt, completion, total, start, end, model, modelGroup, modelId, provider: Int?
    var user, team, endUser, tags, metadata, cacheHit, status, organization, session, apiBase: Int?
  }

  init(header: [String], file: String) throws(ImportError) {
    f = ProviderFields(header: header, file: file, normalise: { $0.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces).lowercased() },
                       timeFix: "LiteLLM times look like 2026-10-01 12:00:00.123+00 or 2026-10-01T12:00:00Z")
    c.id = f.find("request_id"); c.callType = f.find("call_type"); c.apiKey = f.find("api_key"); c.spend = f.find("spend")
    c.prompt = f.find("prompt_tokens"); c.completion = f.find("completion_tokens"); c.total = f.find("total_tokens")
    c.start = f.find("starttime", "start_time"); c.end = f.find("endtime", "end_time"); c.model = f.find("model")
    c.modelGroup = f.find("model_group"); c.modelId = f.find("model_id"); c.provider = f.find("custom_llm_provider")
    c.user = f.find("user"); c.team = f.find("team_id"); c.endUser = f.find("end_user"); c.tags = f.find("request_tags")
    c.metadata = f.find("metadata"); c.cacheHit = f.find("cache_hit"); c.status = f.find("status")
    c.organization = f.find("organization_id"); c.session = f.find("session_id"); c.apiBase = f.find("api_base")
    if c.start == nil { throw f.headerError("the LiteLLM column startTime is missing", fix: "export LiteLLM_SpendLogs with its startTime column") }
  }

  func map(_ row: CSVReader) throws(RowError) -> MappedRecord {
    refusedAmounts = nil
    try f.checkShape(row)
    var u = UsageRecord()
    u.source = "litellm.spend_logs"
    u.bucketStart = try f.time(row, c.start, required: true)!
    u.bucketEnd = try f.time(row, c.end) ?? u.bucketStart
    u.provider = f.string(row, c.provider).map(Self.providerName) ?? "LiteLLM"
    u.model = f.string(row, c.model); u.requestId = f.string(row, c.id)
    u.apiKey = f.string(row, c.apiKey); u.user = f.string(row, c.user); u.team = f.string(row, c.team)
    u.endUser = f.string(row, c.endUser); u.project = f.string(row, c.organization)
    u.requests = 1
    u.inputTokens = try f.integer(row, c.prompt)
    u.outputTokens = try f.integer(row, c.completion)
    if u.inputTokens == nil, u.outputTokens == nil, let total = try f.integer(row, c.total), total > 0 { u.inputTokens = total }
    u.cost = try f.money(row, c.spend)
    u.currency = "USD"
    // From here on a refused request still counts its spend in the file's total, as rejected.
    if let cost = u.cost { var a = RowAmounts(); a.billedCost = cost; a.effectiveCost = cost; refusedAmounts = (RecordContext.key(u), a) }
    if let id = u.requestId, !id.isEmpty {
      if let first = seen[id] {
        throw RowError(fieldIndex: c.id, field: f.header[c.id!], message: "request_id \(id) was already logged at line \(first)",
                       fix: "each request is one row in LiteLLM_SpendLogs; drop the duplicate (an export that overlaps another?)")
      }
      seen[id] = row.rowLine
    }
    let callType = f.string(row, c.callType)
    u.sourceRequestType = callType
    u.requestType = callType.flatMap(RequestType.init(sourceTerm:)) ?? .other
    if let raw = f.string(row, c.tags), raw.count > 2 {
      guard let tags = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [Any] else {
        throw RowError(fieldIndex: c.tags, field: "request_tags", message: "request_tags is not a JSON list", fix: "expected e.g. [\"team:search\"]")
      }
      var object: [String] = []
      for case let tag as String in tags {
        if let sep = tag.firstIndex(where: { $0 == ":" || $0 == "=" }) {
          let k = String(tag[..<sep]), v = String(tag[tag.index(after: sep)...])
          if k == "request_type" || k == "request-type", let t = RequestType(sourceTerm: v) { u.requestType = t }
          object.append("\"\(JSON.escaped(k))\":\"\(JSON.escaped(v))\"")
        } else {
          object.append("\"\(JSON.escaped(tag))\":true")
        }
      }
      if !object.isEmpty { u.tags = "{" + object.joined(separator: ",") + "}" }
    }
    var extra: [String] = []
    for (col, name) in [(c.modelGroup, "model_group"), (c.modelId, "model_id"), (c.cacheHit, "cache_hit"), (c.status, "status"),
                        (c.session, "session_id"), (c.apiBase, "api_base")] {
      if let v = f.string(row, col) { extra.append("\"\(name)\":\"\(JSON.escaped(v))\"") }
    }
    if let meta = f.string(row, c.metadata), meta.count > 2 { extra.append("\"metadata\":\"\(JSON.escaped(meta))\"") }
    if !extra.isEmpty { u.extra = "{" + extra.joined(separator: ",") + "}" }
    return .usage(u)
  }

  static func providerName(_ p: String) -> String {
    switch p.lowercased() {
    case "openai", "text-completion-openai": "OpenAI"
    case "anthropic": "Anthropic"
    case "azure", "azure_ai": "Microsoft"
    case "bedrock", "sagemaker": "AWS"
    case "vertex_ai", "vertex_ai_beta", "gemini": "Google Cloud"
    default: p
    }
  }
}

extension ImportFormat {
  /// LiteLLM spend logs (`LiteLLM_SpendLogs`) or its daily spend roll-ups (`LiteLLM_DailyTeamSpend` …) as CSV.
  public static let litellm = ImportFormat(declaring: "litellm")
}

extension FormatDescriptor {
  static let litellm = FormatDescriptor(.litellm, csv: CSVReading(sniff: { header in
    let names = Set(header.map { $0.lowercased() })
    if LiteLLMDailyImporter.isDaily(header) && names.contains("prompt_tokens") {
      return SniffResult(format: .litellm, version: "daily-spend", evidence: ["date", "api_requests", "prompt_tokens"])
    }
    guard names.contains("request_id") && names.contains("call_type") && names.contains("spend") else { return nil }
    return SniffResult(format: .litellm, version: "spend-logs", evidence: ["request_id", "call_type", "spend"])
  }, mapper: .records { header, file in
    if LiteLLMDailyImporter.isDaily(header) { return try LiteLLMDailyImporter(header: header, file: file) }
    return try LiteLLMImporter(header: header, file: file)
  }))
}
