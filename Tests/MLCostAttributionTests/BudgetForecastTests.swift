import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostAttribution

/// Forecasts and budgets on synthetic series whose answer is worked by hand.
struct BudgetForecastTests {
  static func day(_ y: Int, _ m: Int, _ d: Int) -> Int64 { Timestamp.daysFromCivil(year: y, month: m, day: d) * 86_400 }
  static func weekend(_ t: Int64) -> Bool { let w = (Int(t / 86_400) + 4) % 7; return w == 0 || w == 6 }  // 0 = Sunday

  /// 100 a weekday, 40 a weekend day, and a monthly job of 500 on the 20th, from 2026-07-01 to `end`.
  static func series(to end: Int64) -> [Int64: Amount] {
    var out: [Int64: Amount] = [:]
    var t = day(2026, 7, 1)
    while t < end {
      let dom = Timestamp.civil(fromDays: t / 86_400).day
      out[t] = Amount(units: (weekend(t) ? 40 : 100) + (dom == 20 ? 500 : 0))
      t += 86_400
    }
    return out
  }

  /// On 2026-10-11 (a Sunday), ten days spent: Oct 1–10 holds 7 weekdays and 3 weekend days = 820. The 21 days
  /// left hold 15 weekdays and 6 weekend days and the 20th's job: 1,500 + 240 + 500 = 2,240. No noise: no interval.
  @Test func aForecastKnowsTheWeekAndTheMonthlyJob() {
    let asOf = Self.day(2026, 10, 11)
    let daily = Self.series(to: asOf)
    let spent = daily.filter { $0.key >= Self.day(2026, 10, 1) }.values.reduce(Amount.zero, +)
    #expect(spent == "820")
    let f = Forecaster.forecast(daily, spent: spent, from: asOf, to: Self.day(2026, 11, 1))
    #expect(f.total == "3060")
    #expect(f.recurring == "500")
    #expect(f.low == f.total && f.high == f.total)
    #expect(f.remainingDays == 21)
    // The run rate misses both: 820 ÷ 10 × 31.
    #expect(Forecaster.runRate(spent: spent, elapsedDays: 10, periodDays: 31) == "2542")
  }

  /// With one month of history a monthly job is not yet known to recur: no recurring part.
  @Test func oneMonthOfHistoryIsNotARecurrence() {
    let asOf = Self.day(2026, 8, 11)
    let f = Forecaster.forecast(Self.series(to: asOf), spent: .zero, from: asOf, to: Self.day(2026, 9, 1))
    #expect(f.recurring == .zero)
  }

  /// Noise widens the interval around the same centre; the interval holds the forecast.
  @Test func noiseGivesAnInterval() {
    let asOf = Self.day(2026, 10, 11)
    var daily = Self.series(to: asOf)
    for (t, v) in daily where Timestamp.civil(fromDays: t / 86_400).day % 3 == 0 { daily[t] = v + Amount(units: 30) }
    let f = Forecaster.forecast(daily, spent: .zero, from: asOf, to: Self.day(2026, 11, 1))
    #expect(f.low < f.total && f.total < f.high)
  }

  @Test func aBudgetSaysWhatIsSpentForecastAndCrossed() {
    let asOf = Self.day(2026, 10, 11)
    let b = Budget(name: "team", scope: .total, amount: Amount(units: 1000), currency: .usd, period: .monthly,
                   actualThresholds: [50, 80, 100], forecastThresholds: [100, 300])
    let s = BudgetTracker.status(b, daily: Self.series(to: asOf), asOf: asOf)
    #expect(s.spent == "820" && s.forecast.total == "3060")
    #expect(s.actualCrossed == [50, 80])
    #expect(s.forecastCrossed == [100, 300])
    #expect(s.overrun == "2060")
    #expect(s.daysLeft == 21 && s.periodLabel == "2026-10")
  }

  @Test func periodsAreCalendarPeriods() {
    let t = Self.day(2026, 11, 15)
    #expect(BudgetPeriod.quarterly.bounds(containing: t) == (Self.day(2026, 10, 1), Self.day(2027, 1, 1)))
    #expect(BudgetPeriod.annual.bounds(containing: t) == (Self.day(2026, 1, 1), Self.day(2027, 1, 1)))
    #expect(BudgetPeriod.quarterly.label(containing: t) == "2026-Q4")
    // A status on the first of a month is about the month that just ended (nothing of the new one is counted).
    let b = Budget(name: "m", scope: .total, amount: Amount(units: 1), currency: .usd, period: .monthly)
    #expect(BudgetTracker.status(b, daily: [:], asOf: Self.day(2026, 11, 1)).periodLabel == "2026-10")
  }

  /// A scope matches a charge by its resolved dimensions, fields and tags; usage by provider and model only.
  @Test func scopesMatchDimensionsFieldsAndTags() throws {
    var scope = BudgetScope(dimensions: [.team: try Pattern.parse("assistant")])
    var c = ChargeGroup(currency: .usd, billedCost: .zero, effectiveCost: .zero)
    c.provider = "AWS"
    #expect(scope.matches(c, resolved: [.team: "assistant"], tags: [:]))
    #expect(!scope.matches(c, resolved: [.team: "search"], tags: [:]))
    #expect(!scope.matches(usageProvider: "OpenAI", model: "gpt-4o"))
    scope = BudgetScope(dimensions: [.model: try Pattern.parse("glob:gpt-*")])
    #expect(scope.matches(usageProvider: "OpenAI", model: "gpt-4o"))
    var m = Match(); m.tags = [("env", try Pattern.parse("prod"))]
    scope = BudgetScope(match: m)
    #expect(scope.matches(c, resolved: [:], tags: ["env": "prod"]) && !scope.matches(usageProvider: "OpenAI", model: nil))
    #expect(BudgetScope.total.matches(usageProvider: "OpenAI", model: nil))
  }
}
