/// One row of a FOCUS dataset other than Cost and Usage: a Contract Commitment (1.3, 1.4), a Billing Period or an
/// Invoice Detail (1.4). The fields reports and reconciliation read are typed; every column is kept in `fields`.
public struct DatasetRecord: Sendable, Equatable {
  public enum Dataset: String, Sendable, CaseIterable {
    case contractCommitment = "contract-commitment", billingPeriod = "billing-period", invoiceDetail = "invoice-detail"
  }
  public var dataset: Dataset
  public var line = 0
  /// ContractCommitmentId or InvoiceDetailId.
  public var id: String?
  public var invoiceIssuer: String?
  public var billingAccountId: String?
  public var invoiceId: String?
  /// The billing period (invoice detail, billing period) or the commitment's period.
  public var periodStart: Int64?
  public var periodEnd: Int64?
  /// ChargeCategory (invoice detail), ContractCommitmentCategory, or BillingPeriodStatus.
  public var category: String?
  public var currency: Currency?
  /// BilledCost (invoice detail) or ContractCommitmentCost, exactly.
  public var cost: Amount?
  public var quantity: Double?
  public var unit: String?
  /// Every column of the row as a JSON object (header name → text).
  public var fields = "{}"
  public init(dataset: Dataset) { self.dataset = dataset }

  /// The billing period the row belongs to, for reconciliation keys.
  public var period: BillingMonth? { periodStart.map { BillingMonth(containing: $0) } }
}
