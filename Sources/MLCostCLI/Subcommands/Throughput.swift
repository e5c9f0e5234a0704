import ArgumentParser
import Foundation
import MLCost

struct Throughput: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Estimate serving throughput for a model on N GPUs at saturation within latency targets (a calibrated roofline).",
    discussion: """
      Chooses the best layout of the GPUs (replicas × tensor-parallel degree) and prints output tokens per second \
      (total and per GPU), the batch, TTFT and TPOT. Refuses when the model does not fit. --calibrate refits the \
      model on catalogs/benchmarks.csv, writes throughput_calibration.csv and prints predicted vs measured (docs/planner.md).
      """)

  @Option(help: ArgumentHelp("Model name or alias (see `mlcost catalog list models`).", valueName: "name")) var model: String?
  @Option(help: ArgumentHelp("GPU name or alias (see `mlcost catalog list gpus`).", valueName: "name")) var gpu: String?
  @Option(help: ArgumentHelp("GPUs available.", valueName: "n")) var gpus: Int = 1
  @Option(help: Precision.help("bf16, fp8 or fp4.", valueName: "precision", default: .bf16), transform: Precision.parse) var precision: Precision = .bf16
  @Option(name: .customLong("input-tokens"), help: ArgumentHelp("Input tokens per request.", valueName: "n")) var inputTokens: Int = 1000
  @Option(name: .customLong("output-tokens"), help: ArgumentHelp("Output tokens per request.", valueName: "n")) var outputTokens: Int = 1000
  @Option(name: .customLong("ttft-ms"), help: ArgumentHelp("Time-to-first-token target.", valueName: "ms")) var ttftMs: Double?
  @Option(name: .customLong("tpot-ms"), help: ArgumentHelp("Time-per-output-token target.", valueName: "ms")) var tpotMs: Double?
  @Option(help: ArgumentHelp("Serving engine: tensorrt-llm, vllm, sglang … (default: the GPU vendor's, as published: TensorRT-LLM on NVIDIA, vLLM on AMD).",
                             valueName: "name")) var engine: String?
  @Option(help: TableOrJSON.help("table or json.", valueName: "format", default: .table), transform: TableOrJSON.parse) var format: TableOrJSON = .table
  @Flag(help: "Refit the efficiency factors on the benchmarks and print the calibration table.") var calibrate = false
  @OptionGroup var options: CatalogOptions

  mutating func validate() throws {
    if !calibrate && (model == nil || gpu == nil) { throw ValidationError("name --model and --gpu (or pass --calibrate)") }
    if gpus < 1 || inputTokens < 1 || outputTokens < 1 { throw ValidationError("--gpus, --input-tokens and --output-tokens must be positive") }
    if gpus > 4096 { throw ValidationError("--gpus must be at most 4096 (one serving deployment)") }
    if inputTokens > 10_000_000 || outputTokens > 10_000_000 { throw ValidationError("--input-tokens and --output-tokens must be at most 10,000,000") }
    for (name, v) in [("--ttft-ms", ttftMs), ("--tpot-ms", tpotMs)] {
      if let v, !(v > 0 && v <= 3_600_000) { throw ValidationError("\(name) must be a positive number of milliseconds (at most an hour)") }
    }
  }

  func run() throws {
    if calibrate {
      let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
      print(try Workspace.calibrate(catalogs: options.catalogs, asOf: today, write: true), terminator: "")
      return
    }
    do {
      let e = try Workspace.throughput(model: model!, gpu: gpu!, gpus: gpus, precision: precision, input: inputTokens, output: outputTokens,
                                       ttftMs: ttftMs, tpotMs: tpotMs, engine: engine, catalogs: options.catalogs)
      if format == .json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(e), as: UTF8.self))
      } else {
        print(String(format: """
          %@ on %d × %@ (%@), %d in / %d out tokens per request
          layout                         %@
          output tokens/s                %.0f
          output tokens/s per GPU        %.0f
          batch per replica              %d (KV cache holds %d)
          TTFT                           %.0f ms
          TPOT                           %.1f ms
          engine                         %@ (speed factor: %@)
          """, e.model, e.gpus, e.gpu, e.precision.rawValue, e.inputTokens, e.outputTokens, e.layout, e.outputTokensPerSecond,
          e.outputTokensPerSecondPerGPU, e.maxBatch, e.maxBatchByMemory, e.ttftMs, e.tpotMs, e.engine,
          e.calibrated ? e.speedCell : "\(e.speedCell): no result of this engine on this architecture was fitted, treat as ±50%"))
      }
    } catch let e as ThroughputError {
      throw Failure(message: "error: \(e)", code: ExitStatus.badData)
    }
  }
}
