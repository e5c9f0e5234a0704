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
    let reader = ReducedRowReader(source: MemoryByteSource(Array(text.utf8)), file: file)
    var out: [ReducedRow] = []
    while let r = try reader.next() { out.append(r) }
    return out
  }

  /// One weights record (the fields of `line`, 1-based line `n`).
  static func parse(fields f: [Substring], line n: Int, file: String) throws -> ReducedRow {
    // A group of more rows than any file holds (Spark numbers a file's rows in 33 bits) is not the job's output, and
    // counting it would overflow the import's row tallies.
    guard f.count == 7, let rows = Int(f[0]), rows > 0, rows < 1 << 40, let first = Int(f[1]), first > 0, first < 1 << 40,
          let billed = Int128(f[2]), let effective = Int128(f[4]) else {
      throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: file, line: n),
                                           "'\(f.joined(separator: ",").prefix(80))' is not a row of the reduction's weights",
                                           fix: "run the Spark reduction again; this file is not what it writes"))
    }
    var r = ReducedRow(rows: rows, firstRow: first)
    r.billedResidual = ExactDecimal.Residual(billed, inexact: f[3] == "1")
    r.effectiveResidual = ExactDecimal.Residual(effective, inexact: f[5] == "1")
    if !f[6].isEmpty {
      guard let data = Data(base64Encoded: String(f[6])) else {
        throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: file, line: n), "the raw text of a row is not base64",
                                             fix: "run the Spark reduction again; this file is not what it writes"))
      }
      r.raw = Array(data)
    }
    return r
  }
}

/// Streams a weights file one record at a time: a year's aggregate has millions of groups, and the import needs only
/// the current one.
public final class ReducedRowReader {
  private let reader: CSVReader
  private let file: String
  private var started = false
  /// Records handed out so far.
  public private(set) var count = 0

  public init(source: any ByteSource, file: String) {
    reader = CSVReader(source: source)
    reader.fileName = file
    self.file = file
  }

  public func next() throws -> ReducedRow? {
    if !started {
      started = true
      guard try reader.nextRow() else { return nil }  // the header
    }
    guard try reader.nextRow() else { return nil }
    let fields = (0..<reader.fieldCount).map { Substring(reader.string($0)) }
    if fields.count == 1 && fields[0].isEmpty { return try next() }
    count += 1
    return try ReducedRow.parse(fields: fields, line: reader.rowLine, file: file)
  }
}

extension ImportDriver {
  /// Imports a reduced export: the same mapper as the original file (chosen from the same header), each row
  /// weighted by its group. Reconciliation, rejects and strict/lenient behave as for the original file.
  public static func runReduced(source: any ByteSource, weights: [ReducedRow], fileName: String, options: ImportOptions,
                                sink: any ImportSink) throws -> ImportResult {
    var it = weights.makeIterator()
    return try runReduced(source: source, weights: { it.next() }, fileName: fileName, options: options, sink: sink)
  }

  /// The same, the weights pulled one at a time (nil after the last).
  public static func runReduced(source: any ByteSource, weights: @escaping () throws -> ReducedRow?, fileName: String,
                                options: ImportOptions, sink: any ImportSink) throws -> ImportResult {
    let reader = CSVReader(source: source)
    return try runCSV(reader: reader, source: source, fileName: fileName, options: options, sink: sink, progress: nil, reduced: weights)
  }
}
