import Foundation
import MLCostCatalogs

/// What `mlcost throughput` prints: the best layout of `gpus` GPUs at saturation within the
/// latency targets. The first six keys are a stable interface.
public struct ThroughputEstimate: Sendable, Equatable, Codable {
  public var outputTokensPerSecond: Double
  public var outputTokensPerSecondPerGPU: Double
  /// Sequences in flight per replica.
  public var maxBatch: Int
  public var ttftMs: Double
  public var tpotMs: Double
  /// e.g. `2 × TP4`: replicas × tensor-parallel degree.
  public var layout: String
  public var replicas: Int
  public var tensorParallel: Int
  public var model: String
  public var gpu: String
  public var gpus: Int
  public var precision: Precision
  public var inputTokens: Int
  public var outputTokens: Int
  /// Sequences the KV cache could hold per replica (before latency and engine caps).
  public var maxBatchByMemory: Int
  /// The serving engine assumed and where its speed factor came from (`Efficiency.speed`).
  public var engine: String = ""
  public var speedCell: String = ""
  /// False when no published result for this engine on this GPU architecture was fitted: treat the figure as ±50%.
  public var calibrated: Bool = true
}

extension ThroughputModel {
  /// Tries every tensor-parallel degree that divides the attention heads (1, 2, 4, 8 …) and keeps
  /// the layout with the most output tokens per second over all `gpus` GPUs.
  public func best(model m: ModelShape, gpu g: GPUSpec, gpus: Int, precision p: Precision, input: Int, output: Int,
                   ttftMs: Double? = nil, tpotMs: Double? = nil, engine: String? = nil) throws -> ThroughputEstimate {
    let engineName = engine ?? g.defaultEngine
    let speed = efficiency.speed(architecture: g.architecture, engine: engineName)
    var best: ThroughputEstimate?
    var fitError: ThroughputError?, latencyError: ThroughputError?
    var tp = 1
    while tp <= gpus {
      if m.heads % tp == 0 {
        do {
          let r = try replica(model: m, gpu: g, tp: tp, precision: p, input: input, output: output, ttftMs: ttftMs, tpotMs: tpotMs, engine: engineName)
          let replicas = gpus / tp
          let total = r.outputTokensPerSecond * Double(replicas)
          if best == nil || total > best!.outputTokensPerSecond * 1.0001 {
            best = ThroughputEstimate(outputTokensPerSecond: total, outputTokensPerSecondPerGPU: total / Double(gpus), maxBatch: r.batch,
                                      ttftMs: r.ttftMs, tpotMs: r.tpotMs, layout: "\(replicas) × TP\(tp)", replicas: replicas,
                                      tensorParallel: tp, model: m.name, gpu: g.name, gpus: gpus, precision: p, inputTokens: input,
                                      outputTokens: output, maxBatchByMemory: r.maxBatchByMemory, engine: engineName,
                                      speedCell: speed.cell, calibrated: speed.calibrated)
          }
        } catch let e as ThroughputError {
          // Missing the latency target says more than not fitting; of the fits, the widest layout tried.
          if case .latencyUnreachable = e { latencyError = e } else { fitError = e }
        }
      }
      tp *= 2
    }
    if let best { return best }
    throw latencyError ?? fitError ?? ThroughputError.doesNotFit(model: m.name, gpu: g.name, gpus: gpus, needGB: 0, haveGB: g.memoryGB)
  }
}
