/// Splits an exact amount by integer weights so the parts sum to it exactly: each part is the floor
/// of its exact share, and the leftover nanos go one each to the largest fractional remainders
/// (ties to the earlier weight). 128-bit intermediate products, so no overflow and no floating point.
public enum LargestRemainder {
  public static func split(_ total: Int64, weights: [Int64]) -> [Int64] {
    precondition(weights.allSatisfy { $0 >= 0 }, "weights are not negative")
    let sum = weights.reduce(0 as Int64) { $0 &+ $1 }
    guard sum > 0, !weights.isEmpty else { return weights.map { _ in 0 } }
    let negative = total < 0
    let t = total.magnitude
    var parts = [UInt64](repeating: 0, count: weights.count)
    var remainders: [(index: Int, remainder: UInt64)] = []
    var given: UInt64 = 0
    for (i, w) in weights.enumerated() {
      let product = t.multipliedFullWidth(by: UInt64(w))
      let (q, r) = UInt64(sum).dividingFullWidth(product)
      parts[i] = q
      given += q
      remainders.append((i, r))
    }
    var left = t - given
    for (i, _) in remainders.sorted(by: { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }) where left > 0 {
      parts[i] += 1
      left -= 1
    }
    return parts.map { negative ? -Int64($0) : Int64($0) }
  }

  /// `amount × numerator / denominator`, rounded half to even, exactly.
  public static func scale(_ amount: Int64, _ numerator: Int64, _ denominator: Int64) -> Int64 {
    precondition(denominator > 0 && numerator >= 0)
    let negative = amount < 0
    let product = amount.magnitude.multipliedFullWidth(by: UInt64(numerator))
    let (q, r) = UInt64(denominator).dividingFullWidth(product)
    var result = q
    let twice = r.multipliedReportingOverflow(by: 2)
    if twice.overflow || twice.partialValue > UInt64(denominator) || (twice.partialValue == UInt64(denominator) && q % 2 == 1) { result += 1 }
    return negative ? -Int64(result) : Int64(result)
  }
}
