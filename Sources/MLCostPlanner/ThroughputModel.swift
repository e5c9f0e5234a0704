import Foundation
import MLCostCatalogs
import MLCostCore

/// The efficiency factors a roofline needs to match real engines, fitted on measured results
/// (`Calibration.fit`) and stored in `catalogs/throughput_calibration.csv`.
public struct Efficiency: Sendable, Equatable, Codable {
  /// Achieved fraction of the datasheet memory bandwidth.
  public var memory: Double
  /// Achieved fraction of the dense peak FLOP/s in decode (small-batch GEMMs, attention over the cache).
  public var compute: Double
  /// Achieved fraction of the dense peak FLOP/s in prefill (large GEMMs).
  public var prefillCompute: Double
  /// Fixed cost per engine iteration (kernel launches, the scheduler's loop), milliseconds.
  public var stepOverheadMs: Double
  /// Cost per sequence in an iteration (sampling, detokenising, bookkeeping), microseconds: a small batch's step is
  /// short, a large batch's step carries its sequences' overhead.
  public var perSequenceOverheadUs: Double
  /// The largest batch the engine schedules.
  public var maxBatch: Int
  /// Share of the FP4 datasheet peak reached, on top of `compute`/`prefillCompute` (Blackwell's FP4 peak is not reached by
  /// today's engines as the FP8 one is: fitted on the FP4 rows alone).
  public var fp4Compute: Double = 1
  /// Share of the memory left after the weights that the engine gives the KV cache (TensorRT-LLM's and vLLM's
  /// `…free_gpu_mem_fraction` / `gpu_memory_utilization`, 0.90–0.95).
  public var memoryFraction: Double
  /// Speed of an engine on a GPU architecture relative to the roofline with the factors above, fitted per cell
  /// (`Calibration.fit`): keys `architecture|engine` (lower case), `architecture|` for the architecture over every engine,
  /// `|engine` for the engine over every architecture, and `` for every result. An iteration takes the roofline's time ÷ this factor.
  public var speedFactors: [String: Double] = [:]

  /// The factor for an engine on an architecture, and which cell it came from: the pair when it was measured, else the
  /// engine over all architectures, else all results (`calibrated` is false then: say so in a plan).
  public func speed(architecture: String, engine: String) -> (factor: Double, cell: String, calibrated: Bool) {
    let a = architecture.lowercased(), e = engine.lowercased()
    if let f = speedFactors["\(a)|\(e)"] { return (f, "\(architecture)/\(engine)", true) }
    // Not measured together: the architecture's factor (its other engines) times how this engine compares with all
    // results elsewhere — main effects, log-additive.
    let all = speedFactors[""] ?? 1
    switch (speedFactors["\(a)|"], speedFactors["|\(e)"]) {
    case let (arch?, eng?): return (arch * eng / all, "\(architecture) with other engines × \(engine) on other GPUs", false)
    case let (nil, eng?): return (eng, "\(engine) on other GPUs", false)
    case let (arch?, nil): return (arch, "\(architecture) with other engines", false)
    case (nil, nil): return (all, "all results", false)
    }
  }

  public init(memory: Double, compute: Double, prefillCompute: Double, stepOverheadMs: Double, perSequenceOverheadUs: Double = 0, maxBatch: Int,
              memoryFraction: Double = 0.9) {
    self.memory = memory; self.compute = compute; self.prefillCompute = prefillCompute; self.stepOverheadMs = stepOverheadMs
    self.perSequenceOverheadUs = perSequenceOverheadUs; self.maxBatch = maxBatch
    self.memoryFraction = memoryFraction
  }

  /// Before calibration: llm-analysis' shipped examples (flops 0.7, HBM 0.9) and a 2 ms step.
  public static let uncalibrated = Efficiency(memory: 0.9, compute: 0.7, prefillCompute: 0.7, stepOverheadMs: 2, maxBatch: 1024)
}

/// One replica's steady state at saturation: tensor-parallel degree, batch, throughput, latency.
public struct ReplicaEstimate: Sendable, Equatable {
  public var tensorParallel: Int
  public var batch: Int
  public var maxBatchByMemory: Int
  public var outputTokensPerSecond: Double
  public var ttftMs: Double
  public var tpotMs: Double
}

