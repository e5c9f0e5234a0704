/// What an LLM API request was for: the small vocabulary every source maps onto (docs/import.md).
public enum RequestType: String, Sendable, CaseIterable, Codable {
  case chat, completion, embedding, batch, fineTune = "fine-tune", image, audio, moderation, other

  /// Maps a source's word for it (endpoint, call type, line item, tag value); nil when unknown.
  public init?(sourceTerm raw: String) {
    let s = String(raw.lowercased().drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    if let exact = RequestType(rawValue: s) { self = exact; return }
    switch s {
    // OpenAI's usage endpoint `completions` covers chat completions and responses.
    case "completions", "acompletion", "chat_completion", "chat.completions", "chat-completions", "messages", "responses",
         "aresponses", "acompletion_with_retries", "completion_with_retries", "anthropic_messages":
      self = .chat
    case "text_completion", "atext_completion", "text-completion", "legacy_completions": self = .completion
    case "embeddings", "aembedding", "embedding_request": self = .embedding
    case "moderations", "amoderation": self = .moderation
    case "images", "image_generation", "aimage_generation", "image_edit", "aimage_edit": self = .image
    case "audio_speeches", "audio_transcriptions", "transcription", "atranscription", "speech", "aspeech", "audio_speech": self = .audio
    case "batches", "batch_api", "acreate_batch", "create_batch": self = .batch
    case "fine_tuning", "fine-tuning", "finetune", "fine_tune", "acreate_fine_tuning_job", "create_fine_tuning_job", "training": self = .fineTune
    default: return nil
    }
  }
}

/// One canonical LLM API usage record: a time bucket (or a single request) of one provider and model.
///
/// Tokens are split so that none is counted twice: `inputTokens` are the uncached input tokens only;
/// cache reads and cache writes are their own fields (OpenAI's `input_tokens` includes both and is
/// split on import; Anthropic reports them apart).
public struct UsageRecord: Sendable, Equatable {
  public var line = 0
  public var bucketStart: Int64 = 0
  public var bucketEnd: Int64 = 0
  public var provider = ""
  /// Which endpoint or report it came from, e.g. `openai.usage.completions`, `litellm.spend_logs`.
  public var source = ""
  public var model: String?
  public var requestType: RequestType = .other
  /// The source's own word for the request type, kept for audit.
  public var sourceRequestType: String?
  public var project: String?
  public var apiKey: String?
  public var user: String?
  public var team: String?
  public var endUser: String?
  public var serviceTier: String?
  public var batch: Bool?
  public var requestId: String?
  public var requests: Int64?
  public var inputTokens: Int64?
  public var cachedInputTokens: Int64?
  public var cacheWriteTokens: Int64?
  public var outputTokens: Int64?
  /// Non-token quantities (images, characters, seconds, bytes, sessions) with their unit.
  public var quantity: Double?
  public var unit: String?
  /// The cost the source states, exactly; nil when it states none (priced later, or shown as unpriced).
  public var cost: Amount?
  public var currency: Currency?
  /// JSON object of tags (LiteLLM request tags, metadata), or nil.
  public var tags: String?
  /// JSON object of source fields kept as they came.
  public var extra: String?
  public init() {}
}

/// One sample of an activity metric (invocations, GPU utilisation …) for one resource.
/// Absent samples stay absent: a missing series is never read as zero.
public struct MetricSample: Sendable, Equatable {
  public var line = 0
  public var resourceId = ""
  public var metric = ""
  public var timestamp: Int64 = 0
  public var value = 0.0
  public var unit: String?
  public var namespace: String?
  /// The series' dimensions as a JSON object with sorted keys, e.g. {"EndpointName":"x","VariantName":"AllTraffic"}.
  public var dimensions = "{}"
  /// The statistic when the source states one (Sum, Average, Maximum …).
  public var statistic: String?
  public init() {}
}
