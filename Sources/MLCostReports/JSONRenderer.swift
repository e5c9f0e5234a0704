import Foundation

/// The documented JSON form (docs/report-schema.md): stable key order, exact decimal strings.
public enum JSONRenderer {
  public static func render(_ r: MonthlyReport) throws -> String { try encode(r) }

  /// Every report's JSON: pretty, keys sorted, slashes as they are, a final newline.
  public static func encode<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
  }

  /// Reads a saved report back (for `mlcost report render`).
  public static func read(_ data: Data, file: String) throws -> MonthlyReport {
    do {
      let report = try JSONDecoder().decode(MonthlyReport.self, from: data)
      guard report.schema.hasPrefix("mlcost.monthly-report/") else {
        throw ReportReadError(message: "\(file): not an MLCost monthly report (schema '\(report.schema)')")
      }
      return report
    } catch let e as ReportReadError {
      throw e
    } catch let DecodingError.keyNotFound(key, context) {
      throw ReportReadError(message: "\(file): the report has no '\(key.stringValue)' at \(path(context.codingPath))")
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
      throw ReportReadError(message: "\(file): unexpected value at \(path(context.codingPath)): \(context.debugDescription)")
    } catch {
      throw ReportReadError(message: "\(file): not valid report JSON (\(error.localizedDescription))")
    }
  }

  static func path(_ keys: [any CodingKey]) -> String {
    keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
  }
}

public struct ReportReadError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var description: String { "error: " + message }
}
