import MLCostCore

/// The file being imported, as the import ledger records it.
public struct ImportFileInfo: Sendable {
  public var fileName: String
  public var path: String
  public var sha256: String
  public var format: String
  public var formatVersion: String
  public var fileBytes: Int64
  public var importedAt: String
  public var lenient: Bool
  public init(fileName: String, path: String, sha256: String, format: String, formatVersion: String,
              fileBytes: Int64, importedAt: String, lenient: Bool) {
    self.fileName = fileName; self.path = path; self.sha256 = sha256; self.format = format
    self.formatVersion = formatVersion; self.fileBytes = fileBytes; self.importedAt = importedAt; self.lenient = lenient
  }
}

/// One row of reconciliation: per billing period and currency, the file's totals (from its text),
/// what was stored, and what was rejected. `file = stored + rejected` for every row.
public struct ReconciliationRow: Sendable, Equatable {
  public var key: PeriodCurrency
  public var file: Totals
  public var stored: Totals
  public var rejected: Totals
  public init(key: PeriodCurrency, file: Totals, stored: Totals, rejected: Totals) {
    self.key = key; self.file = file; self.stored = stored; self.rejected = rejected
  }
  /// One row per billing period and currency that any of the three sides has, in order.
  public static func rows(file: [PeriodCurrency: Totals], stored: [PeriodCurrency: Totals],
                          rejected: [PeriodCurrency: Totals]) -> [ReconciliationRow] {
    Set(file.keys).union(stored.keys).union(rejected.keys).sorted().map {
      ReconciliationRow(key: $0, file: file[$0] ?? Totals(), stored: stored[$0] ?? Totals(), rejected: rejected[$0] ?? Totals())
    }
  }

  /// The file's exact text totals: the rows' kept sum plus what rounding to 12 decimals dropped.
  public var fileBilledText: String { ExactDecimal.exactSum(file.billedCost, file.billedResidual) }
  public var fileEffectiveText: String { ExactDecimal.exactSum(file.effectiveCost, file.effectiveResidual) }

  /// True when the stored totals plus the rejected rows' totals give the file's kept totals exactly (the
  /// residual of rounding, if any, is shown beside them).
  public var balances: Bool {
    !file.overflowed && !stored.overflowed && !rejected.overflowed
      && file.billedCost == stored.billedCost + rejected.billedCost
      && file.effectiveCost == stored.effectiveCost + rejected.effectiveCost
      && file.rows == stored.rows + rejected.rows
  }
}

/// An older import's rows that a newer export of the same provider, account and period replaced.
public struct Replacement: Sendable, Equatable {
  public var importId: Int64
  public var fileName: String
  public var provider: String?
  public var billingAccount: String?
  public var period: BillingMonth
  public var rowsRemoved: Int
  /// True when the rows removed are the new import's own: an invoice whose account and period cost data already covers
  /// (it stays in the ledger and in `mlcost reconcile`, not in reports).
  public var yielded = false
}

/// A recorded import, as `mlcost imports` lists it: the file as the ledger recorded it (its fields read
/// through: `record.fileName`), and what the import did.
@dynamicMemberLookup
public struct ImportRecord: Sendable {
  public var id: Int64
  public var file: ImportFileInfo
  public subscript<T>(dynamicMember field: KeyPath<ImportFileInfo, T>) -> T { file[keyPath: field] }
  public var rowsRead: Int
  public var rowsStored: Int
  public var rowsRejected: Int
  public var rowsFlagged: Int
  public var replacedBy: Int64?
  public var reconciliation: [ReconciliationRow]
  /// Rows of this import still in the store (fewer than stored when a newer export replaced some).
  public var rowsLive: Int
}

extension Store {
  /// The import of exactly these bytes, if any.
  public func importRecord(sha256: String) throws(StoreError) -> ImportRecord? {
    let id = try db.scalar("SELECT id FROM import WHERE sha256 = ?", [.text(sha256)]).int
    return try id.flatMap { id throws(StoreError) in try imports(id: id).first }
  }

