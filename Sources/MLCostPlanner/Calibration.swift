import Foundation
import MLCostCatalogs
import MLCostCore

/// Fits the roofline's efficiency factors to measured results and says how wrong it still is.
public struct Calibration: Sendable, Equatable {
  public var efficiency: Efficiency
  /// Rows with known input/output lengths that resolve to a catalog GPU and model.
  public var rows: Int
  public var medianAbsPercentError: Double
  public var worstAbsPercentError: Double
  /// Each row predicted by a fit on all the other rows.
  public var leaveOneOutMedianAbsPercentError: Double?
  public var leaveOneOutWorstAbsPercentError: Double?
  public var predictions: [Prediction]

  public struct Prediction: Sendable, Equatable {
    public var benchmark: BenchmarkRow
    public var predicted: Double?
    public var leaveOneOut: Double?
    public var percentError: Double? { predicted.map { ($0 / benchmark.outputTokensPerSecond - 1) * 100 } }
  }

  /// The grid searched (coarse on purpose: a handful of physical factors, not a curve fit).
  public static let memoryGrid = [0.6, 0.7, 0.8, 0.9, 1.0]
  public static let computeGrid = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
  /// Fixed step cost, ms: at most 4 (with CUDA graphs an 8B model on an H100 decodes one sequence in 5–8 ms, so the fixed
  /// part cannot be the 20 ms a free fit once chose to absorb large-batch costs).
  public static let overheadGrid = [0.0, 1, 2, 3, 4]
  /// Per-sequence overhead, µs (a 1,000-sequence step at 20 µs carries 20 ms; a single sequence's 0.02 ms).
  public static let perSequenceGrid = [0.0, 5, 10, 20, 40]
  public static let maxBatchGrid = [256, 512, 1024, 2048, 4096]

  /// `index`: the row's place in `catalog.benchmarks`.
  struct Case { var model: ModelShape; var gpu: GPUSpec; var row: BenchmarkRow; var index: Int }

  static func cases(_ catalog: Catalog) -> [Case] {
    catalog.benchmarks.enumerated().compactMap { i, b in
      guard b.inputTokens != nil, b.outputTokens != nil, let m = catalog.model(named: b.model), let g = catalog.gpu(named: b.gpu) else { return nil }
      return Case(model: m, gpu: g, row: b, index: i)
    }
  }

  /// The benchmark's own layout: `gpuCount` GPUs in one tensor-parallel group (as published).
  static func predict(_ e: Efficiency, _ c: Case) -> Double? {
    guard let r = try? ThroughputModel(efficiency: e).replica(model: c.model, gpu: c.gpu, tp: c.row.gpuCount, precision: c.row.precision,
                                                              input: c.row.inputTokens!, output: c.row.outputTokens!) else { return nil }
    return r.outputTokensPerSecond
  }

  /// Mean squared log error: over- and under-prediction by the same factor weigh the same.
  static func loss(_ e: Efficiency, _ cases: [Case], skipping: Int? = nil, fp4: Bool? = nil) -> Double {
    var sum = 0.0
    for (i, c) in cases.enumerated() where i != skipping && (fp4 == nil || (c.row.precision == .fp4) == fp4) {
      guard let p = predict(e, c) else { return .infinity }
      let l = log(p / c.row.outputTokensPerSecond)
      sum += l * l
    }
    return sum
  }

  /// FP4's share of its peak, searched on the FP4 rows alone once the other factors are fitted on the rest.
  /// The KV cache's share of the memory the weights leave, as far as the engine really uses it (0.9 set, less in effect:
  /// activations, fragmentation, CUDA graphs).
  public static let kvFractionGrid = [0.5, 0.7, 0.9]

