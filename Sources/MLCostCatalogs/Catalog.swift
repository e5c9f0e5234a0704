import Foundation
import MLCostCore

/// Every catalog file of one folder, loaded and indexed. Loading fails on the first malformed row
/// (file:line); `validate` then checks the files against each other.
public struct Catalog: Sendable {
  public var directory: String
  public var gpus: [GPUSpec]
  public var models: [ModelShape]
  public var instances: [InstanceOffer]
  public var regions: [RegionInfo]
  public var spotRisk: [SpotRisk]
  public var benchmarks: [BenchmarkRow]
  public var apiPrices: APIPriceBook

  private var gpuIndex: [String: Int] = [:]
  private var modelIndex: [String: Int] = [:]
  private var regionIndex: [String: Int] = [:]
  private var riskIndex: [String: Int] = [:]

  public static let files = ["gpus.csv", "models.csv", "instances.csv", "regions.csv", "spot_risk.csv", "benchmarks.csv", "api_prices.csv"]

  public init(directory: String = "", gpus: [GPUSpec] = [], models: [ModelShape] = [], instances: [InstanceOffer] = [],
              regions: [RegionInfo] = [], spotRisk: [SpotRisk] = [], benchmarks: [BenchmarkRow] = [], apiPrices: APIPriceBook = APIPriceBook()) {
    self.directory = directory; self.gpus = gpus; self.models = models; self.instances = instances; self.regions = regions
    self.spotRisk = spotRisk; self.benchmarks = benchmarks; self.apiPrices = apiPrices
    reindex()
  }

  public static func load(directory: String) throws -> Catalog {
    func path(_ f: String) -> String { (directory as NSString).appendingPathComponent(f) }
    for f in files where !FileManager.default.fileExists(atPath: path(f)) {
      throw CatalogError(file: f, line: 0, message: "not found in \(directory)")
    }
    return Catalog(
      directory: directory,
      gpus: try CatalogTable.rows(path: path("gpus.csv"), required: GPUSpec.columns).map(GPUSpec.init(row:)),
      models: try CatalogTable.rows(path: path("models.csv"), required: ModelShape.columns).map(ModelShape.init(row:)),
      instances: try CatalogTable.rows(path: path("instances.csv"), required: InstanceOffer.columns).map(InstanceOffer.init(row:)),
      regions: try CatalogTable.rows(path: path("regions.csv"), required: RegionInfo.columns).map(RegionInfo.init(row:)),
      spotRisk: try CatalogTable.rows(path: path("spot_risk.csv"), required: SpotRisk.columns).map(SpotRisk.init(row:)),
      benchmarks: try CatalogTable.rows(path: path("benchmarks.csv"), required: BenchmarkRow.columns).map(BenchmarkRow.init(row:)),
      apiPrices: try APIPriceBook.load(path: path("api_prices.csv")))
  }

  /// Loads one catalog file on its own (the file name says which): a converted file is checked
  /// before it replaces the real one.
  public static func check(path: String, as name: String) throws {
    switch name {
    case "instances.csv": _ = try CatalogTable.rows(path: path, required: InstanceOffer.columns).map(InstanceOffer.init(row:))
    case "spot_risk.csv": _ = try CatalogTable.rows(path: path, required: SpotRisk.columns).map(SpotRisk.init(row:))
    case "api_prices.csv": _ = try APIPriceBook.load(path: path)
    default: break
    }
  }

  mutating func reindex() {
    gpuIndex = [:]; modelIndex = [:]; regionIndex = [:]; riskIndex = [:]
    for (i, g) in gpus.enumerated() { for n in [g.name] + g.aliases where gpuIndex[catalogKey(n)] == nil { gpuIndex[catalogKey(n)] = i } }
    for (i, m) in models.enumerated() {
      for n in [m.name] + m.aliases where modelIndex[catalogKey(n)] == nil { modelIndex[catalogKey(n)] = i }
    }
    for (i, r) in regions.enumerated() { regionIndex[Self.regionKey(r.provider, r.region)] = i }
    for (i, r) in spotRisk.enumerated() { riskIndex[Self.regionKey(r.provider, r.region) + "|" + r.instanceType.lowercased()] = i }
  }

  static func regionKey(_ provider: String, _ region: String) -> String { provider.lowercased() + "|" + region.lowercased() }

  /// `H100`, `h100-sxm-80gb`, `NVIDIA H100 80GB HBM3` → the H100 SXM row.
  public func gpu(named name: String) -> GPUSpec? {
    if let i = gpuIndex[catalogKey(name)] { return gpus[i] }
    for prefix in ["nvidia", "amd"] where catalogKey(name).hasPrefix(prefix) {
      if let i = gpuIndex[String(catalogKey(name).dropFirst(prefix.count))] { return gpus[i] }
    }
    return nil
  }

  /// `llama-2-70b`, `meta-llama/Llama-2-70b-chat-hf` → the Llama-2-70B row.
  public func model(named name: String) -> ModelShape? {
    // `together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo` → `meta-llama/…` → `Meta-Llama-3.1-8B-Instruct-Turbo`.
    let parts = name.split(separator: "/")
    for start in parts.indices {
      if let i = modelIndex[catalogKey(parts[start...].joined(separator: "/"))] { return models[i] }
    }
    return nil
  }

  public func region(provider: String, region: String) -> RegionInfo? {
    regionIndex[Self.regionKey(provider, region)].map { regions[$0] }
  }

  /// Whether a region id names an EU/EEA region: regions.csv first (any provider), then the AWS `eu-` and GCP
  /// `europe-` naming for ids the file does not list.
  public func isEURegion(_ id: String) -> Bool {
    let r = id.lowercased()
    if let known = regions.first(where: { $0.region.lowercased() == r }) { return known.euEEA }
    return r.hasPrefix("eu-") || r.hasPrefix("europe-")
  }

  public func spotRisk(provider: String, region: String, instanceType: String) -> SpotRisk? {
    riskIndex[Self.regionKey(provider, region) + "|" + instanceType.lowercased()].map { spotRisk[$0] }
  }
}
