import Foundation
import MLCostCore

/// LiteLLM's daily spend roll-ups (`LiteLLM_DailyTeamSpend`, `…UserSpend`, `…OrganizationSpend`,
/// `…EndUserSpend`, `…AgentSpend`, exported as CSV) → one usage record per day, entity, key, model and
/// endpoint. These are what a gateway keeps once its per-request spend logs have been pruned, and what a
/// busy gateway can export at all: millions of requests a day become a few rows.
///
/// `LiteLLM_DailyTagSpend` is refused: a request with two tags is in it twice, so its sums are not spend.
final class LiteLLMDailyImporter: RecordRowMapper {
  private(set) var warnings: [Diagnostic] = []
  private let f: ProviderFields
  private var c = Cols()
  /// LiteLLM keeps one row per (entity, date, key, model, provider, endpoint): a second one would count twice.
  private var seen: [String: Int] = [:]
  private var warnedCache = false
  private(set) var refusedAmounts: (key: PeriodCurrency, amounts: RowAmounts)?

  struct Cols {
    var date, entity, apiKey, model, modelGroup, provider, endpoint, prompt, completion, cacheRead, cacheWrite: Int?
    var spend, requests, succeeded, failed, tool: Int?
    var entityName = ""
  }

  static let entityColumns = ["team_id", "user_id", "organization_id", "end_user_id", "end_user", "agent_id"]

  /// The header is a daily roll-up: a date, request counts and tokens, and no request id.
  static func isDaily(_ header: [String]) -> Bool {
    let names = Set(header.map(normalise))
    return names.contains("date") && (names.contains("api_requests") || names.contains("successful_requests")) && !names.contains("request_id")
  }

  static func normalise(_ s: String) -> String {
    s.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces).lowercased()
  }

  init(header: [String], file: String) throws(ImportError) {
    f = ProviderFields(header: header, file: file, normalise: Self.normalise, timeFix: "LiteLLM daily roll-ups date each row like 2026-10-01")
    if f.find("tag") != nil && Self.entityColumns.allSatisfy({ f.find($0) == nil }) {
      throw f.headerError("this is LiteLLM_DailyTagSpend: a request with several tags is counted once per tag, so its sums would count spend twice",
                          fix: "export LiteLLM_DailyTeamSpend or LiteLLM_DailyUserSpend instead (tags are kept per request in LiteLLM_SpendLogs)")
    }
    c.date = f.find("date"); c.apiKey = f.find("api_key"); c.model = f.find("model"); c.modelGroup = f.find("model_group")
    c.provider = f.find("custom_llm_provider"); c.endpoint = f.find("endpoint"); c.tool = f.find("mcp_namespaced_tool_name")
    c.prompt = f.find("prompt_tokens"); c.completion = f.find("completion_tokens")
    c.cacheRead = f.find("cache_read_input_tokens"); c.cacheWrite = f.find("cache_creation_input_tokens")
    c.spend = f.find("spend"); c.requests = f.find("api_requests")
    c.succeeded = f.find("successful_requests"); c.failed = f.find("failed_requests")
    for name in Self.entityColumns { if let i = f.find(name) { c.entity = i; c.entityName = name; break } }
    if c.date == nil { throw f.headerError("the LiteLLM column date is missing", fix: "export a LiteLLM daily spend table with its date column") }
  }

  func map(_ row: CSVReader) throws(RowError) -> MappedRecord {
    refusedAmounts = nil
    try f.checkShape(row)
    var u = UsageRecord()
    u.source = "litellm.daily_spend"
    u.bucketStart = try f.time(row, c.date, required: true)!
    u.bucketEnd = u.bucketStart + 86_400
    u.provider = f.string(row, c.provider).map(LiteLLMImporter.providerName) ?? "LiteLLM"
    u.model = f.string(row, c.model)
    let entity = f.string(row, c.entity)
    switch c.entityName {
    case "team_id": u.team = entity
    case "organization_id": u.project = entity
    case "end_user_id", "end_user": u.endUser = entity
    default: u.user = entity
    }
    u.apiKey = f.string(row, c.apiKey)
    let endpoint = f.string(row, c.endpoint)
    if let n = try f.integer(row, c.requests) { u.requests = n } else {
      u.requests = (try f.integer(row, c.succeeded) ?? 0).plusSaturating(try f.integer(row, c.failed) ?? 0)
    }
    // LiteLLM's prompt_tokens include the cache reads and writes, which it also counts apart.
    let prompt = try f.integer(row, c.prompt), read = try f.integer(row, c.cacheRead) ?? 0, write = try f.integer(row, c.cacheWrite) ?? 0
    if let prompt {
      if read.plusSaturating(write) <= prompt {
        u.inputTokens = prompt - read - write
      } else {
        // Older LiteLLM releases counted Anthropic's cache tokens outside prompt_tokens: keep all three, say so once.
        u.inputTokens = prompt
        if !warnedCache {
          warnedCache = true
          warnings.append(Diagnostic(.warning, at: SourceLocation(file: f.file, line: row.rowLine, column: nil),
                                     "cache reads \(read) and writes \(write) exceed prompt_tokens \(prompt): cached tokens are taken as counted apart on such rows",
                                     fix: "none needed; newer LiteLLM releases count them inside prompt_tokens"))
        }
      }
    }
    if read > 0 { u.cachedInputTokens = read }
    if write > 0 { u.cacheWriteTokens = write }
    u.outputTokens = try f.integer(row, c.completion)
    u.cost = try f.money(row, c.spend)
    u.currency = "USD"
    // From here on a refused row still counts its spend in the file's total, as rejected.
    if let cost = u.cost { var a = RowAmounts(); a.billedCost = cost; a.effectiveCost = cost; refusedAmounts = (RecordContext.key(u), a) }
    let key = [f.string(row, c.date), entity, u.apiKey, u.model, f.string(row, c.provider), f.string(row, c.tool), endpoint]
      .map { $0 ?? "" }.joined(separator: "\u{1F}")
    if let first = seen[key] {
      throw RowError(fieldIndex: c.date, field: f.header[c.date!],
                     message: "this day, \(c.entityName.isEmpty ? "entity" : c.entityName), key, model and endpoint were already counted at line \(first)",
                     fix: "LiteLLM keeps one row per day and key; drop the duplicate (two exports that overlap?)")
    }
    seen[key] = row.rowLine
    u.sourceRequestType = endpoint
    u.requestType = endpoint.flatMap(Self.requestType(endpoint:)) ?? .other
    var extra: [String] = []
    for (col, name) in [(c.modelGroup, "model_group"), (c.tool, "mcp_namespaced_tool_name"), (c.failed, "failed_requests")] {
      if let v = f.string(row, col), v != "0" { extra.append("\"\(name)\":\"\(JSON.escaped(v))\"") }
    }
    if !extra.isEmpty { u.extra = "{" + extra.joined(separator: ",") + "}" }
    return .usage(u)
  }

  /// `/v1/chat/completions` → chat, `/v1/embeddings` → embedding, `/v1/images/generations` → image: the
  /// last path part that names a request type.
  static func requestType(endpoint: String) -> RequestType? {
    for part in endpoint.split(separator: "/").reversed() {
      if let t = RequestType(sourceTerm: String(part)) { return t }
      if part == "chat" { return .chat }
      if part == "audio" || part == "transcriptions" || part == "speech" { return .audio }
    }
    return nil
  }
}
