import ArgumentParser
import MLCost

struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write a deterministic export of N rows (the demo company's fleet, repeated) for benchmarks: FOCUS 1.2 or a legacy AWS CUR.")

  @Option(help: ArgumentHelp("focus or cur.", valueName: "format"))
  var format: String = "focus"

  @Option(help: "How many data rows.")
  var rows: Int = 1_000_000

  @Option(help: ArgumentHelp("The billing month of a FOCUS file, YYYY-MM (default 2026-10).", valueName: "month"))
  var month: String?

  @Argument(help: ArgumentHelp("The CSV file to write.", valueName: "file"))
  var file: String

  func validate() throws {
    if rows < 1 { throw ValidationError("--rows must be at least 1") }
    if !["focus", "cur"].contains(format) { throw ValidationError("--format must be focus or cur") }
    if let month, BillingMonth(month) == nil { throw ValidationError("--month must look like 2026-10") }
  }

  func run() throws {
    let written = format == "cur" ? try Workspace.generateCUR(to: file, rows: rows) : try Workspace.generateFocus(to: file, rows: rows, month: month.flatMap(BillingMonth.init) ?? BillingMonth(year: 2026, month: 10))
    print("\(file): \(written.rows) rows, \(written.bytes) bytes")
  }
}
