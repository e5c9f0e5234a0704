import Foundation
import MLCostCatalogs
import MLCostPlanner
import MLCostTestSupport
import Testing

struct CalibrationTests {
  static let catalog: Catalog = try! Catalog.load(directory: Repo.path("catalogs"))

  @Test func printCalibration() {
    let c = Calibration.run(Self.catalog, leaveOneOut: false)
    print(c.efficiency, c.rows, c.medianAbsPercentError, c.worstAbsPercentError)
    for p in c.predictions where p.predicted != nil {
      print(p.benchmark.model, p.benchmark.gpu, p.benchmark.gpuCount, p.benchmark.precision, p.benchmark.inputTokens!, p.benchmark.outputTokens!, p.benchmark.outputTokensPerSecond, Int(p.predicted!), String(format: "%.0f%%", p.percentError!))
    }
  }
}
