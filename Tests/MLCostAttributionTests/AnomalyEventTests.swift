import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostAttribution

/// An event once, at its narrowest series; a monthly job is no anomaly; mutes.
struct AnomalyEventTests {
  static func a(_ dimension: String, _ value: String, actual: Int64, impact: Int64, lead: String, start: String = "2026-10-20",
                end: String = "2026-10-22") -> Anomaly {
    Anomaly(dimension: dimension, value: value, currency: .usd, start: start, end: end, days: 3, expected: Amount(units: actual - impact),
            actual: Amount(units: actual), impact: Amount(units: impact), baseline: "b", topContributors: [lead: Amount(units: impact)])
  }

  @Test func oneEventIsReportedOnceAtItsNarrowestSeries() {
    let found = [Self.a("service", "Azure OpenAI", actual: 2_600, impact: 1_600, lead: "aoai"),
                 Self.a("model", "gpt-4o", actual: 2_400, impact: 1_600, lead: "aoai"),
                 Self.a("request type", "chat", actual: 90_000, impact: 1_600, lead: "aoai"),
                 Self.a("model", "llama", actual: 900, impact: 300, lead: "endpoint")]
    let events = AnomalyDetector.oneEachEvent(found)
    #expect(events.count == 2)
    #expect(events[0].name == "model gpt-4o" && events[0].impact == "1600")
    #expect(Set(events[0].alsoSeenAs) == ["service Azure OpenAI", "request type chat"])
    // The impacts listed add up to the events' money, not three times it.
    #expect(events.reduce(Amount.zero) { $0 + $1.impact } == "1900")
  }

  @Test func eventsThatDoNotOverlapOrShareTheirLeadStayApart() {
    let found = [Self.a("model", "gpt-4o", actual: 2_400, impact: 1_600, lead: "aoai"),
                 Self.a("service", "Azure OpenAI", actual: 2_600, impact: 1_600, lead: "aoai", start: "2026-10-25", end: "2026-10-26"),
                 Self.a("request type", "chat", actual: 9_000, impact: 1_600, lead: "other")]
    #expect(AnomalyDetector.oneEachEvent(found).count == 3)
  }

  /// 100 a day and a job of 600 on the 3rd to the 9th of every month: flagged in the second month (one month of
  /// history), not in the third (the same days of two months explain it).
  @Test func aMonthlyJobIsAnAnomalyOnceThenARecurrence() {
    let start = Timestamp.daysFromCivil(year: 2026, month: 8, day: 1) * 86_400
    var days: [Int64: Amount] = [:]
    for i in 0..<92 {
      let t = start + Int64(i) * 86_400
      let dom = Timestamp.civil(fromDays: t / 86_400).day
      days[t] = Amount(units: 100 + ((3...9).contains(dom) ? 600 : 0))
    }
    let s = DailySeries(dimension: "model", value: "m", currency: .usd, days: days)
    let sep = Timestamp.daysFromCivil(year: 2026, month: 9, day: 1) * 86_400, oct = Timestamp.daysFromCivil(year: 2026, month: 10, day: 1) * 86_400
    let september = AnomalyDetector.run([s], from: sep, to: oct, rules: AnomalyRules())
    #expect(september.map(\.start) == ["2026-09-03"])
    #expect(AnomalyDetector.run([s], from: oct, to: oct + 31 * 86_400, rules: AnomalyRules()).isEmpty)
  }

  @Test func aMuteCoversItsDimensionValueAndDays() throws {
    let rules = try Rules.parse(yaml: """
      mutes:
        - dimension: model
          value: glob:gpt-*
          from: 2026-10-19
          to: 2026-10-23
          reason: support bot retry loop, fixed in release 4.2
      """, file: "mlcost.yaml")
    let m = try #require(rules.mutes.first)
    let t = Timestamp.daysFromCivil(year: 2026, month: 10, day: 20) * 86_400
    #expect(m.covers(dimension: "model", value: "gpt-4o", start: t))
    #expect(!m.covers(dimension: "service", value: "gpt-4o", start: t))
    #expect(!m.covers(dimension: "model", value: "gpt-4o", start: t + 10 * 86_400))
    #expect(!m.covers(dimension: "model", value: "llama", start: t))
  }
}

/// The impact split into volume, unit price and mix, worked by hand; the parts add up to the impact exactly.
struct AnomalyExplanationTests {
  static let day0: Int64 = 1_788_220_800   // 2026-09-01