  /// Whether any import has this byte size (a cheap test before hashing a file twice).
  public func hasImport(fileBytes: Int64) throws(StoreError) -> Bool {
    try db.scalar("SELECT count(*) FROM import WHERE file_bytes = ?", [.integer(fileBytes)]).int ?? 0 > 0
  }

  /// One import, as one transaction: `body` streams rows into the loader and says how it ends. On
  /// `.commit` the store reconciles, replaces what the file supersedes, records the totals and commits;
  /// on `.rollBack` or an error (rethrown) nothing of the import stays. This is the only way to write one.
  /// Returns nil when the body rolled back.
  @discardableResult
  public func importing(_ info: ImportFileInfo, _ body: (ChargeLoader) throws -> ImportEnding) throws -> ImportCommitted? {
    let loader = try beginImport(info)
    let ending: ImportEnding
    do {
      ending = try body(loader)
    } catch {
      abortImport()
      throw error
    }
    guard case .commit(let c) = ending else {
      abortImport()
      return nil
    }
    if let identity = c.identity {
      do throws(StoreError) {
        try recordIdentity(importId: loader.importId, sha256: identity.sha256, format: identity.format, version: identity.version)
      } catch {
        abortImport()
        throw error
      }
    }
    let (reconciliation, replacements) = try finishImport(loader, rowsRead: c.rowsRead, fileTotals: c.fileTotals,
                                                          rejectedTotals: c.rejectedTotals, replacesOlderExports: c.replacesOlderExports)
    return ImportCommitted(importId: loader.importId, reconciliation: reconciliation, replacements: replacements)
  }

  /// Starts the file's transaction and returns the loader to stream rows into.
  private func beginImport(_ info: ImportFileInfo) throws(StoreError) -> ChargeLoader {
    // Another process's import holds the write lock for as long as its file takes: wait for it (an
    // hour at most) rather than fail after the usual 5 s. WAL readers never wait.
    db.setBusyTimeout(milliseconds: 3_600_000)
    defer { db.setBusyTimeout(milliseconds: 5000) }
    try db.execute("BEGIN IMMEDIATE")
    do throws(StoreError) {
      _ = try db.rows("""
        INSERT INTO import (file_name, file_path, sha256, format, format_version, file_bytes, imported_at, lenient)
        VALUES (?,?,?,?,?,?,?,?)
        """, [.text(info.fileName), .text(info.path), .text(info.sha256), .text(info.format), .text(info.formatVersion),
              .integer(info.fileBytes), .text(info.importedAt), .integer(info.lenient ? 1 : 0)])
      return try ChargeLoader(db: db, importId: db.lastInsertRowID, fileName: info.fileName)
    } catch {
      try? db.execute("ROLLBACK")
      throw error
    }
  }

  /// Sets what is known only once the file has been read: its digest and detected format.
  private func recordIdentity(importId: Int64, sha256: String, format: String, version: String) throws(StoreError) {
    _ = try db.rows("UPDATE import SET sha256 = ?, format = ?, format_version = ? WHERE id = ?",
                    [.text(sha256), .text(format), .text(version), .integer(importId)])
  }

  /// Undoes everything since `beginImport`.
  private func abortImport() {
    try? db.execute("ROLLBACK")
  }

