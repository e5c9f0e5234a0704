import ArgumentParser
import Foundation
import MLCost

struct Commitments: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Commitments in a month: their terms and cost (FOCUS Contract Commitment), this month's share, what was used and left unused.",
    discussion: """
      Joins FOCUS 1.3/1.4 Contract Commitment rows (mlcost import --format focus-dataset) with the month's charges that \
      name a commitment (CommitmentDiscountId, Used/Unused); commitments only the charges name are listed too.
      """)

  @OptionGroup var database: DatabaseOptions

  @Option(help: ArgumentHelp("The billing month, YYYY-MM.", valueName: "month"))
  var month: String

  @Option(help: FindingsFormat.help("table, md, csv or json.", valueName: "format", default: .table), transform: FindingsFormat.parse)
  var format: FindingsFormat = .table

  @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
  var out: String?

  mutating func validate() throws {
    if BillingMonth(month) == nil { throw ValidationError("--month must look like 2026-10") }
  }

  func run() throws {
    let report = try Workspace(databasePath: try database.existing()).commitments(month: BillingMonth(month)!)
    let text: String
    switch format {
    case .json: text = try CommitmentRenderer.json(report)
    case .md: text = CommitmentRenderer.markdown(report)
    case .csv: text = CommitmentRenderer.csv(report)
    case .table: text = CommitmentRenderer.table(report)
    }
    try emit([(out, text)])
  }
}
