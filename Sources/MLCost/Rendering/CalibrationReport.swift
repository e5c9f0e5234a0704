import Foundation
import MLCostPlanner

/// The calibration table in docs/planner.md: predicted vs measured for every benchmark row.
enum CalibrationReport {
  static func markdown(_ c: Calibration) -> String {
    let e = c.efficiency
    var out = String(format: """
      Fitted on %d rows: memory efficiency %.2f, decode compute %.2f, prefill compute %.2f, step overhead %.0f ms + %.0f µs per sequence, max batch %d, FP4 share of its peak %.2f (fitted on the FP4 rows alone).
      Absolute error: median %.1f%%, worst %.1f%%. Leave-one-out: median %.1f%%, worst %.1f%%.

      | model | GPUs | precision | in/out | measured tok/s | predicted | error | leave-one-out |
      |---|---|---|---|---:|---:|---:|---:|

      """, c.rows, e.memory, e.compute, e.prefillCompute, e.stepOverheadMs, e.perSequenceOverheadUs, e.maxBatch, e.fp4Compute, c.medianAbsPercentError, c.worstAbsPercentError,
      c.leaveOneOutMedianAbsPercentError ?? .nan, c.leaveOneOutWorstAbsPercentError ?? .nan)
    for p in c.predictions {
      let b = p.benchmark
      let lengths = "\(b.inputTokens.map(String.init) ?? "?")/\(b.outputTokens.map(String.init) ?? "?")"
      let predicted = p.predicted.map { String(format: "%.0f", $0) } ?? "not used (lengths unknown)"
      let err = p.percentError.map { String(format: "%+.0f%%", $0) } ?? ""
      let loo = p.leaveOneOut.map { String(format: "%+.0f%%", ($0 / b.outputTokensPerSecond - 1) * 100) } ?? ""
      out += "| \(b.model) | \(b.gpuCount) × \(b.gpu) | \(b.precision.rawValue) | \(lengths) | \(String(format: "%.0f", b.outputTokensPerSecond)) | \(predicted) | \(err) | \(loo) |\n"
    }
    return out
  }
}
