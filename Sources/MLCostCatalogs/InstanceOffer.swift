import Foundation

/// One instance type in one region, with its prices per instance-hour (USD). A missing price is
/// unpriced: that pricing is not offered or not published, never $0.
public struct InstanceOffer: Sendable, Equatable, Codable {
  public var provider: String
  public var region: String
  public var instanceType: String
  public var gpu: String
  public var gpuCount: Int
  public var vcpus: Double?
  public var memoryGiB: Double?
  public var onDemandPerHour: Double?
  public var spotPerHour: Double?
  public var commit1yPerHour: Double?
  public var commit3yPerHour: Double?
  /// Zones the source lists for this type in the region, and how many of them price spot at the
  /// on-demand rate (AWS caps spot at on-demand: no discount = no spare capacity there).
  public var zones: Int
  public var zonesWithoutSpotDiscount: Int
  public var provenance: Provenance

  public static let columns = ["provider", "region", "instance_type", "gpu", "gpu_count", "vcpus", "memory_gib", "on_demand_per_hour",
                               "spot_per_hour", "commit_1y_per_hour", "commit_3y_per_hour", "zones", "zones_without_spot_discount",
                               "source", "as_of"]

  public init(provider: String, region: String, instanceType: String, gpu: String, gpuCount: Int, vcpus: Double?, memoryGiB: Double?,
              onDemandPerHour: Double?, spotPerHour: Double?, commit1yPerHour: Double? = nil, commit3yPerHour: Double? = nil,
              zones: Int, zonesWithoutSpotDiscount: Int, provenance: Provenance) {
    self.provider = provider; self.region = region; self.instanceType = instanceType; self.gpu = gpu; self.gpuCount = gpuCount
    self.vcpus = vcpus; self.memoryGiB = memoryGiB; self.onDemandPerHour = onDemandPerHour; self.spotPerHour = spotPerHour
    self.commit1yPerHour = commit1yPerHour; self.commit3yPerHour = commit3yPerHour; self.zones = zones
    self.zonesWithoutSpotDiscount = zonesWithoutSpotDiscount; self.provenance = provenance
  }

  init(row: CatalogRow) throws {
    provider = try row.required("provider")
    region = try row.required("region")
    instanceType = try row.required("instance_type")
    gpu = try row.required("gpu")
    gpuCount = try row.integer("gpu_count")
    if gpuCount <= 0 { throw CatalogError(file: row.file, line: row.line, message: "gpu_count must be positive") }
    vcpus = try row.optionalPositive("vcpus")
    memoryGiB = try row.optionalPositive("memory_gib")
    onDemandPerHour = try row.optionalPositive("on_demand_per_hour")
    spotPerHour = try row.optionalPositive("spot_per_hour")
    commit1yPerHour = try row.optionalPositive("commit_1y_per_hour")
    commit3yPerHour = try row.optionalPositive("commit_3y_per_hour")
    zones = row.text("zones").isEmpty ? 1 : try row.integer("zones")
    zonesWithoutSpotDiscount = row.text("zones_without_spot_discount").isEmpty ? 0 : try row.integer("zones_without_spot_discount")
    provenance = try row.provenance()
  }

  public var csvFields: [String] {
    [provider, region, instanceType, gpu, String(gpuCount), CatalogCSV.number(vcpus), CatalogCSV.number(memoryGiB),
     CatalogCSV.number(onDemandPerHour), CatalogCSV.number(spotPerHour), CatalogCSV.number(commit1yPerHour),
     CatalogCSV.number(commit3yPerHour), String(zones), String(zonesWithoutSpotDiscount), provenance.source, provenance.asOf]
  }
}

/// A region's geography, for residency rules.
public struct RegionInfo: Sendable, Equatable, Codable {
  public var provider: String
  public var region: String
  public var geography: String
  public var country: String
  /// Inside the EU/EEA (GDPR residency).
  public var euEEA: Bool
  public var provenance: Provenance

  static let columns = ["provider", "region", "geography", "country", "eu_eea", "source", "as_of"]

