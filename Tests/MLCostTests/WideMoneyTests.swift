import Foundation
import MLCostAttribution
import MLCostCore
import MLCostReports
import MLCostTestSupport
import Testing
@testable import MLCost

/// Contract 1 at the sizes real invoices reach: IDR and JPY months with rows up to 10^12 units and
/// totals past 10^15, imported, reconciled, reported, checked for idle endpoints and anomalies —
/// exact to the pico everywhere, never a wrap and never a trap.
struct WideMoneyTests {
  let dir = Repo.temporaryDirectory()
  var db: String { (dir as NSString).appendingPathComponent("wide.db") }
  func workspace() throws -> Workspace { try Workspace(databasePath: db, now: { Date(timeIntervalSince1970: 1_795_000_000) }) }

  static let header = "BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingCurrency,ProviderName,BillingAccountId,ResourceId,ResourceType,Tags"

  /// Pico-units as the decimal text a provider would write (independent of the parser under test).
  static func text(_ picos: Int128) -> String {
    let negative = picos < 0
    let m = picos.magnitude
    var frac = String(m % 1_000_000_000_000)
    frac = String(repeating: "0", count: 12 - frac.count) + frac
    return (negative ? "-" : "") + String(m / 1_000_000_000_000) + "." + frac
  }

  /// A month of one currency: per hour and endpoint a row of 2–6 × 10^11 units, a credit a day, one spike day.
  static func month(currency: String, account: String, seed: UInt64) -> (csv: String, total: Int128) {
    var rng = SplitMix64(seed: seed)
    var rows = [header]
    var total: Int128 = 0
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    for day in 1...31 {
      let d = two(day)
      for hour in 0..<24 {
        for e in 0..<4 {
          var picos = Int128(rng.between(200_000_000, 600_000_000)) * 1_000_000_000_000_000 + Int128(rng.next() % 1_000_000_000_000)
          if day == 24 && e == 0 { picos *= 10 }  // an anomaly: 10× for a day on one endpoint
          total += picos
          let model = ["llama-3.1-70b", "qwen2.5-7b", "mistral-7b", "bge-large"][e]
          rows.append("\(text(picos)),\(text(picos)),Usage,2026-10-\(d)T\(two(hour)):00:00Z,2026-10-\(d)T\(two(hour)):59:59Z,2026-10-01T00:00:00Z,"
            + "\(currency),AWS,\(account),arn:aws:sagemaker:ap-southeast-3:1:endpoint/\(model)-\(account),Endpoint,\"{\"\"model\"\":\"\"\(model)\"\"}\"")
        }
      }
      let credit = -Int128(rng.between(1, 999_999)) * 1_000_000_000_001
      total += credit
      rows.append("\(text(credit)),\(text(credit)),Credit,2026-10-\(d)T00:00:00Z,2026-10-\(d)T01:00:00Z,2026-10-01T00:00:00Z,\(currency),AWS,\(account),,,")
    }
    return (rows.joined(separator: "\n") + "\n", total)
  }

  @Test(arguments: [("IDR", "9001", UInt64(1)), ("JPY", "9002", UInt64(2))])
  func aLargeUnitCurrencyMonthImportsReconcilesAndReportsExactly(currency: String, account: String, seed: UInt64) throws {
    // Given a month of IDR (or JPY) whose rows reach 6 × 10^12 units and whose total passes 10^15
    let (csv, total) = Self.month(currency: currency, account: account, seed: seed)
    #expect(total > Int128(1_000_000_000_000_000) * 1_000_000_000_000)
    let path = (dir as NSString).appendingPathComponent("\(currency).csv")
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    let ws = try workspace()

    // When it is imported, then it reconciles to the exact sum of its text
    guard case .imported(let s) = try ws.importFile(path, options: ImportOptions()) else { Issue.record("not imported"); return }
    #expect(s.reconciles)
    let row = try #require(s.reconciliation.first { $0.key.currency.code == currency })
    #expect(row.fileBilledText == Amount(picos: total).decimalString)
    #expect(row.stored.billedCost == Amount(picos: total))
    #expect(try ws.storedTotals()[row.key]?.billedCost == Amount(picos: total))

    // And the monthly report, idle and anomalies print the exact totals without a crash
    let report = try ws.monthlyReport(month: BillingMonth(year: 2026, month: 10), rules: .defaults)
    let totals = try #require(report.totals.first { $0.currency.code == currency })
    #expect(totals.charges == Amount(picos: total))
    #expect(totals.allocated == totals.charges)
    let json = try JSONRenderer.render(report)
    #expect(json.contains("\"charges\" : \"\(Amount(picos: total).decimalString)\""))
    for rendered in [TextRenderer.render(report), MarkdownRenderer.render(report), HTMLRenderer.render(report)] {
      #expect(!rendered.contains(">overflow<") && !rendered.contains(" overflow "))
    }
    let idle = try ws.idle(asOf: nil, windowDays: 14, rules: .defaults)
    #expect(idle.findings.allSatisfy { !$0.windowCost.isOverflow })
    let anomalies = try ws.anomalies(since: nil, rules: .defaults)
    let spike = try #require(anomalies.anomalies.first { $0.dimension == "model" && $0.value == "llama-3.1-70b" && $0.start == "2026-10-24" })
    #expect(spike.impact > Amount(units: 1_000_000_000_000))
  }

