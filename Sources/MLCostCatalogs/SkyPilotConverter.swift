import Foundation
import MLCostCore

/// What a conversion made and what it left out, and why.
public struct ConversionSummary: Sendable, Equatable {
  public var rowsRead = 0
  public var rowsWritten = 0
  /// Reason → count, e.g. "GPU V100 is not in gpus.csv" → 129.
  public var skipped: [String: Int] = [:]
  public init() {}
  mutating func skip(_ reason: String) { skipped[reason, default: 0] += 1 }
}

/// Converts SkyPilot catalog `vms.csv` files (schema v6–v8, any column order) into instance rows:
/// one row per provider × region × instance type, on-demand = the zones' list price, spot = the
/// cheapest zone that actually discounts (SkyPilot's own rule), and a count of zones that price spot
/// at on-demand (no spare capacity). GCP lists host VMs and GPUs separately; they are summed per zone.
public struct SkyPilotConverter {
  public var catalog: Catalog
  public var asOf: String
  public init(catalog: Catalog, asOf: String) { self.catalog = catalog; self.asOf = asOf }

  struct Zone { var onDemand: Double?; var spot: Double? }
  struct Group {
    var gpu: String; var count: Int; var vcpus: Double?; var memory: Double?
    var zones: [Zone] = []
  }

  /// `provider` as in our catalogs (AWS, GCP, Azure, Lambda, RunPod, …); `name` is cited as the source.
  public func convert(files: [(name: String, rows: [[String: String]])], provider: String) throws -> ([InstanceOffer], ConversionSummary) {
    var summary = ConversionSummary()
    var groups: [String: Group] = [:]
    var order: [String] = []
    // GCP host VMs, in file order: priced without their GPUs.
    var hosts: [(type: String, region: String, zone: String, vcpus: Double?, memory: Double?, price: Zone)] = []
    var gpuParts: [String: Zone] = [:]                                          // GCP: "acc|count|zone"
    let sources = files.map(\.name).joined(separator: ", ")

    func add(region: String, type: String, gpu: String, count: Int, vcpus: Double?, memory: Double?, zone: Zone) {
      let key = "\(region)|\(type)"
      if groups[key] == nil { groups[key] = Group(gpu: gpu, count: count, vcpus: vcpus, memory: memory); order.append(key) }
      groups[key]!.zones.append(zone)
    }

    for file in files {
      for row in file.rows {
        summary.rowsRead += 1
        func v(_ k: String) -> String { (row[k] ?? "").trimmingCharacters(in: .whitespaces) }
        let type = v("InstanceType"), acc = v("AcceleratorName"), region = v("Region")
        let zoneName = v("AvailabilityZone").isEmpty ? region : v("AvailabilityZone")
        let zone = Zone(onDemand: Double(v("Price")).flatMap { $0 > 0 ? $0 : nil }, spot: Double(v("SpotPrice")).flatMap { $0 > 0 ? $0 : nil })
        if region.isEmpty { summary.skip("no region"); continue }
        if acc.isEmpty {
          // A GCP host VM (priced without its GPUs).
          if !type.isEmpty { hosts.append((type, region, zoneName, Double(v("vCPUs")), Double(v("MemoryGiB")), zone)) }
          else { summary.skip("neither an instance type nor a GPU") }
          continue
        }
        guard let countValue = Double(v("AcceleratorCount")), countValue >= 1, countValue == countValue.rounded() else {
          summary.skip("fractional GPU (\(acc) × \(v("AcceleratorCount")))"); continue
        }
        let count = Int(countValue)
        if type.isEmpty { gpuParts["\(catalogKey(acc))|\(count)|\(zoneName)"] = zone; continue }
        guard let gpu = resolveGPU(acc, instanceType: type, gpuInfo: v("GpuInfo"), provider: provider) else {
          summary.skip("GPU \(acc) is not in gpus.csv"); continue
        }
        add(region: region, type: type, gpu: gpu, count: count, vcpus: Double(v("vCPUs")), memory: Double(v("MemoryGiB")), zone: zone)
      }
    }
    // GCP: host VM + its attached GPUs, zone by zone.
    for host in hosts {
      guard let (acc, count) = Self.gcpAttached(host.type) else { summary.skip("GCP host \(host.type) has no known GPU attachment"); continue }
      guard let part = gpuParts["\(catalogKey(acc))|\(count)|\(host.zone)"] else { summary.skip("GCP host \(host.type) without a GPU price in its zone"); continue }
      guard let gpu = resolveGPU(acc, instanceType: host.type, gpuInfo: "", provider: provider) else { summary.skip("GPU \(acc) is not in gpus.csv"); continue }
      let od = part.onDemand.map { $0 + (host.price.onDemand ?? 0) }
      let spot = part.spot.map { $0 + (host.price.spot ?? 0) }
      add(region: host.region, type: host.type, gpu: gpu, count: count, vcpus: host.vcpus, memory: host.memory, zone: Zone(onDemand: od, spot: spot))
    }

    var offers: [InstanceOffer] = []
    for key in order {
      let g = groups[key]!
      let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
      let od = g.zones.compactMap(\.onDemand).max()
      let discounted = g.zones.compactMap { z -> Double? in
        guard let s = z.spot else { return nil }
        if let o = z.onDemand ?? od, s >= o { return nil }
        return s
      }
      let flat = g.zones.filter { z in z.spot.map { s in (z.onDemand ?? od).map { s >= $0 } ?? false } ?? false }.count
      if od == nil && discounted.isEmpty { summary.skip("no price"); continue }
      // Spot is judged against on-demand (its discount, the floor on restarts): a region listing spot only is left out.
      if od == nil { summary.skip("spot price without an on-demand price"); continue }
      offers.append(InstanceOffer(provider: provider, region: parts[0], instanceType: parts[1], gpu: g.gpu, gpuCount: g.count, vcpus: g.vcpus,
                                  memoryGiB: g.memory, onDemandPerHour: od, spotPerHour: discounted.min(), zones: g.zones.count,
                                  zonesWithoutSpotDiscount: flat,
                                  provenance: Provenance(source: "SkyPilot catalog (\(sources))", asOf: asOf)))
    }
    summary.rowsWritten = offers.count
    return (offers, summary)
  }

