import Foundation
import MLCostCatalogs
import MLCostTestSupport
import Testing

/// The public formats convert into our rows, and what is left out is counted with its reason.
struct ConverterTests {
  static let catalog: Catalog = try! Catalog.load(directory: Repo.path("catalogs"))

  func rows(_ csv: String) throws -> [[String: String]] {
    let path = (Repo.temporaryDirectory() as NSString).appendingPathComponent("vms.csv")
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    return try SkyPilotConverter.readRows(path: path)
  }

  @Test func skyPilotZonesBecomeOneRowPerRegionWithTheCheapestDiscountedSpot() throws {
    let csv = """
      InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone
      p5.48xlarge,H100,8.0,192.0,2048.0,x,55.04,55.04,us-east-1,use1-az1
      p5.48xlarge,H100,8.0,192.0,2048.0,x,55.04,12.5,us-east-1,use1-az2
      p5.48xlarge,H100,8.0,192.0,2048.0,x,55.04,11.25,us-east-1,use1-az3
      x.frac,A10,0.5,8,32,x,1,,us-east-1,use1-az1
      v.big,V100,8,8,32,x,9,,us-east-1,use1-az1
      """
    let (offers, summary) = try SkyPilotConverter(catalog: Self.catalog, asOf: "2025-12-01").convert(files: [("vms.csv", rows(csv))], provider: "AWS")
    #expect(offers.count == 1)
    let o = try #require(offers.first)
    #expect(o.gpu == "H100 SXM" && o.gpuCount == 8 && o.onDemandPerHour == 55.04 && o.spotPerHour == 11.25)
    #expect(o.zones == 3 && o.zonesWithoutSpotDiscount == 1)
    #expect(summary.skipped == ["fractional GPU (A10 × 0.5)": 1, "GPU V100 is not in gpus.csv": 1])
  }

  @Test func gcpHostVMsAndTheirGPUsAreSummedPerZone() throws {
    let csv = """
      InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,AvailabilityZone,Price,SpotPrice
      a3-highgpu-8g,208.0,1872.0,,,,us-central1,us-central1-a,9.46006,3.86318
      ,,,H100,8,x,us-central1,us-central1-a,33.60609,32.0104
      g2-standard-48,48,192,,,,us-central1,us-central1-a,1.0,0.5
      ,,,L4,4,x,us-central1,us-central1-a,2.24016,0.9372
      """
    let (offers, _) = try SkyPilotConverter(catalog: Self.catalog, asOf: "2026-05-20").convert(files: [("gcp.csv", rows(csv))], provider: "GCP")
    let a3 = try #require(offers.first { $0.instanceType == "a3-highgpu-8g" })
    #expect(abs(a3.onDemandPerHour! - 43.06615) < 1e-9 && a3.gpuCount == 8 && a3.gpu == "H100 SXM")
    let g2 = try #require(offers.first { $0.instanceType == "g2-standard-48" })
    #expect(g2.gpuCount == 4 && g2.gpu == "L4" && abs(g2.spotPerHour! - 1.4372) < 1e-9)
  }

  @Test func liteLLMPricesArePerMillionTokensWithTheBatchDiscount() throws {
    let json = """
      {"sample_spec": {}, "gpt-x": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05,
       "cache_read_input_token_cost": 1.25e-06, "input_cost_per_token_batches": 1.25e-06},
       "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo": {"litellm_provider": "together_ai", "mode": "chat", "input_cost_per_token": 8.8e-07, "output_cost_per_token": 8.8e-07},
       "emb": {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 1e-07}}
      """
    let (prices, summary) = try LiteLLMConverter.convert(json: Data(json.utf8), file: "prices.json", asOf: "2025-12-26")
    #expect(prices.map(\.csvFields) == [
      ["OpenAI", "gpt-x", "2.50", "1.25", "", "10.00", "0.5", "", "", "LiteLLM model_prices_and_context_window.json (prices.json)", "2025-12-26", ""],
      ["Together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "0.88", "", "", "0.88", "", "", "", "LiteLLM model_prices_and_context_window.json (prices.json)", "2025-12-26", ""],
    ])
    #expect(summary.skipped == ["mode embedding": 1])
  }

  @Test func theSpotAdvisorBandsBecomeFractions() throws {
    let json = """
      {"ranges": [{"index": 0, "label": "<5%", "max": 5}, {"index": 1, "label": "5-10%", "max": 11}, {"index": 4, "label": ">20%", "max": 100}],
       "spot_advisor": {"us-east-1": {"Linux": {"p5.48xlarge": {"s": -52, "r": 4}, "g5.xlarge": {"s": 59, "r": 1}, "m5.large": {"s": 40, "r": 0}}}}}
      """
    let (rows, summary) = try SpotAdvisorConverter.convert(json: Data(json.utf8), file: "advisor.json", asOf: "2025-06-28")
    #expect(rows.map(\.csvFields) == [
      ["AWS", "us-east-1", "g5.xlarge", "5-10%", "0.05", "0.1", "0.59", "AWS Spot Instance Advisor (advisor.json)", "2025-06-28"],
      ["AWS", "us-east-1", "p5.48xlarge", ">20%", "0.2", "1", "0.52", "AWS Spot Instance Advisor (advisor.json)", "2025-06-28"],
    ])
    #expect(summary.skipped == ["not a GPU family": 1])
  }

  @Test(Repo.needsSharedData) func theRealPublicFilesConvert() throws {
    let data = try #require(Repo.sharedData)
    let dir = (data as NSString).appendingPathComponent("gpu-catalogs")
    for (file, provider) in [("aws_vms_gpu_p-family_excerpt.csv", "AWS"), ("azure_vms_gpu_rows.csv", "Azure"), ("lambda_vms_gpu_rows.csv", "Lambda"),
                             ("runpod_vms_gpu_excerpt.csv", "RunPod")] {
      let rows = try SkyPilotConverter.readRows(path: (dir as NSString).appendingPathComponent(file))
      let (offers, summary) = try SkyPilotConverter(catalog: Self.catalog, asOf: "2025-12-01").convert(files: [(file, rows)], provider: provider)
      #expect(!offers.isEmpty, "\(file)")
      #expect(offers.allSatisfy { o in o.spotPerHour.map { s in o.onDemandPerHour.map { s < $0 } ?? true } ?? true }, "\(file)")
      #expect(summary.rowsRead == rows.count)
    }
    let advisor = try Data(contentsOf: URL(fileURLWithPath: (data as NSString).appendingPathComponent("spot/spot-advisor-data.json")))
    #expect(try SpotAdvisorConverter.convert(json: advisor, file: "spot-advisor-data.json", asOf: "2025-06-28").0.count > 500)
    let litellm = try Data(contentsOf: URL(fileURLWithPath: (data as NSString).appendingPathComponent("api-prices/model_prices_and_context_window.litellm_copy_2025-12-26.json")))
    let (prices, _) = try LiteLLMConverter.convert(json: litellm, file: "litellm.json", asOf: "2025-12-26")
    #expect(prices.contains { $0.provider == "Anthropic" } && prices.contains { $0.provider == "Groq" })
  }
}
