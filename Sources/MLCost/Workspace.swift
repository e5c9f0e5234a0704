import Foundation
import MLCostCore
import MLCostImporters
import MLCostStore

/// The use cases, and the only place where the store and the engines meet.
/// Returns values; never prints. The clock is a parameter so outputs are deterministic.
public final class Workspace {
  public let databasePath: String
  let store: Store
  let now: @Sendable () -> Date

  /// Opens (or creates) the database. `MLCOST_DB` and `--db` are resolved by the caller.
  public init(databasePath: String, now: @escaping @Sendable () -> Date = { Date() }) throws {
    self.databasePath = databasePath
    self.store = try Store(path: databasePath)
    self.now = now
  }

  /// What happened to one file.
  public enum ImportOutcome: Sendable {
    case imported(ImportSummary)
    /// The same bytes were imported before; nothing was stored.
    case alreadyImported(ImportRecord, path: String)
  }

  /// Imports one file as one transaction: all of it (strict) or its good rows plus rejects (lenient),
  /// or nothing at all. Replaces the rows of older exports of the same provider, account and period.
  public func importFile(_ path: String, options: ImportOptions,
                         progress: ((ImportProgress) -> Void)? = nil) throws -> ImportOutcome {
    let file = try FileByteSource(path: path)
    let fileName = (path as NSString).lastPathComponent
    if try store.hasImport(fileBytes: file.size) {
      let sha = try SHA256Hasher.hash(try FileByteSource(path: path))
      if let existing = try store.importRecord(sha256: sha) { return .alreadyImported(existing, path: path) }
    }
    let source = HashingByteSource(file)
    // Parquet is read by a helper process, not through `source`: its hash is taken up front.
    let parquetSHA = try Self.isParquet(file) ? SHA256Hasher.hash(try FileByteSource(path: path)) : nil
    let input = try Self.decompressing(source, file: file, fileName: fileName)
    let info = ImportFileInfo(fileName: fileName, path: path, sha256: "pending", format: "?", formatVersion: "?",
                              fileBytes: file.size, importedAt: Self.iso8601(now()), lenient: options.lenient)
    var outcome: ImportOutcome?
    var ran: (result: ImportResult, sha: String)?
    let committed = try store.importing(info) { loader in
      let result: ImportResult
      do {
        result = try PipelinedImport.run(source: input, fileName: fileName, options: options, sink: loader, progress: progress,
                                         betweenBatches: source.catchUp)
        try file.verifyUnchanged()
      } catch {
        try file.verifyUnchanged()  // a file that changed under the reader explains any row error it caused
        throw error
      }
      let sha = parquetSHA ?? source.finish()
      // The same bytes imported by another process while this one waited for the write lock: nothing new.
      if let existing = try? store.importRecord(sha256: sha), existing.id != loader.importId {
        outcome = .alreadyImported(existing, path: path)
        return .rollBack
      }
      ran = (result, sha)
      return .commit(ImportCompletion(identity: (sha, result.format.rawValue, result.version), rowsRead: result.rowsRead,
                                      fileTotals: result.fileTotals, rejectedTotals: result.rejectedTotals,
                                      replacesOlderExports: result.replacesOlderExports))
    }
    guard let committed, let ran else {
      if let outcome { return outcome }
      throw StoreError.schema("the import of \(fileName) rolled back without saying why")
    }
    return .imported(ImportSummary(importId: committed.importId, path: path, fileName: fileName, sha256: ran.sha, result: ran.result,
                                   reconciliation: committed.reconciliation, replacements: committed.replacements, dryRun: false))
  }

  /// Reads and checks a file without writing anything: the format, the rows, the totals.
  public static func dryRun(_ path: String, options: ImportOptions) throws -> (sniffed: SniffResult?, summary: ImportSummary) {
    let fileName = (path as NSString).lastPathComponent
    let sniffFile = try FileByteSource(path: path)
    let sniffed = try? ImportDriver.sniff(source: try decompressing(sniffFile, file: sniffFile, fileName: fileName), fileName: fileName)
    let file = try FileByteSource(path: path)
    let source = HashingByteSource(file)
    let sink = DiscardingSink()
    let result = try PipelinedImport.run(source: try decompressing(source, file: file, fileName: fileName), fileName: fileName,
                                         options: options, sink: sink, progress: nil,
                                         betweenBatches: source.catchUp)
    var stored: [PeriodCurrency: Totals] = [:]
    for (key, totals) in result.fileTotals {
      let rejected = result.rejectedTotals[key] ?? Totals()
      stored[key] = Totals(rows: totals.rows - rejected.rows, billedCost: totals.billedCost - rejected.billedCost,
                           effectiveCost: totals.effectiveCost - rejected.effectiveCost)
    }
    let reconciliation = ReconciliationRow.rows(file: result.fileTotals, stored: stored, rejected: result.rejectedTotals)
    let sha = try Self.isParquet(file) ? SHA256Hasher.hash(try FileByteSource(path: path)) : source.finish()
    return (sniffed, ImportSummary(importId: nil, path: path, fileName: fileName, sha256: sha, result: result,
                                   reconciliation: reconciliation, replacements: [], dryRun: true))
  }

