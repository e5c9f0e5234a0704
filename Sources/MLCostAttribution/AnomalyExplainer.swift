import MLCostCore

/// One line of a series on one day: its cost and, when the source says, its quantity and unit, and its cost in
/// another pricing currency (0 when none).
public struct LineDay: Sendable, Equatable {
  public var cost: Amount
  public var quantity: Double
  public var unit: String
  public var inPricingCurrency: Double
  public init(cost: Amount, quantity: Double = 0, unit: String = "", inPricingCurrency: Double = 0) {
    self.cost = cost; self.quantity = quantity; self.unit = unit; self.inPricingCurrency = inPricingCurrency
  }
}

/// Splits an anomaly's impact into volume, unit price, mix and FX (see `AnomalyExplanation`).
///
/// Baseline lines: for each anomalous day, the mean of each line over the same weekday of the four weeks before
/// (three at least, else the 28 days before), summed over the anomalous days and scaled so their cost equals the
/// anomaly's expected cost (prices unchanged). Then, with p₀ a line's baseline rate (its own anomalous rate for a new
/// line), volume = expected × (Q₁ ÷ Q₀ − 1) in the driver unit, mix = Σ q₁·p₀ − expected − volume (+ lines without a
/// quantity), FX = Σ over lines priced in another currency of C₁ − P₁ · r₀ (C₁, P₁ the anomalous days' cost in the
/// billing and the pricing currency, r₀ = C₀ ÷ P₀ the baseline's rate), unit price = impact − volume − mix − FX, exactly.
public enum AnomalyExplainer {
  public static func explain(_ s: DailySeries, days: [Int64], expected: Amount) -> AnomalyExplanation? {
    guard s.missingIsZero, !s.lines.isEmpty, !days.isEmpty else { return nil }
    var actual: [String: LineDay] = [:], base: [String: (cost: Double, quantity: Double, unit: String)] = [:]
    var fx: [String: (c1: Double, p1: Double, c0: Double, p0: Double)] = [:]
    for d in days {
      for (k, l) in s.lines[d] ?? [:] {
        actual[k, default: LineDay(cost: .zero, unit: l.unit)].cost += l.cost
        actual[k]!.quantity += l.quantity
        if l.inPricingCurrency != 0 { fx[k, default: (0, 0, 0, 0)].c1 += l.cost.approximateDouble; fx[k]!.p1 += l.inPricingCurrency }
      }
      var reference = (1...4).map { d - Int64($0) * 7 * 86_400 }.filter { s.lines[$0] != nil }
      if reference.count < 3 { reference = (1...28).map { d - Int64($0) * 86_400 }.filter { s.lines[$0] != nil } }
      guard !reference.isEmpty else { continue }
      let n = Double(reference.count)
      for r in reference {
        for (k, l) in s.lines[r] ?? [:] {
          var b = base[k] ?? (0, 0, l.unit)
          b.cost += l.cost.approximateDouble / n
          b.quantity += l.quantity / n
          base[k] = b
          if l.inPricingCurrency != 0 { fx[k, default: (0, 0, 0, 0)].c0 += l.cost.approximateDouble; fx[k]!.p0 += l.inPricingCurrency }
        }
      }
    }
    let impact = actual.values.reduce(Amount.zero) { $0 + $1.cost } - expected
    let baseCost = base.values.reduce(0) { $0 + $1.cost }
    let scale = baseCost > 0 ? expected.approximateDouble / baseCost : 0
    // The driver: the unit carrying most of the baseline's cost (else of the anomalous days'), among lines with quantities.
    var byUnit: [String: Double] = [:]
    for (_, b) in base where b.quantity > 0 && !b.unit.isEmpty { byUnit[b.unit, default: 0] += b.cost }
    if byUnit.isEmpty { for (_, l) in actual where l.quantity > 0 && !l.unit.isEmpty { byUnit[l.unit, default: 0] += l.cost.approximateDouble } }
    let driver = byUnit.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
    var q0 = 0.0, q1 = 0.0, atBasePrices = 0.0, baseWithQuantity = 0.0, noQuantity = 0.0
    for k in Set(actual.keys).union(base.keys) {
      let a = actual[k], b = base[k]
      let c0 = (b?.cost ?? 0) * scale, qb = (b?.quantity ?? 0) * scale, qa = a?.quantity ?? 0, c1 = a?.cost.approximateDouble ?? 0
      if let driver, (a?.unit ?? b?.unit) == driver { q0 += qb; q1 += qa }
      if qb <= 0 && qa <= 0 { noQuantity += c1 - c0; continue }
      baseWithQuantity += c0
      let p0 = qb > 0 ? c0 / qb : c1 / qa
      atBasePrices += qa * p0
    }
    let e = expected.approximateDouble
    let volume = q0 > 0 ? e * (q1 / q0 - 1) : (driver == nil ? 0 : atBasePrices - baseWithQuantity)
    let mix = atBasePrices - baseWithQuantity - volume + noQuantity
    var rateEffect = 0.0
    for (_, f) in fx where f.p0 != 0 && f.p1 != 0 && f.c0 != 0 { rateEffect += f.c1 - f.p1 * (f.c0 / f.p0) }
    let v = cents(volume), m = cents(mix), x = cents(rateEffect)
    return AnomalyExplanation(volume: v, unitPrice: impact - v - m - x, mix: m, fx: x, driverUnit: driver,
                              driverRatio: q0 > 0 ? q1 / q0 : nil)
  }

  static func cents(_ v: Double) -> Amount { Forecaster.cents(v) }
}
