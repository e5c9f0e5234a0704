import Foundation
import MLCostCatalogs
import MLCostTestSupport
import Testing

/// Each validation rule catches its own mistake, with file and line.
struct CatalogValidationTests {
  /// A copy of the shipped catalogs with one file replaced.
  static func catalog(replacing file: String, with text: String) throws -> String {
    let dir = Repo.temporaryDirectory()
    for f in Catalog.files {
      try FileManager.default.copyItem(atPath: Repo.path("catalogs/\(f)"), toPath: (dir as NSString).appendingPathComponent(f))
    }
    try text.write(toFile: (dir as NSString).appendingPathComponent(file), atomically: true, encoding: .utf8)
    return dir
  }

  static let header = InstanceOffer.columns.joined(separator: ",")
  static let now = Int64(1_795_000_000)   // 2026-11-18

  func issues(_ rows: String) throws -> [String] {
    try Catalog.load(directory: Self.catalog(replacing: "instances.csv", with: Self.header + "\n" + rows)).validate(now: Self.now).map(\.description)
  }

  @Test func spotAboveOnDemandIsAnError() throws {
    #expect(try issues("AWS,us-east-1,p5.48xlarge,H100,8,192,2048,55.04,60,,,3,0,test,2025-01-01\n")
            == ["instances.csv:2: error: spot 60.0 is above on-demand 55.04"])
  }

  @Test func unknownGPUsRegionsAndDuplicatesAreErrors() throws {
    let found = try issues("""
      AWS,us-east-1,x1,Voodoo5,1,,,1,,,,1,0,test,2025-01-01
      AWS,mars-north-1,x2,H100,1,,,1,,,,1,0,test,2025-01-01
      AWS,us-east-1,x3,H100,1,,,1,,,,1,0,test,2025-01-01
      AWS,us-east-1,x3,H100,1,,,2,,,,1,0,test,2025-01-01

      """)
    #expect(found == ["instances.csv:2: error: unknown GPU 'Voodoo5' (add it or an alias to gpus.csv)",
                      "instances.csv:3: error: unknown region AWS mars-north-1 (add it to regions.csv)",
                      "instances.csv:5: error: 'aws|us-east-1|x3' is already defined on line 4"])
  }

  @Test func datesInTheFutureAndCommitmentsAboveOnDemandAreErrors() throws {
    #expect(try issues("AWS,us-east-1,x1,H100,1,,,2,,3,,1,0,test,2027-01-01\n")
            == ["instances.csv:2: error: as_of 2027-01-01 is in the future", "instances.csv:2: error: 1-year commitment 3.0 is above on-demand 2.0"])
  }

  @Test func anUnsourcedRowOrAZeroPriceFailsToLoadWithItsLine() throws {
    let unsourced = try Self.catalog(replacing: "instances.csv", with: Self.header + "\nAWS,us-east-1,x1,H100,1,,,2,,,,1,0,,2025-01-01\n")
    #expect(throws: CatalogError.self) { try Catalog.load(directory: unsourced) }
    do { _ = try Catalog.load(directory: unsourced) } catch { #expect("\(error)" == "instances.csv:2: error: every row cites its source and as_of date") }
    let zero = try Self.catalog(replacing: "instances.csv", with: Self.header + "\nAWS,us-east-1,x1,H100,1,,,0,,,,1,0,test,2025-01-01\n")
    do { _ = try Catalog.load(directory: zero); Issue.record("loaded") } catch {
      #expect("\(error)" == "instances.csv:2: error: on_demand_per_hour must be positive, got 0 (leave it empty when unpriced)")
    }
  }

  @Test func benchmarksMustNameKnownModels() throws {
    let text = "gpu,gpu_count,model,precision,engine,input_tokens,output_tokens,scenario,output_tokens_per_second,source,as_of\n"
      + "H100,1,Llama-9-1T,fp8,x,1,1,max-load,100,test,2025-01-01\n"
    let c = try Catalog.load(directory: Self.catalog(replacing: "benchmarks.csv", with: text))
    #expect(c.validate(now: Self.now).map(\.description) == ["benchmarks.csv:2: error: unknown model 'Llama-9-1T'"])
  }
}
