import Foundation
import MLCostCore

/// One row of a catalog CSV, read by column name. Every accessor that fails names the file, the
/// line and the column, so a bad price reads like a compiler error.
public struct CatalogRow: Sendable {
  public let file: String
  public let line: Int
  let values: [String: String]

  public func text(_ column: String) -> String { values[column] ?? "" }

  public func required(_ column: String) throws -> String {
    let t = text(column)
    if t.isEmpty { throw CatalogError(file: file, line: line, message: "\(column) is required") }
    return t
  }

  public func number(_ column: String) throws -> Double? {
    let t = text(column)
    if t.isEmpty { return nil }
    guard let v = Double(t), v.isFinite else { throw CatalogError(file: file, line: line, message: "\(column): '\(t)' is not a number") }
    return v
  }

  public func positive(_ column: String) throws -> Double {
    guard let v = try number(column) else { throw CatalogError(file: file, line: line, message: "\(column) is required") }
    if v <= 0 { throw CatalogError(file: file, line: line, message: "\(column) must be positive, got \(text(column))") }
    return v
  }

  public func optionalPositive(_ column: String) throws -> Double? {
    guard let v = try number(column) else { return nil }
    if v <= 0 { throw CatalogError(file: file, line: line, message: "\(column) must be positive, got \(text(column)) (leave it empty when unpriced)") }
    return v
  }

  public func integer(_ column: String) throws -> Int {
    let t = text(column)
    guard let v = Int(t) else { throw CatalogError(file: file, line: line, message: "\(column): '\(t)' is not a whole number") }
    return v
  }

  /// `a;b;c` → ["a", "b", "c"].
  public func list(_ column: String) -> [String] {
    text(column).split(separator: ";").map { $0.trimmingBlanks() }.filter { !$0.isEmpty }
  }

  /// Every catalog row cites where its figures come from and when.
  public func provenance() throws -> Provenance {
    let source = text("source"), asOf = text("as_of")
    if source.isEmpty || asOf.isEmpty { throw CatalogError(file: file, line: line, message: "every row cites its source and as_of date") }
    guard asOf.count == 10, let seconds = try? Timestamp.parse(asOf) else {
      throw CatalogError(file: file, line: line, message: "as_of '\(asOf)' is not a YYYY-MM-DD date")
    }
    return Provenance(source: source, asOf: asOf, line: line, asOfSeconds: seconds)
  }
}

/// Where a catalog figure comes from.
public struct Provenance: Sendable, Equatable, Codable {
  public var source: String
  public var asOf: String
  /// The CSV line (for validation messages).
  public var line: Int
  /// `asOf` as Unix seconds (UTC midnight).
  public var asOfSeconds: Int64
  public init(source: String, asOf: String, line: Int = 0, asOfSeconds: Int64 = 0) {
    self.source = source; self.asOf = asOf; self.line = line; self.asOfSeconds = asOfSeconds
  }
}

/// Reads a catalog CSV by header names: the required columns must be present, others are ignored.
public enum CatalogTable {
  public static func rows(path: String, required: [String]) throws -> [CatalogRow] {
    let file = (path as NSString).lastPathComponent
    let reader = CSVReader(source: try FileByteSource(path: path))
    guard try reader.nextRow() else { throw CatalogError(file: file, line: 1, message: "the file is empty") }
    let header = (0..<reader.fieldCount).map { reader.string($0).trimmingBlanks() }
    let missing = required.filter { !header.contains($0) }
    if !missing.isEmpty {
      throw CatalogError(file: file, line: 1, message: "missing column(s) \(missing.joined(separator: ", ")); expected \(required.joined(separator: ","))")
    }
    var rows: [CatalogRow] = []
    while try reader.nextRow() {
      if reader.fieldCount == 1 && reader.field(0).isEmpty { continue }
      guard reader.fieldCount == header.count else {
        throw CatalogError(file: file, line: reader.rowLine, message: "the row has \(reader.fieldCount) fields, the header \(header.count)")
      }
      var values: [String: String] = [:]
      for (i, name) in header.enumerated() { values[name] = reader.string(i).trimmingBlanks() }
      rows.append(CatalogRow(file: file, line: reader.rowLine, values: values))
    }
    return rows
  }
}

extension CatalogTable {
  /// A catalog file as it is written: its header and its rows in order (for `catalog list --format csv|json`).
  public static func raw(path: String) throws -> (columns: [String], rows: [[String]]) {
    let reader = CSVReader(source: try FileByteSource(path: path))
    guard try reader.nextRow() else { return ([], []) }
    let header = (0..<reader.fieldCount).map { reader.string($0).trimmingBlanks() }
    var rows: [[String]] = []
    while try reader.nextRow() {
      if reader.fieldCount == 1 && reader.field(0).isEmpty { continue }
      rows.append((0..<reader.fieldCount).map { reader.string($0).trimmingBlanks() })
    }
    return (header, rows)
  }
}

/// Writes catalog rows: RFC 4180 quoting, LF line ends.
public enum CatalogCSV {
  public static func field(_ s: String) -> String {
    if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
      return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return s
  }
  public static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\n" }
  /// A price or figure without float noise: 6.88, 0.5, 1979.
  public static func number(_ v: Double?) -> String {
    guard let v else { return "" }
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    var s = String(format: "%.6f", v)
    while s.hasSuffix("0") { s.removeLast() }
    return s
  }
}
