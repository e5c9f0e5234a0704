import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// `mlcost reconcile`: invoices (FOCUS Invoice Detail, UBL) against cost and usage, exact, with the differences.
@Suite(.serialized) struct ReconcileTests {
  static let costAndUsage = """
    BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingPeriodEnd,BillingCurrency,InvoiceIssuerName,ProviderName,BillingAccountId,InvoiceId
    1792.80,1792.80,Usage,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,EUR,Polder GPU Cloud B.V.,Polder GPU Cloud B.V.,70000042,GC-2026-1042
    105.60,105.60,Usage,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,EUR,Polder GPU Cloud B.V.,Polder GPU Cloud B.V.,70000042,GC-2026-1042
    -98.40,-98.40,Credit,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,EUR,Polder GPU Cloud B.V.,Polder GPU Cloud B.V.,70000042,GC-2026-1042
    10.00,10.00,Adjustment,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,EUR,Polder GPU Cloud B.V.,Polder GPU Cloud B.V.,70000042,GC-2026-1042
    380.10,380.10,Tax,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,EUR,polder gpu cloud b.v.,Polder GPU Cloud B.V.,70000042,GC-2026-1042

    """

  static func invoiceDetail(usage: String = "1898.40") -> String {
    let head = "BilledCost,BillingAccountId,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,InvoiceDetailId,InvoiceId,InvoiceIssuerName\n"
    return head + [("\(usage)", "Usage", "d1"), ("-98.40", "Credit", "d2"), ("10.00", "Adjustment", "d3"), ("380.10", "Tax", "d4")].map {
      "\($0.0),70000042,EUR,2026-11-01T00:00:00Z,2026-10-01T00:00:00Z,\($0.1),\($0.2),GC-2026-1042,Polder GPU Cloud B.V."
    }.joined(separator: "\n") + "\n"
  }

  static func workspace(_ files: [(String, String)]) throws -> (Workspace, String) {
    let dir = Repo.temporaryDirectory()
    let db = (dir as NSString).appendingPathComponent("r.db")
    let ws = try Workspace(databasePath: db)
    for (name, text) in files {
      let path = (dir as NSString).appendingPathComponent(name)
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      _ = try ws.importFile(path, options: ImportOptions())
    }
    return (ws, db)
  }

  @Test func anInvoiceThatMatchesItsCostAndUsageToTheCent() throws {
    let (ws, _) = try Self.workspace([("cu.csv", Self.costAndUsage), ("invoice.csv", Self.invoiceDetail())])
    let r = try ws.reconcileInvoices(month: BillingMonth("2026-10")!)
    #expect(r.rows.count == 1)
    let row = try #require(r.rows.first)
    #expect(row.status == .matches && row.invoiced == "2190.10" && row.costAndUsage == "2190.10" && row.difference == .zero)
    #expect(row.invoices == ["GC-2026-1042"] && row.issuer == "Polder GPU Cloud B.V.")
  }

