import Foundation
import MLCostCatalogs
import MLCostCore
import MLCostPlanner
import MLCostTestSupport
import Testing

/// Leave-one-source-out calibration and the per-architecture/engine speed factors (docs/planner.md).
struct CalibrationTests {
  static let catalog: Catalog = try! Catalog.load(directory: Repo.path("catalogs"))
  static let model = ThroughputModel(efficiency: try! CalibrationFile.load(directory: Repo.path("catalogs"))!)

  /// A small catalog: the shipped GPUs and models, `rows` as benchmarks.
  static func catalog(_ rows: [(gpu: String, n: Int, engine: String, scenario: String, tps: Double, i: Int, o: Int)]) throws -> Catalog {
    var text = "gpu,gpu_count,model,precision,engine,input_tokens,output_tokens,scenario,output_tokens_per_second,source,as_of\n"
    for r in rows { text += "\(r.gpu),\(r.n),Llama-3.1-8B,fp8,\(r.engine),\(r.i),\(r.o),\(r.scenario),\(r.tps),test \(r.scenario),2026-01-01\n" }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlcost-cal-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for f in Catalog.files where f != "benchmarks.csv" {
      try FileManager.default.copyItem(atPath: Repo.path("catalogs/\(f)"), toPath: dir + "/" + f)
    }
    try text.write(toFile: dir + "/benchmarks.csv", atomically: true, encoding: .utf8)
    return try Catalog.load(directory: dir)
  }

  static let rows: [(gpu: String, n: Int, engine: String, scenario: String, tps: Double, i: Int, o: Int)] = [
    ("H100 SXM", 1, "TensorRT 10 (TP1)", "bench-a (A)", 20000, 1000, 1000), ("H200", 1, "TensorRT 10 (TP1)", "bench-a (A)", 24000, 1000, 1000),
    ("H100 SXM", 1, "TensorRT 10 (TP1)", "bench-a (B)", 26000, 128, 1000), ("L40S", 1, "vLLM 0.6", "bench-a (B)", 2000, 1000, 1000),
    ("H100 SXM", 1, "vLLM 0.6", "bench-a (C)", 9000, 1000, 1000), ("L40S", 1, "TensorRT 10 (TP1)", "bench-a (C)", 5000, 128, 1000),
  ]

  /// What a source measured cannot move its own held-out prediction; it moves the others' and its in-fit prediction.
  @Test func aHeldOutSourceIsPredictedWithoutItsOwnResults() throws {
    let before = Calibration.run(try Self.catalog(Self.rows), heldOut: true)
    var changed = Self.rows
    changed[4].tps = 3000   // source C's vLLM-on-H100 result, a third of what it was
    let after = Calibration.run(try Self.catalog(changed), heldOut: true)
    #expect(after.predictions[4].sourceHeldOut == before.predictions[4].sourceHeldOut)
    #expect(after.predictions[5].sourceHeldOut == before.predictions[5].sourceHeldOut)
    #expect(after.predictions[4].predicted != before.predictions[4].predicted)
    // Source B's vLLM row borrowed vLLM's speed from C's H100 result: it moves.
    #expect(after.predictions[3].sourceHeldOut != before.predictions[3].sourceHeldOut)
    // All three are one publication ("bench-a"): held out together, nothing is left to fit, every row falls back alike.
    #expect(Set(after.predictions.map(\.benchmark.publicationKey)) == ["bench-a"])
    #expect(after.heldOutMedianAbsPercentError != nil && after.rows == 6)
  }

  /// The same GPU is slower under an engine that measured slower on it, and a GPU family no result covers says so.
  @Test func speedIsFittedPerArchitectureAndEngine() throws {
    let m = Self.catalog.model(named: "Llama-2-70B")!, l40s = Self.catalog.gpu(named: "L40S")!
    let trt = try Self.model.best(model: m, gpu: l40s, gpus: 8, precision: .fp8, input: 300, output: 283, engine: "tensorrt-llm")
    let vllm = try Self.model.best(model: m, gpu: l40s, gpus: 8, precision: .fp8, input: 300, output: 283, engine: "vllm")
    #expect(trt.calibrated && vllm.calibrated)
    // MLPerf v4.1 on 8 × L40S: 3,718 tok/s with TensorRT, 948 with vLLM 0.5.2.
    #expect(vllm.outputTokensPerSecond < trt.outputTokensPerSecond / 2)
    let a100 = try Self.model.best(model: Self.catalog.model(named: "Llama-3.1-8B")!, gpu: Self.catalog.gpu(named: "A100 80GB")!, gpus: 1,
                                   precision: .bf16, input: 1000, output: 1000)
    #expect(!a100.calibrated && a100.engine == "tensorrt-llm" && a100.speedCell == "tensorrt-llm on other GPUs")
    #expect(Self.catalog.gpu(named: "MI300X")!.defaultEngine == "vllm")
  }

