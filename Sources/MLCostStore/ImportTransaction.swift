import MLCostCore

/// How an import's body ends (`Store.importing`).
public enum ImportEnding {
  /// Keep the rows: reconcile with the file's totals and commit.
  case commit(ImportCompletion)
  /// Keep nothing (e.g. the same bytes were imported by another process meanwhile).
  case rollBack
}

/// What is known once the file has been read.
public struct ImportCompletion {
  /// The file's digest and detected format, when they were not known at the start.
  public var identity: (sha256: String, format: String, version: String)?
  public var rowsRead: Int
  public var fileTotals: [PeriodCurrency: Totals]
  public var rejectedTotals: [PeriodCurrency: Totals]
  /// Whether this file replaces older exports of the same provider, account and period.
  public var replacesOlderExports: Bool
  public init(identity: (sha256: String, format: String, version: String)? = nil, rowsRead: Int,
              fileTotals: [PeriodCurrency: Totals] = [:], rejectedTotals: [PeriodCurrency: Totals] = [:], replacesOlderExports: Bool = true) {
    self.identity = identity; self.rowsRead = rowsRead; self.fileTotals = fileTotals; self.rejectedTotals = rejectedTotals
    self.replacesOlderExports = replacesOlderExports
  }
}

/// A committed import: its id, its reconciliation and what it replaced.
public struct ImportCommitted {
  public var importId: Int64
  public var reconciliation: [ReconciliationRow]
  public var replacements: [Replacement]
}
