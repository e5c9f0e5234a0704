import MLCostCore
import Foundation
import MLCostCatalogs
import MLCostReports

/// `mlcost catalog list`: one catalog file as an aligned table.
public enum CatalogListing {
  public static let tables = ["gpus", "models", "instances", "regions", "spot-risk", "benchmarks", "api-prices"]

  /// The file behind each listable catalog.
  public static let files = ["gpus": "gpus.csv", "models": "models.csv", "instances": "instances.csv", "regions": "regions.csv",
                             "spot-risk": "spot_risk.csv", "benchmarks": "benchmarks.csv", "api-prices": "api_prices.csv"]

  /// The catalog's own rows, every column as the file writes it (exact), filtered like the table:
  /// `csv` is the file's header and rows, `json` an array of objects keyed by column.
  public static func data(_ c: Catalog, table: String, filter: String?, json: Bool) throws -> String {
    let (columns, all) = try CatalogTable.raw(path: (c.directory as NSString).appendingPathComponent(files[table]!))
    let rows = all.filter { row in filter.map { f in row.contains { $0.localizedCaseInsensitiveContains(f) } } ?? true }
    if !json { return CatalogCSV.line(columns) + rows.map(CatalogCSV.line).joined() }
    let objects = rows.map { row in Dictionary(uniqueKeysWithValues: zip(columns, row + Array(repeating: "", count: max(0, columns.count - row.count)))) }
    let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  public static func counts(_ c: Catalog) -> String {
    """
    \(c.directory): \(c.gpus.count) GPUs, \(c.models.count) models, \(c.instances.count) instance offers \
    (\(Set(c.instances.map(\.provider)).count) providers, \(Set(c.instances.map { "\($0.provider)|\($0.region)" }).count) regions), \
    \(c.regions.count) regions, \(c.spotRisk.count) spot-risk rows, \(c.benchmarks.count) benchmarks, \(c.apiPrices.prices.count) API prices
    """
  }

  static func n(_ v: Double?, _ digits: Int = 2) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "—" }

  public static func render(_ c: Catalog, table: String, filter: String?) -> String {
    var t: TextTable
    switch table {
    case "models":
      t = TextTable([("model", .left), ("params B", .right), ("active B", .right), ("layers", .right), ("hidden", .right), ("heads", .right),
                     ("kv heads", .right), ("KV KiB/token bf16", .right), ("context", .right), ("source", .left)])
      for m in c.models {
        t.add([m.name, n(m.paramsB, 1), n(m.activeParamsB, 1), "\(m.layers)", "\(m.hidden)", "\(m.heads)", "\(m.kvHeads)",
               n(m.kvElementsPerToken * 2 / 1024, 0), "\(m.context)", m.provenance.source])
      }
    case "instances":
      t = TextTable([("provider", .left), ("region", .left), ("instance", .left), ("GPUs", .left), ("on-demand $/h", .right), ("spot $/h", .right),
                     ("1y $/h", .right), ("3y $/h", .right), ("$/GPU-h", .right), ("zones (no spot discount)", .right), ("as of", .left)])
      for o in c.instances {
        t.add([o.provider, o.region, o.instanceType, "\(o.gpuCount)× \(o.gpu)", n(o.onDemandPerHour), n(o.spotPerHour), n(o.commit1yPerHour),
               n(o.commit3yPerHour), n(o.onDemandPerHour.map { $0 / Double(o.gpuCount) }), "\(o.zones) (\(o.zonesWithoutSpotDiscount))",
               o.provenance.asOf])
      }
    case "regions":
      t = TextTable([("provider", .left), ("region", .left), ("geography", .left), ("country", .left), ("EU/EEA", .left)])
      for r in c.regions { t.add([r.provider, r.region, r.geography, r.country, r.euEEA ? "yes" : "no"]) }
    case "spot-risk":
      t = TextTable([("provider", .left), ("region", .left), ("instance", .left), ("interruptions/month", .left), ("savings", .right), ("as of", .left)])
      for r in c.spotRisk { t.add([r.provider, r.region, r.instanceType, r.band, r.savings.map { "\(Int(($0 * 100).rounded()))%" } ?? "—", r.provenance.asOf]) }
    case "benchmarks":
      t = TextTable([("model", .left), ("GPUs", .left), ("precision", .left), ("engine", .left), ("in/out", .right), ("scenario", .left),
                     ("output tok/s", .right), ("source", .left)])
      for b in c.benchmarks {
        t.add([b.model, "\(b.gpuCount)× \(b.gpu)", b.precision.rawValue, b.engine, "\(b.inputTokens.map(String.init) ?? "?")/\(b.outputTokens.map(String.init) ?? "?")",
               b.scenario, n(b.outputTokensPerSecond, 0), b.provenance.source])
      }
    case "api-prices":
      t = TextTable([("provider", .left), ("model", .left), ("input $/1M", .right), ("cached $/1M", .right), ("output $/1M", .right),
                     ("batch discount", .right), ("as of", .left)])
      func m(_ v: Amount?) -> String { v.map { n($0.approximateDouble, 3) } ?? "—" }
      for p in c.apiPrices.prices {
        t.add([p.provider, p.model, m(p.inputPer1M), m(p.cachedInputPer1M), m(p.outputPer1M), p.batchDiscount.map { "\(Int(($0 * 100).rounded()))%" } ?? "—", p.asOf])
      }
    default:
      t = TextTable([("GPU", .left), ("vendor", .left), ("memory GB", .right), ("GB/s", .right), ("BF16 TFLOPS", .right), ("FP8", .right),
                     ("FP4", .right), ("interconnect", .left), ("aliases", .left)])
      for g in c.gpus {
        t.add([g.name, g.vendor, n(g.memoryGB, 0), n(g.memoryBandwidthGBps, 0), n(g.bf16TFLOPS, 0), n(g.fp8TFLOPS, 0), n(g.fp4TFLOPS, 0),
               "\(g.interconnect) \(n(g.interconnectGBps, 0)) GB/s", g.aliases.joined(separator: ", ")])
      }
    }
    if let filter, !filter.isEmpty {
      let f = filter.lowercased()
      t.rows = t.rows.filter { $0.contains { $0.lowercased().contains(f) } }
    }
    return t.render() + "\n\(t.rows.count) row(s)\n"
  }
}