  /// Every import, oldest first.
  public func imports() throws -> [ImportRecord] { try store.imports() }

  /// The rejected rows kept for one import.
  public func rejects(importId: Int64) throws -> [RejectedRow] { try store.rejects(importId: importId) }

  /// What the store holds now, per billing period and currency.
  public func storedTotals() throws -> [PeriodCurrency: Totals] { try store.storedTotals() }

  /// Raw SQL for tests and power users (read-only use).
  public func query(_ sql: String) throws -> [[SQLValue]] { try store.db.rows(sql) }

  /// What the database holds: the months with charges or usage and the first and last charge day, for
  /// honest empty states ("no charges for 2026-09; the database holds 2026-07 … 2026-10").
  public func holdings() throws -> DataHoldings {
    DataHoldings(months: try store.monthsWithData(),
                 firstChargeDay: try store.db.scalar("SELECT min(day) FROM charge_daily").int,
                 lastChargeDay: try store.lastChargeDay())
  }

  /// The source to parse: gzip is inflated on the fly, Parquet read by MLCost's own reader (or, for what it does not read,
  /// a pyarrow helper); both detected by their magic numbers, not the name.
  static func decompressing(_ source: any ByteSource, file: FileByteSource, fileName: String) throws -> any ByteSource {
    if isParquet(file) {
      var why: String?
      if !ParquetRowFeed.helperForced, let feed = try ParquetRowFeed.open(path: file.path, fileName: fileName, why: &why) { return feed }
      return try ParquetByteSource(path: file.path, fileName: fileName, because: why)
    }
    let head = file.peek(2)
    let isGzip = head.withUnsafeBytes { GzipByteSource.isGzip($0) }
    return isGzip ? try GzipByteSource(source, fileName: fileName) : source
  }

  static func isParquet(_ file: FileByteSource) -> Bool { file.peek(4).withUnsafeBytes { ParquetByteSource.isParquet($0) } }

  static func iso8601(_ date: Date) -> String {
    Timestamp.iso8601(Int64(date.timeIntervalSince1970.rounded(.down)))
  }
}

/// The outcome of importing (or dry-running) one file, ready to render.
public struct ImportSummary: Sendable {
  public var importId: Int64?
  public var path: String
  public var fileName: String
  public var sha256: String
  public var result: ImportResult
  public var reconciliation: [ReconciliationRow]
  public var replacements: [Replacement]
  public var dryRun: Bool

  /// True when every billing period and currency balances to the nano.
  public var reconciles: Bool { reconciliation.allSatisfy(\.balances) }
}

/// A sink that stores nothing (dry runs).
final class DiscardingSink: ImportSink {
  func write(_ charge: borrowing ChargeRecord) throws {}
  func reject(_ row: RejectedRow) throws {}
  func writeUsage(_ usage: UsageRecord) throws {}
  func writeMetric(_ sample: MetricSample) throws {}
  func writeDataset(_ row: DatasetRecord) throws {}
}

extension Workspace {
  /// The files to import: files as given; a directory's regular files (sorted, hidden ones left out)
  /// whose format is recognised. Unrecognised files in a directory come back as skipped, with why.
  public static func expand(_ paths: [String]) -> (files: [String], skipped: [(path: String, reason: String)]) {
    var files: [String] = []
    var skipped: [(String, String)] = []
    let fm = FileManager.default
    for path in paths {
      var isDirectory: ObjCBool = false
      guard fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
        files.append(path)
        continue
      }
      let names = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
      for name in names {
        let full = (path as NSString).appendingPathComponent(name)
        var sub: ObjCBool = false
        guard fm.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue else { continue }
        do {
          _ = try sniff(full)
          files.append(full)
        } catch {
          skipped.append((full, "\(error)".components(separatedBy: "\n").first ?? "not recognised"))
        }
      }
    }
    return (files, skipped)
  }

  /// The format a file looks like (reads only its start; gzip is inflated on the fly).
  public static func sniff(_ path: String) throws -> SniffResult {
    let file = try FileByteSource(path: path)
    return try ImportDriver.sniff(source: try decompressing(file, file: file, fileName: (path as NSString).lastPathComponent),
                                  fileName: (path as NSString).lastPathComponent)
  }
}
