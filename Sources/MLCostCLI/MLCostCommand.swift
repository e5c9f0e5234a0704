import ArgumentParser
import MLCost

@main
struct MLCostCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mlcost",
    abstract: "What each ML model costs you, from your billing exports — exact money, embedded SQLite.",
    version: "0.1.0",
    subcommands: [Demo.self, Import.self, Imports.self, Report.self, Reconcile.self, Export.self, Idle.self, Commitments.self, Anomalies.self, BudgetCommand.self, Alerts.self, Plan.self, Throughput.self, CatalogCommand.self, Generate.self]
  )

  /// Runs a command and maps every error to a message on stderr and an exit code
  /// (0 ok, 1 unexpected, 3 alerts fired, 64 usage, 65 bad data, 66 missing input).
  static func main() {
    if let problem = SubcommandCheck.problem(Array(CommandLine.arguments.dropFirst()), root: MLCostCommand.self) {
      printError(problem)
      Foundation.exit(ExitStatus.usage)
    }
    do {
      var command = try parseAsRoot()
      try command.run()
      try StandardOutput.check()
    } catch {
      if let (message, code) = ExitStatus.map(error) {
        printError(message)
        Foundation.exit(code)
      }
      // Argument-parser's own errors, in the one error style (`error: …`); help and version stay as they are.
      let code = exitCode(for: error)
      if code == .success { exit(withError: error) }
      var message = fullMessage(for: error)
      if message.hasPrefix("Error: ") { message = "error: " + message.dropFirst(7) }
      printError(message)
      Foundation.exit(code.rawValue)
    }
  }
}

import Foundation
