import Foundation
import MLCostCore

/// Thresholds of anomaly detection (the rules file's `anomalies:` block).
public struct AnomalyRules: Sendable, Equatable {
  /// Days of history before each day that form its baseline.
  public var baselineDays = 28
  /// Flag only when actual exceeds expected by more than this fraction …
  public var relative = 0.5
  /// … and by more than this amount, so a tiny spike raises nothing.
  public var absolute = Amount(units: 50)
  /// … and the robust z-score (deviation ÷ 1.4826·MAD) exceeds this, when the baseline varies at all.
  public var robustZ = 3.0
  public init() {}
}

/// One daily cost series: what it is and its cost per day (UTC midnight → amount). Missing days are 0 cost.
public struct DailySeries: Sendable {
  /// `model`, `request type`, `service`, or `cost per 1M tokens`.
  public var dimension: String
  public var value: String
  public var currency: Currency
  public var days: [Int64: Amount]
  /// Per day, the contributors (resource ids, API keys) and their cost, for explaining an anomaly.
  public var contributors: [Int64: [String: Amount]]
  /// Costs: a missing day cost 0. Rates: a missing day has no value and is neither judged nor part of a baseline.
  public var missingIsZero: Bool
  /// Per day, the lines behind the cost (resource, SKU and unit) with their quantities, for the explanation.
  public var lines: [Int64: [String: LineDay]] = [:]
  public init(dimension: String, value: String, currency: Currency, days: [Int64: Amount], contributors: [Int64: [String: Amount]] = [:],
              missingIsZero: Bool = true) {
    self.dimension = dimension; self.value = value; self.currency = currency; self.days = days; self.contributors = contributors
    self.missingIsZero = missingIsZero
  }
}

/// Robust trailing baselines: median and MAD of the same weekday over the baseline window (all days when
/// there are too few), flagged when the excess beats the relative and the absolute threshold (and the
/// robust z-score). Consecutive flagged days are one anomaly. Pure: values in, anomalies out.
public enum AnomalyDetector {
  public static func run(_ series: [DailySeries], from since: Int64, to end: Int64, rules: AnomalyRules) -> [Anomaly] {
    var out: [Anomaly] = []
    for s in series {
      var run: [(day: Int64, expected: Amount, actual: Amount, baseline: String)] = []
      func close() {
        guard let first = run.first, let last = run.last else { return }
        var contributors: [String: Amount] = [:]
        for r in run { for (k, v) in s.contributors[r.day] ?? [:] { contributors[k, default: .zero] += v } }
        let top = contributors.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
        out.append(Anomaly(dimension: s.dimension, value: s.value, currency: s.currency, start: date(first.day), end: date(last.day),
                           days: run.count, expected: run.reduce(.zero) { $0 + $1.expected }, actual: run.reduce(.zero) { $0 + $1.actual },
                           impact: run.reduce(.zero) { $0 + $1.actual - $1.expected }, baseline: first.baseline,
                           topContributors: Dictionary(uniqueKeysWithValues: top.map { ($0.key, $0.value) }),
                           explanation: AnomalyExplainer.explain(s, days: run.map(\.day), expected: run.reduce(.zero) { $0 + $1.expected })))
        run.removeAll()
      }
      var day = since
      while day < end {
        if !s.missingIsZero && s.days[day] == nil { day += 86_400; continue }  // a gap neither ends nor extends a run
        let actual = s.days[day] ?? .zero
        if let (expected, mad, how) = baseline(s, day: day, rules: rules), flagged(actual: actual, expected: expected, mad: mad, rules: rules),
           monthly(s, day: day).map({ flagged(actual: actual, expected: $0, mad: .zero, rules: rules) }) ?? true {
          // A day the same day of every recent month explains (a monthly job, a monthly fee) is no anomaly.
          run.append((day, max(expected, monthly(s, day: day) ?? .zero), actual, how))
        } else {
          close()
        }
        day += 86_400
      }
      close()
    }
    return out.sorted { a, b in
      a.impact != b.impact ? a.impact > b.impact : (a.dimension, a.value, a.start) < (b.dimension, b.value, b.start)
    }
  }

