import Foundation

/// Converts the AWS Spot Instance Advisor feed (`spot-advisor-data.json`) into spot-risk rows:
/// Linux, every region, GPU instance families unless `allFamilies`.
public enum SpotAdvisorConverter {
  public static let gpuFamilies = ["p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "p6e", "g4dn", "g4ad", "g5", "g5g", "g6", "g6e", "gr6"]

  public static func convert(json: Data, file: String, asOf: String, allFamilies: Bool = false) throws -> ([SpotRisk], ConversionSummary) {
    guard let root = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
          let ranges = root["ranges"] as? [[String: Any]], let advisor = root["spot_advisor"] as? [String: Any] else {
      throw CatalogError(file: file, line: 1, message: "not the spot advisor feed (expected 'ranges' and 'spot_advisor')")
    }
    var bands: [Int: (label: String, low: Double, high: Double)] = [:]
    let sortedRanges = ranges.sorted { ($0["index"] as? Int ?? 0) < ($1["index"] as? Int ?? 0) }
    var previousMax = 0.0
    for r in sortedRanges {
      guard let i = r["index"] as? Int, let label = r["label"] as? String, let max = (r["max"] as? NSNumber)?.doubleValue else { continue }
      // The feed's "max" of 5-10% is 11: bands overlap by a point; the label is the truth, the max the upper edge.
      let bounds = label.replacingOccurrences(of: "%", with: "").split(whereSeparator: { $0 == "-" || $0 == "<" || $0 == ">" }).compactMap { Double($0) }
      let low = label.hasPrefix("<") ? 0 : (bounds.first ?? previousMax) / 100
      let high = label.hasPrefix(">") ? Swift.min(max, 100) / 100 : (bounds.last ?? max) / 100
      bands[i] = (label, low, high)
      previousMax = max
    }
    var summary = ConversionSummary()
    var rows: [SpotRisk] = []
    for region in advisor.keys.sorted() {
      guard let linux = (advisor[region] as? [String: Any])?["Linux"] as? [String: Any] else { continue }
      for type in linux.keys.sorted() {
        summary.rowsRead += 1
        let family = String(type.split(separator: ".").first ?? "")
        if !allFamilies && !gpuFamilies.contains(family) { summary.skip("not a GPU family"); continue }
        guard let cell = linux[type] as? [String: Any], let r = (cell["r"] as? NSNumber)?.intValue, let band = bands[r] else {
          summary.skip("no band"); continue
        }
        // The feed stores some GPU types' savings as negative numbers (p5.48xlarge: -52); the magnitude is the saving.
        let savings = (cell["s"] as? NSNumber).map { Swift.min(abs($0.doubleValue), 100) / 100 }
        rows.append(SpotRisk(provider: "AWS", region: region, instanceType: type, band: band.label, interruptionLow: band.low,
                             interruptionHigh: band.high, savings: savings,
                             provenance: Provenance(source: "AWS Spot Instance Advisor (\(file))", asOf: asOf)))
      }
    }
    summary.rowsWritten = rows.count
    return (rows, summary)
  }
}
