import Foundation
import MLCostCatalogs
import MLCostCore

/// Fits the roofline's efficiency factors to measured results and says how wrong it is on results it was not fitted on.
public struct Calibration: Sendable, Equatable {
  public var efficiency: Efficiency
  /// Rows with known input/output lengths that resolve to a catalog GPU and model.
  public var rows: Int
  public var medianAbsPercentError: Double
  public var worstAbsPercentError: Double
  /// Each source (an MLPerf submitter's round, a vendor's table) predicted by a fit on all the other sources.
  public var heldOutMedianAbsPercentError: Double?
  public var heldOutWorstAbsPercentError: Double?
  public var predictions: [Prediction]

  public struct Prediction: Sendable, Equatable {
    public var benchmark: BenchmarkRow
    public var predicted: Double?
    /// Predicted by a fit without this row's source.
    public var sourceHeldOut: Double?
    /// Predicted by a fit without this row's whole publication (all of MLPerf v4.1, all of one vendor's table).
    public var publicationHeldOut: Double?
    /// Where the speed factor of the held-out prediction came from (`Efficiency.speed`).
    public var heldOutCell: String?
    public var percentError: Double? { predicted.map { ($0 / benchmark.outputTokensPerSecond - 1) * 100 } }
    public var heldOutPercentError: Double? { sourceHeldOut.map { ($0 / benchmark.outputTokensPerSecond - 1) * 100 } }
    public var publicationPercentError: Double? { publicationHeldOut.map { ($0 / benchmark.outputTokensPerSecond - 1) * 100 } }
  }

  /// Each parameter's grid, searched one coordinate at a time (`fit`).
  public static let memoryGrid = steps(0.4, 1.0, 0.05)
  public static let computeGrid = steps(0.1, 1.0, 0.05)
  /// Fixed step cost, ms: at most 4 (with CUDA graphs an 8B model on an H100 decodes one sequence in 5–8 ms, so the fixed
  /// part cannot be the 20 ms a free fit once chose to absorb large-batch costs).
  public static let overheadGrid = steps(0, 4, 0.5)
  /// Per-sequence overhead, µs (a 1,000-sequence step at 20 µs carries 20 ms; a single sequence's 0.02 ms).
  public static let perSequenceGrid = [0.0, 1, 2, 5, 10, 20, 40]
  public static let maxBatchGrid = [128, 256, 512, 1024, 2048, 4096, 8192]
  /// The KV cache's share of the memory the weights leave, as far as the engine really uses it (0.9 set, less in effect:
  /// activations, fragmentation, CUDA graphs).
  public static let kvFractionGrid = steps(0.4, 0.95, 0.05)
  /// FP4's share of its datasheet peak.
  public static let fp4Grid = steps(0.2, 1.0, 0.05)

  /// `from`, `from + by` … `through`, each rounded to the hundredth (the stored file round-trips them exactly).
  static func steps(_ from: Double, _ through: Double, _ by: Double) -> [Double] {
    (0...Int(((through - from) / by).rounded())).map { ((from + Double($0) * by) * 100).rounded() / 100 }
  }

  struct Case {
    var model: ModelShape, gpu: GPUSpec, row: BenchmarkRow, index: Int
    /// `architecture|engine`, lower case: the cell a speed factor is fitted for.
    var cell: String { "\(gpu.architecture.lowercased())|\(row.engineKind)" }
  }

  static func cases(_ catalog: Catalog) -> [Case] {
    catalog.benchmarks.enumerated().compactMap { i, b in
      guard b.inputTokens != nil, b.outputTokens != nil, let m = catalog.model(named: b.model), let g = catalog.gpu(named: b.gpu) else { return nil }
      return Case(model: m, gpu: g, row: b, index: i)
    }
  }

  /// The published layout (`TPn` in the engine) or, where the submitter chose it (MLPerf), the best layout of its GPUs.
  static func predict(_ e: Efficiency, _ c: Case) -> Double? {
    let model = ThroughputModel(efficiency: e), r = c.row
    if let tp = r.tensorParallel {
      return (try? model.replica(model: c.model, gpu: c.gpu, tp: tp, precision: r.precision, input: r.inputTokens!, output: r.outputTokens!,
                                 engine: r.engineKind)).map { $0.outputTokensPerSecond * Double(r.gpuCount / tp) }
    }
    return (try? model.best(model: c.model, gpu: c.gpu, gpus: r.gpuCount, precision: r.precision, input: r.inputTokens!, output: r.outputTokens!,
                            engine: r.engineKind))?.outputTokensPerSecond
  }

  /// Log residuals `log(measured / predicted)` of the roofline alone (no speed factors); nil when a row does not fit.
  static func residuals(_ e: Efficiency, _ cases: [Case]) -> [Double]? {
    var base = e
    base.speedFactors = [:]
    var out: [Double] = []
    out.reserveCapacity(cases.count)
    for c in cases {
      guard let p = predict(base, c), p > 0 else { return nil }
      out.append(log(c.row.outputTokensPerSecond / p))
    }
    return out
  }

  /// Speed factors from residuals: each architecture/engine cell's geometric mean, each engine's over all its cells, and
  /// all results'.
  static func factors(_ residuals: [Double], _ cases: [Case]) -> [String: Double] {
    var sums: [String: (Double, Int)] = [:]
    for (r, c) in zip(residuals, cases) {
      for key in [c.cell, "\(c.gpu.architecture.lowercased())|", "|\(c.row.engineKind)", ""] { sums[key, default: (0, 0)].0 += r; sums[key, default: (0, 0)].1 += 1 }
    }
    return sums.mapValues { (exp($0.0 / Double($0.1)) * 1e4).rounded() / 1e4 }
  }

