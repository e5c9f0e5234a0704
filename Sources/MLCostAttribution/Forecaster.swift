import Foundation
import MLCostCore

/// A period-end forecast: what is spent plus what the remaining days are expected to cost, with a 90% interval.
public struct Forecast: Sendable, Equatable {
  /// Spent to date + expected for the remaining days.
  public var total: Amount
  public var low: Amount
  public var high: Amount
  /// Of the remaining days' expectation, what recurs on the same days of every recent month (fees, monthly jobs).
  public var recurring: Amount
  public var remainingDays: Int
}

/// The forecast of a daily cost series: a weekly profile plus recurring month-day charges.
///
/// - **Recurring month-day charges**: in each of the up to three full months before the forecast day, a day's
///   excess over that month's median for its weekday, when above a quarter of that median; a month-day with such an
///   excess in every one of them (two months at least) recurs, by the smallest of those excesses.
/// - **Weekly profile**: over the last 28 days, each day less its recurring part; the median per weekday (three
///   or more of that weekday), else the median of all of them.
/// - Remaining days = profile of their weekday + their month-day's recurring part. Interval: ±1.645 × the RMS of
///   the profile's residuals over the last 28 days × √(remaining days) (independent days; 90%).
///
/// Amounts are modelled in floating point and rounded to the cent: a forecast is an estimate, never a bill.
public enum Forecaster {
  /// Days of history the forecast reads before the forecast day: three months and four weeks.
  public static let historyDays = 124

  public static func forecast(_ daily: [Int64: Amount], spent: Amount, from asOf: Int64, to end: Int64) -> Forecast {
    let remaining = Int(max(0, end - asOf) / 86_400)
    guard remaining > 0 else { return Forecast(total: spent, low: spent, high: spent, recurring: .zero, remainingDays: 0) }
    func y(_ d: Int64) -> Double { daily[d]?.approximateDouble ?? 0 }
    let recurring = recurringByMonthDay(y, before: asOf, earliest: daily.keys.min() ?? asOf)
    func rec(_ d: Int64) -> Double { recurring[Timestamp.civil(fromDays: d / 86_400).day] ?? 0 }
    // The weekly profile over the last 28 days that have history.
    let first = daily.keys.min() ?? asOf
    var byWeekday: [Int: [Double]] = [:], all: [(Int64, Double)] = []
    for k in 1...28 {
      let d = asOf - Int64(k) * 86_400
      if d < first { break }
      let v = max(0, y(d) - rec(d))
      byWeekday[weekday(d), default: []].append(v)
      all.append((d, v))
    }
    let overall = median(all.map(\.1))
    func profile(_ d: Int64) -> Double {
      if let v = byWeekday[weekday(d)], v.count >= 3 { return median(v) }
      return overall
    }
    let rms = all.isEmpty ? 0 : (all.reduce(0) { $0 + pow($1.1 - profile($1.0), 2) } / Double(all.count)).squareRoot()
    var expected = 0.0, recurringSum = 0.0
    var d = asOf
    while d < end {
      expected += profile(d) + rec(d)
      recurringSum += rec(d)
      d += 86_400
    }
    let half = 1.645 * rms * Double(remaining).squareRoot()
    let total = spent + cents(expected)
    let low = spent + cents(max(0, expected - half))
    return Forecast(total: total, low: low, high: spent + cents(expected + half), recurring: cents(recurringSum), remainingDays: remaining)
  }

  /// The naive forecast it is compared with: spent ÷ days elapsed × days in the period.
  public static func runRate(spent: Amount, elapsedDays: Int, periodDays: Int) -> Amount {
    elapsedDays > 0 ? LargestRemainder.scale(spent, Int64(periodDays), Int64(elapsedDays)) : .zero
  }

  /// Month-day → recurring amount, from the full months before `asOf`'s month (up to three, two at least).
  static func recurringByMonthDay(_ y: (Int64) -> Double, before asOf: Int64, earliest: Int64) -> [Int: Double] {
    var months: [BillingMonth] = []
    var m = BillingMonth(containing: asOf - 1)
    for _ in 0..<3 {
      m = BillingMonth(containing: m.start - 1)
      if m.start < earliest { break }  // not a full month of history
      months.append(m)
    }
    guard months.count >= 2 else { return [:] }
    var excess: [[Int: Double]] = []
    for month in months {
      var perWeekday: [Int: [Double]] = [:]
      for i in 0..<month.days { let d = month.start + Int64(i) * 86_400; perWeekday[weekday(d), default: []].append(y(d)) }
      let level = perWeekday.mapValues(median)
      var e: [Int: Double] = [:]
      // An excess counts when it is material: above a quarter of the day's usual level (noise is not a recurrence).
      for i in 0..<month.days {
        let d = month.start + Int64(i) * 86_400, usual = level[weekday(d)] ?? 0, excess = y(d) - usual
        e[i + 1] = excess > 0.25 * usual ? excess : 0
      }
      excess.append(e)
    }
    var out: [Int: Double] = [:]
    for day in 1...31 {
      let values = excess.compactMap { $0[day] }
      guard values.count >= 2, let least = values.min(), least > 0 else { continue }
      out[day] = least
    }
    return out
  }

  static func weekday(_ d: Int64) -> Int { Int(((d / 86_400) % 7 + 7) % 7) }

  static func median(_ v: [Double]) -> Double {
    guard !v.isEmpty else { return 0 }
    let s = v.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
  }

  /// A modelled amount, rounded to the cent.
  static func cents(_ v: Double) -> Amount {
    guard v.isFinite else { return .overflow }
    return Amount(picos: Int128((v * 100).rounded()) * (Amount.picosPerUnit / 100))
  }
}