  /// Reconciles, replaces what a newer export of the same provider, account and period supersedes,
  /// records the totals, and commits. Nothing is visible to readers before the commit.
  private func finishImport(_ loader: ChargeLoader, rowsRead: Int, fileTotals: [PeriodCurrency: Totals],
                           rejectedTotals: [PeriodCurrency: Totals], replacesOlderExports: Bool = true)
    throws(StoreError) -> (reconciliation: [ReconciliationRow], replacements: [Replacement])
  {
    do throws(StoreError) {
      let id = loader.importId
      // An import's charges are one contiguous rowid range: record it instead of indexing import_id.
      _ = try db.rows("UPDATE import SET first_charge_id = ?, last_charge_id = ? WHERE id = ?",
                      [.integer(loader.firstChargeId), .integer(loader.firstChargeId + Int64(loader.rowsWritten) - 1), .integer(id)])
      var stored = try verifiedStoredTotals(loader)
      try loader.writeSummary()
      var replacements = replacesOlderExports ? try replaceOlderExports(importId: id) : try yieldToCostData(importId: id)
      if let records = loader.recordWriter {
        for (key, totals) in try verifiedUsageTotals(records) { stored[key, default: Totals()].merge(totals) }
        for (key, totals) in try verifiedDatasetTotals(records) { stored[key, default: Totals()].merge(totals) }
        if replacesOlderExports { replacements += try replaceOlderUsage(records) + replaceOlderDatasets(records) }
      }
      let reconciliation = ReconciliationRow.rows(file: fileTotals, stored: stored, rejected: rejectedTotals)
      let insertTotal = try db.prepare("""
        INSERT INTO import_total (import_id, billing_period, currency, file_rows, file_billed_cost, file_effective_cost,
          stored_rows, stored_billed_cost, stored_effective_cost, rejected_rows, rejected_billed_cost, rejected_effective_cost,
          file_billed_residual, file_effective_residual) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
        """)
      for r in reconciliation {
        for (side, t) in [("file", r.file), ("stored", r.stored), ("rejected", r.rejected)] where t.overflowed {
          throw StoreError.overflow("the \(side) total of \(r.key) passes ±1.7 × 10^26 units")
        }
        func residual(_ x: ExactDecimal.Residual) -> SQLValue { x.isZero ? .null : .text(String(x.yoctoPicos) + (x.inexact ? "+" : "")) }
        try insertTotal.bind([.integer(id), .text(r.key.period?.description ?? "unreadable"), .text(r.key.currency.code),
          .integer(Int64(r.file.rows)), .money(r.file.billedCost), .money(r.file.effectiveCost),
          .integer(Int64(r.stored.rows)), .money(r.stored.billedCost), .money(r.stored.effectiveCost),
          .integer(Int64(r.rejected.rows)), .money(r.rejected.billedCost), .money(r.rejected.effectiveCost),
          residual(r.file.billedResidual), residual(r.file.effectiveResidual)])
        try insertTotal.run()
      }
      _ = try db.rows("UPDATE import SET rows_read = ?, rows_stored = ?, rows_rejected = ?, rows_flagged = ? WHERE id = ?",
        [.integer(Int64(rowsRead)), .integer(Int64(loader.recordsWritten)), .integer(Int64(loader.rowsRejected)),
         .integer(Int64(loader.rowsFlagged)), .integer(id)])
      try db.execute("COMMIT")
      return (reconciliation, replacements)
    } catch {
      abortImport()
      throw error
    }
  }

  /// What this import stored, per billing period and currency, from the loader's tallies of the rows
  /// SQLite accepted — checked against one read-back sum over the import's rows (a mismatch is an
  /// error). Also records the import's scopes for replacement.
  private func verifiedStoredTotals(_ loader: ChargeLoader) throws(StoreError) -> [PeriodCurrency: Totals] {
    loader.closeTallies()
    var expected = Totals()
    for t in loader.tallies.values { expected.merge(t) }
    if expected.overflowed { throw StoreError.overflow("the import's total passes ±1.7 × 10^26 units") }
    let row = try db.rows("SELECT coalesce(sum(coalesce(source_rows, 1)), 0), money_sum(billed_cost), money_sum(effective_cost) FROM charge WHERE id BETWEEN ? AND ?",
                          [.integer(loader.firstChargeId), .integer(loader.firstChargeId + Int64(loader.rowsWritten) - 1)])[0]
    guard row[0].int == Int64(expected.rows), row[1].amount == expected.billedCost, row[2].amount == expected.effectiveCost else {
      throw .schema("the stored rows (\(row[0]) rows, \(row[1]) / \(row[2]) pico-units) disagree with what was inserted (\(expected.rows) rows); nothing was imported")
    }
    var codes: [Int64: String] = [:]
    for id in Set(loader.tallies.keys.map(\.currency)) {
      codes[id] = try db.scalar("SELECT value FROM dict WHERE id = ?", [.integer(id)]).string ?? "?"
    }
    var stored: [PeriodCurrency: Totals] = [:]
    var scopes: [ChargeLoader.ScopeKey: Int] = [:]
    for (key, totals) in loader.tallies {
      stored[PeriodCurrency(period: BillingMonth(containing: key.periodStart), currency: Currency(codes[key.currency] ?? "?")), default: Totals()].merge(totals)
      scopes[ChargeLoader.ScopeKey(periodStart: key.periodStart, currency: -1, provider: key.provider, account: key.account), default: 0] += totals.rows
    }
    let insertScope = try db.prepare("INSERT INTO import_scope (import_id, provider_name_id, billing_account_id_id, billing_period_start, rows) VALUES (?,?,?,?,?)")
    for (key, rows) in scopes {
      try insertScope.bind([.integer(loader.importId), key.provider < 0 ? .null : .integer(key.provider),
                            key.account < 0 ? .null : .integer(key.account), .integer(key.periodStart), .integer(Int64(rows))])
      try insertScope.run()
    }
    return stored
  }