  /// 60 days of `base` lines, day 40 of `spike` lines.
  static func series(base: [String: LineDay], spike: [String: LineDay]) -> DailySeries {
    var s = DailySeries(dimension: "model", value: "m", currency: .usd, days: [:])
    for i in 0..<60 {
      let d = day0 + Int64(i) * 86_400, lines = i == 40 ? spike : base
      s.lines[d] = lines
      s.days[d] = lines.values.reduce(Amount.zero) { $0 + $1.cost }
    }
    return s
  }
  static func explanation(_ s: DailySeries) throws -> AnomalyExplanation {
    let found = AnomalyDetector.run([s], from: day0 + 28 * 86_400, to: day0 + 60 * 86_400, rules: AnomalyRules())
    try #require(found.count == 1)
    let e = try #require(found[0].explanation)
    #expect(e.volume + e.unitPrice + e.mix + e.fx == found[0].impact)
    return e
  }

  /// 100 h at 2.00 a day, then 150 h at 2.40: impact 160 = volume 200 × (150/100 − 1) = 100 + unit price 150 × 0.40 = 60.
  @Test func moreHoursAtAHigherRate() throws {
    let e = try Self.explanation(Self.series(base: ["a": LineDay(cost: "200", quantity: 100, unit: "Hours")],
                                             spike: ["a": LineDay(cost: "360", quantity: 150, unit: "Hours")]))
    #expect(e.volume == "100" && e.unitPrice == "60" && e.mix == .zero && e.fx == .zero)
    #expect(e.driverUnit == "Hours" && e.driverRatio == 1.5)
  }

  /// The same 120 h, moved from the 2.00 line to the 5.00 line: all mix.
  @Test func theSameHoursOnACostlierLine() throws {
    let e = try Self.explanation(Self.series(
      base: ["a": LineDay(cost: "200", quantity: 100, unit: "Hours"), "b": LineDay(cost: "100", quantity: 20, unit: "Hours")],
      spike: ["a": LineDay(cost: "80", quantity: 40, unit: "Hours"), "b": LineDay(cost: "400", quantity: 80, unit: "Hours")]))
    #expect(e.volume == .zero && e.mix == "180" && e.unitPrice == .zero)
  }

  /// A new line without a quantity (a fee) is mix; the unchanged line explains nothing.
  @Test func aNewFeeIsMix() throws {
    let e = try Self.explanation(Self.series(
      base: ["a": LineDay(cost: "200", quantity: 100, unit: "Hours")],
      spike: ["a": LineDay(cost: "200", quantity: 100, unit: "Hours"), "fee": LineDay(cost: "150")]))
    #expect(e.volume == .zero && e.mix == "150" && e.unitPrice == .zero)
  }

  /// Billed in EUR, priced in USD. Before: 100 h at USD 2.00 at 0.90 = EUR 180 a day. The day: 150 h at USD 2.40 = USD 360
  /// at 1.00 = EUR 360. Impact 180 = volume 180 × 0.5 = 90 + unit price 150 h × USD 0.40 × 0.90 = 54 + FX 360 × 0.10 = 36.
  @Test func aWeakerBillingCurrencyIsFX() throws {
    let e = try Self.explanation(Self.series(
      base: ["a": LineDay(cost: "180", quantity: 100, unit: "Hours", inPricingCurrency: 200)],
      spike: ["a": LineDay(cost: "360", quantity: 150, unit: "Hours", inPricingCurrency: 360)]))
    #expect(e.volume == "90" && e.unitPrice == "54" && e.mix == .zero && e.fx == "36")
  }

  /// Only the rate moved (USD 200 a day throughout, EUR 180 → 300): all FX. A line without a pricing-currency cost has none.
  @Test func onlyTheRateMoved() throws {
    let e = try Self.explanation(Self.series(
      base: ["a": LineDay(cost: "180", quantity: 100, unit: "Hours", inPricingCurrency: 200), "b": LineDay(cost: "50", quantity: 10, unit: "Hours")],
      spike: ["a": LineDay(cost: "300", quantity: 100, unit: "Hours", inPricingCurrency: 200), "b": LineDay(cost: "50", quantity: 10, unit: "Hours")]))
    #expect(e.fx == "120" && e.volume == .zero && e.mix == .zero && e.unitPrice == .zero)
  }
}
