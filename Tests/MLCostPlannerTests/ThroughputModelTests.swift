import Foundation
import MLCostCatalogs
import MLCostPlanner
import MLCostTestSupport
import Testing

struct ThroughputModelTests {
  static let catalog: Catalog = try! Catalog.load(directory: Repo.path("catalogs"))
  static let model = ThroughputModel(efficiency: try! CalibrationFile.load(directory: Repo.path("catalogs"))!)

  func estimate(_ m: String, _ g: String, _ n: Int, _ p: Precision, _ i: Int = 1000, _ o: Int = 1000, tpot: Double? = nil) throws -> ThroughputEstimate {
    try Self.model.best(model: Self.catalog.model(named: m)!, gpu: Self.catalog.gpu(named: g)!, gpus: n, precision: p, input: i, output: o, tpotMs: tpot)
  }

  @Test func theJSONHasTheDocumentedTopLevelKeys() throws {
    let data = try JSONEncoder().encode(try estimate("Llama-3.1-8B", "H100", 8, .fp8))
    let keys = Set((try JSONSerialization.jsonObject(with: data) as! [String: Any]).keys)
    #expect(keys.isSuperset(of: ["outputTokensPerSecond", "outputTokensPerSecondPerGPU", "maxBatch", "ttftMs", "tpotMs", "layout"]))
  }

  @Test func smallModelsReplicateAndLargeOnesSplit() throws {
    #expect(try estimate("Llama-3.1-8B", "H100", 8, .fp8).layout == "8 × TP1")
    #expect(try estimate("Llama-3.1-405B", "H100", 8, .fp8).layout == "1 × TP8")
    #expect(try estimate("Llama-3.1-70B", "H100", 8, .bf16).tensorParallel >= 2)
  }

  @Test func aModelThatDoesNotFitIsRefusedWithTheReason() {
    #expect(throws: ThroughputError.self) { try estimate("Llama-3.1-405B", "L4", 1, .bf16) }
    do { _ = try estimate("Llama-3.1-405B", "L4", 1, .bf16) } catch {
      #expect("\(error)".hasPrefix("Llama-3.1-405B does not fit on 1 × L4: the weights and one sequence's KV cache need 813 GB per GPU"))
    }
  }

  @Test func decodeAtBatchOneCannotBeatWeightBytesOverBandwidth() throws {
    // Every token of a sequence reads all 16 GB of BF16 weights: 3.35 TB/s caps one sequence at ~208 tokens/s.
    let m = Self.catalog.model(named: "Llama-3.1-8B")!, g = Self.catalog.gpu(named: "H100")!
    let ceiling = 3350e9 / (8.03e9 * 2)
    for tpot in [25.0, 40, 100] {
      let r = try Self.model.replica(model: m, gpu: g, tp: 1, precision: .bf16, input: 100, output: 1000, tpotMs: tpot)
      #expect(r.outputTokensPerSecond / Double(r.batch) <= ceiling)
    }
  }

  @Test func tighterLatencyNeverRaisesThroughput() throws {
    var previous = Double.infinity
    for tpot in [200.0, 100, 60, 40, 30] {
      let e = try estimate("Llama-3.1-70B", "H200", 8, .fp8, 1000, 300, tpot: tpot)
      #expect(e.outputTokensPerSecond <= previous * 1.0001 && e.tpotMs <= tpot)
      previous = e.outputTokensPerSecond
    }
  }

  @Test func theStoredCalibrationIsWhatTheBenchmarksFit() {
    // A stale throughput_calibration.csv (benchmarks changed, not refitted) fails here: run `mlcost throughput --calibrate`.
    let c = Calibration.run(Self.catalog, leaveOneOut: false)
    #expect(c.efficiency == Self.model.efficiency)
    #expect(c.rows >= 80 && c.medianAbsPercentError < 20 && c.worstAbsPercentError < 60)
  }
}
