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

  @Option(help: ArgumentHelp("The billing period, YYYY-MM.", valueName: "month"))
  var month: String

  @Option(help: FindingsFormat.help("table, md, csv or json.", valueName: "format", default: .table), transform: FindingsFormat.parse)
  var format: FindingsFormat = .table

  @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
  var out: String?

  @Flag(name: .customLong("fail-on-difference"), help: "Exit 1 when an invoice and the cost data differ (for scripts and CI).")
  var failOnDifference = false

  mutating func validate() throws {
    if BillingMonth(month) == nil { throw ValidationError("--month must look like 2026-10") }
  }

  func run() throws {
    let db = try database.existing()
    let workspace = try Workspace(databasePath: db)
    let report = try workspace.reconcileInvoices(month: BillingMonth(month)!)
    let text: String
    switch format {
    case .json: text = try ReconciliationRenderer.json(report)
    case .md: text = ReconciliationRenderer.markdown(report)
    case .csv: text = ReconciliationRenderer.csv(report)
    case .table: text = ReconciliationRenderer.table(report)
    }
    try emit([(out, text)])
    if failOnDifference && report.rows.contains(where: { $0.status == .differs }) { throw ExitCode(1) }
  }
}