  /// SkyPilot names the chip family; the instance type or memory says which variant it is.
  func resolveGPU(_ acc: String, instanceType: String, gpuInfo: String, provider: String) -> String? {
    let t = instanceType.lowercased()
    var name = acc
    if catalogKey(acc) == "h100" {
      if t.contains("pcie") { name = "H100 PCIe" }
      else if provider.lowercased() == "azure", t.hasPrefix("standard_nc") { name = "H100 NVL" }   // NC*ads_H100_v5: H100 NVL 94 GB
    }
    if catalogKey(acc) == "a100", gpuInfo.contains("81920") || t.contains("80gb") { name = "A100 80GB" }
    return catalog.gpu(named: name)?.name
  }

  /// GCP host VM families and the GPUs they are sold with.
  static func gcpAttached(_ host: String) -> (String, Int)? {
    let parts = host.split(separator: "-")
    guard parts.count >= 3 else { return nil }
    let family = "\(parts[0])-\(parts[1])"
    let shape = parts[2]
    func gpus() -> Int? { shape.hasSuffix("g") ? Int(shape.dropLast()) : nil }
    switch family {
    case "a2-highgpu", "a2-megagpu": return gpus().map { ("A100", $0) }
    case "a2-ultragpu": return gpus().map { ("A100-80GB", $0) }
    case "a3-highgpu", "a3-edgegpu": return gpus().map { ("H100", $0) }
    case "a3-megagpu": return gpus().map { ("H100-MEGA", $0) }
    case "a3-ultragpu": return gpus().map { ("H200", $0) }
    case "a4-highgpu": return gpus().map { ("B200", $0) }
    case "g2-standard":
      switch shape { case "24": return ("L4", 2); case "48": return ("L4", 4); case "96": return ("L4", 8); default: return ("L4", 1) }
    default: return nil
    }
  }

  /// Reads a SkyPilot CSV by header; extra trailing fields (Azure's `Generation` holds commas) are ignored.
  public static func readRows(path: String) throws -> [[String: String]] {
    let reader = CSVReader(source: try FileByteSource(path: path))
    guard try reader.nextRow() else { return [] }
    let header = (0..<reader.fieldCount).map { reader.string($0).trimmingCharacters(in: .whitespaces) }
    for required in ["AcceleratorName", "Region", "Price"] where !header.contains(required) {
      throw CatalogError(file: (path as NSString).lastPathComponent, line: 1,
                         message: "not a SkyPilot catalog: no \(required) column (expected InstanceType,AcceleratorName,AcceleratorCount,…,Price,SpotPrice,Region)")
    }
    var rows: [[String: String]] = []
    while try reader.nextRow() {
      if reader.fieldCount == 1 && reader.field(0).isEmpty { continue }
      var row: [String: String] = [:]
      for i in 0..<min(header.count, reader.fieldCount) { row[header[i]] = reader.string(i) }
      rows.append(row)
    }
    return rows
  }

  /// The provider a file's name or folder names (`aws_vms…csv`, `catalogs/v8/lambda/vms.csv`).
  public static func provider(forPath path: String) -> String? {
    let known = ["aws": "AWS", "gcp": "GCP", "azure": "Azure", "lambda": "Lambda", "runpod": "RunPod", "vast": "Vast", "oci": "OCI",
                 "nebius": "Nebius", "cudo": "Cudo", "fluidstack": "Fluidstack", "paperspace": "Paperspace", "do": "DigitalOcean",
                 "hyperbolic": "Hyperbolic", "hyperstack": "Hyperstack"]
    let parts = path.lowercased().split(whereSeparator: { $0 == "/" || $0 == "_" || $0 == "-" || $0 == "." }).map(String.init)
    for p in parts.reversed() { if let name = known[p] { return name } }
    return nil
  }
}
