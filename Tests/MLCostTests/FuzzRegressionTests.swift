import Foundation
import MLCostTestSupport
import Testing
@testable import MLCost

/// Every committed fuzz seed and every input a fuzzer once crashed on, replayed through its target
/// without libFuzzer: no trap, no broken invariant (`FuzzTarget` checks them).
struct FuzzRegressionTests {
  static func inputs(_ target: FuzzTarget) -> [String] {
    ["Fuzz/corpus", "Fuzz/regressions"].flatMap { folder -> [String] in
      let dir = Repo.path("\(folder)/\(target.rawValue)")
      let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
      return names.filter { !$0.hasPrefix(".") }.sorted().map { (dir as NSString).appendingPathComponent($0) }
    }
  }

  @Test(arguments: FuzzTarget.allCases)
  func everySeedAndRegressionRunsClean(_ target: FuzzTarget) throws {
    let files = Self.inputs(target)
    #expect(!files.isEmpty, "Fuzz/corpus/\(target.rawValue) has no seeds")
    for file in files { target.run(Array(try Data(contentsOf: URL(fileURLWithPath: file)))) }
  }

  /// The crash classes the adversarial run found, as inputs every target must survive.
  @Test(arguments: FuzzTarget.allCases)
  func adversarialBytesRunClean(_ target: FuzzTarget) {
    let cases: [[UInt8]] = [
      [], [0], [0xFF, 0xFE, 0x41, 0x00], [0xEF, 0xBB, 0xBF], Array("\"".utf8), Array("a,b\n\"c".utf8),
      Array("BilledCost,EffectiveCost\n1e27,1e27\n".utf8), Array(repeating: UInt8(ascii: "9"), count: 5000),
      Array("{\"data\":[{\"a\":1,\"a\":2}]}".utf8), Array("<Invoice><cbc:ID>\u{0}</cbc:ID></Invoice>".utf8),
      [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03],
    ]
    for bytes in cases { target.run(bytes) }
  }
}
