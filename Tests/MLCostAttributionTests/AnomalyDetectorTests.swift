import MLCostCore
import Testing
@testable import MLCostAttribution

/// Series whose right answer is known: spikes, level shifts, weekly seasonality, steady, tiny.
struct AnomalyDetectorTests {
  static let day0: Int64 = 1_788_220_800   // 2026-09-01, a Tuesday
  static func usd(_ d: Double) -> Amount { Amount(nanos: Int64(d * 1e9)) }
  static func series(_ f: (Int) -> Double, days: Int = 60) -> DailySeries {
    var values: [Int64: Amount] = [:]
    for i in 0..<days { values[day0 + Int64(i) * 86_400] = usd(f(i)) }
    return DailySeries(dimension: "model", value: "m", currency: "USD", days: values,
                       contributors: [day0 + 40 * 86_400: ["endpoint/a": usd(350), "endpoint/b": usd(50)]])
  }
  func run(_ s: DailySeries) -> [Anomaly] {
    AnomalyDetector.run([s], from: Self.day0 + 28 * 86_400, to: Self.day0 + 60 * 86_400, rules: AnomalyRules())
  }

  @Test func aSteadySeriesRaisesNothing() {
    #expect(run(Self.series { _ in 100 }).isEmpty)
    // Noise of ±10% is not an anomaly either.
    #expect(run(Self.series { i in 100 + Double((i * 37) % 21 - 10) }).isEmpty)
  }

  @Test func aOneDaySpikeIsOneAnomalyWithItsImpactAndContributors() {
    let a = run(Self.series { $0 == 40 ? 400 : 100 })
    #expect(a.count == 1)
    #expect(a.first?.start == "2026-10-11" && a.first?.days == 1)
    #expect(a.first?.expected == "100.00" && a.first?.actual == "400.00" && a.first?.impact == "300.00")
    #expect(a.first?.topContributors == ["endpoint/a": "350.00", "endpoint/b": "50.00"])
  }

  @Test func aLevelShiftIsOneAnomalyFromTheDayItStarted() {
    let a = run(Self.series { $0 >= 40 ? 250 : 100 })
    #expect(a.count == 1)
    #expect(a.first?.start == "2026-10-11")
    #expect((a.first?.days ?? 0) >= 7)
  }

  @Test func weeklySeasonalityIsExpected() {
    // Weekends cost three times weekdays; the same-weekday baseline knows it.
    let weekend = { (i: Int) -> Bool in let w = (i + 2) % 7; return w == 0 || w == 6 }
    #expect(run(Self.series { weekend($0) ? 300 : 100 }).isEmpty)
    // … but a weekday at weekend levels is flagged.
    #expect(run(Self.series { weekend($0) || $0 == 43 ? 300 : 100 }).map(\.start) == ["2026-10-14"])
  }

  @Test func aTinySpikeUnderTheDollarFloorRaisesNothing() {
    #expect(run(Self.series { $0 == 40 ? 30 : 1 }).isEmpty)
  }

  @Test func aDropIsNotACostAnomaly() {
    #expect(run(Self.series { $0 == 40 ? 0 : 100 }).isEmpty)
  }

  @Test func aRateSeriesIgnoresDaysWithoutAValue() {
    // Cost per 1M tokens: 2.00 most days, no value on weekends, a routing change to 5.00 from day 45.
    var values: [Int64: Amount] = [:]
    for i in 0..<60 where (i + 2) % 7 != 0 && (i + 2) % 7 != 6 { values[Self.day0 + Int64(i) * 86_400] = Self.usd(i >= 45 ? 5 : 2) }
    var rules = AnomalyRules()
    rules.absolute = 10_000_000
    let s = DailySeries(dimension: "cost per 1M tokens", value: "m", currency: "USD", days: values, missingIsZero: false)
    let a = AnomalyDetector.run([s], from: Self.day0 + 28 * 86_400, to: Self.day0 + 60 * 86_400, rules: rules)
    #expect(a.first?.start == "2026-10-16", "\(a)")
    #expect(a.count == 1)
  }
}