/// Why a configuration cannot serve.
public enum ThroughputError: Error, Equatable, CustomStringConvertible {
  case doesNotFit(model: String, gpu: String, gpus: Int, needGB: Double, haveGB: Double)
  case latencyUnreachable(String)
  case unknownModel(String)
  case unknownGPU(String)
  /// FP8 on a GPU without FP8 tensor cores (A100, A10G, T4 …) or FP4 outside Blackwell-class GPUs.
  case unsupportedPrecision(gpu: String, precision: String, supportedBy: [String])

  public var description: String {
    switch self {
    case let .doesNotFit(m, g, n, need, have):
      return String(format: "%@ does not fit on %d × %@: the weights and one sequence's KV cache need %.0f GB per GPU at best, the GPU has %.0f GB; use more GPUs, a bigger GPU or a lower precision", m, n, g, need, have)
    case let .latencyUnreachable(s): return s
    case let .unknownModel(m): return "unknown model '\(m)': see `mlcost catalog list models` (names and aliases)"
    case let .unknownGPU(g): return "unknown GPU '\(g)': see `mlcost catalog list gpus` (names and aliases)"
    case let .unsupportedPrecision(g, p, gpus):
      return "\(g) has no native \(p.uppercased()) tensor cores, so \(p.uppercased()) serving would be emulated, not faster; "
        + "use bf16 on \(g), or one of the GPUs that support \(p.uppercased()): \(gpus.joined(separator: ", "))"
    }
  }
}

/// A roofline for LLM serving with continuous batching and chunked prefill (docs/planner.md):
/// each engine iteration reads the (touched) weights once and the KV cache of every sequence in the
/// batch, and computes one decode token per sequence plus the prefill share of the requests that
/// arrive meanwhile; its time is the larger of memory time and compute time, plus tensor-parallel
/// all-reduces and a fixed step overhead.
public struct ThroughputModel: Sendable {
  public var efficiency: Efficiency
  public init(efficiency: Efficiency) { self.efficiency = efficiency }

  struct Shape {
    var weightsPerGPU: Double, kvPerTokenPerGPU: Double, memoryPerGPU: Double, kvFraction: Double
    var activeParams: Double, totalParams: Double, sharedParams: Double, expertParams: Double
    var layers: Double, hidden: Double, attention: Double   // heads × head_dim
    var bandwidth: Double, peak: Double, attentionPeak: Double, link: Double, tp: Double
    var experts: Double, activeExperts: Double, weightBytes: Double
    var speed: Double = 1
  }

  func shape(_ m: ModelShape, _ g: GPUSpec, tp: Int, _ p: Precision, engine: String? = nil) -> Shape {
    let total = m.paramsB * 1e9, active = m.activeParamsB * 1e9
    var experts = 0.0, shared = total
    if m.isMixtureOfExperts {
      // active = shared + k/E × experts, total = shared + experts.
      let share = Double(m.activeExperts) / Double(m.experts)
      experts = (total - active) / (1 - share)
      shared = total - experts
    }
    return Shape(weightsPerGPU: total * p.weightBytes / Double(tp), kvPerTokenPerGPU: m.kvElementsPerTokenPerGPU(tp: tp) * p.kvBytes,
                 memoryPerGPU: g.memoryGB * 1e9, kvFraction: efficiency.memoryFraction, activeParams: active, totalParams: total,
                 sharedParams: shared, expertParams: experts, layers: Double(m.layers), hidden: Double(m.hidden),
                 attention: Double(m.heads * m.headDim), bandwidth: g.memoryBandwidthGBps * 1e9 * efficiency.memory,
                 peak: g.peakTFLOPS(p) * 1e12 * (p == .fp4 ? efficiency.fp4Compute : 1), attentionPeak: g.peakTFLOPS(p == .fp4 ? .fp8 : p) * 1e12, link: g.interconnectGBps * 1e9, tp: Double(tp),
                 experts: Double(m.experts), activeExperts: Double(m.activeExperts), weightBytes: p.weightBytes,
                 speed: efficiency.speed(architecture: g.architecture, engine: engine ?? g.defaultEngine).factor)
  }

