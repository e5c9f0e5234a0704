import ArgumentParser
import MLCost

struct Demo: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Build a realistic company-month of ML spend, import it into a fresh database, print the summary.")

  @Option(help: ArgumentHelp("Where the demo's input, database and reports go.", valueName: "dir"))
  var out: String = "reports/demo"

  func run() throws {
    let outcome = try Workspace.runDemo(directory: out)
    print(outcome.text, terminator: "")
  }
}
