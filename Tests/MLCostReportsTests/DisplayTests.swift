import Testing
@testable import MLCostReports

/// Formatting only: exact decimal text in, display text out (rounding half to even at the cent).
struct DisplayTests {
  @Test func moneyRoundsHalfToEvenAtTheCentAndGroupsThousands() {
    #expect(Display.money("1234567.005") == "1,234,567.00")
    #expect(Display.money("1234567.015") == "1,234,567.02")
    #expect(Display.money("-0.004") == "0.00" || Display.money("-0.004") == "-0.00")
    #expect(Display.money("-1500") == "-1,500.00")
    #expect(Display.money(nil) == "—")
  }

  @Test func smallRatesKeepFourDecimals() {
    #expect(Display.rate("0.00042") == "0.0004")
    #expect(Display.rate("2.291666667") == "2.29")
  }

  @Test func tablesAlignMoneyRightAndTotalsUnderARule() {
    var t = PlainTable(columns: [("owner", .left), ("cost", .right)])
    t.rows = [["a", "1.00"], ["bb", "10.00"]]
    t.totals = ["total", "11.00"]
    #expect(t.render() == """
      owner   cost
      -----  -----
      a       1.00
      bb     10.00
      =====  =====
      total  11.00
    """)
  }
}