  /// Seconds for one iteration with `batch` sequences at average context `context`, of which
  /// `prefillRequests` requests of `input` tokens are prefilled in the same iteration.
  func iteration(_ s: Shape, batch: Double, context: Double, prefillRequests: Double, input: Double) -> Double {
    var weightBytes = s.weightsPerGPU
    if s.experts > 0 {
      // Experts touched by a batch of B tokens (uniform routing): E × (1 − (1 − k/E)^B).
      let tokens = batch + prefillRequests * input
      let touched = 1 - pow(1 - s.activeExperts / s.experts, max(1, tokens))
      weightBytes = (s.sharedParams + s.expertParams * touched) * s.weightBytes / s.tp
    }
    let memory = (weightBytes + batch * context * s.kvPerTokenPerGPU) / s.bandwidth
    // Weight GEMMs run at the precision's peak; attention (QK^T, PV) runs on the FP8/BF16 cache, so FP4 does not speed it up.
    let decode = (2 * s.activeParams * batch / s.peak + 4 * batch * context * s.layers * s.attention / s.attentionPeak) / efficiency.compute
    let prefill = prefillRequests * (2 * s.activeParams * input / s.peak + 2 * s.layers * input * input * s.attention / s.attentionPeak)
      / efficiency.prefillCompute
    let compute = (decode + prefill) / s.tp
    var comm = 0.0
    if s.tp > 1 {
      // Two ring all-reduces of the activations per layer (BF16), plus ~8 µs latency each.
      let bytes = (batch + prefillRequests * input) * s.hidden * 2
      comm = s.layers * 2 * (8e-6 + 2 * (s.tp - 1) / s.tp * bytes / s.link)
    }
    return (max(memory, compute) + comm + efficiency.stepOverheadMs / 1000 + efficiency.perSequenceOverheadUs * (batch + prefillRequests) / 1e6)
      / s.speed
  }

  /// One replica of `tp` GPUs; nil latency targets = saturation. Throws when nothing fits.
  /// `engine`: the serving engine (`tensorrt-llm`, `vllm` …); nil = the GPU vendor's default (`GPUSpec.defaultEngine`).
  public func replica(model m: ModelShape, gpu g: GPUSpec, tp: Int, precision p: Precision, input: Int, output: Int,
                      ttftMs: Double? = nil, tpotMs: Double? = nil, engine: String? = nil) throws -> ReplicaEstimate {
    let s = shape(m, g, tp: tp, p, engine: engine)
    let i = Double(max(1, input)), o = Double(max(1, output))
    // The KV cache gets a fraction of what the weights leave (engines reserve the rest for activations).
    let free = (s.memoryPerGPU - s.weightsPerGPU) * s.kvFraction
    let oneSequence = s.kvPerTokenPerGPU * (i + o)
    guard free >= oneSequence else {
      throw ThroughputError.doesNotFit(model: m.name, gpu: g.name, gpus: tp, needGB: (s.weightsPerGPU + oneSequence / s.kvFraction) / 1e9,
                                       haveGB: s.memoryPerGPU / 1e9)
    }
    // Paged KV cache: on average a sequence holds its prompt and half its answer.
    let context = i + o / 2
    let byMemory = max(1, Int(free / (s.kvPerTokenPerGPU * context)))
    func iter(_ b: Int) -> Double { iteration(s, batch: Double(b), context: context, prefillRequests: Double(b) / o, input: i) }
    let prefillAlone = iteration(s, batch: 0, context: context, prefillRequests: 1, input: i)
    func ttft(_ b: Int) -> Double { (prefillAlone + iter(b)) * 1000 }
    func ok(_ b: Int) -> Bool { (tpotMs.map { iter(b) * 1000 <= $0 } ?? true) && (ttftMs.map { ttft(b) <= $0 } ?? true) }
    var hi = min(byMemory, efficiency.maxBatch)
    if !ok(1) {
      throw ThroughputError.latencyUnreachable(String(
        format: "%@ on %d × %@ (%@) cannot meet the latency target even one request at a time: TTFT %.0f ms, TPOT %.1f ms",
        m.name, tp, g.name, p.rawValue, ttft(1), iter(1) * 1000))
    }
    if !ok(hi) {
      var lo = 1   // ok(lo), !ok(hi)
      while hi - lo > 1 { let mid = (lo + hi) / 2; if ok(mid) { lo = mid } else { hi = mid } }
      hi = lo
    }
    let t = iter(hi)
    return ReplicaEstimate(tensorParallel: tp, batch: hi, maxBatchByMemory: byMemory, outputTokensPerSecond: Double(hi) / t,
                           ttftMs: ttft(hi), tpotMs: t * 1000)
  }
}