  /// This import's usage cost per month and currency, from the writer's tallies, checked against the table.
  private func verifiedUsageTotals(_ records: RecordWriter) throws(StoreError) -> [PeriodCurrency: Totals] {
    var expected = Totals()
    for t in records.usageTallies.values { expected.merge(t) }
    if expected.overflowed { throw StoreError.overflow("the usage import's total cost passes ±1.7 × 10^26 units") }
    let row = try db.rows("SELECT count(*), money_sum(cost) FROM usage WHERE import_id = ?", [.integer(records.importId)])[0]
    guard row[0].int == Int64(expected.rows), row[1].amount == expected.billedCost else {
      throw .schema("the stored usage records (\(row[0]) rows, \(row[1]) pico-units) disagree with what was inserted (\(expected.rows) rows); nothing was imported")
    }
    return records.usageTallies
  }

  /// The dataset rows as stored, checked against what was inserted.
  private func verifiedDatasetTotals(_ records: RecordWriter) throws(StoreError) -> [PeriodCurrency: Totals] {
    guard records.datasetRows > 0 else { return [:] }
    var expected = Totals()
    for t in records.datasetTallies.values { expected.merge(t) }
    if expected.overflowed { throw StoreError.overflow("the dataset import's invoiced total passes ±1.7 × 10^26 units") }
    let row = try db.rows("""
      SELECT count(*), money_sum(CASE WHEN dataset = 'invoice-detail' THEN cost END) FROM focus_dataset_row WHERE import_id = ?
      """, [.integer(records.importId)])[0]
    guard row[0].int == Int64(expected.rows), (row[1].amount ?? .zero) == expected.billedCost else {
      throw .schema("the stored dataset rows (\(row[0]) rows, \(row[1]) pico-units) disagree with what was inserted (\(expected.rows) rows); nothing was imported")
    }
    return records.datasetTallies
  }

  /// A newer export of a dataset replaces older rows of the same thing: a commitment by id, a billing period by issuer and
  /// period, invoice lines by issuer, billing account and period.
  private func replaceOlderDatasets(_ records: RecordWriter) throws(StoreError) -> [Replacement] {
    var out: [Replacement] = []
    for scope in records.datasetScopes.sorted(by: { ($0.dataset, $0.periodStart ?? 0, $0.id ?? "") < ($1.dataset, $1.periodStart ?? 0, $1.id ?? "") }) {
      let filter = scope.id != nil ? "row_id = ?2" : "invoice_issuer IS ?2 AND billing_account_id IS ?3 AND period_start IS ?4"
      let args: [SQLValue] = [.text(scope.dataset), scope.id.map { .text($0) } ?? scope.issuer.map { .text($0) } ?? .null,
                              scope.account.map { .text($0) } ?? .null, scope.periodStart.map { .integer($0) } ?? .null, .integer(records.importId)]
      let older = try db.rows("""
        SELECT d.import_id, i.file_name, count(*) FROM focus_dataset_row d JOIN import i ON i.id = d.import_id
        WHERE d.dataset = ?1 AND \(filter) AND d.import_id <> ?5 GROUP BY d.import_id ORDER BY d.import_id
        """, args)
      guard !older.isEmpty else { continue }
      _ = try db.rows("DELETE FROM focus_dataset_row WHERE dataset = ?1 AND \(filter) AND import_id <> ?5", args)
      for r in older {
        out.append(Replacement(importId: r[0].int ?? 0, fileName: r[1].string ?? "", provider: scope.issuer, billingAccount: scope.account ?? scope.id,
                               period: BillingMonth(containing: scope.periodStart ?? 0), rowsRemoved: Int(r[2].int ?? 0)))
      }
    }
    return out
  }

