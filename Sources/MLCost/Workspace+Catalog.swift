import Foundation
import MLCostCatalogs
import MLCostCore

/// The public formats `mlcost catalog import` converts.
public enum CatalogSourceKind: String, Sendable, CaseIterable {
  case skypilot, litellm, awsSpotAdvisor = "aws-spot-advisor"
}

public struct CatalogImportOutcome: Sendable {
  public var file: String
  public var rowsBefore: Int
  public var rowsAfter: Int
  public var summaries: [(input: String, summary: ConversionSummary)]
  public var issues: [CatalogIssue]
  public var written: Bool

  /// What happened, for people.
  public var text: String {
    var lines: [String] = []
    for (input, s) in summaries {
      lines.append("\(input): \(s.rowsRead) rows read, \(s.rowsWritten) catalog rows")
      for (reason, n) in s.skipped.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }).prefix(12) {
        lines.append("  skipped \(n) × \(reason)")
      }
    }
    lines.append("\(file): \(rowsBefore) → \(rowsAfter) rows\(written ? "" : " (dry run: nothing written)")")
    if !issues.isEmpty {
      let warnings = issues.filter(\.warning).count
      lines.append("\(issues.count - warnings) validation problem(s)\(warnings > 0 ? ", \(warnings) warning(s) to check" : ""):")
      lines += issues.prefix(20).map(\.description)
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

extension Workspace {
  /// The catalogs folder: the flag, else `MLCOST_CATALOGS`, else next to the binary, else `./catalogs`.
  public static func catalogDirectory(_ dir: String?) throws -> String {
    if let dir {
      guard FileManager.default.fileExists(atPath: dir) else { throw ImportError.missingInput(path: dir, reason: "no such catalogs folder") }
      return dir
    }
    for c in catalogCandidates(nil) where FileManager.default.fileExists(atPath: (c as NSString).appendingPathComponent("gpus.csv")) { return c }
    throw ImportError.missingInput(path: "catalogs", reason: "no catalogs folder: pass --catalogs DIR or set MLCOST_CATALOGS")
  }

  /// Where catalogs are looked for, in order: the flag, `MLCOST_CATALOGS`, next to the binary, `./catalogs`.
  static func catalogCandidates(_ dir: String?) -> [String] {
    var candidates: [String] = []
    if let dir { candidates.append(dir) }
    if let env = ProcessInfo.processInfo.environment["MLCOST_CATALOGS"], !env.isEmpty { candidates.append(env) }
    // The catalogs the binary shipped with: beside it, in a parent (a `.build/release/mlcost` of a checkout), or in
    // `<prefix>/share/mlcost/catalogs` for a `<prefix>/bin/mlcost` install; the real path, so a symlink or $PATH works.
    let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().path
    var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
    var shipped = [folder.appendingPathComponent("catalogs").path,
                   folder.deletingLastPathComponent().appendingPathComponent("share/mlcost/catalogs").path]
    for _ in 0..<4 {
      folder = folder.deletingLastPathComponent()
      if folder.path == "/" { break }
      shipped.append(folder.appendingPathComponent("catalogs").path)
    }
    return candidates + ["catalogs"] + shipped
  }

  public static func loadCatalog(_ dir: String?) throws -> Catalog {
    try Catalog.load(directory: try catalogDirectory(dir))
  }

  /// Converts public price/risk files into our catalog rows and folds them into the catalog file.
  public static func importCatalog(_ kind: CatalogSourceKind, files: [String], catalogs dir: String?, asOf: String, provider: String?,
                                   dryRun: Bool, now: Int64) throws -> CatalogImportOutcome {
    let directory = try catalogDirectory(dir)
    var catalog = try Catalog.load(directory: directory)
    var summaries: [(String, ConversionSummary)] = []
    let target: String, before: Int, after: Int, text: String
    switch kind {
    case .skypilot:
      var byProvider: [String: [(name: String, rows: [[String: String]])]] = [:]
      for f in files {
        guard let p = provider ?? SkyPilotConverter.provider(forPath: f) else {
          throw ImportError.usage("cannot tell the cloud of \(f) from its name: pass --provider (AWS, GCP, Azure, Lambda, RunPod …)")
        }
        byProvider[p, default: []].append(((f as NSString).lastPathComponent, try SkyPilotConverter.readRows(path: f)))
      }
      var converted: [InstanceOffer] = []
      for p in byProvider.keys.sorted() {
        let (offers, s) = try SkyPilotConverter(catalog: catalog, asOf: asOf).convert(files: byProvider[p]!, provider: p)
        converted += offers; summaries.append(("\(p) (\(byProvider[p]!.map(\.name).joined(separator: ", ")))", s))
      }
      target = "instances.csv"; before = catalog.instances.count
      catalog.instances = CatalogMerge.instances(existing: catalog.instances, converted: converted)
      after = catalog.instances.count
      text = CatalogMerge.csv(columns: InstanceOffer.columns, rows: catalog.instances.map(\.csvFields))
    case .litellm:
      var converted: [APIPrice] = []
      for f in files {
        guard let data = FileManager.default.contents(atPath: f) else { throw ImportError.missingInput(path: f, reason: "cannot read the file") }
        let (prices, s) = try LiteLLMConverter.convert(json: data, file: (f as NSString).lastPathComponent, asOf: asOf,
                                                       only: provider.map { Set($0.lowercased().split(separator: ",").map(String.init)) })
        converted += prices; summaries.append(((f as NSString).lastPathComponent, s))
      }
      target = "api_prices.csv"; before = catalog.apiPrices.prices.count
      catalog.apiPrices = APIPriceBook(CatalogMerge.apiPrices(existing: catalog.apiPrices.prices, converted: converted))
      after = catalog.apiPrices.prices.count
      text = CatalogMerge.csv(columns: APIPriceBook.columns, rows: catalog.apiPrices.prices.map(\.csvFields))
    case .awsSpotAdvisor:
      var converted: [SpotRisk] = []
      for f in files {
        guard let data = FileManager.default.contents(atPath: f) else { throw ImportError.missingInput(path: f, reason: "cannot read the file") }
        let (rows, s) = try SpotAdvisorConverter.convert(json: data, file: (f as NSString).lastPathComponent, asOf: asOf)
        converted += rows; summaries.append(((f as NSString).lastPathComponent, s))
      }
      target = "spot_risk.csv"; before = catalog.spotRisk.count
      catalog.spotRisk = CatalogMerge.spotRisk(existing: catalog.spotRisk, converted: converted)
      after = catalog.spotRisk.count
      text = CatalogMerge.csv(columns: SpotRisk.columns, rows: catalog.spotRisk.map(\.csvFields))
    }
    let path = (directory as NSString).appendingPathComponent(target)
    if !dryRun {
      // Written beside, loaded back, then renamed: a failed import never leaves a broken catalog.
      let temporary = path + ".new"
      try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
      do { try Catalog.check(path: temporary, as: target) } catch {
        try? FileManager.default.removeItem(atPath: temporary)
        throw error
      }
      guard rename(temporary, path) == 0 else { throw ImportError.missingInput(path: path, reason: "cannot replace the file: \(String(cString: strerror(errno)))") }
    }
    let reloaded = dryRun ? catalog : try Catalog.load(directory: directory)
    return CatalogImportOutcome(file: path, rowsBefore: before, rowsAfter: after, summaries: summaries,
                                issues: reloaded.validate(now: now), written: !dryRun)
  }
}