  @Test func aDifferenceOfAMillionthIsListedExactlyByCategory() throws {
    let (_, db) = try Self.workspace([("cu.csv", Self.costAndUsage), ("invoice.csv", Self.invoiceDetail(usage: "1898.400001"))])
    let r = try Binary.run(["reconcile", "--db", db, "--month", "2026-10", "--fail-on-difference"])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stdout.contains("differs") && r.stdout.contains("0.000001"), "\(r.stdout)")
    let json = try Binary.run(["reconcile", "--db", db, "--month", "2026-10", "--format", "json"])
    let decoded = try JSONDecoder().decode(InvoiceReconciliation.self, from: Data(json.stdout.utf8))
    #expect(decoded.rows[0].difference == "0.000001")
    #expect(decoded.rows[0].categories.first { $0.category == "Usage" }?.difference == "0.000001")
    #expect(decoded.rows[0].categories.filter { $0.category != "Usage" }.allSatisfy { $0.difference == .zero })
  }

  /// A newer Invoice Detail export of the same issuer, account and period replaces the older one.
  @Test func aNewerInvoiceExportReplacesTheOlder() throws {
    let (ws, _) = try Self.workspace([("cu.csv", Self.costAndUsage), ("old.csv", Self.invoiceDetail(usage: "1.00")),
                                      ("new.csv", Self.invoiceDetail().replacingOccurrences(of: ",d", with: ",n"))])
    let r = try ws.reconcileInvoices(month: BillingMonth("2026-10")!)
    #expect(r.rows.map(\.status) == [.matches])
  }

  /// A UBL/Peppol invoice already imported is an invoice too: alone it is "invoice only"; with cost data it matches.
  @Test func aUBLInvoiceReconcilesLikeInvoiceDetail() throws {
    let ubl = try String(contentsOfFile: Repo.path("Tests/Fixtures/ubl/invoice-gpu-hours/input.xml"), encoding: .utf8)
    let (alone, _) = try Self.workspace([("invoice.xml", ubl)])
    #expect(try alone.reconcileInvoices(month: BillingMonth("2026-10")!).rows.map(\.status) == [.invoiceOnly])
    let (both, _) = try Self.workspace([("invoice.xml", ubl), ("cu.csv", Self.costAndUsage)])
    let r = try both.reconcileInvoices(month: BillingMonth("2026-10")!)
    #expect(r.rows.map(\.status) == [.matches], "\(r.rows)")
  }

  /// An invoice imported after the cost data of the same supplier, account and month is not counted a second time in
  /// reports (as the other order already behaved), and still reconciles.
  @Test func anInvoiceAfterItsCostDataIsNotCountedTwice() throws {
    let ubl = try String(contentsOfFile: Repo.path("Tests/Fixtures/ubl/invoice-gpu-hours/input.xml"), encoding: .utf8)
    for order in [[("cu.csv", Self.costAndUsage), ("invoice.xml", ubl)], [("invoice.xml", ubl), ("cu.csv", Self.costAndUsage)]] {
      let (ws, _) = try Self.workspace(order)
      let report = try ws.monthlyReport(month: BillingMonth("2026-10")!, rules: Rules())
      #expect(report.totals.map(\.charges) == ["2190.10"], "\(order.map(\.0)): \(report.totals)")
      #expect(try ws.reconcileInvoices(month: BillingMonth("2026-10")!).rows.map(\.status) == [.matches], "\(order.map(\.0))")
    }
  }

  @Test func noInvoiceSaysWhatToImport() throws {
    let (ws, _) = try Self.workspace([("cu.csv", Self.costAndUsage)])
    let r = try ws.reconcileInvoices(month: BillingMonth("2026-10")!)
    #expect(r.rows.map(\.status) == [.noInvoice] && r.notes.contains { $0.contains("--format focus-dataset") })
  }
}

/// `mlcost commitments`: Contract Commitment terms joined with the month's Used/Unused charges.
struct CommitmentTests {
  @Test func aContractCommitmentMeetsItsChargesById() throws {
    let id = "arn:aws:ec2:us-east-1:555566667777:reserved-instances/p5-1yr"
    let cu = """
      BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingCurrency,ProviderName,CommitmentDiscountId,CommitmentDiscountStatus,CommitmentDiscountType
      0.00,30.00,Usage,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,2026-10-01T00:00:00Z,USD,AWS,\(id),Used,Reserved Instance
      0.00,10.00,Usage,2026-10-02T00:00:00Z,2026-10-03T00:00:00Z,2026-10-01T00:00:00Z,USD,AWS,\(id),Unused,Reserved Instance
      0.00,5.00,Usage,2026-10-02T00:00:00Z,2026-10-03T00:00:00Z,2026-10-01T00:00:00Z,USD,AWS,sp-only-in-charges,Used,Savings Plan

      """
    let contracts = try String(contentsOfFile: Repo.path("Tests/Fixtures/focus-dataset/contract-commitment-1.3/input.csv"), encoding: .utf8)
    let (ws, _) = try ReconcileTests.workspace([("cu.csv", cu), ("contracts.csv", contracts)])
    let r = try ws.commitments(month: BillingMonth("2026-10")!)
    let ri = try #require(r.rows.first { $0.id == id })
    #expect(ri.used == "30" && ri.unused == "10" && ri.utilisation?.description == "75.0" && ri.contractCost == "540000")
    // 744 of the term's 8,760 hours: 540,000 × 744 / 8,760.
    #expect(ri.monthShare == "45863.013698630137" && ri.source == "contract and charges" && ri.type == "Reserved Instance")
    #expect(r.rows.first { $0.id == "sp-compute-3yr-7f2a" }?.source == "contract (no charge this month)")
    #expect(r.rows.first { $0.id == "sp-only-in-charges" }?.source == "charges")
  }
}
