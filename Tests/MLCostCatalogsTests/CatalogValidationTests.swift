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
  static let now = Int64(1_797_292_800)   // 2026-12-15 (after the shipped catalog's newest as_of)

  func issues(_ rows: String) throws -> [String] {
    try Catalog.load(directory: Self.catalog(replacing: "instances.csv", with: Self.header + "\n" + rows)).validate(now: Self.now).filter { !$0.warning }.map(\.description)
  }

  @Test func spotAboveOnDemandIsAnError() throws {
    #expect(try issues("AWS,us-east-1,p5.48xlarge,H100,8,192,2048,55.04,60,,,3,0,test,2025-01-01\n")
            == ["instances.csv:2: error: spot 60.0 is above on-demand 55.04"])
  }

  /// A spot price with no on-demand one cannot be judged (its discount, the on-demand floor): an error, not an option.
  @Test func spotWithoutOnDemandIsAnError() throws {
    #expect(try issues("AWS,us-east-2,p5e.48xlarge,H200,8,192,2048,,18.7359,,,3,0,test,2025-12-01\n")
            == ["instances.csv:2: error: a spot price without an on-demand price: spot cannot be judged against on-demand"])
  }

  /// `--max-age-days`: rows older than that are flagged; without it, none are.
  @Test func staleRowsAreFlaggedOnlyWhenAnAgeIsGiven() throws {
    let dir = try Self.catalog(replacing: "instances.csv", with: Self.header + "\nAWS,us-east-1,p5.48xlarge,H100,8,192,2048,55.04,20,,,3,0,test,2025-01-01\n")
    let c = try Catalog.load(directory: dir)
    #expect(c.validate(now: Self.now).filter { $0.file == "instances.csv" }.isEmpty)
    #expect(c.validate(now: Self.now, maxAgeDays: 365).filter { !$0.warning }.filter { $0.file == "instances.csv" }.map(\.description)
            == ["instances.csv:2: error: as_of 2025-01-01 is older than 365 days: refresh it (docs/catalogs.md)"])
  }

  /// A junk row (a 70B model at 0.10/1M where three other hosts ask 0.60–0.90) is a warning naming the median.
  @Test func aPriceFarFromEveryOtherHostsIsAWarning() throws {
    let text = APIPriceBook.columns.joined(separator: ",") + "\n"
      + "Together AI,meta-llama/Llama-3.3-70B-Instruct-Turbo,0.88,,,0.88,,,,src,2025-12-26,\n"
      + "Groq,llama-3.3-70b-versatile,0.59,,,0.79,,,,src,2025-12-26,\n"
      + "DeepInfra,meta-llama/Llama-3.3-70B-Instruct,0.23,,,0.40,,,,src,2025-12-26,\n"
      + "JunkHost,llama-3.3-70b-instruct,0.10,,,0.10,,,,src,2025-12-26,\n"
    let c = try Catalog.load(directory: Self.catalog(replacing: "api_prices.csv", with: text))
    let found = c.validate(now: Self.now).filter { $0.file == "api_prices.csv" }
    #expect(found.map(\.description) == ["api_prices.csv:5: warning: JunkHost llama-3.3-70b-instruct: output 0.10/1M is under a fifth of the median of 4 prices of llama-3.3-70b (0.595): check it"])
  }

  @Test func aDataZoneIsAZoneOrARegion() throws {
    let text = APIPriceBook.columns.joined(separator: ",") + "\nOpenAI,gpt-4o,2.5,,,10,,,,src,2025-12-26,eu\n"
      + "Amazon Bedrock,m,1,,,1,,,,src,2025-12-26,eu-west-1;us-east-1\nAzure OpenAI,gpt-4o,2.5,,,10,,,,src,2025-12-26,mars\n"
    let c = try Catalog.load(directory: Self.catalog(replacing: "api_prices.csv", with: text))
    #expect(c.validate(now: Self.now).filter { !$0.warning }.map(\.description).filter { $0.hasPrefix("api_prices") }
            == ["api_prices.csv:4: error: data_zone 'mars' is neither a zone (apac, au, ca, eu, global, jp, us, us-gov) nor a region id"])
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
    #expect(c.validate(now: Self.now).filter { !$0.warning }.map(\.description) == ["benchmarks.csv:2: error: unknown model 'Llama-9-1T'"])
  }
}