  public static let fp4Grid = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]

  static func fit(_ cases: [Case], skipping: Int? = nil) -> Efficiency {
    let hasOthers = cases.enumerated().contains { $0.offset != skipping && $0.element.row.precision != .fp4 }
    var best = Efficiency.uncalibrated, bestLoss = Double.infinity
    for m in memoryGrid { for c in computeGrid { for pc in computeGrid { for o in overheadGrid { for s in perSequenceGrid { for b in maxBatchGrid {
    for kv in kvFractionGrid {
      let e = Efficiency(memory: m, compute: c, prefillCompute: pc, stepOverheadMs: o, perSequenceOverheadUs: s, maxBatch: b, memoryFraction: kv)
      let l = loss(e, cases, skipping: skipping, fp4: hasOthers ? false : nil)
      if l < bestLoss { bestLoss = l; best = e }
    } } } } } } }
    guard hasOthers, cases.enumerated().contains(where: { $0.offset != skipping && $0.element.row.precision == .fp4 }) else { return best }
    var fp4Loss = Double.infinity, fitted = best
    for f in fp4Grid {
      var e = best
      e.fp4Compute = f
      let l = loss(e, cases, skipping: skipping, fp4: true)
      if l < fp4Loss { fp4Loss = l; fitted = e }
    }
    return fitted
  }

  /// Fits on every usable benchmark row; `leaveOneOut` refits once per row (slow in debug builds).
  public static func run(_ catalog: Catalog, leaveOneOut: Bool) -> Calibration {
    let cases = cases(catalog)
    let e = fit(cases)
    var predictions = catalog.benchmarks.map { Prediction(benchmark: $0, predicted: nil, leaveOneOut: nil) }
    var looErrors: [Double] = []
    for (i, c) in cases.enumerated() {
      let index = c.index
      predictions[index].predicted = predict(e, c)
      if leaveOneOut, let p = predict(fit(cases, skipping: i), c) {
        predictions[index].leaveOneOut = p
        looErrors.append(abs(p / c.row.outputTokensPerSecond - 1) * 100)
      }
    }
    let errors = predictions.compactMap { $0.percentError.map(abs) }
    return Calibration(efficiency: e, rows: cases.count, medianAbsPercentError: median(errors), worstAbsPercentError: errors.max() ?? 0,
                       leaveOneOutMedianAbsPercentError: leaveOneOut ? median(looErrors) : nil,
                       leaveOneOutWorstAbsPercentError: leaveOneOut ? looErrors.max() : nil, predictions: predictions)
  }

  static func median(_ v: [Double]) -> Double {
    let s = v.sorted()
    if s.isEmpty { return 0 }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
  }
}

/// `catalogs/throughput_calibration.csv`: the fitted factors, stored so a plan does not refit.
public enum CalibrationFile {
  public static let name = "throughput_calibration.csv"
  static let columns = ["memory_efficiency", "compute_efficiency", "prefill_compute_efficiency", "step_overhead_ms", "max_batch", "memory_fraction", "rows",
                        "median_abs_pct_error", "worst_abs_pct_error", "loo_median_abs_pct_error", "loo_worst_abs_pct_error", "source", "as_of"]

  public static func load(directory: String) throws -> Efficiency? { try read(directory: directory)?.efficiency }

  /// The fitted factors and the errors they were fitted with, or nil when the file is absent.
  public static func read(directory: String) throws -> (efficiency: Efficiency, summary: PlanCalibration)? {
    let path = (directory as NSString).appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    guard let row = try CatalogTable.rows(path: path, required: columns).first else { return nil }
    _ = try row.provenance()
    var efficiency = Efficiency(memory: try row.positive("memory_efficiency"), compute: try row.positive("compute_efficiency"),
                                prefillCompute: try row.positive("prefill_compute_efficiency"),
                                stepOverheadMs: try row.number("step_overhead_ms") ?? 0,
                                perSequenceOverheadUs: try row.number("per_sequence_overhead_us") ?? 0,
                                maxBatch: try row.integer("max_batch"),
                                memoryFraction: try row.positive("memory_fraction"))
    efficiency.fp4Compute = try row.number("fp4_compute_efficiency") ?? 1
    return (efficiency, PlanCalibration(benchmarkRows: try row.integer("rows"), medianAbsPercentError: try row.number("median_abs_pct_error"),
                                        worstAbsPercentError: try row.number("worst_abs_pct_error")))
  }

  public static func text(_ c: Calibration, asOf: String) -> String {
    func p(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "" }
    let e = c.efficiency
    return CatalogCSV.line(columns + ["per_sequence_overhead_us", "fp4_compute_efficiency"]) + CatalogCSV.line([
      CatalogCSV.number(e.memory), CatalogCSV.number(e.compute), CatalogCSV.number(e.prefillCompute), CatalogCSV.number(e.stepOverheadMs), String(e.maxBatch),
      CatalogCSV.number(e.memoryFraction), String(c.rows), p(c.medianAbsPercentError), p(c.worstAbsPercentError),
      p(c.leaveOneOutMedianAbsPercentError), p(c.leaveOneOutWorstAbsPercentError),
      "fitted by `mlcost throughput --calibrate` on benchmarks.csv (\(c.rows) rows with known lengths)", asOf,
      CatalogCSV.number(e.perSequenceOverheadUs), CatalogCSV.number(e.fp4Compute)])
  }
}
