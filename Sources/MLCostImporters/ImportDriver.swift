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
  /// False for documents that are never restated (invoices): their import replaces nothing.
  public var replacesOlderExports = true
  /// What auto-detection chose (nil when the format was pinned).
  public var sniffed: SniffResult?
}

/// The shared driver: sniffs, then streams CSV rows through a row mapper or hands a whole JSON/XML
/// document to its importer; keeps totals and applies strict or lenient either way.
public enum ImportDriver {
  /// Reads only the start of the input and says which format it looks like; refuses when none or
  /// several fit (listing them).
  public static func sniff(source: any ByteSource, fileName: String) throws -> SniffResult {
    let head = try HeadSource(source)
    let candidates: [SniffResult]
    if head.looksLikeDocument {
      candidates = head.head.withUnsafeBytes { FormatSniffer.sniffDocument($0) }
    } else {
      let reader = CSVReader(source: head, chunkSize: 64 * 1024)
      reader.fileName = fileName
      candidates = FormatSniffer.candidates(header: try readHeader(reader, fileName: fileName))
    }
    return try decide(candidates, fileName: fileName, what: head.looksLikeDocument ? "document" : "header")
  }

  public static func run(source: any ByteSource, fileName: String, options: ImportOptions, sink: any ImportSink,
                         progress: ((ImportProgress) -> Void)? = nil) throws -> ImportResult {
    let head = try HeadSource(source)
    try head.refuseUTF16(fileName: fileName)
    var result: ImportResult
    if head.looksLikeDocument && options.format.map({ $0.descriptor.document != nil }) ?? true {
      let format: SniffResult
      let sniffed = head.head.withUnsafeBytes { FormatSniffer.sniffDocument($0) }
      if let pinned = options.format {
        format = sniffed.first { $0.format == pinned } ?? SniffResult(format: pinned, version: "?", evidence: [])
      } else {
        format = try decide(sniffed, fileName: fileName, what: "document")
      }
      guard let reading = format.format.descriptor.document else {
        throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1),
          "the file is JSON or XML but --format \(format.format.rawValue) reads CSV", fix: "pin a document format or let auto choose"))
      }
      let bytes = try head.readAll()
      result = try bytes.withUnsafeBytes { raw in
        try reading.run(raw, DocumentFile(name: fileName, options: options, sink: sink, sniffed: format))
      }
      result.bytesRead = Int64(bytes.count)
      if options.format == nil { result.sniffed = format }
      progress?(ImportProgress(bytesRead: source.sourceBytesRead ?? Int64(bytes.count), rows: result.rowsRead))
      return result
    }
    let reader = CSVReader(source: head)
    reader.fileName = fileName
    return try runCSV(reader: reader, source: source, fileName: fileName, options: options, sink: sink, progress: progress)
  }

  /// The CSV path; `lineMap` turns CSV line numbers back into the source's (JSON lines).
  static func runCSV(reader: CSVReader, source: any ByteSource, fileName: String, options: ImportOptions, sink: any ImportSink,
                     progress: ((ImportProgress) -> Void)?, lineMap: ((Int) -> Int)? = nil, version: String? = nil,
                     reduced: (() throws -> ReducedRow?)? = nil) throws -> ImportResult {
    let header = try readHeader(reader, fileName: fileName)
    let candidates = FormatSniffer.candidates(header: header)
    let format: ImportFormat
    var sniffedVersion = "?"
    if let pinned = options.format {
      format = pinned
      sniffedVersion = candidates.first { $0.format == pinned }?.version ?? "?"
    } else {
      let chosen = try decide(candidates, fileName: fileName, what: "header", header: header)
      format = chosen.format
      sniffedVersion = chosen.version
    }
    if let version { sniffedVersion = version }
    guard let csv = format.descriptor.csv else {
      throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1),
        "--format \(format.rawValue) reads JSON or XML, but this file is CSV", fix: "let --format auto choose, or pin a CSV format"))
    }
    let mapper: any ChargeRowMapper
    switch csv.mapper {
    case .records(let make):
      return try runRecords(reader: reader, mapper: try make(header, fileName), fileName: fileName, options: options, sink: sink,
                            format: format, version: sniffedVersion, sniffed: options.format == nil ? candidates.first : nil,
                            progress: progress, source: source)
    case .charges(let make):
      mapper = try make(header, fileName, options.currency)
    }
    var result = ImportResult(format: format, version: sniffedVersion)
    if options.format == nil { result.sniffed = candidates.first }
    var record = ChargeRecord()
    var amounts = RowAmounts()
    var accepted = TotalsAccumulator()
    var reducedIndex = 0

    do {
      while try reader.nextRow() {
        amounts = RowAmounts()
        var group: ReducedRow?
        if let reduced {
          guard let next = try reduced() else { throw ReducedRow.misaligned(fileName, reducedIndex) }
          group = next
          reducedIndex += 1
          amounts.rows = group!.rows
        }
        result.rowsRead += amounts.rows
        // A reduced row the engine kept as text is read here, by this reader's rules, like the file's own row.
        let rawReader = group?.raw.map { CSVReader(source: MemoryByteSource($0)) }
        if let rawReader { rawReader.fileName = fileName; _ = try rawReader.nextRow() }
        let row = rawReader ?? reader
        do throws(RowError) {
          try mapper.map(row, into: &record, amounts: &amounts)
          try Self.checkRange(record)
          record.line = lineMap?(reader.rowLine) ?? reader.rowLine
        } catch {
          var at = location(reader, error.fieldIndex, fileName, lineMap)
          if let group { at = SourceLocation(file: fileName, line: group.line, column: nil); group.addResiduals(to: &amounts) }
          try reject(error, amounts: amounts, at: at, raw: row.rawText, options: options, sink: sink, result: &result)
          continue
        }
        if let group {
          record.sourceRows = Int64(group.rows)
          record.line = group.line
          group.addResiduals(to: &amounts)
        }
        try sink.write(record)
        result.rowsStored += amounts.rows
        accepted.add(PeriodCurrency(period: amounts.period, currency: amounts.currency ?? "?"), amounts)
        if !record.flags.isEmpty {
          for (flag, label) in ArithmeticFlags.all where record.flags.contains(flag) { result.flagCounts[label, default: 0] += amounts.rows }
        }
        if let progress, result.rowsRead & 0x3FFF == 0 {
          progress(ImportProgress(bytesRead: source.sourceBytesRead ?? reader.bytesRead, rows: result.rowsRead))
        }
      }
    } catch ImportError.badData(var d) where d.location?.file == "" {
      d.location?.file = fileName
      throw ImportError.badData(d)
    }
    if let reduced, try reduced() != nil { throw ReducedRow.misaligned(fileName, reducedIndex) }
    // Mappers may learn things while reading (e.g. Azure's actual vs amortised rows).
    result.warnings = mapper.warnings
    for (key, totals) in accepted.entries {
      result.fileTotals[key, default: Totals()].merge(totals)
    }
    result.warnings += currencyWarnings(Set(result.fileTotals.keys.map(\.currency)), fileName: fileName)
    result.bytesRead = reader.bytesRead
    progress?(ImportProgress(bytesRead: source.sourceBytesRead ?? reader.bytesRead, rows: result.rowsRead))
    return result
  }

  /// A row that could not be mapped: its amounts still count in the file's totals (as rejected); strict mode
  /// stops the import here, lenient mode keeps the row in the rejects table.
  static func reject(_ error: RowError, amounts: RowAmounts, at location: SourceLocation, raw: @autoclosure () -> String,
                     options: ImportOptions, sink: any ImportSink, result: inout ImportResult) throws {
    let key = PeriodCurrency(period: amounts.period, currency: amounts.currency ?? "?")
    if amounts.billedCost != nil || amounts.effectiveCost != nil {
      result.fileTotals[key, default: Totals()].add(amounts)
      result.rejectedTotals[key, default: Totals()].add(amounts)
    } else {
      result.rejectedWithoutAmounts += amounts.rows
    }
    guard options.lenient else {
      throw ImportError.badData(Diagnostic(.error, at: location, error.message,
        fix: (error.fix.map { $0 + "; " } ?? "") + "nothing was imported (or pass --lenient to import the good rows and keep this one in the rejects table)"))
    }
    let more = amounts.rows > 1 ? " (this row stands for \(amounts.rows) rows of the file with the same values, rejected together)" : ""
    let rejected = RejectedRow(location: location, field: error.field, rawText: raw(),
                               reason: error.message + more + (error.fix.map { "; " + $0 } ?? ""), sourceRows: amounts.rows)
    try sink.reject(rejected)
    result.rowsRejected += amounts.rows
    if result.firstRejects.count < options.rejectsShown { result.firstRejects.append(rejected) }
  }

  /// Usage and metrics CSVs: each row becomes one record through the context.
  static func runRecords(reader: CSVReader, mapper: any RecordRowMapper, fileName: String, options: ImportOptions, sink: any ImportSink,
                         format: ImportFormat, version: String, sniffed: SniffResult?, progress: ((ImportProgress) -> Void)?,
                         source: any ByteSource) throws -> ImportResult {
    let context = RecordContext(fileName: fileName, options: options, sink: sink, format: format, version: version)
    while try reader.nextRow() {
      let mapped: MappedRecord
      do throws(RowError) {
        mapped = try mapper.map(reader)
      } catch {
        let loc = location(reader, error.fieldIndex, fileName, nil)
        let refused = mapper.refusedAmounts
        try context.reject(line: loc.line, column: loc.column, field: error.field, raw: reader.rawText,
                           message: error.message, fix: error.fix, key: refused?.key, amounts: refused?.amounts)
        continue
      }
      switch mapped {
      case .usage(var u): u.line = reader.rowLine; try context.usage(u)
      case .metric(var m): m.line = reader.rowLine; try context.metric(m)
      case .dataset(var d): d.line = reader.rowLine; try context.dataset(d)
      }
      if let progress, context.result.rowsRead & 0x3FFF == 0 {
        progress(ImportProgress(bytesRead: source.sourceBytesRead ?? reader.bytesRead, rows: context.result.rowsRead))
      }
    }
    var result = context.finish()
    result.warnings = mapper.warnings
    result.sniffed = sniffed
    result.bytesRead = reader.bytesRead
    return result
  }

  /// A billing currency that is not an ISO 4217 code (`MC` in an Azure export): kept as written, never converted or added
  /// to another currency, and said once per file.
  static func currencyWarnings(_ currencies: Set<Currency>, fileName: String) -> [Diagnostic] {
    currencies.filter { !$0.isISOCode && $0.code != "?" }.sorted().map {
      Diagnostic(.warning, at: SourceLocation(file: fileName, line: 1, column: nil),
                 "billing currency '\($0.code)' is not an ISO 4217 code (three letters): its amounts are kept under '\($0.code)', apart from every other currency",
                 fix: "check the export's currency column; --currency only fills an absent one")
    }
  }

  static func location(_ reader: CSVReader, _ field: Int?, _ fileName: String, _ lineMap: ((Int) -> Int)?) -> SourceLocation {
    let position = field.map { reader.position(ofField: $0) }
    if let lineMap { return SourceLocation(file: fileName, line: lineMap(reader.rowLine), column: nil) }
    return SourceLocation(file: fileName, line: position?.line ?? reader.rowLine, column: position?.column)
  }

  /// Exactly one candidate, or a clear refusal that lists what fits (or says nothing does).
  static func decide(_ candidates: [SniffResult], fileName: String, what: String, header: [String] = []) throws -> SniffResult {
    if candidates.count == 1 { return candidates[0] }
    if candidates.isEmpty {
      if what == "header" { throw unknownFormat(header, fileName) }
      throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1),
        "cannot tell the format of this JSON/XML document", fix: "supported formats: \(ImportFormat.names); pin one with --format"))
    }
    let names = candidates.map { "\($0.format.rawValue) (\($0.evidence.joined(separator: ", ")))" }
    throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1),
      "the \(what) fits more than one format: \(names.joined(separator: "; "))",
      fix: "pin one with --format \(candidates.map(\.format.rawValue).joined(separator: " or --format "))"))
  }

  static func readHeader(_ reader: CSVReader, fileName: String) throws -> [String] {
    let any: Bool
    do { any = try reader.nextRow() } catch ImportError.badData(var d) where d.location?.file == "" {
      // The reader does not know the file's name: a header whose quote never closes is located like a row.
      d.location?.file = fileName
      throw ImportError.badData(d)
    }
    guard any else {
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
extension ImportDriver {
  /// A cost computed from several columns (CUR's amortisation, for one) can leave the 128-bit range: say so.
  @inline(__always) static func checkRange(_ r: borrowing ChargeRecord) throws(RowError) {
    if r.billedCost.isOverflow { throw outOfRange("BilledCost") }
    if r.effectiveCost.isOverflow { throw outOfRange("EffectiveCost") }
    if r.listCost?.isOverflow == true { throw outOfRange("ListCost") }
    if r.contractedCost?.isOverflow == true { throw outOfRange("ContractedCost") }
  }

  static func outOfRange(_ name: String) -> RowError {
    RowError(fieldIndex: nil, field: name, message: "the \(name) computed from this row's amounts does not fit in 128-bit pico-units",
             fix: "check the row's cost columns; amounts must stay within ±1.7 × 10^26 units")
  }
}

struct TotalsAccumulator {
  private(set) var entries: [(PeriodCurrency, Totals)] = []
  private var last = -1

  mutating func add(_ key: PeriodCurrency, _ amounts: RowAmounts) {
    if last < 0 || entries[last].0 != key {
      last = entries.firstIndex { $0.0 == key } ?? -1
      if last < 0 { entries.append((key, Totals())); last = entries.count - 1 }
    }
    entries[last].1.add(amounts)
  }
}

extension Totals {
  /// One row of the file: its amounts and what rounding dropped from their text.
  mutating func add(_ amounts: RowAmounts) {
    add(billed: amounts.billedCost, effective: amounts.effectiveCost, rows: amounts.rows)
    billedResidual += amounts.billedResidual
    effectiveResidual += amounts.effectiveResidual
  }
}
