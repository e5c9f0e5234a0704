import Foundation
import MLCostCore

/// A long-format metrics CSV: `resource_id, metric, timestamp, value[, unit]`; every other column is
/// a dimension of the series (e.g. `variant`, `namespace`). An empty value is rejected, not zero.
final class MetricsCSVImporter: RecordRowMapper {
  @exclusivity(unchecked) private(set) var warnings: [Diagnostic] = []
  private let f: ProviderFields
  private let resource, metric, time, value: Int
  private let unit, namespace, statistic: Int?
  private let dimensionColumns: [(Int, String)]

  static func key(_ s: String) -> String {
    s.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces).lowercased()
      .replacingOccurrences(of: "_", with: "").replacingOccurrences(of: " ", with: "")
  }
  static let resourceKeys = ["resourceid", "resource", "endpoint", "endpointname"]
  static let metricKeys = ["metric", "metricname", "name"]
  static let timeKeys = ["timestamp", "time", "ts"]

  static func sniff(_ header: [String]) -> SniffResult? {
    let keys = Set(header.map(key))
    guard resourceKeys.contains(where: keys.contains), metricKeys.contains(where: keys.contains),
          timeKeys.contains(where: keys.contains), keys.contains("value") else { return nil }
    return SniffResult(format: .metrics, version: "long", evidence: ["resource_id", "metric", "timestamp", "value"])
  }

  init(header: [String], file: String) throws(ImportError) {
    let f = ProviderFields(header: header, file: file, normalise: Self.key, timeFix: "timestamps look like 2026-10-01T00:00:00Z")
    self.f = f
    func find(_ keys: [String]) -> Int? { keys.lazy.compactMap { k in f.find(k) }.first }
    guard let r = find(Self.resourceKeys), let m = find(Self.metricKeys), let t = find(Self.timeKeys), let v = f.find("value") else {
      throw f.headerError("a metrics CSV needs the columns resource_id, metric, timestamp and value", fix: "rename the columns or pin another format")
    }
    resource = r; metric = m; time = t; value = v
    unit = f.find("unit"); namespace = f.find("namespace"); statistic = f.find("statistic", "stat")
    let used = Set([r, m, t, v] + [unit, namespace, statistic].compactMap { $0 })
    dimensionColumns = header.enumerated().filter { !used.contains($0.offset) }
      .map { ($0.offset, $0.element.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces)) }
      .sorted { $0.1 < $1.1 }
  }

  func map(_ row: CSVReader) throws(RowError) -> MappedRecord {
    try f.checkShape(row)
    var m = MetricSample()
    guard let id = f.string(row, resource) else { throw f.missing(resource) }
    guard let name = f.string(row, metric) else { throw f.missing(metric) }
    m.resourceId = id; m.metric = name
    m.timestamp = try f.time(row, time, required: true)!
    guard let v = try f.quantity(row, value) else {
      throw RowError(fieldIndex: value, field: f.header[value], message: "the value is empty",
                     fix: "leave out samples you do not have: an absent sample is absent, not zero")
    }
    m.value = v
    m.unit = f.string(row, unit); m.namespace = f.string(row, namespace); m.statistic = f.string(row, statistic)
    var parts: [String] = []
    for (col, name) in dimensionColumns {
      if let d = f.string(row, col) { parts.append("\"\(JSON.escaped(name))\":\"\(JSON.escaped(d))\"") }
    }
    m.dimensions = "{" + parts.joined(separator: ",") + "}"
    return .metric(m)
  }
}

extension ImportFormat {
  /// Long-format metrics CSV: resource id, metric, timestamp, value, unit.
  public static let metrics = ImportFormat(declaring: "metrics")
}

extension FormatDescriptor {
  static let metrics = FormatDescriptor(.metrics, csv: CSVReading(sniff: MetricsCSVImporter.sniff,
                                                                  mapper: .records { try MetricsCSVImporter(header: $0, file: $1) }))
}
