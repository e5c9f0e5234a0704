import Foundation
import MLCostPlanner

/// The calibration tables in docs/planner.md: predicted vs measured for every benchmark row, in and out of the fit.
enum CalibrationReport {
  static func markdown(_ c: Calibration) -> String {
    let e = c.efficiency
    func pct(_ v: Double?) -> String { v.map { String(format: "%+.0f%%", $0) } ?? "" }
    var out = String(format: """
      Fitted on %d rows: memory efficiency %.2f, decode compute %.2f, prefill compute %.2f, step overhead %.1f ms + %.0f µs per sequence, max batch %d, KV share %.2f, FP4 share of its peak %.2f.
      Speed factors (architecture/engine): %@.
      In the fit: median %.1f%%, worst %.1f%%. Each source held out of the fit: median %.1f%%, worst %.1f%%.

      """, c.rows, e.memory, e.compute, e.prefillCompute, e.stepOverheadMs, e.perSequenceOverheadUs, e.maxBatch, e.memoryFraction, e.fp4Compute,
      e.speedFactors.sorted { $0.key < $1.key }.map { "\($0.key.isEmpty ? "all" : $0.key) \(String(format: "%.2f", $0.value))" }.joined(separator: ", "),
      c.medianAbsPercentError, c.worstAbsPercentError, c.heldOutMedianAbsPercentError ?? .nan, c.heldOutWorstAbsPercentError ?? .nan)
    out += "\n| source held out | rows | median | worst | publication held out: median | worst |\n|---|---:|---:|---:|---:|---:|\n"
    let used = c.predictions.filter { $0.predicted != nil }
    for source in Set(used.map(\.benchmark.sourceKey)).sorted() {
      let rows = used.filter { $0.benchmark.sourceKey == source }
      let held = rows.compactMap { $0.heldOutPercentError.map(abs) }, pub = rows.compactMap { $0.publicationPercentError.map(abs) }
      out += String(format: "| %@ | %d | %.0f%% | %.0f%% | %.0f%% | %.0f%% |\n", source, rows.count, Calibration.median(held), held.max() ?? 0,
                    Calibration.median(pub), pub.max() ?? 0)
    }
    out += """

      | model | GPUs | precision | engine | in/out | measured tok/s | predicted | error | source held out | factor used | publication held out |
      |---|---|---|---|---|---:|---:|---:|---:|---|---:|

      """
    for p in c.predictions {
      let b = p.benchmark
      let lengths = "\(b.inputTokens.map(String.init) ?? "?")/\(b.outputTokens.map(String.init) ?? "?")"
      let predicted = p.predicted.map { String(format: "%.0f", $0) } ?? "not used (lengths unknown)"
      out += "| \(b.model) | \(b.gpuCount) × \(b.gpu) | \(b.precision.rawValue) | \(b.engine) | \(lengths) | \(String(format: "%.0f", b.outputTokensPerSecond)) "
        + "| \(predicted) | \(pct(p.percentError)) | \(pct(p.heldOutPercentError)) | \(p.heldOutCell ?? "") | \(pct(p.publicationPercentError)) |\n"
    }
    return out
  }
}