  /// A newer usage export of the same provider and source replaces older records in the time range it covers.
  private func replaceOlderUsage(_ records: RecordWriter) throws(StoreError) -> [Replacement] {
    var out: [Replacement] = []
    for (scope, range) in records.usageScopes.sorted(by: { ($0.key.provider, $0.key.source) < ($1.key.provider, $1.key.source) }) {
      let older = try db.rows("""
        SELECT u.import_id, i.file_name, count(*), min(u.bucket_start) FROM usage u JOIN import i ON i.id = u.import_id
        WHERE u.provider_id = ? AND u.source_id = ? AND u.bucket_start BETWEEN ? AND ? AND u.import_id <> ?
        GROUP BY u.import_id ORDER BY u.import_id
        """, [.integer(scope.provider), .integer(scope.source), .integer(range.lowerBound), .integer(range.upperBound), .integer(records.importId)])
      guard !older.isEmpty else { continue }
      _ = try db.rows("DELETE FROM usage WHERE provider_id = ? AND source_id = ? AND bucket_start BETWEEN ? AND ? AND import_id <> ?",
        [.integer(scope.provider), .integer(scope.source), .integer(range.lowerBound), .integer(range.upperBound), .integer(records.importId)])
      let provider = try db.scalar("SELECT value FROM dict WHERE id = ?", [.integer(scope.provider)]).string
      let source = try db.scalar("SELECT value FROM dict WHERE id = ?", [.integer(scope.source)]).string
      for r in older {
        out.append(Replacement(importId: r[0].int ?? 0, fileName: r[1].string ?? "", provider: provider, billingAccount: source,
                               period: BillingMonth(containing: r[3].int ?? 0), rowsRemoved: Int(r[2].int ?? 0)))
      }
    }
    return out
  }

  /// Deletes the rows of older imports that this import's (provider, billing account, billing period)
  /// scopes cover. A scope with neither provider nor account is never replaced: nothing says it is the same account.
  /// An invoice (an import that replaces nothing) whose provider, account and period cost data already covers gives its
  /// lines up, as it would have if the cost data had come after it: the same spend is never counted twice.
  private func yieldToCostData(importId id: Int64) throws(StoreError) -> [Replacement] {
    let covered = try db.rows("""
      SELECT n.rowid, n.provider_name_id, n.billing_account_id_id, n.billing_period_start, min(o.import_id),
             (SELECT value FROM dict WHERE id = n.provider_name_id), (SELECT value FROM dict WHERE id = n.billing_account_id_id)
      FROM import_scope n
      JOIN import_scope o ON o.billing_period_start = n.billing_period_start
        AND o.provider_name_id IS n.provider_name_id AND o.billing_account_id_id IS n.billing_account_id_id
        AND o.import_id <> n.import_id AND o.superseded_by IS NULL
      JOIN import i ON i.id = o.import_id AND i.format <> 'ubl'
      WHERE n.import_id = ? AND (n.provider_name_id IS NOT NULL OR n.billing_account_id_id IS NOT NULL)
      GROUP BY n.rowid ORDER BY n.billing_period_start
      """, [.integer(id)])
    var out: [Replacement] = []
    for row in covered {
      let removed = try deleteScope(importId: id, provider: row[1], account: row[2], period: row[3])
      _ = try db.rows("UPDATE import_scope SET superseded_by = ? WHERE rowid = ?", [row[4], row[0]])
      let file = try db.scalar("SELECT file_name FROM import WHERE id = ?", [row[4]]).string ?? ""
      out.append(Replacement(importId: row[4].int ?? 0, fileName: file, provider: row[5].string, billingAccount: row[6].string,
                             period: BillingMonth(containing: row[3].int ?? 0), rowsRemoved: removed, yielded: true))
    }
    return out
  }

