import ArgumentParser
import Foundation
import MLCost

struct Plan: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Self-host or stay on the API: rank hosted-API and self-hosted options (on-demand, spot, 1- and 3-year commitments) per provider, region and GPU, with break-even volume and GPU availability risk.",
    discussion: """
      The scenario (YAML, see examples/scenario.yaml) gives the weekly traffic, tokens per request, latency targets, \
      the API used today and the open models, providers, regions and residency allowed. --from-usage derives the \
      workload from imported usage of one model and request type in one month instead.
      """)

  @Argument(help: ArgumentHelp("The scenario file.", valueName: "scenario.yaml")) var scenario: String?
  @Flag(name: .customLong("from-usage"), help: "Derive the workload from imported usage (--model, --request-type, --month).") var fromUsage = false
  @Option(help: ArgumentHelp("With --from-usage: the model as imported.", valueName: "name")) var model: String?
  @Option(name: .customLong("request-type"), help: ArgumentHelp("With --from-usage: the request type.", valueName: "type")) var requestType: String?
  @Option(help: ArgumentHelp("With --from-usage: the month, YYYY-MM.", valueName: "month")) var month: String?
  @Option(name: .customLong("self-host"), help: ArgumentHelp("With --from-usage: open models to consider, comma-separated (default: the usage's own model when it is open, else Llama-3.1-8B,Llama-3.1-70B).", valueName: "models"))
  var selfHost: String?
  @Option(help: PlanFormat.help("table, md, csv (one row per option), json or html.", valueName: "format", default: .table), transform: PlanFormat.parse)
  var format: PlanFormat = .table
  @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?
  @Option(help: ArgumentHelp("Self-hosted options to list.", valueName: "n")) var top: Int = 15
  @Option(name: .customLong("commitments-month"), help: ArgumentHelp("Price committed options at the discount your own commitments got in this month (YYYY-MM): 1 − EffectiveCost ÷ ListCost of the charges they covered, terms from FOCUS Contract Commitment rows (needs --db).", valueName: "month"))
  var commitmentsMonth: String?
  @OptionGroup var options: CatalogOptions
  @OptionGroup var database: DatabaseOptions

  mutating func validate() throws {
    if fromUsage == (scenario != nil) { throw ValidationError("give a scenario file or --from-usage (not both)") }
    if fromUsage && (model == nil || requestType == nil || month.flatMap(BillingMonth.init) == nil) {
      throw ValidationError("--from-usage needs --model, --request-type and --month YYYY-MM")
    }
    if top < 1 || top > 100_000 { throw ValidationError("--top must be from 1 to 100,000") }
    if let c = commitmentsMonth, BillingMonth(c) == nil { throw ValidationError("--commitments-month must look like 2026-10") }
  }

  func run() throws {
    let now = Int64(Date().timeIntervalSince1970)
    let plan: PlanResult
    do {
      if let scenario {
        let contracts = try commitmentsMonth.map { try Workspace(databasePath: try database.existing()).contractDiscounts(month: BillingMonth($0)!) }
        plan = try Workspace.plan(scenario: scenario, catalogs: options.catalogs, at: now, top: top, contracts: contracts)
      } else {
        plan = try Workspace(databasePath: try database.existing()).plan(model: model!, requestType: requestType!, month: BillingMonth(month!)!,
                                                                         selfHost: selfHost.map { $0.split(separator: ",").map(String.init) },
                                                                         catalogs: options.catalogs, top: top,
                                                                         commitmentsMonth: commitmentsMonth.flatMap(BillingMonth.init))
      }
    } catch let e as ScenarioError {
      throw Failure(message: e.description, code: ExitStatus.badData)
    } catch let e as PlannerError {
      throw Failure(message: e.description, code: ExitStatus.badData)
    }
    let text: String
    switch format {
    case .json: text = try PlanRenderer.json(plan)
    case .md: text = PlanRenderer.markdown(plan)
    case .csv: text = CSVTables.plan(plan)
    case .html: text = PlanRenderer.html(plan)
    case .table: text = PlanRenderer.table(plan)
    }
    try emit([(out, text)])
  }
}
