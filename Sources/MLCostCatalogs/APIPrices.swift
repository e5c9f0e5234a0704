import Foundation
import MLCostCore

/// A hosted-API price per 1M tokens, with its provenance. Missing prices are nil ("unpriced"), never 0.
public struct APIPrice: Sendable, Equatable {
  public var provider: String
  public var model: String
  /// USD per 1M tokens, exact.
  public var inputPer1M: Amount?
  public var cachedInputPer1M: Amount?
  public var cacheWritePer1M: Amount?
  public var outputPer1M: Amount?
  /// Fraction off for batch requests (0.5 = half price).
  public var batchDiscount: Double?
  /// Unix seconds; nil = open.
  public var effectiveFrom: Int64?
  public var effectiveTo: Int64?
  public var source: String
  public var asOf: String
  /// Where the API processes data, as its price list states it: a zone (`eu`, `us`, `apac`, `jp`, `au`,
  /// `global`) or region ids (`eu-west-1`, `europe-west4`), `;`-separated; empty when the source does not say.
  public var dataZone: String = ""

  public init(provider: String, model: String, inputPer1M: Amount?, cachedInputPer1M: Amount?, cacheWritePer1M: Amount?, outputPer1M: Amount?,
              batchDiscount: Double?, effectiveFrom: Int64?, effectiveTo: Int64?, source: String, asOf: String, dataZone: String = "") {
    self.provider = provider; self.model = model; self.inputPer1M = inputPer1M; self.cachedInputPer1M = cachedInputPer1M
    self.cacheWritePer1M = cacheWritePer1M; self.outputPer1M = outputPer1M; self.batchDiscount = batchDiscount
    self.effectiveFrom = effectiveFrom; self.effectiveTo = effectiveTo; self.source = source; self.asOf = asOf; self.dataZone = dataZone
  }
}

/// Catalog loading errors name the file and line.
public struct CatalogError: Error, CustomStringConvertible, Sendable {
  public var file: String
  public var line: Int
  public var message: String
  public var description: String { "\(file):\(line): error: \(message)" }
  public init(file: String, line: Int, message: String) { self.file = file; self.line = line; self.message = message }
}

/// `catalogs/api_prices.csv`, looked up by provider and model (case-insensitive, date-aware).
public struct APIPriceBook: Sendable {
  public private(set) var prices: [APIPrice] = []
  public init(_ prices: [APIPrice] = []) { self.prices = prices }

  public static let columns = ["provider", "model", "input_per_1m", "cached_input_per_1m", "cache_write_per_1m", "output_per_1m",
                               "batch_discount", "effective_from", "effective_to", "source", "as_of", "data_zone"]
  /// Files written before `data_zone` existed still load (every row's zone unstated).
  static let columnsWithoutZone = Array(columns.dropLast())