  /// Deletes one import's rows of one (provider, account, period) scope from the line table and the rollups; the rows removed.
  private func deleteScope(importId: Int64, provider: SQLValue, account: SQLValue, period: SQLValue) throws(StoreError) -> Int {
    let args: [SQLValue] = [.integer(importId), provider, account, period]
    let dims = "dims_id IN (SELECT id FROM charge_dims WHERE provider_name_id IS ?2 AND billing_account_id_id IS ?3)"
    let lines = "id BETWEEN (SELECT first_charge_id FROM import WHERE id = ?1) AND (SELECT last_charge_id FROM import WHERE id = ?1) AND billing_period_start = ?4 AND \(dims)"
    _ = try db.rows("DELETE FROM charge_detail WHERE charge_id IN (SELECT id FROM charge WHERE \(lines))", args)
    _ = try db.rows("DELETE FROM charge WHERE \(lines)", args)
    let removed = db.changes
    _ = try db.rows("DELETE FROM charge_summary WHERE import_id = ?1 AND billing_period_start = ?4 AND \(dims)", args)
    _ = try db.rows("DELETE FROM charge_daily WHERE import_id = ?1 AND billing_period_start = ?4 AND \(dims)", args)
    return removed
  }

  private func replaceOlderExports(importId id: Int64) throws(StoreError) -> [Replacement] {
    let older = try db.rows("""
      SELECT o.rowid, o.import_id, i.file_name, o.provider_name_id, o.billing_account_id_id, o.billing_period_start,
             (SELECT value FROM dict WHERE id = o.provider_name_id), (SELECT value FROM dict WHERE id = o.billing_account_id_id)
      FROM import_scope n
      JOIN import_scope o ON o.billing_period_start = n.billing_period_start
        AND o.provider_name_id IS n.provider_name_id AND o.billing_account_id_id IS n.billing_account_id_id
        AND o.import_id <> n.import_id AND o.superseded_by IS NULL
      JOIN import i ON i.id = o.import_id
      WHERE n.import_id = ? AND (n.provider_name_id IS NOT NULL OR n.billing_account_id_id IS NOT NULL)
      ORDER BY o.import_id, o.billing_period_start
      """, [.integer(id)])
    var replacements: [Replacement] = []
    for row in older {
      let removed = try deleteScope(importId: row[1].int ?? 0, provider: row[3], account: row[4], period: row[5])
      _ = try db.rows("UPDATE import_scope SET superseded_by = ? WHERE rowid = ?", [.integer(id), row[0]])
      replacements.append(Replacement(importId: row[1].int ?? 0, fileName: row[2].string ?? "", provider: row[6].string,
        billingAccount: row[7].string, period: BillingMonth(containing: row[5].int ?? 0), rowsRemoved: removed))
    }
    _ = try db.rows("""
      UPDATE import SET replaced_by = ? WHERE id IN (SELECT import_id FROM import_scope WHERE superseded_by = ?)
        AND NOT EXISTS (SELECT 1 FROM import_scope s WHERE s.import_id = import.id AND s.superseded_by IS NULL)
      """, [.integer(id), .integer(id)])
    return replacements
  }

