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

  @OptionGroup var output: MonthOutput

  func run() throws {
    let report = try Workspace(databasePath: try database.existing()).commitments(month: output.billingMonth)
    try output.emit(table: { CommitmentRenderer.table(report) }, markdown: { CommitmentRenderer.markdown(report) },
                    csv: { CommitmentRenderer.csv(report) }, json: { try CommitmentRenderer.json(report) })
  }
}
