import Foundation
import MLCostCore

/// One row of an export another engine (Spark, `Sources/MLCost/Spark/mlcost_reduce.py`) reduced: how many rows
/// of the original file it stands for, where the first of them was, and what rounding dropped from their
/// BilledCost / EffectiveCost text (the reduced row's amounts are sums of already-rounded amounts).
public struct ReducedRow: Sendable, Equatable {
  public var rows: Int
  /// The first of the group's rows, counted from 1 at the first data row.
  public var firstRow: Int
  public var billedResidual = ExactDecimal.Residual()
  public var effectiveResidual = ExactDecimal.Residual()
  /// The row's own text, for a row the engine could not split into the header's columns (or whose quoting it could
  /// not judge): the importer reads it with its own CSV reader, so it accepts or rejects it as it would the file's row.
  public var raw: [UInt8]?

  public init(rows: Int, firstRow: Int) { self.rows = rows; self.firstRow = firstRow }

  /// The file line of the first row, counting the header as line 1 (exact when no field holds a line break).
  public var line: Int { firstRow + 1 }

  func addResiduals(to amounts: inout RowAmounts) {
    amounts.billedResidual += billedResidual
    amounts.effectiveResidual += effectiveResidual
  }

  static func misaligned(_ file: String, _ index: Int) -> ImportError {
    .badData(Diagnostic(.error, at: SourceLocation(file: file, line: index + 2),
                        "the reduced export and its weights disagree on the number of rows (at row \(index + 1))",
                        fix: "run the Spark reduction again; its output was cut or mixed with another run's"))
  }

  /// Reads `weights-N.csv`: `rows,first_row,billed_residual,billed_inexact,effective_residual,effective_inexact,raw_base64`.
  public static func parse(_ text: String, file: String) throws -> [ReducedRow] {
    var out: [ReducedRow] = []
    for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() where n > 0 {
      let f = line.split(separator: ",", omittingEmptySubsequences: false)
      guard f.count == 7, let rows = Int(f[0]), rows > 0, let first = Int(f[1]), first > 0,
            let billed = Int128(f[2]), let effective = Int128(f[4]) else {
        throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: file, line: n + 1),
                                             "'\(line.prefix(80))' is not a row of the reduction's weights",
                                             fix: "run the Spark reduction again; this file is not what it writes"))
      }
      var r = ReducedRow(rows: rows, firstRow: first)
      r.billedResidual = ExactDecimal.Residual(billed, inexact: f[3] == "1")
      r.effectiveResidual = ExactDecimal.Residual(effective, inexact: f[5] == "1")
      if !f[6].isEmpty {
        guard let data = Data(base64Encoded: String(f[6])) else {
          throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: file, line: n + 1), "the raw text of a row is not base64",
                                               fix: "run the Spark reduction again; this file is not what it writes"))
        }
        r.raw = Array(data)
      }
      out.append(r)
    }
    return out
  }
}

extension ImportDriver {
  /// Imports a reduced export: the same mapper as the original file (chosen from the same header), each row
  /// weighted by its group. Reconciliation, rejects and strict/lenient behave as for the original file.
  public static func runReduced(source: any ByteSource, weights: [ReducedRow], fileName: String, options: ImportOptions,
                                sink: any ImportSink) throws -> ImportResult {
    let reader = CSVReader(source: source)
    return try runCSV(reader: reader, source: source, fileName: fileName, options: options, sink: sink, progress: nil, reduced: weights)
  }
}
