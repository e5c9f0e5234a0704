import ArgumentParser
import Foundation
import MLCost

struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Reports: the monthly cost per model and request type, or a saved JSON report rendered again.",
    subcommands: [Monthly.self, Owner.self, Render.self])

  struct Monthly: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "What each model cost in a month (or a period), per request type and component, and why.",
      discussion: """
        Every owner is shown — each model, (shared) for pools nothing could split, (idle commitment) for unused \
        commitments and (unallocated) for untagged spend — and per currency their sum equals the month's charges to the nano.
        Rules come from --rules, else ./mlcost.yaml when present, else the defaults (docs/rules.md).
        Slice it with --where KEY=VALUE (repeatable; every key must match, a key given twice matches either value) \
        and --group-by KEY[,KEY]. Keys: model, request-type, team, environment, component, phase, currency, source, rule, \
        provider, account, sub-account, service, service-category, resource, resource-type, sku, region, instance-type, \
        gpu-model, charge-category, pricing-category, day, tag:NAME. Values match ignoring case; glob: and regex: prefixes \
        switch to patterns. A filtered report's totals are exactly the matching allocations (docs/reports.md).
        One billing month (--month), a period of whole months (--from/--to, --quarter, --ytd) summed month by month, \
        or any days (--from 2026-10-05 --to 2026-10-12: charges by the UTC day they start, pools split by those days' drivers).
        """)

    @OptionGroup var options: MonthlyOptions

    @Option(name: .customLong("group-by"), help: ArgumentHelp("Group the cost by one or two keys, e.g. team,model.", valueName: "keys"))
    var groupBy: String?

    mutating func validate() throws {
      _ = try slice()
    }

    func slice() throws -> ReportSlice {
      let groups = try (groupBy ?? "").split(separator: ",").map { try MonthlyOptions.key(String($0), option: "--group-by") }
      if groups.count > 2 { throw ValidationError("--group-by takes one or two keys (e.g. team,model), not \(groups.count)") }
      if Set(groups).count != groups.count { throw ValidationError("--group-by names the same key twice") }
      return ReportSlice(filters: try options.filters(), groupings: [groups])
    }

    func run() throws {
      try options.emitReport(slice: try slice(), title: "MLCost monthly cost per model")
    }
  }

  struct Owner: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Drill into one owner's month: the rules that put each dollar there, its resources and SKUs, request types and teams.",
      discussion: """
        NAME is a model, or (shared), (unallocated), (idle commitment). Pool shares are shown with the pool's charges \
        (their resource and SKU), so every dollar of the owner is accounted for once. Takes the same --where filters \
        as report monthly.
        """)

    @Argument(help: ArgumentHelp("The owner, as the monthly report names it.", valueName: "name"))
    var name: String

    @OptionGroup var options: MonthlyOptions

    func run() throws {
      try options.emitReport(slice: .drillDown(name, filters: try options.filters()), title: "MLCost drill-down: \(name)", owner: name)
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

    @OptionGroup var columns: ColumnOptions

    func run() throws {
      let report = try Workspace.readReport(path: file)
      try emit(try Workspace.render(report, format: format, out: out, columns: try columns.choice(for: report)))
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

/// The options every monthly report takes: database, month, format, output, rules, basis, catalogs and filters.
struct MonthlyOptions: ParsableArguments {
  @OptionGroup var database: DatabaseOptions
  @OptionGroup var engine: EngineOptions

  @Option(help: ArgumentHelp("The billing month, YYYY-MM.", valueName: "month"))
  var month: String?

  @Option(help: ArgumentHelp("The first billing month of a period, YYYY-MM, or its first day, YYYY-MM-DD (with --to, else up to the last "
                             + "month or day with data).", valueName: "month|day"))
  var from: String?

  @Option(help: ArgumentHelp("The last billing month of a period, YYYY-MM, or its last day, YYYY-MM-DD (included).", valueName: "month|day"))
  var to: String?

  @Option(help: ArgumentHelp("A calendar quarter, e.g. 2026-Q3.", valueName: "quarter"))
  var quarter: String?

  @Flag(help: "The year to date: January to the last month with data.")
  var ytd = false

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

  @Option(name: .customLong("where"), help: ArgumentHelp("Keep only what matches, e.g. provider=AWS, tag:team=search, model=glob:llama* (repeatable).",
                                                          valueName: "key=value"))
  var wheres: [String] = []

  @OptionGroup var columns: ColumnOptions

  mutating func validate() throws {
    let chosen = [month != nil, from != nil || to != nil, quarter != nil, ytd].filter { $0 }.count
    if chosen != 1 { throw ValidationError("give one of --month YYYY-MM, --from YYYY-MM [--to YYYY-MM], --quarter YYYY-Qn or --ytd") }
    if let month, BillingMonth(month) == nil {
      let day = Self.day(month) != nil
      throw ValidationError("--month must look like 2026-10" + (day ? "; for some days give --from 2026-10-05 --to 2026-10-12" : ""))
    }
    for (name, value) in [("--from", from), ("--to", to)] {
      guard let value else { continue }
      if BillingMonth(value) == nil && Self.day(value) == nil {
        throw ValidationError("\(name) must look like 2026-10 (a billing month) or 2026-10-05 (a day, UTC)")
      }
    }
    if to != nil && from == nil { throw ValidationError("--to needs --from") }
    if let from, let to, Self.bounds(to).end <= Self.bounds(from).start { throw ValidationError("--to \(to) is before --from \(from)") }
    if let quarter, Self.quarter(quarter) == nil { throw ValidationError("--quarter must look like 2026-Q3") }
    _ = try filters()
  }

  /// `2026-10-05` → its UTC midnight.
  static func day(_ text: String) -> Int64? {
    guard text.count == 10, let m = BillingMonth(String(text.prefix(7))), text.dropFirst(7).first == "-",
          let d = Int(text.suffix(2)), (1...m.days).contains(d) else { return nil }
    return m.start + Int64(d - 1) * 86_400
  }

  /// A month or a day → the instants it spans.
  static func bounds(_ text: String) -> (start: Int64, end: Int64) {
    if let d = day(text) { return (d, d + 86_400) }
    let m = BillingMonth(text)!
    return (m.start, m.next.start)
  }

  /// The days asked for when --from or --to names a day: [first day, day after the last); an open --from ends with the
  /// last day with charges.
  func dayRange(lastChargeDay: Int64?) -> Range<Int64>? {
    guard let from, Self.day(from) != nil || to.map({ Self.day($0) != nil }) == true else { return nil }
    let start = Self.bounds(from).start
    let end = to.map { Self.bounds($0).end } ?? max(start + 86_400, (lastChargeDay ?? start) + 86_400)
    return start..<end
  }

  /// `2026-Q3` → its three months.
  static func quarter(_ text: String) -> [BillingMonth]? {
    let parts = text.uppercased().split(separator: "-")
    guard parts.count == 2, let year = Int(parts[0]), parts[1].count == 2, parts[1].first == "Q", let q = Int(parts[1].dropFirst()), (1...4).contains(q),
          let first = BillingMonth(String(format: "%04d-%02d", year, (q - 1) * 3 + 1)) else { return nil }
    return [first, first.next, first.next.next]
  }

  /// The billing months asked for; --ytd and an open --from end at the last month with data.
  func period(holdings: [BillingMonth]) -> [BillingMonth] {
    if let month { return [BillingMonth(month)!] }
    if let quarter { return Self.quarter(quarter)! }
    let last = holdings.max()
    var start: BillingMonth, end: BillingMonth
    if ytd {
      guard let last else { return [] }
      start = BillingMonth(String(format: "%04d-01", last.year))!; end = last
    } else {
      start = BillingMonth(from!)!
      end = to.map { BillingMonth($0)! } ?? max(last ?? start, start)
    }
    var out: [BillingMonth] = []
    while start <= end && out.count < 1200 { out.append(start); start = start.next }
    return out
  }

  /// A slice key; an unknown one gets a "did you mean".
  static func key(_ text: String, option: String) throws -> SliceKey {
    if let k = SliceKey.parse(text) { return k }
    var message = "unknown \(option) key '\(text)': use \(Choice.list(SliceKey.names + ["tag:NAME"]))"
    if let near = Choice.suggestion(text, among: SliceKey.names) { message += " (did you mean '\(near)'?)" }
    throw ValidationError(message)
  }

  /// --where, read: a key given twice matches either value.
  func filters() throws -> [SliceFilter] {
    var out: [SliceFilter] = []
    for f in wheres {
      guard let eq = f.firstIndex(of: "="), eq != f.startIndex else {
        throw ValidationError("--where '\(f)' must look like KEY=VALUE, e.g. provider=AWS or tag:team=search")
      }
      let k = try Self.key(String(f[..<eq]), option: "--where")
      let pattern: SlicePattern
      do { pattern = try SlicePattern.parse(String(f[f.index(after: eq)...]).trimmingCharacters(in: .whitespaces)) } catch {
        throw ValidationError("--where '\(f)': the regular expression does not compile (\(error.localizedDescription))")
      }
      if let i = out.firstIndex(where: { $0.key == k }) { out[i].patterns.append(pattern) } else {
        out.append(SliceFilter(key: k, patterns: [pattern]))
      }
    }
    return out
  }

  /// Builds the report (whole, filtered or an owner's drill-down) and writes it in the chosen format.
  func emitReport(slice: ReportSlice, title: String, owner: String? = nil) throws {
    let db = try engine.database(database)
    var ruleSet = try MLCostCLI.rules(from: rules)
    if let basis { ruleSet.basis = basis }
    let workspace = try Workspace(databasePath: db)
    let holdings = try workspace.holdings()
    if holdings.isEmpty {
      throw Failure(message: "\(db): the database holds no charges or usage yet; import a billing export first (mlcost import FILE)", code: ExitStatus.missingInput)
    }
    let days = dayRange(lastChargeDay: holdings.lastChargeDay)
    var period: [BillingMonth] = []
    if days == nil { period = self.period(holdings: holdings.months) }
    if let days {
      var m = BillingMonth(containing: days.lowerBound)
      while m.start < days.upperBound { period.append(m); m = m.next }
    }
    let label = days.map { Workspace.dayLabel($0.lowerBound, $0.upperBound) }
      ?? (period.count == 1 ? period[0].description : "\(period.first!)..\(period.last!)")
    if !period.contains(where: holdings.months.contains) {
      throw Failure(message: "no charges or usage for \(label); the database holds \(holdings.monthSpan)", code: ExitStatus.missingInput)
    }
    let prices = try Workspace.apiPrices(catalogs: catalogs)
    var report = try days.map { try workspace.dayRangeReport(from: $0.lowerBound, to: $0.upperBound, rules: ruleSet, prices: prices, title: title,
                                                                 slice: slice) }
      ?? workspace.periodReport(months: period, rules: ruleSet, prices: prices, title: title, slice: slice)
    if let owner, report.models.isEmpty, let note = report.notes.first(where: { $0.hasPrefix("Nothing in") && $0.contains("model=") }) {
      throw Failure(message: "no owner '\(owner)' in \(label)" + note.replacingOccurrences(of: "Nothing in \(label) matches model=\(owner)", with: ""),
                    code: ExitStatus.usage)
    }
    if prices == nil {
      let note = Workspace.missingCatalogNote(catalogs: catalogs)
      report.notes.append(note)
      printError("warning: " + note)
    }
    try emit(try Workspace.render(report, format: format, out: out, columns: try columns.choice(for: report)))
  }
}

/// `--wide` and `--columns`: which columns of the cost-per-model table a terminal table shows.
struct ColumnOptions: ParsableArguments {
  @Flag(help: "Table format: every column of the cost-per-model table (by default the ones that fit 120 characters).")
  var wide = false

  @Option(help: ArgumentHelp("Table format: these columns of the cost-per-model table, e.g. allocation,gpu-compute,requests.",
                             valueName: "names"))
  var columns: String?

  mutating func validate() throws {
    if wide && columns != nil { throw ValidationError("--wide and --columns choose columns two ways; give one") }
  }

  func choice(for report: MonthlyReport) throws -> ColumnChoice {
    if wide { return .wide }
    guard let columns else { return .core }
    let known = TextRenderer.columnNames(report)
    let names = try columns.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.map { name in
      if let k = known.first(where: { $0.lowercased() == name.lowercased() }) { return k }
      var message = "unknown column '\(name)': use \(Choice.list(known))"
      if let near = Choice.suggestion(name, among: known) { message += " (did you mean '\(near)'?)" }
      throw Failure(message: "error: " + message, code: ExitStatus.usage)
    }
    return .named(names)
  }
}