  /// Without the pair: the architecture's other engines × how the engine does elsewhere (log-additive main effects).
  @Test func anUnmeasuredPairBorrowsBothMainEffects() {
    var e = Efficiency.uncalibrated
    e.speedFactors = ["": 0.5, "ada|": 0.25, "|vllm": 0.4, "hopper|vllm": 0.45]
    #expect(e.speed(architecture: "Hopper", engine: "vllm") == (0.45, "Hopper/vllm", true))
    #expect(e.speed(architecture: "Ada", engine: "vllm").factor == 0.25 * 0.4 / 0.5)
    #expect(e.speed(architecture: "Ampere", engine: "vllm").factor == 0.4)
    #expect(e.speed(architecture: "Ada", engine: "sglang").factor == 0.25)
    #expect(e.speed(architecture: "CDNA3", engine: "sglang") == (0.5, "all results", false))
  }

  @Test func benchmarkRowsSayTheirEngineLayoutAndSource() {
    let rows = Self.catalog.benchmarks
    let trt = rows.first { $0.engine.hasPrefix("TensorRT-LLM 1.0 (TP2)") }!
    #expect(trt.engineKind == "tensorrt-llm" && trt.tensorParallel == 2 && trt.sourceKey == "TensorRT-LLM perf-overview.md")
    let amd = rows.first { $0.gpu == "MI300X" }!
    #expect(amd.engineKind == "vllm" && amd.tensorParallel == nil && amd.sourceKey.hasPrefix("mlperf-v4.1-offline (") && amd.publicationKey == "mlperf-v4.1-offline")
    #expect(BenchmarkRow.engineKind("SGLang 0.4") == "sglang" && BenchmarkRow.engineKind("TensorRT 9.3.0") == "tensorrt-llm")
  }

  /// The shipped file round-trips its factors; a damaged factor names the file and line.
  @Test func theCalibrationFileKeepsItsFactorsAndRefusesBadOnes() throws {
    let stored = try CalibrationFile.read(directory: Repo.path("catalogs"))!
    #expect(stored.efficiency.speedFactors["hopper|tensorrt-llm"] != nil && stored.summary.medianAbsPercentError != nil)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlcost-calfile-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let text = try String(contentsOfFile: Repo.path("catalogs/\(CalibrationFile.name)"), encoding: .utf8)
    try text.replacingOccurrences(of: "hopper|tensorrt-llm=", with: "hopper|tensorrt-llm=-").write(toFile: dir + "/" + CalibrationFile.name,
                                                                                                 atomically: true, encoding: .utf8)
    #expect { try CalibrationFile.read(directory: dir) } throws: { "\($0)".contains("\(CalibrationFile.name):2: error: speed_factors") }
  }
}

extension CalibrationTests {
  /// An option whose engine was never measured on its GPU's architecture says so on the option itself, and the plan
  /// names the architecture once.
  @Test func anUncalibratedOptionSaysSo() throws {
    let yaml = """
      traffic: {daily_requests: 200000}
      tokens: {input: 500, output: 200}
      api: {provider: OpenAI, model: gpt-4.1-mini}
      self_host: {models: [Llama-3.1-8B], precisions: [bf16], providers: [AWS], gpus: [A10G, L40S], min_replicas: 2}
      """
    let w = try Scenario.parse(yaml: yaml, file: "s.yaml")
    let planner = Planner(catalog: Self.catalog, efficiency: Self.model.efficiency,
                          calibration: PlanCalibration(benchmarkRows: 0, medianAbsPercentError: nil, worstAbsPercentError: nil), top: 200)
    let plan = try planner.plan(w, at: 1_790_000_000)
    let selfHosted = plan.options.filter { $0.kind == .selfHosted }
    let a10g = selfHosted.filter { $0.gpu == "A10G" }, l40s = selfHosted.filter { $0.gpu == "L40S" }
    #expect(!a10g.isEmpty && !l40s.isEmpty)
    #expect(a10g.allSatisfy { $0.notes.contains { $0.hasPrefix("throughput not calibrated for tensorrt-llm") } })
    #expect(l40s.allSatisfy { !$0.notes.contains { $0.hasPrefix("throughput not calibrated") } })
    #expect(plan.notes.contains { $0.hasPrefix("Throughput of tensorrt-llm on Ampere (A10G) is not calibrated") })
  }
}
