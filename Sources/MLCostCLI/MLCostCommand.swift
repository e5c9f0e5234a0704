import ArgumentParser
import MLCost

@main
struct MLCostCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mlcost",
    abstract: "What each ML model costs you, from your billing exports — exact money, embedded SQLite.",
    version: "0.1.0",
    subcommands: [Demo.self, Import.self, Imports.self, Report.self, Idle.self, Anomalies.self, Plan.self, Throughput.self, CatalogCommand.self, Generate.self]
  )

  /// Runs a command and maps every error to a message on stderr and an exit code
  /// (0 ok, 1 unexpected, 64 usage, 65 bad data, 66 missing input).
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
      try StandardOutput.check()
    } catch {
      if let (message, code) = ExitStatus.map(error) {
        printError(message)
        Foundation.exit(code)
      }
      exit(withError: error)
    }
  }
}

import Foundation
