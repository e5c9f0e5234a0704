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
  ]

  public static func convert(json: Data, file: String, asOf: String, only: Set<String>? = nil) throws -> ([APIPrice], ConversionSummary) {
    guard let root = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
      throw CatalogError(file: file, line: 1, message: "not LiteLLM's price map (a JSON object of model → prices expected)")
    }
    var summary = ConversionSummary()
    var prices: [APIPrice] = []
    var seen: Set<String> = []
    for key in root.keys.sorted() where key != "sample_spec" {
      summary.rowsRead += 1
      guard let entry = root[key] as? [String: Any] else { summary.skip("not an object"); continue }
      let mode = entry["mode"] as? String ?? ""
      guard mode == "chat" || mode == "completion" || mode == "responses" else { summary.skip("mode \(mode.isEmpty ? "missing" : mode)"); continue }
      let litellm = entry["litellm_provider"] as? String ?? ""
      guard let provider = providers[litellm] ?? (only == nil ? nil : litellm) else { summary.skip("provider \(litellm) not mapped"); continue }
      if let only, !only.contains(provider.lowercased()) && !only.contains(litellm) { summary.skip("provider \(litellm) not selected"); continue }
      func per1M(_ field: String) -> Int64? {
        guard let n = entry[field] as? NSNumber else { return nil }
        let dollars = (n.doubleValue * 1e6 * 1e6).rounded() / 1e6   // 6 decimals: 2.5e-06 → 2.5
        return try? ExactDecimal.parseNanos(CatalogCSV.number(dollars))
      }
      let input = per1M("input_cost_per_token"), output = per1M("output_cost_per_token")
      if input == nil && output == nil || input == 0 && output == 0 { summary.skip("no token price"); continue }
      var batch: Double?
      if let b = per1M("input_cost_per_token_batches"), let i = input, i > 0 { batch = ((1 - Double(b) / Double(i)) * 1000).rounded() / 1000 }
      // `together_ai/meta-llama/…` → `meta-llama/…`: the provider column already says who hosts it.
      var model = key
      if model.hasPrefix(litellm + "/") { model = String(model.dropFirst(litellm.count + 1)) }
      guard seen.insert("\(provider)|\(model)".lowercased()).inserted else { summary.skip("duplicate of an earlier key"); continue }
      prices.append(APIPrice(provider: provider, model: model, inputPer1M: input == 0 ? nil : input,
                             cachedInputPer1M: per1M("cache_read_input_token_cost"), cacheWritePer1M: per1M("cache_creation_input_token_cost"),
                             outputPer1M: output == 0 ? nil : output, batchDiscount: batch, effectiveFrom: nil, effectiveTo: nil,
                             source: "LiteLLM model_prices_and_context_window.json (\(file))", asOf: asOf))
    }
    summary.rowsWritten = prices.count
    return (prices, summary)
  }
}

extension APIPrice {
  public var csvFields: [String] {
    func money(_ v: Int64?) -> String { v.map { ExactDecimal.format(nanos: $0) } ?? "" }
    return [provider, model, money(inputPer1M), money(cachedInputPer1M), money(cacheWritePer1M), money(outputPer1M),
            CatalogCSV.number(batchDiscount), effectiveFrom.map { String(Timestamp.iso8601($0).prefix(10)) } ?? "",
            effectiveTo.map { String(Timestamp.iso8601($0).prefix(10)) } ?? "", source, asOf]
  }
}

/// Converts the AWS Spot Instance Advisor feed (`spot-advisor-data.json`) into spot-risk rows:
/// Linux, every region, GPU instance families unless `allFamilies`.
public enum SpotAdvisorConverter {
  public static let gpuFamilies = ["p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "p6e", "g4dn", "g4ad", "g5", "g5g", "g6", "g6e", "gr6"]

  public static func convert(json: Data, file: String, asOf: String, allFamilies: Bool = false) throws -> ([SpotRisk], ConversionSummary) {
    guard let root = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
          let ranges = root["ranges"] as? [[String: Any]], let advisor = root["spot_advisor"] as? [String: Any] else {
      throw CatalogError(file: file, line: 1, message: "not the spot advisor feed (expected 'ranges' and 'spot_advisor')")
    }
    var bands: [Int: (label: String, low: Double, high: Double)] = [:]
    let sortedRanges = ranges.sorted { ($0["index"] as? Int ?? 0) < ($1["index"] as? Int ?? 0) }
    var previousMax = 0.0
    for r in sortedRanges {
      guard let i = r["index"] as? Int, let label = r["label"] as? String, let max = (r["max"] as? NSNumber)?.doubleValue else { continue }
      // The feed's "max" of 5-10% is 11: bands overlap by a point; the label is the truth, the max the upper edge.
      let bounds = label.replacingOccurrences(of: "%", with: "").split(whereSeparator: { $0 == "-" || $0 == "<" || $0 == ">" }).compactMap { Double($0) }
      let low = label.hasPrefix("<") ? 0 : (bounds.first ?? previousMax) / 100
      let high = label.hasPrefix(">") ? Swift.min(max, 100) / 100 : (bounds.last ?? max) / 100
      bands[i] = (label, low, high)
      previousMax = max
    }
    var summary = ConversionSummary()
    var rows: [SpotRisk] = []
    for region in advisor.keys.sorted() {
      guard let linux = (advisor[region] as? [String: Any])?["Linux"] as? [String: Any] else { continue }
      for type in linux.keys.sorted() {
        summary.rowsRead += 1
        let family = String(type.split(separator: ".").first ?? "")
        if !allFamilies && !gpuFamilies.contains(family) { summary.skip("not a GPU family"); continue }
        guard let cell = linux[type] as? [String: Any], let r = (cell["r"] as? NSNumber)?.intValue, let band = bands[r] else {
          summary.skip("no band"); continue
        }
        // The feed stores some GPU types' savings as negative numbers (p5.48xlarge: -52); the magnitude is the saving.
        let savings = (cell["s"] as? NSNumber).map { Swift.min(abs($0.doubleValue), 100) / 100 }
        rows.append(SpotRisk(provider: "AWS", region: region, instanceType: type, band: band.label, interruptionLow: band.low,
                             interruptionHigh: band.high, savings: savings,
                             provenance: Provenance(source: "AWS Spot Instance Advisor (\(file))", asOf: asOf)))
      }
    }
    summary.rowsWritten = rows.count
    return (rows, summary)
  }
}
