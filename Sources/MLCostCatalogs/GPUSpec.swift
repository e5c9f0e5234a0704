import Foundation

/// Numeric precision of weights (and of the KV cache) when serving.
public enum Precision: String, Sendable, Codable, CaseIterable {
  case bf16, fp8, fp4
  /// Bytes per weight.
  public var weightBytes: Double {
    switch self { case .bf16: 2; case .fp8: 1; case .fp4: 0.5 }
  }
  /// Bytes per KV-cache element: FP4 checkpoints keep an FP8 cache (TensorRT-LLM's default).
  public var kvBytes: Double {
    switch self { case .bf16: 2; case .fp8, .fp4: 1 }
  }
}

/// One GPU model's datasheet figures (dense, i.e. without 2:4 sparsity; per GPU).
public struct GPUSpec: Sendable, Equatable, Codable {
  public var name: String
  public var aliases: [String]
  public var vendor: String
  /// The chip generation (Hopper, Blackwell, Ada, Ampere, CDNA3 …): the throughput model's efficiency factors are fitted
  /// per architecture and serving engine. Optional column; a catalog without it falls back to the vendor.
  public var architecture: String
  public var memoryGB: Double
  public var memoryBandwidthGBps: Double
  public var bf16TFLOPS: Double
  public var fp8TFLOPS: Double?
  public var fp4TFLOPS: Double?
  /// e.g. "NVLink 4", "PCIe 5".
  public var interconnect: String
  /// Per-GPU, one direction, GB/s.
  public var interconnectGBps: Double
  public var provenance: Provenance

  static let columns = ["gpu", "aliases", "vendor", "memory_gb", "memory_bandwidth_gbps", "bf16_tflops", "fp8_tflops", "fp4_tflops",
                        "interconnect", "interconnect_gbps", "source", "as_of"]

  init(row: CatalogRow) throws {
    name = try row.required("gpu")
    aliases = row.list("aliases")
    vendor = try row.required("vendor")
    architecture = row.text("architecture").isEmpty ? vendor : row.text("architecture")
    memoryGB = try row.positive("memory_gb")
    memoryBandwidthGBps = try row.positive("memory_bandwidth_gbps")
    bf16TFLOPS = try row.positive("bf16_tflops")
    fp8TFLOPS = try row.optionalPositive("fp8_tflops")
    fp4TFLOPS = try row.optionalPositive("fp4_tflops")
    interconnect = try row.required("interconnect")
    interconnectGBps = try row.positive("interconnect_gbps")
    provenance = try row.provenance()
  }

  /// Dense peak for a precision; a GPU without native FP8/FP4 runs the math one step wider
  /// (the weights still shrink, so decode still gains).
  /// Native tensor-core support: BF16 everywhere; FP8 where the catalog lists FP8 TFLOPS (Hopper, Ada,
  /// Blackwell, CDNA3); FP4 where it lists FP4 TFLOPS (Blackwell-class).
  public func supports(_ p: Precision) -> Bool {
    switch p {
    case .bf16: true
    case .fp8: fp8TFLOPS != nil
    case .fp4: fp4TFLOPS != nil
    }
  }

  /// The serving engine a plan assumes when the scenario names none: the one the published results for this vendor's
  /// GPUs were measured with (TensorRT-LLM on NVIDIA, vLLM on AMD, Neuron SDK on AWS chips).
  public var defaultEngine: String {
    switch vendor.lowercased() {
    case "nvidia": "tensorrt-llm"
    case "amd": "vllm"
    case "aws": "neuronx"
    default: "vllm"
    }
  }

  public func peakTFLOPS(_ p: Precision) -> Double {
    switch p {
    case .bf16: bf16TFLOPS
    case .fp8: fp8TFLOPS ?? bf16TFLOPS
    case .fp4: fp4TFLOPS ?? fp8TFLOPS ?? bf16TFLOPS
    }
  }
}

/// Names compare without case, spaces or punctuation: `H100 SXM`, `h100-sxm`, `H100_SXM` are one key.
public func catalogKey(_ name: String) -> String {
  String(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
}
