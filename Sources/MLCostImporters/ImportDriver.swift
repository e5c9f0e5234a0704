import MLCostCore

/// How to import: which format (nil = sniff), strict or lenient, and defaults for absent columns.
public struct ImportOptions: Sendable {
  public var format: ImportFormat?
  public var lenient: Bool
  /// Currency to assume when a file has no currency column.
  public var currency: String?
  /// How many rejected rows the result keeps for display (all are sent to the sink).
  public var rejectsShown: Int
  public init(format: ImportFormat? = nil, lenient: Bool = false, currency: String? = nil, rejectsShown: Int = 5) {
    self.format = format; self.lenient = lenient; self.currency = currency; self.rejectsShown = rejectsShown
  }
}

/// Progress of a running import, for a progress bar.
public struct ImportProgress: Sendable {
  public var bytesRead: Int64
  public var rows: Int
}

/// What one file's import did, computed from the file's own text.
public struct ImportResult: Sendable {
  public var format: ImportFormat
  public var version: String
  public var rowsRead = 0
  public var rowsStored = 0
  public var rowsRejected = 0
  /// Totals of every row whose amounts could be read, accepted or not.
  public var fileTotals: [PeriodCurrency: Totals] = [:]
  /// Totals of the rejected rows whose amounts could be read.
  public var rejectedTotals: [PeriodCurrency: Totals] = [:]
  /// Rejected rows whose amounts could not be read at all (so no total can include them).
  public var rejectedWithoutAmounts = 0
  /// Rows stored as they are that break the spec's own arithmetic, per check.
  public var flagCounts: [String: Int] = [:]
  public var firstRejects: [RejectedRow] = []
  public var warnings: [Diagnostic] = []
  public var bytesRead: Int64 = 0
}

/// The shared driver: reads CSV, sniffs, maps rows, keeps totals, applies strict or lenient.
public enum ImportDriver {
  /// Reads only the header and says which format it looks like.
  public static func sniff(source: any ByteSource, fileName: String) throws -> SniffResult {
    let reader = CSVReader(source: source, chunkSize: 64 * 1024)
    let header = try readHeader(reader, fileName: fileName)
    guard let guess = FormatSniffer.sniff(header: header) else { throw unknownFormat(header, fileName) }
    return guess
  }

  public static func run(source: any ByteSource, fileName: String, options: ImportOptions, sink: any ImportSink,
                         progress: ((ImportProgress) -> Void)? = nil) throws -> ImportResult {
    let reader = CSVReader(source: source)
    let header = try readHeader(reader, fileName: fileName)
    let sniffed = FormatSniffer.sniff(header: header)
    let format: ImportFormat
    if let pinned = options.format { format = pinned } else if let sniffed { format = sniffed.format } else {
      throw unknownFormat(header, fileName)
    }
    let mapper: any ChargeRowMapper
    switch format {
    case .focus: mapper = try FocusImporter(header: header, file: fileName, currency: options.currency)
    }
    var result = ImportResult(format: format, version: sniffed?.format == format ? sniffed!.version : "?")
    result.warnings = mapper.warnings
    var record = ChargeRecord()
    var amounts = RowAmounts()
    var accepted = TotalsAccumulator()

    do {
      while try reader.nextRow() {
        result.rowsRead += 1
        amounts = RowAmounts()
        do throws(RowError) {
          try mapper.map(reader, into: &record, amounts: &amounts)
          record.line = reader.rowLine
        } catch {
          let key = PeriodCurrency(period: amounts.period, currency: amounts.currency ?? "?")
          if amounts.billedCost != nil || amounts.effectiveCost != nil {
            result.fileTotals[key, default: Totals()].add(billed: amounts.billedCost, effective: amounts.effectiveCost)
            result.rejectedTotals[key, default: Totals()].add(billed: amounts.billedCost, effective: amounts.effectiveCost)
          } else {
            result.rejectedWithoutAmounts += 1
          }
          let position = error.fieldIndex.map { reader.position(ofField: $0) }
          let location = SourceLocation(file: fileName, line: position?.line ?? reader.rowLine, column: position?.column)
          guard options.lenient else {
            throw ImportError.badData(Diagnostic(.error, at: location, error.message,
              fix: (error.fix.map { $0 + "; " } ?? "") + "nothing was imported (or pass --lenient to import the good rows and keep this one in the rejects table)"))
          }
          let rejected = RejectedRow(location: location, field: error.field, rawText: reader.rawText,
                                     reason: error.message + (error.fix.map { "; " + $0 } ?? ""))
          try sink.reject(rejected)
          result.rowsRejected += 1
          if result.firstRejects.count < options.rejectsShown { result.firstRejects.append(rejected) }
          continue
        }
        try sink.write(record)
        result.rowsStored += 1
        accepted.add(PeriodCurrency(period: amounts.period, currency: amounts.currency ?? "?"), amounts)
        if !record.flags.isEmpty {
          for (flag, label) in ArithmeticFlags.all where record.flags.contains(flag) { result.flagCounts[label, default: 0] += 1 }
        }
        if let progress, result.rowsRead & 0x3FFF == 0 {
          progress(ImportProgress(bytesRead: source.sourceBytesRead ?? reader.bytesRead, rows: result.rowsRead))
        }
      }
    } catch ImportError.badData(var d) where d.location?.file == "" {
      d.location?.file = fileName
      throw ImportError.badData(d)
    }
    for (key, totals) in accepted.entries {
      result.fileTotals[key, default: Totals()].merge(totals)
    }
    result.bytesRead = reader.bytesRead
    progress?(ImportProgress(bytesRead: source.sourceBytesRead ?? reader.bytesRead, rows: result.rowsRead))
    return result
  }

  static func readHeader(_ reader: CSVReader, fileName: String) throws -> [String] {
    guard try reader.nextRow() else {
      throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1), "the file is empty: there is no header row",
                                           fix: "export the file again with its header"))
    }
    return (0..<reader.fieldCount).map { reader.string($0) }
  }

  static func unknownFormat(_ header: [String], _ fileName: String) -> ImportError {
    let shown = header.prefix(6).joined(separator: ",")
    return .badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1),
      "cannot tell the format from the header '\(shown)\(header.count > 6 ? ",…" : "")'",
      fix: "supported formats: \(ImportFormat.names); pin one with --format"))
  }
}

/// Per-row totals without hashing a key per row: a short list, searched from the last hit.
struct TotalsAccumulator {
  private(set) var entries: [(PeriodCurrency, Totals)] = []
  private var last = -1

  mutating func add(_ key: PeriodCurrency, _ amounts: RowAmounts) {
    if last < 0 || entries[last].0 != key {
      last = entries.firstIndex { $0.0 == key } ?? -1
      if last < 0 { entries.append((key, Totals())); last = entries.count - 1 }
    }
    entries[last].1.add(billed: amounts.billedCost, effective: amounts.effectiveCost)
  }
}
