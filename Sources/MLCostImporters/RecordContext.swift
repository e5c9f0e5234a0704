import MLCostCore

/// Where document importers (JSON, XML) and record mappers (usage, metrics) send what they read.
/// Applies strict or lenient, counts rows and keeps the file's totals, like the CSV charge loop does.
public final class RecordContext {
  public let fileName: String
  let options: ImportOptions
  let sink: any ImportSink
  @exclusivity(unchecked) var result: ImportResult
  @exclusivity(unchecked) private var accepted = TotalsAccumulator()

  init(fileName: String, options: ImportOptions, sink: any ImportSink, format: ImportFormat, version: String) {
    self.fileName = fileName
    self.options = options
    self.sink = sink
    result = ImportResult(format: format, version: version)
  }

  /// The reconciliation key of a usage record: its month and currency (`none` when it states no cost).
  static func key(_ u: UsageRecord) -> PeriodCurrency {
    PeriodCurrency(period: BillingMonth(containing: u.bucketStart), currency: u.cost == nil ? "none" : (u.currency ?? "USD"))
  }

  func charge(_ r: ChargeRecord, _ amounts: RowAmounts) throws {
    result.rowsRead += 1
    try sink.write(r)
    result.rowsStored += 1
    accepted.add(PeriodCurrency(period: amounts.period, currency: amounts.currency ?? "?"), amounts)
    for (flag, label) in ArithmeticFlags.all where r.flags.contains(flag) { result.flagCounts[label, default: 0] += 1 }
  }

  func usage(_ u: UsageRecord) throws {
    result.rowsRead += 1
    try sink.writeUsage(u)
    result.rowsStored += 1
    var amounts = RowAmounts()
    amounts.billedCost = u.cost; amounts.effectiveCost = u.cost
    accepted.add(Self.key(u), amounts)
  }

  /// A dataset row counts under its billing period; an invoice line's BilledCost is money the file states.
  func dataset(_ d: DatasetRecord) throws {
    result.rowsRead += 1
    try sink.writeDataset(d)
    result.rowsStored += 1
    var amounts = RowAmounts()
    let money = d.dataset == .invoiceDetail ? d.cost : nil
    amounts.billedCost = money; amounts.effectiveCost = money
    accepted.add(Self.key(d), amounts)
  }

  /// The reconciliation key of a dataset row: its period and currency (`none` for rows that are not invoiced money).
  static func key(_ d: DatasetRecord) -> PeriodCurrency {
    PeriodCurrency(period: d.period, currency: d.dataset == .invoiceDetail && d.cost != nil ? (d.currency ?? "?") : "none")
  }

  func metric(_ m: MetricSample) throws {
    result.rowsRead += 1
    try sink.writeMetric(m)
    result.rowsStored += 1
  }

  /// A record that cannot be imported: strict stops the file with its location; lenient keeps it.
  func reject(line: Int, column: Int?, field: String?, raw: String, message: String, fix: String?,
              key: PeriodCurrency? = nil, amounts: RowAmounts? = nil) throws {
    result.rowsRead += 1
    let location = SourceLocation(file: fileName, line: line, column: column)
    guard options.lenient else {
      throw ImportError.badData(Diagnostic(.error, at: location, message,
        fix: (fix.map { $0 + "; " } ?? "") + "nothing was imported (or pass --lenient to import the good records and keep this one in the rejects table)"))
    }
    if let key, let amounts, amounts.billedCost != nil || amounts.effectiveCost != nil {
      result.fileTotals[key, default: Totals()].add(amounts)
      result.rejectedTotals[key, default: Totals()].add(amounts)
    } else {
      result.rejectedWithoutAmounts += 1
    }
    let rejected = RejectedRow(location: location, field: field, rawText: raw, reason: message + (fix.map { "; " + $0 } ?? ""))
    try sink.reject(rejected)
    result.rowsRejected += 1
    if result.firstRejects.count < options.rejectsShown { result.firstRejects.append(rejected) }
  }

  func finish() -> ImportResult {
    for (key, totals) in accepted.entries { result.fileTotals[key, default: Totals()].merge(totals) }
    return result
  }
}

/// What one CSV row of a usage or metrics source becomes.
enum MappedRecord {
  case usage(UsageRecord)
  case metric(MetricSample)
  case dataset(DatasetRecord)
}

/// A CSV row mapper for sources that yield usage records or metric samples rather than charges.
protocol RecordRowMapper: AnyObject {
  var warnings: [Diagnostic] { get }
  func map(_ row: CSVReader) throws(RowError) -> MappedRecord
  /// The money of the row `map` just refused, when it had read it: counted in the file's totals as rejected, so a
  /// refused row's cost is never lost from the reconciliation.
  var refusedAmounts: (key: PeriodCurrency, amounts: RowAmounts)? { get }
}

extension RecordRowMapper {
  var refusedAmounts: (key: PeriodCurrency, amounts: RowAmounts)? { nil }
}

/// An importer for a whole document (JSON, XML): the bytes in, records to the context.
protocol DocumentImporter {
  static func run(_ bytes: UnsafeRawBufferPointer, context: RecordContext) throws
}