  init(row: CatalogRow) throws {
    provider = try row.required("provider")
    region = try row.required("region")
    geography = try row.required("geography")
    country = try row.required("country")
    switch row.text("eu_eea").lowercased() {
    case "yes", "true", "1": euEEA = true
    case "no", "false", "0": euEEA = false
    default: throw CatalogError(file: row.file, line: row.line, message: "eu_eea must be yes or no")
    }
    provenance = try row.provenance()
  }
}

/// Spot interruption frequency and savings for one instance type in one region.
public struct SpotRisk: Sendable, Equatable, Codable {
  public var provider: String
  public var region: String
  public var instanceType: String
  /// The source's band label, e.g. `<5%`, `>20%`.
  public var band: String
  /// The band as a monthly interruption fraction range (0.05…0.10 for `5-10%`).
  public var interruptionLow: Double
  public var interruptionHigh: Double
  /// Average savings against on-demand, 0…1.
  public var savings: Double?
  public var provenance: Provenance

  public static let columns = ["provider", "region", "instance_type", "interruption_band", "interruption_low", "interruption_high",
                               "savings", "source", "as_of"]

  public init(provider: String, region: String, instanceType: String, band: String, interruptionLow: Double, interruptionHigh: Double,
              savings: Double?, provenance: Provenance) {
    self.provider = provider; self.region = region; self.instanceType = instanceType; self.band = band
    self.interruptionLow = interruptionLow; self.interruptionHigh = interruptionHigh; self.savings = savings; self.provenance = provenance
  }

  init(row: CatalogRow) throws {
    provider = try row.required("provider")
    region = try row.required("region")
    instanceType = try row.required("instance_type")
    band = try row.required("interruption_band")
    interruptionLow = try row.number("interruption_low") ?? 0
    interruptionHigh = try row.number("interruption_high") ?? 1
    savings = try row.number("savings")
    provenance = try row.provenance()
    if !(0...1).contains(interruptionLow) || !(0...1).contains(interruptionHigh) || interruptionLow > interruptionHigh {
      throw CatalogError(file: row.file, line: row.line, message: "interruption_low ≤ interruption_high, both between 0 and 1")
    }
    if let s = savings, !(0...1).contains(s) { throw CatalogError(file: row.file, line: row.line, message: "savings is a fraction 0…1") }
  }

  /// Expected interruptions per instance-month: the middle of the band.
  public var monthlyRate: Double { (interruptionLow + interruptionHigh) / 2 }

  public var csvFields: [String] {
    [provider, region, instanceType, band, CatalogCSV.number(interruptionLow), CatalogCSV.number(interruptionHigh),
     CatalogCSV.number(savings), provenance.source, provenance.asOf]
  }
}

/// A measured throughput result (published or our own).
public struct BenchmarkRow: Sendable, Equatable, Codable {
  public var gpu: String
  public var gpuCount: Int
  public var model: String
  public var precision: Precision
  public var engine: String
  public var inputTokens: Int?
  public var outputTokens: Int?
  /// `max-load`, `offline`, `server`, or a concurrency.
  public var scenario: String
  /// Output tokens per second of the whole group of `gpuCount` GPUs.
  public var outputTokensPerSecond: Double
  public var provenance: Provenance

  static let columns = ["gpu", "gpu_count", "model", "precision", "engine", "input_tokens", "output_tokens", "scenario",
                        "output_tokens_per_second", "source", "as_of"]

  init(row: CatalogRow) throws {
    gpu = try row.required("gpu")
    gpuCount = try row.integer("gpu_count")
    model = try row.required("model")
    guard let p = Precision(rawValue: row.text("precision").lowercased()) else {
      throw CatalogError(file: row.file, line: row.line, message: "precision must be bf16, fp8 or fp4")
    }
    precision = p
    engine = try row.required("engine")
    inputTokens = row.text("input_tokens").isEmpty ? nil : try row.integer("input_tokens")
    outputTokens = row.text("output_tokens").isEmpty ? nil : try row.integer("output_tokens")
    scenario = try row.required("scenario")
    outputTokensPerSecond = try row.positive("output_tokens_per_second")
    provenance = try row.provenance()
  }
}
