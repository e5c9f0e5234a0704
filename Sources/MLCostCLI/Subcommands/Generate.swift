import ArgumentParser
import MLCost

struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write a deterministic export of N rows for benchmarks: FOCUS 1.2, a legacy AWS CUR or CUR 2.0, in three shapes.",
    discussion: """
      --shape demo repeats the demo company's fleet (a few dozen resources, one spelling of everything).
      --shape realistic spreads the rows over --resources resources (default 20,000) and a month of hourly usage:
      long-tailed costs, 20 services, thousands of SKUs, 12 regions, 60 accounts, tags with JSON escapes and
      Azure-style brace-less tags, amounts in exponent form and with 16 decimals, four timestamp spellings, quoted
      commas, quotes and newlines, null as empty/NULL/null. --shape adversarial gives every row its own resource,
      SKU, description and tag set.
      """)

  @Option(help: Workspace.GeneratedFormat.help("focus, cur (legacy) or cur2 (CUR 2.0 snake_case with a resource_tags map).", valueName: "format", default: .focus), transform: Workspace.GeneratedFormat.parse)
  var format: Workspace.GeneratedFormat = .focus

  @Option(help: ExportShape.help("demo, realistic or adversarial.", valueName: "shape", default: .demo), transform: ExportShape.parse)
  var shape: ExportShape = .demo

  @Option(help: "How many data rows.")
  var rows: Int = 1_000_000

  @Option(help: "How many distinct resources in the realistic shape.")
  var resources: Int = 20_000

  @Option(help: ArgumentHelp("The billing month, YYYY-MM (default 2026-10; the demo CUR is always 2026-10).", valueName: "month"))
  var month: String?

  @Argument(help: ArgumentHelp("The CSV file to write.", valueName: "file"))
  var file: String

  mutating func validate() throws {
    if rows < 1 || rows > 1_000_000_000 { throw ValidationError("--rows must be 1 to 1,000,000,000") }
    if resources < 1 || resources > 10_000_000 { throw ValidationError("--resources must be 1 to 10,000,000") }
    if format == .cur2 && shape == .demo { throw ValidationError("--format cur2 needs --shape realistic or adversarial") }
    if let month, BillingMonth(month) == nil { throw ValidationError("--month must look like 2026-10") }
  }

  func run() throws {
    let written = try Workspace.generate(format, shape: shape, to: file,
                                         rows: rows, resources: resources,
                                         month: month.flatMap(BillingMonth.init) ?? BillingMonth(year: 2026, month: 10))
    print("\(file): \(written.rows) rows, \(written.bytes) bytes")
  }
}
