/// Splits an exact amount by integer weights so the parts sum to it exactly: each part is the floor
/// of its exact share, and the leftover picos go one each to the largest fractional remainders
/// (ties to the earlier weight). 256-bit intermediate products (128 × 64 bits), so no overflow and no
/// floating point at any amount `Amount` holds.
import MLCostCore

public enum LargestRemainder {
  /// Parts of `total` proportional to `weights` (each ≥ 0); all zero when the weights sum to zero, all
  /// `overflow` when `total` is.
  public static func split(_ total: Amount, weights: [Int64]) -> [Amount] {
    if total.isOverflow { return weights.map { _ in .overflow } }
    var sum: UInt128 = 0
    for w in weights where w > 0 { sum += UInt128(w) }  // ≤ count × Int64.max: fits
    guard sum > 0, !weights.isEmpty else { return weights.map { _ in .zero } }
    let negative = total.picos < 0
    let t = total.picos.magnitude
    var parts = [UInt128](repeating: 0, count: weights.count)
    var remainders: [(index: Int, remainder: UInt128)] = []
    remainders.reserveCapacity(weights.count)
    var given: UInt128 = 0
    for (i, w) in weights.enumerated() {
      let product = t.multipliedFullWidth(by: UInt128(max(0, w)))
      // w ≤ sum, so the quotient ≤ t: it fits.
      let (q, r) = sum.dividingFullWidth(product)
      parts[i] = q
      given += q
      remainders.append((i, r))
    }
    var left = t - given
    for (i, _) in remainders.sorted(by: { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }) where left > 0 {
      parts[i] += 1
      left -= 1
    }
    return parts.map { Amount(picos: negative ? -Int128($0) : Int128($0)) }
  }

  /// `amount × numerator / denominator`, rounded half to even, exactly; `overflow` when it does not fit.
  public static func scale(_ amount: Amount, _ numerator: Int64, _ denominator: Int64) -> Amount {
    amount.scaled(by: numerator, over: denominator)
  }
}
