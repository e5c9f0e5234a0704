import ArgumentParser
import Foundation
import MLCost

struct Reconcile: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Invoices against cost and usage: per issuer, billing account and currency, the invoiced total against the billed cost, exactly.",
    discussion: """
      Invoice lines come from the FOCUS 1.4 Invoice Detail dataset and from UBL/Peppol invoices; the other side is the \
      BilledCost of every other import of that billing period (FOCUS, CUR, Azure, GCP, OCI). Each difference is listed, \
      and split by charge category where the two sides differ (docs/reconcile.md).
      """)

  @OptionGroup var database: DatabaseOptions

  @OptionGroup var output: MonthOutput

  @Flag(name: .customLong("fail-on-difference"), help: "Exit 1 when an invoice and the cost data differ (for scripts and CI).")
  var failOnDifference = false

  func run() throws {
    let report = try Workspace(databasePath: try database.existing()).reconcileInvoices(month: output.billingMonth)
    try output.emit(table: { ReconciliationRenderer.table(report) }, markdown: { ReconciliationRenderer.markdown(report) },
                    csv: { ReconciliationRenderer.csv(report) }, json: { try ReconciliationRenderer.json(report) })
    if failOnDifference && report.rows.contains(where: { $0.status == .differs }) { throw ExitCode(1) }
  }
}
