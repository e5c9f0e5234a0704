import ArgumentParser
import Foundation
import MLCost

struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Reports: the monthly cost per model and request type, or a saved JSON report rendered again.",
    subcommands: [Monthly.self, Render.self])

  struct Monthly: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "What each model cost in a month, per request type and component, and why.",
      discussion: """
        Every owner is shown — each model, (shared) for pools nothing could split, (idle commitment) for unused \
        commitments and (unallocated) for untagged spend — and per currency their sum equals the month's charges to the nano.
        Rules come from --rules, else ./mlcost.yaml when present, else the defaults (docs/rules.md).
        """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The billing month, YYYY-MM.", valueName: "month"))
    var month: String

    @Option(help: ReportFormat.help("\(ReportFormat.names).", valueName: "format", default: .table), transform: ReportFormat.parse)
    var format: ReportFormat = .table

    @Option(help: ArgumentHelp("Write to this file instead of printing (CSV: one file per section, FILE-<section>.csv).", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("The rules file (default: ./mlcost.yaml if present).", valueName: "file"))
    var rules: String?

    @Option(help: ArgumentHelp("amortised (EffectiveCost) or cash (BilledCost); overrides the rules file.", valueName: "basis"),
            transform: Basis.parse)
    var basis: Basis?

    @Option(help: ArgumentHelp("The catalogs folder with api_prices.csv (default: $MLCOST_CATALOGS, next to the binary, ./catalogs).", valueName: "dir"))
    var catalogs: String?

    mutating func validate() throws {
      if BillingMonth(month) == nil { throw ValidationError("--month must look like 2026-10") }
    }

    func run() throws {
      let db = try database.existing()
      var ruleSet = try MLCostCLI.rules(from: rules)
      if let basis { ruleSet.basis = basis }
      let workspace = try Workspace(databasePath: db)
      let holdings = try workspace.holdings()
      if holdings.isEmpty {
        throw Failure(message: "\(db): the database holds no charges or usage yet; import a billing export first (mlcost import FILE)", code: ExitStatus.missingInput)
      }
      if !holdings.months.contains(BillingMonth(month)!) {
        throw Failure(message: "no charges or usage for \(month); the database holds \(holdings.monthSpan)", code: ExitStatus.missingInput)
      }
      let prices = try Workspace.apiPrices(catalogs: catalogs)
      var report = try workspace.monthlyReport(month: BillingMonth(month)!, rules: ruleSet, prices: prices)
      if prices == nil {
        let note = Workspace.missingCatalogNote(catalogs: catalogs)
        report.notes.append(note)
        printError("warning: " + note)
      }
      try emit(try Workspace.render(report, format: format, out: out))
    }
  }

  struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Render a saved JSON report in another format (nothing is recomputed).")

    @Argument(help: ArgumentHelp("A report written with --format json.", valueName: "report.json"))
    var file: String

    @Option(help: ReportFormat.help("\(ReportFormat.names).", valueName: "format", default: .table), transform: ReportFormat.parse)
    var format: ReportFormat = .table

    @Option(help: ArgumentHelp("Write to this file instead of printing.", valueName: "file"))
    var out: String?

    func run() throws {
      try emit(try Workspace.render(try Workspace.readReport(path: file), format: format, out: out))
    }
  }
}

/// Prints or writes what a renderer produced.
func emit(_ outputs: [(path: String?, text: String)]) throws {
  for (path, text) in outputs {
    if let path {
      var st = stat()
      if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
        throw Failure(message: "\(path): error: not a regular file (a device, a FIFO or a directory); --out writes files only", code: ExitStatus.usage)
      }
      do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
        throw Failure(message: "\(path): error: cannot write the report (\(error.localizedDescription))", code: ExitStatus.missingInput)
      }
      print("wrote \(path)")
    } else {
      print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }
  }
}
