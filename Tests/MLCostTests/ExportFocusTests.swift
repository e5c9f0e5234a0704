import Foundation
import MLCostAttribution
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// `mlcost export focus`: the month's allocation as FOCUS rows that add up, validate and come back.
@Suite(.serialized) struct ExportFocusTests {
  /// The exported rows as dictionaries (header → value).
  static func rows(_ path: String) throws -> [[String: String]] {
    let reader = CSVReader(source: try FileByteSource(path: path))
    guard try reader.nextRow() else { return [] }
    let header = (0..<reader.fieldCount).map(reader.string)
    var out: [[String: String]] = []
    while try reader.nextRow() {
      var row: [String: String] = [:]
      for i in 0..<reader.fieldCount { row[header[i]] = reader.string(i) }
      out.append(row)
    }
    return out
  }

  static func sum(_ rows: [[String: String]], _ column: String) -> Amount {
    rows.reduce(Amount.zero) { $0 + ((try? ExactDecimal.parse($1[column] ?? "")) ?? .zero) }
  }

  /// The repository's API price catalog (the demo's OpenAI usage is priced from it, as `report monthly` prices it).
  static var prices: APIPriceBook? { try? Workspace.apiPrices(catalogs: Repo.path("catalogs")) }

  /// What the attribution gives each owner: from billing charges, or from everything (API usage too).
  static func chargeAllocations(_ ws: Workspace, rules: Rules, prices: APIPriceBook? = nil, sources: Set<CostSource> = [.charge, .pool]) throws -> [String: Amount] {
    let input = try Workspace.attributionInput(BillingMonth("2026-10")!, prices: prices, store: ws.store)
    var out: [String: Amount] = [:]
    for a in try AttributionEngine.run(input, rules: rules).allocations where sources.contains(a.source) {
      out[a.owner.description, default: .zero] += a.cost
    }
    return out.filter { !$0.value.isZero }
  }

  @Test func theExportAddsUpToTheChargesAndPerOwnerToTheAllocation() throws {
    let ws = try Workspace(databasePath: SliceTests.demo.db)
    let rules = try Workspace.loadRules(path: SliceTests.demo.rules)
    let path = (Repo.temporaryDirectory() as NSString).appendingPathComponent("focus.csv")
    let prices = try #require(Self.prices)
    let summary = try ws.exportFocus(month: BillingMonth("2026-10")!, rules: rules, prices: prices, version: "1.3", to: path)
    let rows = try Self.rows(path)
    #expect(rows.count == summary.rows && summary.rows > summary.lines && summary.usageRows > 0)
    let charges = rows.filter { ($0["x_UsageSource"] ?? "").isEmpty }, usage = rows.filter { !($0["x_UsageSource"] ?? "").isEmpty }
    #expect(usage.count == summary.usageRows)
    for (column, field) in [("BilledCost", "billed_cost_picos"), ("EffectiveCost", "effective_cost_picos")] {
      let picos = try ws.query("SELECT \(field) FROM charge_v WHERE billing_period_start LIKE '2026-10%'").reduce(Int128(0)) { $0 + (Int128($1[0].description) ?? 0) }
      #expect(Self.sum(charges, column) == Amount(picos: picos), "\(column)")
    }
    // Per owner, the export is the monthly report to the pico: charges, pool shares and API usage priced as it prices it.
    var byOwner: [String: Amount] = [:]
    for r in rows { byOwner[r["x_MLCostOwner"] ?? "", default: .zero] += (try? ExactDecimal.parse(r["EffectiveCost"] ?? "")) ?? .zero }
    let everything = try Self.chargeAllocations(ws, rules: rules, prices: prices, sources: Set(CostSource.allCases))
    #expect(byOwner.filter { !$0.value.isZero } == everything)
    let report = try ws.monthlyReport(month: BillingMonth("2026-10")!, rules: rules, prices: prices)
    #expect(Self.sum(rows, "EffectiveCost") == report.totals.first { $0.currency == "USD" }?.allocated)
    // API usage: tokens with their direction and cache action; the catalog-priced gpt-4o-mini costs what the report says.
    #expect(usage.allSatisfy { ["Tokens", "Requests"].contains($0["ConsumedUnit"] ?? "") && $0["ChargeCategory"] == "Usage" })
    let mini = usage.filter { $0["x_MLCostOwner"] == "gpt-4o-mini-2024-07-18" }
    #expect(Set(mini.map { "\($0["x_TokenDirection"] ?? "")/\($0["x_CacheAction"] ?? "")" }) == ["Input/None", "Input/Read", "Output/None"])
    #expect(Self.sum(mini, "BilledCost") == everything["gpt-4o-mini-2024-07-18"] && mini.allSatisfy { $0["x_TokenCostSplit"] == "catalog price" })
    // Split rows say how: a pool share names the rule and its ratio; a direct row its tag.
    let pooled = try #require(rows.first { $0["AllocatedMethodId"] == "mlcost:pool" })
    #expect(pooled["AllocatedMethodDetails"]?.contains("\"AllocatedRatio\"") == true && pooled["AllocatedTags"]?.contains("\"model\"") == true)
    #expect(rows.allSatisfy { $0["ProviderName"] != nil && $0["ServiceProviderName"] != nil })
  }