  /// Squared log error once each cell's own factor is applied (what the roofline's shape gets wrong within a cell).
  static func loss(_ e: Efficiency, _ cases: [Case]) -> Double {
    guard let r = residuals(e, cases) else { return .infinity }
    var sums: [String: (Double, Int)] = [:]
    for (v, c) in zip(r, cases) { sums[c.cell, default: (0, 0)].0 += v; sums[c.cell, default: (0, 0)].1 += 1 }
    var total = 0.0
    for (v, c) in zip(r, cases) { let s = sums[c.cell]!; let d = v - s.0 / Double(s.1); total += d * d }
    return total + priorWeight * prior(e)
  }

  /// Where every fit starts and what it is pulled back to when the data cannot tell (one workload shape says nothing about
  /// prefill or step overhead): llm-analysis' shipped efficiencies, a 2 ms step, the engines' 0.9 KV setting.
  static let start = Efficiency(memory: 0.8, compute: 0.5, prefillCompute: 0.5, stepOverheadMs: 2, perSequenceOverheadUs: 0, maxBatch: 1024,
                                memoryFraction: 0.9)
  /// How hard `start` pulls (one row's squared log error per unit): chosen among 0, 0.1, 0.3, 0.5, 1 and 3 by the
  /// held-out error (docs/planner.md); 0 let a fit on MLPerf's one workload shape pick any step overhead and missed the
  /// TensorRT-LLM table by 42% (median).
  static let priorWeight = 1.0

  /// Squared log distance from `start`, factor by factor (step costs in their own units).
  static func prior(_ e: Efficiency) -> Double {
    func l(_ a: Double, _ b: Double) -> Double { let d = log(a / b); return d * d }
    let s = start
    return l(e.memory, s.memory) + l(e.compute, s.compute) + l(e.prefillCompute, s.prefillCompute) + l(e.memoryFraction, s.memoryFraction)
      + l(e.fp4Compute, s.fp4Compute) + l(Double(e.maxBatch), Double(s.maxBatch)) / 4
      + pow((e.stepOverheadMs - s.stepOverheadMs) / 4, 2) + pow(e.perSequenceOverheadUs / 40, 2)
  }

  /// Coordinate descent over the grids from a fixed start (the same for every fit, so a held-out fit learns nothing from
  /// the full one), then the speed factors of the cells in `cases`.
  static func fit(_ cases: [Case]) -> Efficiency {
    var e = start
    var best = loss(e, cases)
    func search<T>(_ grid: [T], _ path: WritableKeyPath<Efficiency, T>) {
      for v in grid {
        var t = e
        t[keyPath: path] = v
        let l = loss(t, cases)
        if l < best - 1e-12 { best = l; e = t }
      }
    }
    for _ in 0..<12 {
      let before = best
      search(memoryGrid, \.memory); search(computeGrid, \.compute); search(computeGrid, \.prefillCompute)
      search(overheadGrid, \.stepOverheadMs); search(perSequenceGrid, \.perSequenceOverheadUs); search(maxBatchGrid, \.maxBatch)
      search(kvFractionGrid, \.memoryFraction)
      if cases.contains(where: { $0.row.precision == .fp4 }) { search(fp4Grid, \.fp4Compute) }
      if before - best < 1e-9 { break }
    }
    if let r = residuals(e, cases) { e.speedFactors = factors(r, cases) }
    return e
  }

  /// Fits on every usable row; `heldOut` also refits once per source and once per publication without it.
  public static func run(_ catalog: Catalog, heldOut: Bool) -> Calibration {
    let cases = cases(catalog)
    let e = fit(cases)
    var predictions = catalog.benchmarks.map { Prediction(benchmark: $0, predicted: nil) }
    for c in cases { predictions[c.index].predicted = predict(e, c) }
    var heldOutErrors: [Double] = []
    if heldOut {
      for (key, field) in [(\BenchmarkRow.sourceKey, \Prediction.sourceHeldOut), (\BenchmarkRow.publicationKey, \Prediction.publicationHeldOut)] {
        for group in Set(cases.map { $0.row[keyPath: key] }).sorted() {
          let without = fit(cases.filter { $0.row[keyPath: key] != group })
          for c in cases where c.row[keyPath: key] == group {
            predictions[c.index][keyPath: field] = predict(without, c)
            if field == \Prediction.sourceHeldOut {
              predictions[c.index].heldOutCell = without.speed(architecture: c.gpu.architecture, engine: c.row.engineKind).cell
            }
          }
        }
      }
      heldOutErrors = predictions.compactMap { $0.heldOutPercentError.map(abs) }
    }
    let errors = predictions.compactMap { $0.percentError.map(abs) }
    return Calibration(efficiency: e, rows: cases.count, medianAbsPercentError: median(errors), worstAbsPercentError: errors.max() ?? 0,
                       heldOutMedianAbsPercentError: heldOut ? median(heldOutErrors) : nil,
                       heldOutWorstAbsPercentError: heldOut ? heldOutErrors.max() : nil, predictions: predictions)
  }

  public static func median(_ v: [Double]) -> Double {
    let s = v.sorted()
    if s.isEmpty { return 0 }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
  }
}