  /// Median and MAD of the trailing window's same weekday (≥ 3 of them), else of every day in it.
  /// Nil when the series has no history before the day (nothing to compare with).
  static func baseline(_ s: DailySeries, day: Int64, rules: AnomalyRules) -> (Amount, Amount, String)? {
    let first = s.days.keys.min() ?? day
    guard first < day else { return nil }
    var all: [Amount] = [], sameWeekday: [Amount] = []
    for k in 1...rules.baselineDays {
      let d = day - Int64(k) * 86_400
      if d < first { break }
      if !s.missingIsZero && s.days[d] == nil { continue }
      let v = s.days[d] ?? .zero
      all.append(v)
      if k % 7 == 0 { sameWeekday.append(v) }
    }
    guard all.count >= 7 else { return nil }
    let use = sameWeekday.count >= 3 ? sameWeekday : all
    let m = median(use)
    let mad = median(use.map { ($0 - m).magnitude })
    return (m, mad, sameWeekday.count >= 3 ? "median of the same weekday over \(use.count) weeks" : "median of the last \(use.count) days")
  }

  /// What recurs on this day of the month: the least of its cost on the same day in each of the last three
  /// months (two at least, all with history). Nil when the series is younger than two months.
  static func monthly(_ s: DailySeries, day: Int64) -> Amount? {
    guard let first = s.days.keys.min() else { return nil }
    let (y, m, d) = Timestamp.civil(fromDays: day / 86_400)
    var least: Amount?, months = 0
    for back in 1...3 {
      var (py, pm) = (y, m - back)
      if pm < 1 { pm += 12; py -= 1 }
      guard d <= Timestamp.daysInMonth(year: py, month: pm) else { continue }
      let prior = Timestamp.daysFromCivil(year: py, month: pm, day: d) * 86_400
      if prior < first { break }
      if !s.missingIsZero && s.days[prior] == nil { continue }
      let v = s.days[prior] ?? .zero
      least = least.map { min($0, v) } ?? v
      months += 1
    }
    return months >= 2 ? least : nil
  }

  /// One event, once: anomalies of the same currency whose days overlap and whose largest contributor is the
  /// same are one event, reported at the narrowest series (the least actual cost; model before request type
  /// before service on a tie), with the others named in `alsoSeenAs`.
  public static func oneEachEvent(_ found: [Anomaly]) -> [Anomaly] {
    let order = ["model": 0, "request type": 1, "service": 2]
    func lead(_ a: Anomaly) -> String? {
      a.topContributors.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
    }
    let ranked = found.sorted { a, b in
      a.actual != b.actual ? a.actual < b.actual : (order[a.dimension] ?? 9, a.value, a.start) < (order[b.dimension] ?? 9, b.value, b.start)
    }
    var events: [Anomaly] = []
    for a in ranked {
      if order[a.dimension] != nil, let key = lead(a),
         let i = events.firstIndex(where: { e in
           order[e.dimension] != nil && e.currency == a.currency && lead(e) == key && e.start <= a.end && a.start <= e.end && e.dimension != a.dimension
             && !e.alsoSeenAs.contains { $0.hasPrefix(a.dimension + " ") }
         }) {
        events[i].alsoSeenAs.append(a.name)
      } else {
        events.append(a)
      }
    }
    return events.sorted { a, b in
      a.impact != b.impact ? a.impact > b.impact : (a.dimension, a.value, a.start) < (b.dimension, b.value, b.start)
    }
  }

  static func flagged(actual: Amount, expected: Amount, mad: Amount, rules: AnomalyRules) -> Bool {
    let excess = actual - expected
    guard !excess.isOverflow, excess > rules.absolute else { return false }
    // Thresholds are ratios: comparing in floating point decides a flag, it never changes an amount.
    guard excess.approximateDouble > rules.relative * expected.magnitude.approximateDouble else { return false }
    if mad > .zero { return excess.approximateDouble / (1.4826 * mad.approximateDouble) > rules.robustZ }
    return true
  }

  static func median(_ values: [Amount]) -> Amount {
    let v = values.sorted()
    guard !v.isEmpty else { return .zero }
    return v.count % 2 == 1 ? v[v.count / 2] : LargestRemainder.scale(v[v.count / 2 - 1] + v[v.count / 2], 1, 2)
  }

  static func date(_ t: Int64) -> String { String(Timestamp.iso8601(t).prefix(10)) }
}
