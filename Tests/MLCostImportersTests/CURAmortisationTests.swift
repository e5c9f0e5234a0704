import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostImporters

/// BilledCost and EffectiveCost per CUR line-item type, with numbers worked out by hand from
/// AWS's CUR query library (amortized_cost_by_charge_type.sql; docs/import.md has the table).
struct CURAmortisationTests {
  struct Case: CustomStringConvertible, Sendable {
    var type: String
    var unblended: String
    var columns: [String: String] = [:]
    var billed: String
    var effective: String
    var category: ChargeCategory
    var status: String? = nil
    var description: String { type + (columns["reservation/ReservationARN"] == nil ? "" : " (with ARN)") }
  }

  static let header = ["bill/BillingPeriodStartDate", "lineItem/LineItemType", "lineItem/UsageStartDate", "lineItem/UsageEndDate",
                       "lineItem/UnblendedCost", "lineItem/CurrencyCode", "reservation/ReservationARN", "reservation/EffectiveCost",
                       "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "reservation/UnusedRecurringFee",
                       "savingsPlan/SavingsPlanArn", "savingsPlan/SavingsPlanEffectiveCost", "savingsPlan/TotalCommitmentToDate",
                       "savingsPlan/UsedCommitment"]

  static let cases: [Case] = [
    // On demand: what was billed is what it cost.
    Case(type: "Usage", unblended: "98.32", billed: "98.32", effective: "98.32", category: .usage),
    // RI-covered hour: billed 0 (the RI fee pays it); effective = amortised upfront 11.30 + recurring 7.9136.
    Case(type: "DiscountedUsage", unblended: "0", columns: ["reservation/EffectiveCost": "19.2136", "reservation/ReservationARN": "ri-1"],
         billed: "0.00", effective: "19.2136", category: .usage, status: "Used"),
    // SP-covered hour: billed at the on-demand 1.515 (cancelled by the negation); effective = the SP rate's 0.9545.
    Case(type: "SavingsPlanCoveredUsage", unblended: "1.515", columns: ["savingsPlan/SavingsPlanEffectiveCost": "0.9545", "savingsPlan/SavingsPlanArn": "sp-1"],
         billed: "1.515", effective: "0.9545", category: .usage, status: "Used"),
    // The negation cancels the covered row's on-demand amount in cash; it is no amortised cost.
    Case(type: "SavingsPlanNegation", unblended: "-1.515", columns: ["savingsPlan/SavingsPlanArn": "sp-1"], billed: "-1.515", effective: "0.00", category: .usage),
    // Monthly SP commitment 720.00, of which 687.24 was used by covered rows: 32.76 is unused, shown once, here.
    Case(type: "SavingsPlanRecurringFee", unblended: "720.00",
         columns: ["savingsPlan/TotalCommitmentToDate": "720.00", "savingsPlan/UsedCommitment": "687.24", "savingsPlan/SavingsPlanArn": "sp-1"],
         billed: "720.00", effective: "32.76", category: .purchase, status: "Unused"),
    // The upfront payment is cash only; its amortisation lives in the covered rows.
    Case(type: "SavingsPlanUpfrontFee", unblended: "8760.00", columns: ["savingsPlan/SavingsPlanArn": "sp-1"], billed: "8760.00", effective: "0.00", category: .purchase),
    // RI monthly fee 5697.60; the unused part is 84.75 upfront + 59.35 recurring = 144.10.
    Case(type: "RIFee", unblended: "5697.60",
         columns: ["reservation/UnusedAmortizedUpfrontFeeForBillingPeriod": "84.75", "reservation/UnusedRecurringFee": "59.35", "reservation/ReservationARN": "ri-1"],
         billed: "5697.60", effective: "144.10", category: .purchase, status: "Unused"),
    // An RI upfront fee: cash only.
    Case(type: "Fee", unblended: "100000.00", columns: ["reservation/ReservationARN": "ri-1"], billed: "100000.00", effective: "0.00", category: .purchase),
    // Any other fee (support, marketplace): both.
    Case(type: "Fee", unblended: "29.00", billed: "29.00", effective: "29.00", category: .purchase),
    Case(type: "Credit", unblended: "-50.00", billed: "-50.00", effective: "-50.00", category: .credit),
    Case(type: "Refund", unblended: "-12.34", billed: "-12.34", effective: "-12.34", category: .credit),
    Case(type: "Tax", unblended: "1234.5678", billed: "1234.5678", effective: "1234.5678", category: .tax),
    Case(type: "EdpDiscount", unblended: "-9.8765", billed: "-9.8765", effective: "-9.8765", category: .credit),
  ]

