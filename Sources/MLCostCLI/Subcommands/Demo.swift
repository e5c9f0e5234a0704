import ArgumentParser
import MLCost

struct Demo: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Build three months of a realistic company's ML spend in the real export formats, import, attribute, and write every report format.")

  @Option(help: ArgumentHelp("Where the demo's input, database and reports go.", valueName: "dir"))
  var out: String = "reports/demo"

  func run() throws {
    let prices = try Workspace.apiPrices(catalogs: nil)
    if prices == nil { printError("warning: " + Workspace.missingCatalogNote(catalogs: nil)) }
    let outcome = try Workspace.runDemo(directory: out, prices: prices)
    print(outcome.text, terminator: "")
  }
}