  /// Export → import → report: every owner gets the same charges back, to the pico (a provider-split row is its
  /// consumer's; no pool splits it again).
  @Test func anExportImportedAgainGivesTheSameOwners() throws {
    let ws = try Workspace(databasePath: SliceTests.demo.db)
    let rules = try Workspace.loadRules(path: SliceTests.demo.rules)
    let dir = Repo.temporaryDirectory()
    let path = (dir as NSString).appendingPathComponent("focus-1.3.csv")
    _ = try ws.exportFocus(month: BillingMonth("2026-10")!, rules: rules, prices: nil, version: "1.3", to: path)
    let again = try Workspace(databasePath: (dir as NSString).appendingPathComponent("again.db"))
    guard case .imported(let s) = try again.importFile(path, options: ImportOptions()) else { Issue.record("not imported"); return }
    #expect(s.reconciles && s.result.version == "1.3")
    #expect(try Self.chargeAllocations(again, rules: rules) == (try Self.chargeAllocations(ws, rules: rules)))
    // With API usage priced, its rows come back as charges of the same owners: every owner's total is the report's.
    let prices = try #require(Self.prices)
    let priced = (dir as NSString).appendingPathComponent("focus-priced.csv")
    _ = try ws.exportFocus(month: BillingMonth("2026-10")!, rules: rules, prices: prices, version: "1.3", to: priced)
    let third = try Workspace(databasePath: (dir as NSString).appendingPathComponent("priced.db"))
    guard case .imported = try third.importFile(priced, options: ImportOptions()) else { Issue.record("not imported"); return }
    #expect(try Self.chargeAllocations(third, rules: rules) == (try Self.chargeAllocations(ws, rules: rules, prices: prices, sources: Set(CostSource.allCases))))
  }

  /// `.csv.gz` is gzipped, `.parquet` written by pyarrow; both come back as the same owners.
  @Test func gzipAndParquetExportsComeBackTheSame() throws {
    let ws = try Workspace(databasePath: SliceTests.demo.db)
    let rules = try Workspace.loadRules(path: SliceTests.demo.rules)
    let expected = try Self.chargeAllocations(ws, rules: rules)
    let dir = Repo.temporaryDirectory()
    var outputs = ["focus.csv.gz"]
    if let python = ParquetImportTests.python { setenv("MLCOST_PYTHON", python, 1); outputs.append("focus.parquet") }
    for name in outputs {
      let path = (dir as NSString).appendingPathComponent(name)
      _ = try ws.exportFocus(month: BillingMonth("2026-10")!, rules: rules, prices: nil, version: "1.4", to: path)
      let head = try #require(FileHandle(forReadingAtPath: path)).readData(ofLength: 4)
      #expect(name.hasSuffix(".gz") ? head.prefix(2) == Data([0x1f, 0x8b]) : head == Data("PAR1".utf8), "\(name)")
      #expect(!FileManager.default.fileExists(atPath: path + ".part.csv"))
      let again = try Workspace(databasePath: (dir as NSString).appendingPathComponent(name + ".db"))
      guard case .imported(let s) = try again.importFile(path, options: ImportOptions()) else { Issue.record("\(name) not imported"); continue }
      #expect(s.reconciles && s.result.format == .focus, "\(name)")
      #expect(try Self.chargeAllocations(again, rules: rules) == expected, "\(name)")
    }
  }