  /// Loads the CSV; every row must cite its source and date, prices must be ≥ 0.
  public static func load(path: String) throws -> APIPriceBook {
    let reader = CSVReader(source: try FileByteSource(path: path))
    let file = (path as NSString).lastPathComponent
    guard try reader.nextRow() else { throw CatalogError(file: file, line: 1, message: "the file is empty") }
    let header = (0..<reader.fieldCount).map { reader.string($0) }
    guard header == columns || header == columnsWithoutZone else {
      throw CatalogError(file: file, line: 1, message: "expected the columns \(columns.joined(separator: ","))")
    }
    var book = APIPriceBook()
    while try reader.nextRow() {
      let line = reader.rowLine
      func text(_ i: Int) -> String { reader.string(i).trimmingBlanks() }
      func money(_ i: Int) throws -> Amount? {
        let t = text(i)
        if t.isEmpty { return nil }
        do {
          let v = try ExactDecimal.parse(t)
          if v < .zero { throw CatalogError(file: file, line: line, message: "\(columns[i]) is negative") }
          return v
        } catch let e as CatalogError { throw e } catch {
          throw CatalogError(file: file, line: line, message: "\(columns[i]): \(error)")
        }
      }
      func date(_ i: Int) throws -> Int64? {
        let t = text(i)
        if t.isEmpty { return nil }
        do { return try Timestamp.parse(t) } catch { throw CatalogError(file: file, line: line, message: "\(columns[i]): \(error)") }
      }
      guard reader.fieldCount == header.count else {
        throw CatalogError(file: file, line: line, message: "the row has \(reader.fieldCount) fields, expected \(header.count)")
      }
      var p = APIPrice(provider: text(0), model: text(1), inputPer1M: try money(2), cachedInputPer1M: try money(3),
                       cacheWritePer1M: try money(4), outputPer1M: try money(5),
                       batchDiscount: text(6).isEmpty ? nil : Double(text(6)), effectiveFrom: try date(7), effectiveTo: try date(8),
                       source: text(9), asOf: text(10))
      if header.count == columns.count { p.dataZone = text(11) }
      if p.provider.isEmpty || p.model.isEmpty { throw CatalogError(file: file, line: line, message: "provider and model are required") }
      if p.source.isEmpty || p.asOf.isEmpty { throw CatalogError(file: file, line: line, message: "every row cites its source and as_of date") }
      book.prices.append(p)
    }
    return book
  }

  /// The price of `model` from `provider` at `time` (exact name first, then without a date suffix); of several
  /// data zones, the one without a zone (or `global`) first.
  public func price(provider: String, model: String, at time: Int64) -> APIPrice? {
    let all = prices(provider: provider, model: model, at: time)
    return all.first { $0.dataZone.isEmpty || $0.dataZone.lowercased() == "global" } ?? all.first
  }

  /// Every data zone's price of `model` from `provider` at `time`, matched as `price(provider:model:at:)` matches.
  public func prices(provider: String, model: String, at time: Int64) -> [APIPrice] {
    let m = model.lowercased(), p = provider.lowercased()
    func find(_ name: String) -> [APIPrice] {
      prices.filter {
        $0.provider.lowercased() == p && $0.model.lowercased() == name
          && ($0.effectiveFrom.map { time >= $0 } ?? true) && ($0.effectiveTo.map { time < $0 } ?? true)
      }
    }
    let exact = find(m)
    if !exact.isEmpty { return exact }
    // `gpt-4o-2024-08-06` → `gpt-4o`; `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`.
    let parts = m.split(separator: "-")
    if parts.count > 1, let last = parts.last, last.allSatisfy(\.isNumber), last.count == 8 {
      return find(parts.dropLast().joined(separator: "-"))
    }
    if parts.count > 3, parts.suffix(3).allSatisfy({ $0.allSatisfy(\.isNumber) }) {
      return find(parts.dropLast(3).joined(separator: "-"))
    }
    return []
  }
}

extension APIPrice {
  public var csvFields: [String] {
    func money(_ v: Amount?) -> String { v.map(\.decimalString) ?? "" }
    return [provider, model, money(inputPer1M), money(cachedInputPer1M), money(cacheWritePer1M), money(outputPer1M),
            CatalogCSV.number(batchDiscount), effectiveFrom.map { String(Timestamp.iso8601($0).prefix(10)) } ?? "",
            effectiveTo.map { String(Timestamp.iso8601($0).prefix(10)) } ?? "", source, asOf, dataZone]
  }
}

extension APIPrice {
  /// The zones and regions of `dataZone`, lowercased.
  public var dataZones: [String] { dataZone.lowercased().split(separator: ";").map { $0.trimmingBlanks() }.filter { !$0.isEmpty } }

  /// Whether the API can keep data in the EU/EEA: its zone is `eu`, or one of its regions is an EU/EEA region
  /// (`isEURegion` answers for region ids, from regions.csv). Unstated is not EU.
  public func processesInEU(isEURegion: (String) -> Bool) -> Bool {
    dataZones.contains { $0 == "eu" || isEURegion($0) }
  }
}