  /// Two IDR files of 6 × 10^9 each on the same day (and on different days): the sums were wrapped to a
  /// negative total or trapped in `anomalies`; now they are the exact sum.
  @Test func twoFilesOfSixBillionIDRAddUpExactly() throws {
    let ws = try workspace()
    for (i, day) in [(1, "01"), (2, "01"), (3, "02")] {
      let csv = Self.header + "\n"
        + "6000000000.00,6000000000.00,Usage,2026-10-\(day)T00:00:00Z,2026-10-\(day)T01:00:00Z,2026-10-01T00:00:00Z,IDR,AWS,acct-\(i),i-\(i),Instance,\n"
      let path = (dir as NSString).appendingPathComponent("idr-\(i).csv")
      try csv.write(toFile: path, atomically: true, encoding: .utf8)
      guard case .imported = try ws.importFile(path, options: ImportOptions()) else { Issue.record("not imported"); return }
    }
    let report = try ws.monthlyReport(month: BillingMonth(year: 2026, month: 10), rules: .defaults)
    #expect(report.totals.first { $0.currency == "IDR" }?.charges == "18000000000.00")
    _ = try ws.anomalies(since: nil, rules: .defaults)
    _ = try ws.idle(asOf: nil, windowDays: 14, rules: .defaults)
  }

  /// A row whose CUR-style arithmetic would leave the range is an error naming the row, not a wrap.
  @Test func anAmountPastTheRangeIsRefusedWithItsLine() throws {
    let ws = try workspace()
    let csv = Self.header + "\n" + "1e27,1e27,Usage,2026-10-01T00:00:00Z,2026-10-01T01:00:00Z,2026-10-01T00:00:00Z,IDR,AWS,a,i-1,Instance,\n"
    let path = (dir as NSString).appendingPathComponent("huge.csv")
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try ws.importFile(path, options: ImportOptions())
      Issue.record("imported")
    } catch {
      #expect("\(error)".contains("huge.csv:2"), "\(error)")
      #expect("\(error)".contains("too large"), "\(error)")
    }
    #expect(try ws.query("SELECT count(*) FROM charge")[0][0].int == 0)
  }

  /// Many near-limit rows: the running total passes 128 bits and the import stops with the row that did it.
  @Test func sumsOfManyNearLimitRowsStopWithAClearErrorNeverAWrap() throws {
    let ws = try workspace()
    let big = "100000000000000000000000000"  // 10^26 units: each row fits, two do not
    let rows = (1...3).map { _ in "\(big),\(big),Usage,2026-10-01T00:00:00Z,2026-10-01T01:00:00Z,2026-10-01T00:00:00Z,IDR,AWS,a,i-1,Instance," }
    let path = (dir as NSString).appendingPathComponent("near.csv")
    try (Self.header + "\n" + rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try ws.importFile(path, options: ImportOptions())
      Issue.record("imported")
    } catch {
      #expect("\(error)".contains("near.csv"), "\(error)")
      #expect("\(error)".contains("10^26"), "\(error)")
    }
    #expect(try ws.query("SELECT count(*) FROM charge")[0][0].int == 0)
  }

  /// ±(10^18 − 10^-12) units per row, mixed signs: stored, summed in SQL and in Swift, exactly.
  @Test func rowsAtTheEdgeOfEighteenIntegerDigitsRoundTrip() throws {
    let ws = try workspace()
    let max = "999999999999999999.999999999999"
    let rows = [max, "-" + max, max, "0.000000000001", "-0.000000000001"].map {
      "\($0),\($0),Usage,2026-10-01T00:00:00Z,2026-10-01T01:00:00Z,2026-10-01T00:00:00Z,JPY,AWS,a,i-1,Instance,"
    }
    let path = (dir as NSString).appendingPathComponent("edge.csv")
    try (Self.header + "\n" + rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    guard case .imported(let s) = try ws.importFile(path, options: ImportOptions()) else { Issue.record("not imported"); return }
    #expect(s.reconciles)
    #expect(s.reconciliation.first?.stored.billedCost.decimalString == max)
    #expect(try ws.query("SELECT money_sum(billed_cost) FROM charge")[0][0].amount?.decimalString == max)
    let report = try ws.monthlyReport(month: BillingMonth(year: 2026, month: 10), rules: .defaults)
    #expect(report.totals.first?.charges.decimalString == max)
  }

  /// `report monthly` trapped in LargestRemainder.scale when a model cost more than ~$9,223 per logged
  /// token: $10k of GPU over one token is $10^10 per 1M tokens, shown exactly.
  @Test func aModelCostingMillionsPerTokenReportsItsUnitCost() throws {
    var c = ChargeGroup(currency: "USD", billedCost: Amount(units: 10_000), effectiveCost: Amount(units: 10_000), tags: ["model": "m"])
    c.service = "SageMaker"; c.resourceId = "endpoint/m"
    var u = UsageGroup(provider: "self", source: "gateway", model: "m", requestType: .chat)
    u.inputTokens = 1; u.requests = 1
    let a = try AttributionEngine.run(AttributionInput(month: BillingMonth(year: 2026, month: 10), charges: [c], usage: [u]), rules: .defaults)
    let report = ReportBuilder.build(current: a, previous: nil, trend: [], title: "t")
    let m = try #require(report.models.first { $0.owner == "m" })
    #expect(m.perMillionTokens == "10000000000.00")
    #expect(m.perThousandRequests == "10000000.00")
    _ = TextRenderer.render(report)
  }
}