  @Test(.enabled(if: FocusToolkitConformanceTests.toolkit != nil, "focus-data-toolkit is not installed (pip install focus-data-toolkit; .ci/run installs it)"))
  func theDemoExportPassesTheFocus14Validator() throws {
    let dir = Repo.temporaryDirectory()
    let path = (dir as NSString).appendingPathComponent("focus-1.4.csv")
    let r = try Binary.run(["export", "focus", "--db", SliceTests.demo.db, "--rules", SliceTests.demo.rules, "--month", "2026-10",
                            "--focus-version", "1.4", "--out", path])
    #expect(r.status == 0, "\(r.stderr)")
    let v = try Binary.run(["validate", "--dataset", "cost-and-usage", path], executable: try #require(FocusToolkitConformanceTests.toolkit))
    #expect(v.status == 0 && v.stdout.contains("lint OK"), "\(v.stdout.prefix(3000))")
  }

  /// The FinOps Foundation's focus-validator: only its 1.0.0 installs on Python 3.11, and its "1.0" rule set still names
  /// columns as FOCUS 1.0-preview did; those rules cannot apply to a 1.3 file, and one crashes inside the validator.
  static let validator: String? = {
    if let p = ProcessInfo.processInfo.environment["MLCOST_FOCUS_VALIDATOR"], FileManager.default.isExecutableFile(atPath: p) { return p }
    let local = Repo.path(".ci-venv/bin/focus-validator")
    return FileManager.default.isExecutableFile(atPath: local) ? local : nil
  }()
  static let notApplicable: Set<String> = [
    "InvoiceIssuer_Required", "Provider_Required", "Publisher_Required", "ResourceID_Required",  // renamed *Name / ResourceId in 1.0
    "SkuPriceId_Nullable",               // reads ChargeType, renamed ChargeCategory in 1.0
    "BillingCurrency_IsCurrencyCode",    // FileNotFoundError inside focus-validator 1.0.0 (its currency list is not packaged)
  ]

  @Test(.enabled(if: validator != nil, "focus-validator is not installed (pip install focus-validator==1.0.0 'multimethod<1.11'; .ci/run installs it)"))
  func theDemoExportPassesFocusValidatorWhereItsRulesApply() throws {
    let dir = Repo.temporaryDirectory()
    let path = (dir as NSString).appendingPathComponent("focus-1.3.csv"), report = (dir as NSString).appendingPathComponent("report.xml")
    let ws = try Workspace(databasePath: SliceTests.demo.db)
    _ = try ws.exportFocus(month: BillingMonth("2026-10")!, rules: try Workspace.loadRules(path: SliceTests.demo.rules), prices: nil, version: "1.3", to: path)
    _ = try Binary.run(["--data-file", path, "--validate-version", "1.0", "--column-namespace", "x", "--output-type", "unittest",
                        "--output-destination", report], executable: try #require(Self.validator))
    let xml = try String(contentsOfFile: report, encoding: .utf8)
    let cases = xml.components(separatedBy: "<testcase").dropFirst()
    #expect(cases.count > 100, "the validator ran \(cases.count) rules")
    let failed = cases.filter { $0.contains("<failure") || $0.contains("<error") }.compactMap { c -> String? in
      guard let r = c.range(of: "name=\""), let e = c[r.upperBound...].firstIndex(of: "\"") else { return nil }
      return String(c[r.upperBound..<e].split(separator: " ").first ?? "")
    }
    #expect(Set(failed).isSubset(of: Self.notApplicable), "rules that apply and fail: \(Set(failed).subtracting(Self.notApplicable).sorted())")
  }
}

/// API usage rows, one usage group at a time: the group's cost split exactly across its token kinds.
struct FocusUsageRowsTests {
  let rows = FocusUsageRows(writer: FocusRowWriter(version: "1.4", basis: .amortised), month: BillingMonth("2026-10")!)

  func group(input: Int64 = 0, cached: Int64 = 0, write: Int64 = 0, output: Int64 = 0, requests: Int64 = 0) -> UsageGroup {
    var u = UsageGroup(provider: "Anthropic", source: "anthropic.usage", model: "claude-sonnet-4-6", requestType: .chat)
    u.inputTokens = input; u.cachedInputTokens = cached; u.cacheWriteTokens = write; u.outputTokens = output; u.requests = requests
    return u
  }

  func column(_ row: [String], _ name: String) -> String { row[rows.writer.header.firstIndex(of: name)!] }

  @Test func aStatedCostIsSplitByCatalogPriceWhenTheCatalogHasTheModel() throws {
    let cost = try ExactDecimal.parse("1.000000000001")
    let c = UsageCost(owner: .model("claude-sonnet-4-6"), requestType: "chat", currency: "USD", source: .apiStated, cost: cost,
                      rule: "API usage, stated cost")
    let kinds = [try ExactDecimal.parse("3"), try ExactDecimal.parse("0.3"), try ExactDecimal.parse("3.75"), try ExactDecimal.parse("15")]
    let out = rows.rows(group(input: 1_000_000, cached: 1_000_000, write: 1_000_000, output: 1_000_000), c, kindCosts: kinds)
    #expect(out.count == 4 && out.reduce(Amount.zero) { $0 + $1.cost } == cost)
    #expect(out.map { column($0.row, "x_TokenDirection") + "/" + column($0.row, "x_CacheAction") } == ["Input/None", "Input/Read", "Input/Write", "Output/None"])
    #expect(out.allSatisfy { column($0.row, "ConsumedQuantity") == "1000000" && column($0.row, "ConsumedUnit") == "Tokens" && column($0.row, "x_TokenCostSplit") == "catalog price" })
    #expect(out[3].cost > out[0].cost && out[0].cost > out[1].cost)
    #expect(column(out[0].row, "BilledCost") == out[0].cost.decimalString && column(out[0].row, "x_MLCostOwner") == "claude-sonnet-4-6")
    #expect(column(out[0].row, "AllocatedMethodId").isEmpty, "a usage row is not a split")
  }

  @Test func withoutACatalogPriceTheCostIsSplitByTokensAndSaysSo() throws {
    let cost = try ExactDecimal.parse("0.10")
    let c = UsageCost(owner: .model("m"), requestType: "chat", currency: "EUR", source: .apiStated, cost: cost, rule: "API usage, stated cost")
    let out = rows.rows(group(input: 2, output: 1), c, kindCosts: nil)
    #expect(out.map(\.cost) == [try ExactDecimal.parse("0.066666666667"), try ExactDecimal.parse("0.033333333333")])
    #expect(out.allSatisfy { column($0.row, "x_TokenCostSplit") == "tokens" && column($0.row, "BillingCurrency") == "EUR" })
    let single = rows.rows(group(output: 7), c, kindCosts: nil)
    #expect(single.count == 1 && single[0].cost == cost && column(single[0].row, "x_TokenCostSplit") == "single kind")
  }

  @Test func requestsWithoutTokensAreOneRowAndNothingIsNoRow() throws {
    let c = UsageCost(owner: .model("m"), requestType: "other", currency: "USD", source: .apiStated, cost: try ExactDecimal.parse("0.25"), rule: "r")
    let out = rows.rows(group(requests: 10), c, kindCosts: nil)
    #expect(out.count == 1 && column(out[0].row, "ConsumedQuantity") == "10" && column(out[0].row, "ConsumedUnit") == "Requests")
    let driver = UsageCost(owner: .model("m"), requestType: "chat", currency: "USD", source: nil, cost: nil, rule: "driver")
    #expect(rows.rows(group(), driver, kindCosts: nil).isEmpty)
    #expect(rows.rows(group(input: 5), driver, kindCosts: nil).map(\.cost) == [.zero])
  }
}
