import Foundation
import MLCostCatalogs
import MLCostTestSupport
import Testing

/// The catalogs we ship load, validate, and cover what the planner promises.
struct ShippedCatalogTests {
  static let catalog: Catalog = try! Catalog.load(directory: Repo.path("catalogs"))

  @Test func everyShippedFileValidates() {
    let issues = Self.catalog.validate(now: Int64(Date().timeIntervalSince1970))
    #expect(issues.filter { !$0.warning }.map(\.description) == [])
    // Prices far from every other host's for the same model, reviewed (docs/catalogs.md): a new one fails here until checked.
    #expect(issues.filter(\.warning).map { "\($0.line)" + ($0.message.split(separator: ":").first.map { ":" + $0 } ?? "") }.sorted()
            == Self.reviewedOutliers, "\(issues.filter(\.warning).map(\.description))")
  }

  static let reviewedOutliers = ["19:Lambda llama-4-maverick-17b-128e-instruct-fp8", "392:Azure AI Foundry deepseek-v3-0324"]

  @Test func farOffPricesAreWarnings() throws {
    let issues = Self.catalog.validate(now: Int64(Date().timeIntervalSince1970)).filter(\.warning)
    #expect(issues.allSatisfy { $0.description.contains(": warning: ") && $0.message.contains("median") })
  }

  @Test func theRequiredGPUsResolveByTheirCommonNames() {
    let names = ["H100 SXM", "H100 PCIe", "H100 NVL", "H200", "B200", "A100 40GB", "A100 80GB", "L40S", "L4", "A10G", "T4", "MI300X", "MI325X",
                 "H100", "h100-sxm-80gb", "NVIDIA H100 80GB HBM3", "a100-sxm-80gb", "NVIDIA H200-SXM-141GB"]
    for n in names { #expect(Self.catalog.gpu(named: n) != nil, "\(n)") }
    #expect(Self.catalog.gpu(named: "NVIDIA H100 80GB HBM3")?.name == "H100 SXM")
    #expect(Self.catalog.gpu(named: "H100")?.memoryBandwidthGBps == 3350)
    #expect(Self.catalog.gpu(named: "RTX 9090") == nil)
  }

  @Test func theRequiredModelsResolveByTheirCommonNames() {
    let names = ["Llama-2-7B", "Llama-2-13B", "Llama-2-70B", "Llama-3.1-8B", "Llama-3.1-70B", "Llama-3.1-405B", "Llama-3.3-70B", "Mistral-7B",
                 "Mixtral-8x7B", "Qwen2.5-7B", "Qwen2.5-72B", "DeepSeek-V3", "gpt-oss-20b", "gpt-oss-120b",
                 "llama-2-70b", "meta-llama/Llama-2-70b-chat-hf", "together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"]
    for n in names { #expect(Self.catalog.model(named: n) != nil, "\(n)") }
    #expect(Self.catalog.model(named: "meta-llama/Llama-2-70b-chat-hf")?.name == "Llama-2-70B")
  }

  @Test func kvCacheSizesMatchTheReferenceFigures() throws {
    // planner reference §7: BF16 KV bytes per token.
    let expected: [String: Double] = ["Llama-3.1-8B": 131_072, "Llama-3.1-70B": 327_680, "Llama-3.1-405B": 516_096, "Qwen2.5-7B": 57_344,
                    "DeepSeek-V3": 70_272, "gpt-oss-120b": 73_728]
    for (name, bytes) in expected {
      let m = try #require(Self.catalog.model(named: name))
      #expect(m.kvElementsPerToken * 2 == bytes, "\(name)")
    }
  }

  @Test func instancesComeFromTheHyperscalersAndTwoGPUClouds() {
    let providers = Set(Self.catalog.instances.map(\.provider))
    #expect(providers.isSuperset(of: ["AWS", "GCP", "Azure", "Lambda", "RunPod"]))
    // GCP prices are the host VM plus its GPUs: a3-highgpu-8g in us-central1 = 9.46006 + 8 × 4.20076.
    let a3 = Self.catalog.instances.first { $0.provider == "GCP" && $0.region == "us-central1" && $0.instanceType == "a3-highgpu-8g" }
    #expect(a3.map { abs($0.onDemandPerHour! - 43.06614) < 0.001 } == true)
    #expect(Self.catalog.instances.contains { $0.zonesWithoutSpotDiscount > 0 })
    #expect(!Self.catalog.spotRisk.isEmpty && !Self.catalog.benchmarks.isEmpty)
  }

  @Test func euResidencyIsFlaggedPerRegion() {
    #expect(Self.catalog.region(provider: "AWS", region: "eu-central-1")?.euEEA == true)
    #expect(Self.catalog.region(provider: "GCP", region: "europe-west2")?.euEEA == false)   // London
    #expect(Self.catalog.region(provider: "Azure", region: "norwayeast")?.euEEA == true)   // EEA
    #expect(Self.catalog.region(provider: "Azure", region: "switzerlandnorth")?.euEEA == false)
  }
}
