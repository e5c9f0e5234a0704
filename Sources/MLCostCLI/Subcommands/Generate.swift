import ArgumentParser
import MLCost

struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write a deterministic FOCUS 1.2 export of N rows (the demo company's fleet, repeated) for benchmarks.")

  @Option(help: "How many data rows.")
  var rows: Int = 1_000_000

  @Argument(help: ArgumentHelp("The CSV file to write.", valueName: "file"))
  var file: String

  func validate() throws {
    if rows < 1 { throw ValidationError("--rows must be at least 1") }
  }

  func run() throws {
    let written = try Workspace.generateFocus(to: file, rows: rows)
    print("\(file): \(written.rows) rows, \(written.bytes) bytes")
  }
}
