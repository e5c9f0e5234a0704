import Foundation
import MLCostCatalogs
import MLCostCore

/// `catalogs/throughput_calibration.csv`: the fitted factors, stored so a plan does not refit.
public enum CalibrationFile {
  public static let name = "throughput_calibration.csv"
  static let columns = ["memory_efficiency", "compute_efficiency", "prefill_compute_efficiency", "step_overhead_ms", "per_sequence_overhead_us",
                        "max_batch", "memory_fraction", "fp4_compute_efficiency", "speed_factors", "rows", "median_abs_pct_error",
                        "worst_abs_pct_error", "held_out_median_abs_pct_error", "held_out_worst_abs_pct_error", "source", "as_of"]

  public static func load(directory: String) throws -> Efficiency? { try read(directory: directory)?.efficiency }

  /// The fitted factors and the held-out errors they were fitted with, or nil when the file is absent.
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
    efficiency.speedFactors = try factors(row.text("speed_factors"), row: row)
    return (efficiency, PlanCalibration(benchmarkRows: try row.integer("rows"), medianAbsPercentError: try row.number("held_out_median_abs_pct_error"),
                                        worstAbsPercentError: try row.number("held_out_worst_abs_pct_error")))
  }

  /// `hopper|tensorrt-llm=1.02;|vllm=0.61;=0.97`.
  static func factors(_ text: String, row: CatalogRow) throws -> [String: Double] {
    var out: [String: Double] = [:]
    for item in text.split(separator: ";") where !item.isEmpty {
      guard let eq = item.lastIndex(of: "="), let v = Double(item[item.index(after: eq)...]), v > 0, v.isFinite else {
        throw CatalogError(file: row.file, line: row.line, message: "speed_factors: '\(item)' is not architecture|engine=factor")
      }
      out[String(item[..<eq])] = v
    }
    return out
  }

  public static func text(_ c: Calibration, asOf: String) -> String {
    func p(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "" }
    let e = c.efficiency
    let factors = e.speedFactors.sorted { $0.key < $1.key }.map { "\($0.key)=\(CatalogCSV.number($0.value))" }.joined(separator: ";")
    return CatalogCSV.line(columns) + CatalogCSV.line([
      CatalogCSV.number(e.memory), CatalogCSV.number(e.compute), CatalogCSV.number(e.prefillCompute), CatalogCSV.number(e.stepOverheadMs),
      CatalogCSV.number(e.perSequenceOverheadUs), String(e.maxBatch), CatalogCSV.number(e.memoryFraction), CatalogCSV.number(e.fp4Compute), factors,
      String(c.rows), p(c.medianAbsPercentError), p(c.worstAbsPercentError), p(c.heldOutMedianAbsPercentError), p(c.heldOutWorstAbsPercentError),
      "fitted by `mlcost throughput --calibrate` on benchmarks.csv (\(c.rows) rows with known lengths); held-out = each source predicted by a fit without it",
      asOf])
  }
}