  /// Every import (or one), oldest first, with its reconciliation.
  public func imports(id: Int64? = nil) throws(StoreError) -> [ImportRecord] {
    let filter = id == nil ? "" : "WHERE id = \(id!)"
    var records: [ImportRecord] = []
    for r in try db.rows("""
      SELECT id, file_name, file_path, sha256, format, format_version, file_bytes, imported_at, lenient,
             rows_read, rows_stored, rows_rejected, rows_flagged, replaced_by,
             (SELECT coalesce(sum(coalesce(source_rows, 1)), 0) FROM charge WHERE id BETWEEN import.first_charge_id AND import.last_charge_id)
               + (SELECT count(*) FROM usage WHERE import_id = import.id)
               + (SELECT count(*) FROM metric_sample WHERE import_id = import.id)
      FROM import \(filter) ORDER BY id
      """) {
      let importId = r[0].int ?? 0
      let file = ImportFileInfo(fileName: r[1].string ?? "", path: r[2].string ?? "", sha256: r[3].string ?? "",
        format: r[4].string ?? "", formatVersion: r[5].string ?? "", fileBytes: r[6].int ?? 0, importedAt: r[7].string ?? "",
        lenient: r[8].int == 1)
      var rec = ImportRecord(id: importId, file: file, rowsRead: Int(r[9].int ?? 0), rowsStored: Int(r[10].int ?? 0), rowsRejected: Int(r[11].int ?? 0),
        rowsFlagged: Int(r[12].int ?? 0), replacedBy: r[13].int, reconciliation: [], rowsLive: Int(r[14].int ?? 0))
      for t in try db.rows("SELECT * FROM import_total WHERE import_id = ? ORDER BY billing_period, currency", [.integer(importId)]) {
        func totals(_ k: Int) -> Totals { Totals(rows: Int(t[k].int ?? 0), billedCost: t[k + 1].amountOrOverflow, effectiveCost: t[k + 2].amountOrOverflow) }
        func residual(_ v: SQLValue) -> ExactDecimal.Residual {
          guard var s = v.string else { return ExactDecimal.Residual() }
          let inexact = s.hasSuffix("+")
          if inexact { s.removeLast() }
          return ExactDecimal.Residual(Int128(s) ?? 0, inexact: inexact || Int128(s) == nil)
        }
        var file = totals(3)
        file.billedResidual = residual(t[12]); file.effectiveResidual = residual(t[13])
        rec.reconciliation.append(ReconciliationRow(key: PeriodCurrency(period: BillingMonth(t[1].string ?? ""), currency: Currency(t[2].string ?? "?")),
          file: file, stored: totals(6), rejected: totals(9)))
      }
      records.append(rec)
    }
    return records
  }

  /// The rejected rows of one import, in file order.
  public func rejects(importId: Int64) throws(StoreError) -> [RejectedRow] {
    try db.rows("SELECT file, line, \"column\", field, raw, reason FROM reject WHERE import_id = ? ORDER BY id", [.integer(importId)]).map {
      RejectedRow(location: SourceLocation(file: $0[0].string ?? "", line: Int($0[1].int ?? 0), column: $0[2].int.map { Int($0) }),
                  field: $0[3].string, rawText: $0[4].string ?? "", reason: $0[5].string ?? "")
    }
  }

  /// Σ billed and effective cost currently stored, per billing period and currency.
  public func storedTotals() throws(StoreError) -> [PeriodCurrency: Totals] {
    var out: [PeriodCurrency: Totals] = [:]
    for row in try db.rows("""
      SELECT strftime('%Y-%m', c.billing_period_start, 'unixepoch'), d.value, sum(coalesce(c.source_rows, 1)), money_sum(c.billed_cost), money_sum(c.effective_cost)
      FROM charge c JOIN charge_dims k ON k.id = c.dims_id JOIN dict d ON d.id = k.billing_currency_id GROUP BY 1, 2
      """) {
      out[PeriodCurrency(period: BillingMonth(row[0].string ?? ""), currency: Currency(row[1].string ?? "?"))] =
        Totals(rows: Int(row[2].int ?? 0), billedCost: row[3].amountOrOverflow, effectiveCost: row[4].amountOrOverflow)
    }
    return out
  }
}
