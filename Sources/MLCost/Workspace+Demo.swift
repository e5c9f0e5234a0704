import Foundation
import MLCostCore
import MLCostDemo
import MLCostImporters
import MLCostReports

/// What `mlcost demo` did.
public struct DemoOutcome: Sendable {
  public var inputDirectory: String
  public var databasePath: String
  /// Every file the demo wrote next to the database (summary and reports), by name.
  public var files: [String: String]
  public var summaries: [ImportSummary]
  public var report: MonthlyReport
  public var idle: IdleReport
  /// What `mlcost demo` prints.
  public var text: String
}

extension Workspace {
  /// Builds three months of the demo company in the real export formats under `directory/input/`
  /// (FOCUS, a legacy CUR, OpenAI usage JSON, LiteLLM daily team spend, CloudWatch metrics, the rules file),
  /// imports them into a fresh `directory/mlcost-demo.db`, attributes the last month and writes every
  /// report format next to it. The summary and reports are golden files: the same bytes on every run.
  public static func runDemo(directory: String, prices: APIPriceBook?, now: @escaping @Sendable () -> Date = { Date() }) throws -> DemoOutcome {
    let fm = FileManager.default
    let inputDir = (directory as NSString).appendingPathComponent("input")
    try? fm.removeItem(atPath: inputDir)
    try fm.createDirectory(atPath: inputDir, withIntermediateDirectories: true)
    var inputs: [String] = []
    func path(_ name: String) -> String { (inputDir as NSString).appendingPathComponent(name) }
    for m in DemoCompany.months {
      inputs.append(path("northwind-focus-\(m).csv")); try DemoCompany.writeFocusExport(to: inputs.last!, month: m)
      inputs.append(path("research-cur-\(m).csv")); try DemoSources.writeCUR(to: inputs.last!, month: m)
      inputs.append(path("openai-usage-\(m).json")); try DemoSources.writeOpenAIUsage(to: inputs.last!, month: m)
      inputs.append(path("litellm-daily-team-spend-\(m).csv")); try DemoSources.writeLiteLLM(to: inputs.last!, month: m)
      inputs.append(path("cloudwatch-endpoints-\(m).json")); try DemoSources.writeCloudWatch(to: inputs.last!, month: m)
    }
    let rulesPath = path("mlcost.yaml")
    try DemoSources.rules.write(toFile: rulesPath, atomically: true, encoding: .utf8)

    let db = (directory as NSString).appendingPathComponent("mlcost-demo.db")
    for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: db + suffix) }
    let workspace = try Workspace(databasePath: db, now: now)
    var summaries: [ImportSummary] = []
    var rows: [[String]] = []
    for input in inputs {
      guard case .imported(let summary) = try workspace.importFile(input, options: ImportOptions()) else {
        throw ImportError.usage("the demo database was not fresh")
      }
      summaries.append(summary)
      let r = summary.result
      rows.append([summary.fileName, "\(r.format.rawValue) \(r.version)", Format.count(r.rowsStored), Format.count(r.rowsRejected),
                   summary.reconciles ? "reconciled" : "NOT RECONCILED"])
    }
    let rules = try loadRules(path: rulesPath)
    var report = try workspace.monthlyReport(month: DemoCompany.month, rules: rules, prices: prices,
                                             title: "Northwind AI — cost per model")
    if prices == nil { report.notes.append(missingCatalogNote(catalogs: nil)) }
    var files: [String: String] = [:]
    let base = "monthly-\(DemoCompany.month)"
    for format in ReportFormat.allCases {
      for (file, text) in try render(report, format: format, out: base + "." + (format == .table ? "txt" : format.rawValue)) {
        files[file!] = text
      }
    }
    // A slice and a drill-down: AWS per service and model; where llama-3.1-8b's dollars come from.
    let aws = try workspace.monthlyReport(month: DemoCompany.month, rules: rules, prices: prices, title: "Northwind AI — AWS per service and model",
      slice: ReportSlice(filters: [SliceFilter(key: .charge(.field(.provider)), patterns: [.exact("AWS")])],
                         groupings: [[.charge(.field(.service)), .owner]]))
    files["\(base)-aws-by-service.txt"] = TextRenderer.render(aws)
    let owner = "llama-3.1-8b"
    let drill = try workspace.monthlyReport(month: DemoCompany.month, rules: rules, prices: prices, title: "Northwind AI — drill-down: \(owner)",
                                            slice: ReportSlice.drillDown(owner))
    files["owner-\(owner)-\(DemoCompany.month).txt"] = TextRenderer.render(drill)
    files["owner-\(owner)-\(DemoCompany.month).json"] = try JSONRenderer.render(drill)
    let idle = try workspace.idle(asOf: DemoCompany.month.next.start, windowDays: nil, rules: rules)
    files["idle-\(DemoCompany.month).txt"] = IdleRenderer.table(idle)
    files["idle-\(DemoCompany.month).json"] = try IdleRenderer.json(idle)
    files["idle-\(DemoCompany.month).md"] = IdleRenderer.markdown(idle)
    let anomalies = try workspace.anomalies(since: DemoCompany.month.start, until: DemoCompany.month.next.start, rules: rules)
    files["anomalies-\(DemoCompany.month).txt"] = AnomalyRenderer.table(anomalies)
    files["anomalies-\(DemoCompany.month).json"] = try AnomalyRenderer.json(anomalies)
    files["anomalies-\(DemoCompany.month).md"] = AnomalyRenderer.markdown(anomalies)
    // Budgets three weeks into the month: what `mlcost budget` and `mlcost alerts` say on the 22nd.
    let midMonth = DemoCompany.month.start + 21 * 86_400
    let budgets = try workspace.budgets(asOf: midMonth, rules: rules)
    files["budget-\(Self.date(midMonth)).txt"] = BudgetRenderer.table(budgets)
    files["budget-\(Self.date(midMonth)).json"] = try BudgetRenderer.json(budgets)
    let alerts = try workspace.alerts(asOf: midMonth, rules: rules, dryRun: true, now: Int64(now().timeIntervalSince1970))
    files["alerts-\(Self.date(midMonth)).json"] = try AlertRenderer.json(alerts)
    files["forecast-backtest.txt"] = BudgetRenderer.table(try workspace.forecastBacktest(rules: rules))
    let intro = """
      MLCost demo — Northwind AI, \(DemoCompany.months.first!)…\(DemoCompany.month): billing in FOCUS 1.2 (AWS, Google Cloud,
      Microsoft, Lambda, Pinecone) and a legacy AWS CUR (the research org's shared GPU cluster on a reserved instance),
      OpenAI usage, LiteLLM gateway logs and CloudWatch endpoint metrics, imported into a fresh SQLite database
      and attributed with input/mlcost.yaml.


      """
    var table = TextTable([("file", .left), ("format", .left), ("stored", .right), ("rejected", .right), ("", .left)])
    for r in rows { table.add(r) }
    files["import-summary.txt"] = intro + "Imports\n" + table.render(indent: "  ") + "\n"
    let text = files["import-summary.txt"]! + "\n" + files[base + ".txt"]!
      + "\nEvery format of this report is in \(directory)/: \(base).{txt,md,json,html} and \(base)-<section>.csv;"
      + " idle endpoints in idle-\(DemoCompany.month).{txt,md,json}, anomalies in anomalies-\(DemoCompany.month).{txt,md,json},"
      + " budgets on the 22nd in budget-\(Self.date(midMonth)).{txt,json} and alerts-\(Self.date(midMonth)).json;"
      + " AWS per service and model in \(base)-aws-by-service.txt and a drill-down into llama-3.1-8b in owner-llama-3.1-8b-\(DemoCompany.month).{txt,json}\n"
    for (name, content) in files { try content.write(toFile: (directory as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8) }
    return DemoOutcome(inputDirectory: inputDir, databasePath: db, files: files, summaries: summaries, report: report, idle: idle, text: text)
  }

  /// Writes `rows` rows of the demo company's FOCUS export, repeating its GPU fleet (benchmarks).
  public static func generateFocus(to path: String, rows: Int, month: BillingMonth = DemoCompany.month) throws -> (rows: Int, bytes: Int) {
    let perFleet = month.days * 24 * DemoCompany.endpointsPerFleet
    return try writeWhole(path) { try DemoCompany.writeFocusExport(to: $0, month: month, fleets: rows / perFleet + 1, maxRows: rows) }
  }

  /// Writes to `path.partial` and renames it into place only when every byte was written: a full disk
  /// leaves no half file behind (and is an error, not a trap).
  static func writeWhole<T>(_ path: String, _ write: (String) throws -> T) throws -> T {
    let partial = path + ".partial"
    do {
      let result = try write(partial)
      guard rename(partial, path) == 0 else {
        throw ImportError.missingInput(path: path, reason: "cannot move the written file into place (\(String(cString: strerror(errno))))")
      }
      return result
    } catch {
      try? FileManager.default.removeItem(atPath: partial)
      throw ImportError.missingInput(path: path, reason: "cannot write it (\(error.localizedDescription)); nothing was left behind")
    }
  }

  /// Writes `rows` rows of a legacy AWS Cost and Usage Report for the demo company's fleet (benchmarks).
  public static func generateCUR(to path: String, rows: Int) throws -> (rows: Int, bytes: Int) {
    try writeWhole(path) { try CURWriter.write(to: $0, rows: rows) }
  }

  /// The formats `generate` writes.
  public enum GeneratedFormat: String, CaseIterable, Sendable { case focus, cur, cur2 }

  /// Writes `rows` rows of `shape` (`demo`: the demo fleet repeated; `realistic`: `resources` resources with
  /// real exports' variety and spellings; `adversarial`: nothing repeats) as FOCUS 1.2, a legacy CUR or CUR 2.0.
  public static func generate(_ format: GeneratedFormat, shape: ExportShape, to path: String, rows: Int, resources: Int = 20_000,
                              month: BillingMonth = DemoCompany.month) throws -> (rows: Int, bytes: Int) {
    switch (shape, format) {
    case (.demo, .focus): return try generateFocus(to: path, rows: rows, month: month)
    case (.demo, .cur): return try generateCUR(to: path, rows: rows)
    case (_, .focus):
      return try writeWhole(path) { try ShapedExport.writeFocus(to: $0, rows: rows, shape: shape, resources: resources, month: month) }
    case (.demo, .cur2):
      throw ImportError.missingInput(path: path, reason: "the demo shape has no CUR 2.0 form; use --shape realistic or adversarial")
    case (_, .cur), (_, .cur2):
      return try writeWhole(path) {
        try ShapedExport.writeCUR(to: $0, rows: rows, shape: shape, resources: resources, month: month, version2: format == .cur2)
      }
    }
  }
}
