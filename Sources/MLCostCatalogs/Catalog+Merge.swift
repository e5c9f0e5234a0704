import Foundation

/// Folding converted rows into a catalog file: the converted providers' rows are replaced, every
/// other row is kept, and published commitment prices survive a price refresh.
public enum CatalogMerge {
  public static func instances(existing: [InstanceOffer], converted: [InstanceOffer]) -> [InstanceOffer] {
    let providers = Set(converted.map { $0.provider.lowercased() })
    var commitments: [String: (Double?, Double?)] = [:]
    func key(_ o: InstanceOffer) -> String { "\(o.provider)|\(o.region)|\(o.instanceType)".lowercased() }
    for o in existing where o.commit1yPerHour != nil || o.commit3yPerHour != nil { commitments[key(o)] = (o.commit1yPerHour, o.commit3yPerHour) }
    var merged = existing.filter { !providers.contains($0.provider.lowercased()) }
    for var o in converted {
      if let (c1, c3) = commitments[key(o)] { o.commit1yPerHour = o.commit1yPerHour ?? c1; o.commit3yPerHour = o.commit3yPerHour ?? c3 }
      merged.append(o)
    }
    return merged.sorted { ($0.provider, $0.region, $0.instanceType) < ($1.provider, $1.region, $1.instanceType) }
  }

  public static func spotRisk(existing: [SpotRisk], converted: [SpotRisk]) -> [SpotRisk] {
    let providers = Set(converted.map { $0.provider.lowercased() })
    return (existing.filter { !providers.contains($0.provider.lowercased()) } + converted)
      .sorted { ($0.provider, $0.region, $0.instanceType) < ($1.provider, $1.region, $1.instanceType) }
  }

  /// API prices: a converted (provider, model) replaces the same one; other rows stay.
  public static func apiPrices(existing: [APIPrice], converted: [APIPrice]) -> [APIPrice] {
    let replaced = Set(converted.map { "\($0.provider)|\($0.model)|\($0.dataZone)".lowercased() })
    return existing.filter { !replaced.contains("\($0.provider)|\($0.model)|\($0.dataZone)".lowercased()) } + converted
  }

  public static func csv(columns: [String], rows: [[String]]) -> String {
    CatalogCSV.line(columns) + rows.map(CatalogCSV.line).joined()
  }
}
