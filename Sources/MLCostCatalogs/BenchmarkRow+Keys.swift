import Foundation

extension BenchmarkRow {
  /// The engine family (`tensorrt-llm`, `vllm`, `sglang` …) from the engine as published ("TensorRT 10.2.0", "vLLM 0.4.3").
  public var engineKind: String { Self.engineKind(engine) }

  public static func engineKind(_ engine: String) -> String {
    let e = engine.lowercased()
    if e.contains("tensorrt") || e.contains("trt") { return "tensorrt-llm" }
    if e.contains("vllm") { return "vllm" }
    if e.contains("sglang") { return "sglang" }
    if e.contains("neuron") { return "neuronx" }
    return String(e.split(whereSeparator: { !$0.isLetter && $0 != "-" }).first ?? "other")
  }

  /// The tensor-parallel degree when published ("… (TP2)"); nil when the submitter chose the layout (MLPerf).
  public var tensorParallel: Int? {
    guard let r = engine.range(of: "(TP") else { return nil }
    return Int(engine[r.upperBound...].prefix(while: \.isNumber))
  }

  /// Who measured it, for leave-one-source-out: the MLPerf submitter and round ("mlperf-v4.1-offline (Dell)") or the
  /// publication (the source text up to its first " @" or " (").
  public var sourceKey: String {
    if scenario.contains("(") { return scenario }
    let s = provenance.source
    let cut = [s.range(of: " @"), s.range(of: " (")].compactMap { $0?.lowerBound }.min() ?? s.endIndex
    return String(s[..<cut])
  }

  /// The publication a row belongs to: the scenario before its submitter ("mlperf-v4.1-offline"), else the source —
  /// the coarser hold-out.
  public var publicationKey: String {
    if let r = scenario.range(of: " (") { return String(scenario[..<r.lowerBound]) }
    return sourceKey
  }
}
