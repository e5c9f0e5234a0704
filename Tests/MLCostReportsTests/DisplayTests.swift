import MLCostCore
import Testing
@testable import MLCostReports

/// Formatting only: typed values in, display text out (rounding half to even at the cent).
struct DisplayTests {
  func a(_ text: String) -> Amount { try! ExactDecimal.parse(text) }

  @Test func moneyRoundsHalfToEvenAtTheCentAndGroupsThousands() {
    #expect(Display.money(a("1234567.005")) == "1,234,567.00")
    #expect(Display.money(a("1234567.015")) == "1,234,567.02")
    #expect(Display.money(a("-0.004")) == "0.00" || Display.money(a("-0.004")) == "-0.00")
    #expect(Display.money(a("-1500")) == "-1,500.00")
    #expect(Display.money(nil) == "—")
    #expect(Display.money(.overflow) == "—")
    #expect(Display.money(a("123456789012345678901234.5")) == "123,456,789,012,345,678,901,234.50")
  }

  @Test func smallRatesKeepFourDecimals() {
    #expect(Display.rate(a("0.00042")) == "0.0004")
    #expect(Display.rate(a("2.291666667")) == "2.29")
  }

  @Test func percentsAndCountsAndOneGrouping() {
    #expect(Display.percent(Percent(a("1"), of: a("3"))) == "33.3%")
    #expect(Display.percent(Percent(a("-1"), of: a("8"))) == "-12.5%")  // half-even: 12.5 stays
    #expect(Display.percent(nil) == "—")
    #expect(Percent(a("1"), of: .zero) == nil)
    #expect(Display.count(-1_234_567) == "-1,234,567")
    #expect(Digits.grouped("-1234567.891") == "-1,234,567.891" && Digits.grouped("999") == "999" && Digits.grouped("1000") == "1,000")
  }

  @Test func tablesAlignMoneyRightAndTotalsUnderARule() {
    var t = TextTable([("owner", .left), ("cost", .right)], headerRule: true)
    t.rows = [["a", "1.00"], ["bb", "10.00"]]
    t.totals = ["total", "11.00"]
    #expect(t.render(indent: "  ") == """
      owner   cost
      -----  -----
      a       1.00
      bb     10.00
      =====  =====
      total  11.00
    """)
    var listing = TextTable([("file", .left), ("rows", .right)])
    listing.add(["x.csv", "12"])
    #expect(listing.render() == "file   rows\nx.csv    12")
  }

  /// Typed values keep today's JSON: money as exact decimal text, percent as one-decimal text, enums as their strings.
  @Test func typedValuesEncodeAsTheTextTheyReplaced() throws {
    var row = ModelRow(owner: "m", kind: .purchase, currency: "USD", allocation: a("12.5"))
    row.changePercent = Percent(perMille: -5)
    row.byComponent = ["gpu-compute": a("0.000000000001")]
    let json = String(decoding: try JSONEncoder.sorted.encode(row), as: UTF8.self)
    #expect(json.contains(#""allocation":"12.50""#) && json.contains(#""changePercent":"-0.5""#) && json.contains(#""kind":"purchase""#)
            && json.contains(#""gpu-compute":"0.000000000001""#), "\(json)")
    #expect(try JSONDecoder().decode(ModelRow.self, from: Data(json.utf8)) == row)
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(Percent.self, from: Data(#""12.34""#.utf8)) }
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(Amount.self, from: Data(#""12,5""#.utf8)) }
  }
}

import Foundation
extension JSONEncoder {
  static var sorted: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return e
  }
}
