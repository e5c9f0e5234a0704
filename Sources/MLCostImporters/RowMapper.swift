import MLCostCore

/// A format's row mapper: header in, canonical charges out. The shared driver owns I/O,
/// line numbers, totals and error policy; a mapper only turns one row into one charge.
public protocol ChargeRowMapper: AnyObject {
  /// Things worth saying about the header (assumed defaults, columns kept as extras).
  var warnings: [Diagnostic] { get }
  /// Maps the reader's current row into `record`. Sets `amounts` as far as it can read them,
  /// even when it then throws, so the file's totals include rejected rows.
  func map(_ row: CSVReader, into record: inout ChargeRecord, amounts: inout RowAmounts) throws(RowError)
}

/// What reconciliation needs of a row, read independently of whether the row is accepted.
public struct RowAmounts: Sendable {
  public var period: BillingMonth?
  public var currency: Currency?
  public var billedCost: Amount?
  public var effectiveCost: Amount?
  /// What rounding to 12 decimals dropped from the BilledCost / EffectiveCost text (zero when computed).
  public var billedResidual = ExactDecimal.Residual()
  public var effectiveResidual = ExactDecimal.Residual()
  /// Source rows these amounts stand for (1, or a reduced group's size).
  public var rows = 1
  public init() {}
}

/// Why one row cannot be imported: which field, what was wrong, how to fix it.
public struct RowError: Error, Sendable {
  public var fieldIndex: Int?
  public var field: String?
  public var message: String
  public var fix: String?
  public init(fieldIndex: Int?, field: String?, message: String, fix: String? = nil) {
    self.fieldIndex = fieldIndex; self.field = field; self.message = message; self.fix = fix
  }
}
