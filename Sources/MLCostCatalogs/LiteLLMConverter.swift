import Foundation
import MLCostCore

/// Converts LiteLLM's `model_prices_and_context_window.json` (USD per token) into API price rows
/// (USD per 1M tokens). Chat and completion models only; the batch discount comes from the
/// `*_batches` prices where LiteLLM carries them.
public enum LiteLLMConverter {
  /// LiteLLM provider ids → our provider names (the ones the usage importers write).
  public static let providers: [String: String] = [
    "openai": "OpenAI", "anthropic": "Anthropic", "gemini": "Google", "vertex_ai-language-models": "Google",
    "together_ai": "Together", "fireworks_ai": "Fireworks", "deepinfra": "DeepInfra", "groq": "Groq", "deepseek": "DeepSeek",
    "mistral": "Mistral", "azure": "Azure OpenAI", "bedrock": "Amazon Bedrock", "bedrock_converse": "Amazon Bedrock",
    "azure_ai": "Azure AI Foundry", "vertex_ai-anthropic_models": "Google Vertex AI", "nebius": "Nebius", "oci": "OCI", "xai": "xAI",
  ]

  public static func convert(json: Data, file: String, asOf: String, only: Set<String>? = nil) throws -> ([APIPrice], ConversionSummary) {
    guard let root = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
      throw CatalogError(file: file, line: 1, message: "not LiteLLM's price map (a JSON object of model → prices expected)")
    }
    var summary = ConversionSummary()
    var prices: [APIPrice] = []
    var seen: Set<String> = []
    var zoneFromRegions = ""
    for key in root.keys.sorted() where key != "sample_spec" {
      summary.rowsRead += 1
      guard let entry = root[key] as? [String: Any] else { summary.skip("not an object"); continue }
      let mode = entry["mode"] as? String ?? ""
      guard mode == "chat" || mode == "completion" || mode == "responses" else { summary.skip("mode \(mode.isEmpty ? "missing" : mode)"); continue }
      let litellm = entry["litellm_provider"] as? String ?? ""
      guard let provider = providers[litellm] ?? (only == nil ? nil : litellm) else { summary.skip("provider \(litellm) not mapped"); continue }
      if let only, !only.contains(provider.lowercased()) && !only.contains(litellm) { summary.skip("provider \(litellm) not selected"); continue }
      func per1M(_ field: String) -> Amount? {
        guard let n = entry[field] as? NSNumber else { return nil }
        let dollars = (n.doubleValue * 1e6 * 1e6).rounded() / 1e6   // 6 decimals: 2.5e-06 → 2.5
        return try? ExactDecimal.parse(CatalogCSV.number(dollars))
      }
      let input = per1M("input_cost_per_token"), output = per1M("output_cost_per_token")
      if input == nil && output == nil || input?.isZero == true && output?.isZero == true { summary.skip("no token price"); continue }
      var batch: Double?
      if let b = per1M("input_cost_per_token_batches"), let i = input, i > .zero { batch = ((1 - b.approximateDouble / i.approximateDouble) * 1000).rounded() / 1000 }
      // `together_ai/meta-llama/…` → `meta-llama/…`: the provider column already says who hosts it.
      var model = key
      if model.hasPrefix(litellm + "/") { model = String(model.dropFirst(litellm.count + 1)) }
      else if let slash = model.firstIndex(of: "/"), providers[String(model[..<slash])] == provider { model = String(model[model.index(after: slash)...]) }
      if model.contains("-commitment/") { summary.skip("a provisioned-throughput commitment price"); continue }
      let (zone, bare) = dataZone(model)
      model = bare
      if zone.isEmpty, let regions = entry["supported_regions"] as? [String] { zoneFromRegions = regions.joined(separator: ";") } else { zoneFromRegions = zone }
      guard seen.insert("\(provider)|\(model)|\(zoneFromRegions)".lowercased()).inserted else { summary.skip("duplicate of an earlier key"); continue }
      prices.append(APIPrice(provider: provider, model: model, inputPer1M: input?.isZero == true ? nil : input,
                             cachedInputPer1M: per1M("cache_read_input_token_cost"), cacheWritePer1M: per1M("cache_creation_input_token_cost"),
                             outputPer1M: output?.isZero == true ? nil : output, batchDiscount: batch, effectiveFrom: nil, effectiveTo: nil,
                             source: "LiteLLM model_prices_and_context_window.json (\(file))", asOf: asOf, dataZone: zoneFromRegions))
    }
    summary.rowsWritten = prices.count
    return (prices, summary)
  }

  /// Where a key says the API processes data, and the model without that part: Bedrock cross-region
  /// profiles (`eu.anthropic.claude-…` → `eu`), Bedrock regional keys (`eu-north-1/deepseek.v3.2` →
  /// `eu-north-1`), Azure data zones (`eu/gpt-4o` → `eu`). Keys without one: "" (unstated).
  public static func dataZone(_ model: String) -> (zone: String, model: String) {
    for zone in ["eu", "us", "apac", "jp", "au", "global", "ca", "us-gov"] {
      if model.hasPrefix(zone + "."), model.dropFirst(zone.count + 1).contains(".") { return (zone, String(model.dropFirst(zone.count + 1))) }
      if model.hasPrefix(zone + "/") { return (zone, String(model.dropFirst(zone.count + 1))) }
    }
    if let slash = model.firstIndex(of: "/") {
      let first = model[..<slash]
      let parts = first.split(separator: "-")
      // AWS region ids: `eu-north-1`, `us-gov-west-1`, `ap-southeast-2`.
      if parts.count >= 3, parts[0].count == 2, parts[0].allSatisfy(\.isLetter), let n = parts.last, n.allSatisfy(\.isNumber) {
        return (String(first), String(model[model.index(after: slash)...]))
      }
    }
    return ("", model)
  }
}