  final class Capture: ImportSink {
    var rows: [(billed: Amount, effective: Amount, category: ChargeCategory, status: String?)] = []
    func write(_ c: borrowing ChargeRecord) throws {
      rows.append((c.billedCost, c.effectiveCost, c.chargeCategory, c[.commitmentDiscountStatus].string))
    }
    func reject(_ row: RejectedRow) throws { Issue.record("rejected: \(row.reason)") }
    func writeUsage(_ usage: UsageRecord) throws { Issue.record("a CUR row became usage") }
    func writeMetric(_ sample: MetricSample) throws { Issue.record("a CUR row became a metric") }
    func writeDataset(_ row: DatasetRecord) throws { Issue.record("a CUR row became a dataset row") }
  }

  static func csv(_ c: Case) -> String {
    var values: [String: String] = ["bill/BillingPeriodStartDate": "2026-10-01T00:00:00Z", "lineItem/LineItemType": c.type,
      "lineItem/UsageStartDate": "2026-10-05T10:00:00Z", "lineItem/UsageEndDate": "2026-10-05T11:00:00Z",
      "lineItem/UnblendedCost": c.unblended, "lineItem/CurrencyCode": "USD"]
    values.merge(c.columns) { $1 }
    return header.joined(separator: ",") + "\n" + header.map { values[$0] ?? "" }.joined(separator: ",") + "\n"
  }

  @Test(arguments: cases)
  func lineItemType(_ c: Case) throws {
    let sink = Capture()
    _ = try ImportDriver.run(source: MemoryByteSource(Self.csv(c)), fileName: "cur.csv", options: ImportOptions(format: .cur), sink: sink)
    let row = try #require(sink.rows.first)
    #expect(row.billed == (try ExactDecimal.parse(c.billed)))
    #expect(row.effective == (try ExactDecimal.parse(c.effective)))
    #expect(row.category == c.category)
    #expect(row.status == c.status)
  }

  /// The whole month, by hand: Σ billed = cash paid, Σ effective = amortised cost, commitments counted once.
  @Test func aMonthOfEveryTypeSumsToTheHandTotals() throws {
    let sink = Capture()
    let body = Self.cases.map { Self.csv($0).split(separator: "\n")[1] }.joined(separator: "\n")
    _ = try ImportDriver.run(source: MemoryByteSource(Self.header.joined(separator: ",") + "\n" + body + "\n"), fileName: "cur.csv",
                             options: ImportOptions(), sink: sink)
    // 98.32 + 0 + 1.515 − 1.515 + 720 + 8760 + 5697.60 + 100000 + 29 − 50 − 12.34 + 1234.5678 − 9.8765
    #expect(sink.rows.map(\.billed).reduce(Amount.zero, +) == (try ExactDecimal.parse("116467.2713")))
    // 98.32 + 19.2136 + 0.9545 + 0 + 32.76 + 0 + 144.10 + 0 + 29 − 50 − 12.34 + 1234.5678 − 9.8765
    #expect(sink.rows.map(\.effective).reduce(Amount.zero, +) == (try ExactDecimal.parse("1486.6994")))
  }

  @Test func gpuModelComesFromTheInstanceFamily() {
    #expect(AWSInstanceGPU.model(instanceType: "p5.48xlarge") == "H100")
    #expect(AWSInstanceGPU.model(instanceType: "ml.g5.2xlarge") == "A10G")
    #expect(AWSInstanceGPU.model(instanceType: "p4de.24xlarge") == "A100 80GB")
    #expect(AWSInstanceGPU.model(instanceType: "m5.large") == nil)
  }

  @Test func aHeaderThatFitsTwoFormatsIsRefusedListingBoth() {
    let header = "BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,lineItem/UnblendedCost,lineItem/LineItemType\n"
    #expect {
      try ImportDriver.run(source: MemoryByteSource(header), fileName: "both.csv", options: ImportOptions(), sink: Capture())
    } throws: { error in
      let text = "\(error)"
      return text.contains("more than one format") && text.contains("focus") && text.contains("cur") && text.contains("--format")
    }
  }
}
