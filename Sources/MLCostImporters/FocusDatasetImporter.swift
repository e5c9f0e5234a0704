import Foundation
import MLCostCore

/// The FOCUS datasets beside Cost and Usage, as CSV: Contract Commitment (1.3, 1.4), Billing Period and Invoice Detail
/// (1.4). Each row becomes a `DatasetRecord`: the fields reconciliation and commitment reports read, typed and exact,
/// and every column kept as JSON. An invoice line's BilledCost is money the file states (reconciled like charges);
/// a commitment's cost is its contract's, not a month's spend.
final class FocusDatasetImporter: RecordRowMapper {
  private(set) var warnings: [Diagnostic] = []
  private let f: ProviderFields
  private let dataset: DatasetRecord.Dataset
  private var c = Cols()
  private let keys: [[UInt8]]
  /// Ids seen in this file, with their line: the same commitment or invoice line twice would count twice.
  private var seen: [String: Int] = [:]
  private(set) var refusedAmounts: (key: PeriodCurrency, amounts: RowAmounts)?

  struct Cols {
    var id, issuer, account, invoice, start, end, category, currency, cost, quantity, unit: Int?
  }

  static func normalise(_ s: String) -> String { s.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces).lowercased() }

  /// Which dataset a header is, or nil.
  static func dataset(_ header: [String]) -> DatasetRecord.Dataset? {
    let names = Set(header.map(normalise))
    if names.contains("chargeperiodstart") || names.contains("effectivecost") { return nil }   // Cost and Usage
    if names.contains("contractcommitmentid") { return .contractCommitment }
    if names.contains("invoicedetailid") && names.contains("billedcost") { return .invoiceDetail }
    if names.contains("billingperiodstart") && (names.contains("billingperiodstatus") || names.contains("billingperiodcreated")) { return .billingPeriod }
    return nil
  }

  init(header: [String], file: String) throws(ImportError) {
    f = ProviderFields(header: header, file: file, normalise: Self.normalise, timeFix: "FOCUS dates look like 2026-10-01T00:00:00Z")
    guard let d = Self.dataset(header) else { throw f.headerError("not a FOCUS Contract Commitment, Billing Period or Invoice Detail header", fix: "pin another format with --format") }
    dataset = d
    keys = header.map { Array(JSON.escaped($0.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces)).utf8) }
    c.issuer = f.find("invoiceissuername"); c.account = f.find("billingaccountid"); c.invoice = f.find("invoiceid")
    c.currency = f.find("billingcurrency")
    switch d {
    case .contractCommitment:
      c.id = f.find("contractcommitmentid"); c.start = f.find("contractcommitmentperiodstart"); c.end = f.find("contractcommitmentperiodend")
      c.category = f.find("contractcommitmentcategory"); c.cost = f.find("contractcommitmentcost")
      c.quantity = f.find("contractcommitmentquantity"); c.unit = f.find("contractcommitmentunit")
    case .billingPeriod:
      c.start = f.find("billingperiodstart"); c.end = f.find("billingperiodend"); c.category = f.find("billingperiodstatus")
    case .invoiceDetail:
      c.id = f.find("invoicedetailid"); c.start = f.find("billingperiodstart"); c.end = f.find("billingperiodend")
      c.category = f.find("chargecategory"); c.cost = f.find("billedcost")
      for (col, name) in [(c.currency, "BillingCurrency"), (c.start, "BillingPeriodStart"), (c.invoice, "InvoiceId")] where col == nil {
        throw f.headerError("the FOCUS Invoice Detail column \(name) is missing", fix: "export the Invoice Detail dataset with its mandatory columns")
      }
    }
  }

  func map(_ row: CSVReader) throws(RowError) -> MappedRecord {
    try f.checkShape(row)
    refusedAmounts = nil
    var d = DatasetRecord(dataset: dataset)
    d.periodStart = try f.time(row, c.start, required: dataset != .contractCommitment, wallClock: dataset != .contractCommitment)
    d.periodEnd = try f.time(row, c.end, wallClock: dataset != .contractCommitment)
    d.cost = try f.money(row, c.cost, required: dataset == .invoiceDetail)
    if let raw = f.raw(row, c.currency) { d.currency = Currency(FocusImporter.currencyCode(raw)) }
    if d.cost != nil && d.currency == nil {
      throw RowError(fieldIndex: c.currency, field: "BillingCurrency", message: "a cost without BillingCurrency", fix: "every row with a cost names its currency")
    }
    // From here on a refused invoice line still counts in the file's total, as rejected.
    if dataset == .invoiceDetail, let cost = d.cost {
      var a = RowAmounts(); a.billedCost = cost; a.effectiveCost = cost
      refusedAmounts = (RecordContext.key(d), a)
    }
    d.id = f.string(row, c.id)
    if let id = d.id {
      if let first = seen[id] {
        throw RowError(fieldIndex: c.id, field: f.header[c.id!], message: "\(f.header[c.id!]) \(id) was already read at line \(first)",
                       fix: "each id is one row of the dataset; drop the duplicate (two exports that overlap?)")
      }
      seen[id] = row.rowLine
    } else if c.id != nil {
      throw f.missing(c.id)
    }
    d.invoiceIssuer = f.string(row, c.issuer); d.billingAccountId = f.string(row, c.account); d.invoiceId = f.string(row, c.invoice)
    if let s = d.periodStart, let e = d.periodEnd, e < s {
      throw RowError(fieldIndex: c.end, field: f.header[c.end!], message: "the period ends before it starts", fix: "check the export")
    }
    d.category = f.string(row, c.category)
    d.quantity = try f.quantity(row, c.quantity); d.unit = f.string(row, c.unit)
    var object: [String] = []
    for (i, key) in keys.enumerated() {
      if let v = f.string(row, i) { object.append("\"" + String(decoding: key, as: UTF8.self) + "\":\"" + JSON.escaped(v) + "\"") }
    }
    d.fields = "{" + object.joined(separator: ",") + "}"
    return .dataset(d)
  }
}

extension ImportFormat {
  /// FOCUS Contract Commitment (1.3/1.4), Billing Period and Invoice Detail (1.4) datasets, CSV.
  public static let focusDataset = ImportFormat(declaring: "focus-dataset")
}

extension FormatDescriptor {
  static let focusDataset = FormatDescriptor(.focusDataset, csv: CSVReading(sniff: { header in
    guard let d = FocusDatasetImporter.dataset(header) else { return nil }
    let names = Set(header.map(FocusDatasetImporter.normalise))
    let version = d == .contractCommitment && !names.contains("invoiceissuername") && !names.contains("contractcommitmentlifecyclestatus") ? "1.3" : "1.4"
    let evidence: [String] = switch d {
    case .contractCommitment: ["ContractCommitmentId"]
    case .billingPeriod: ["BillingPeriodStart", "BillingPeriodStatus"]
    case .invoiceDetail: ["InvoiceDetailId", "BilledCost", "no ChargePeriodStart"]
    }
    return SniffResult(format: .focusDataset, version: "\(d.rawValue) \(version)", evidence: evidence)
  }, mapper: .records { try FocusDatasetImporter(header: $0, file: $1) }))
}
