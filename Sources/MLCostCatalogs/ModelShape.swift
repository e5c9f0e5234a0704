import Foundation

/// A model's architecture, as the throughput model needs it.
public struct ModelShape: Sendable, Equatable, Codable {
  public var name: String
  public var aliases: [String]
  /// Billions of parameters, all of them (every expert is resident in memory).
  public var paramsB: Double
  /// Billions of parameters a token passes through (= paramsB for dense models).
  public var activeParamsB: Double
  public var layers: Int
  public var hidden: Int
  public var heads: Int
  public var kvHeads: Int
  public var headDim: Int
  public var vocab: Int
  public var context: Int
  public var experts: Int
  public var activeExperts: Int
  /// Multi-head latent attention (DeepSeek): the cache holds `kvLoraRank + ropeHeadDim` per layer.
  public var kvLoraRank: Int
  public var ropeHeadDim: Int
  public var provenance: Provenance

  static let columns = ["model", "aliases", "params_b", "active_params_b", "layers", "hidden", "heads", "kv_heads", "head_dim", "vocab",
                        "context", "experts", "active_experts", "kv_lora_rank", "rope_head_dim", "source", "as_of"]

  init(row: CatalogRow) throws {
    name = try row.required("model")
    aliases = row.list("aliases")
    paramsB = try row.positive("params_b")
    activeParamsB = try row.optionalPositive("active_params_b") ?? paramsB
    layers = try row.integer("layers")
    hidden = try row.integer("hidden")
    heads = try row.integer("heads")
    kvHeads = try row.integer("kv_heads")
    headDim = try row.integer("head_dim")
    vocab = try row.integer("vocab")
    context = try row.integer("context")
    experts = row.text("experts").isEmpty ? 0 : try row.integer("experts")
    activeExperts = row.text("active_experts").isEmpty ? 0 : try row.integer("active_experts")
    kvLoraRank = row.text("kv_lora_rank").isEmpty ? 0 : try row.integer("kv_lora_rank")
    ropeHeadDim = row.text("rope_head_dim").isEmpty ? 0 : try row.integer("rope_head_dim")
    provenance = try row.provenance()
    for (column, v) in [("layers", layers), ("hidden", hidden), ("heads", heads), ("kv_heads", kvHeads), ("head_dim", headDim),
                        ("vocab", vocab), ("context", context)] where v <= 0 {
      throw CatalogError(file: row.file, line: row.line, message: "\(column) must be positive")
    }
    if activeParamsB > paramsB { throw CatalogError(file: row.file, line: row.line, message: "active_params_b exceeds params_b") }
    if (experts > 0) != (activeExperts > 0) || activeExperts > experts {
      throw CatalogError(file: row.file, line: row.line, message: "experts and active_experts go together (active ≤ experts)")
    }
  }

  public var isMixtureOfExperts: Bool { experts > 0 }

  /// KV-cache elements per token, all layers (K and V; or the latent vector for MLA).
  public var kvElementsPerToken: Double {
    if kvLoraRank > 0 { return Double(layers * (kvLoraRank + ropeHeadDim)) }
    return Double(2 * layers * kvHeads * headDim)
  }

  /// KV elements per token held by one GPU of a tensor-parallel group: heads split across GPUs,
  /// replicated once there are more GPUs than KV heads (llm-analysis' `max(n_kv/tp, 1)`). MLA's
  /// latent cache is replicated on every GPU.
  public func kvElementsPerTokenPerGPU(tp: Int) -> Double {
    if kvLoraRank > 0 { return kvElementsPerToken }
    return Double(2 * layers * headDim) * max(Double(kvHeads) / Double(tp), 1)
  }
}
