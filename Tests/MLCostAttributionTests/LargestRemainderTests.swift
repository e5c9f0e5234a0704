import MLCostCore
import Testing
@testable import MLCostAttribution

struct LargestRemainderTests {
  func p(_ v: Int128) -> Amount { Amount(picos: v) }

  @Test func tenCentsInThreeGoesFourThreeThree() {
    // 0.10 = 100,000,000,000 picos; exact shares 33,333,333,333.33… each; the leftover pico goes to the first.
    #expect(LargestRemainder.split(p(100_000_000_000), weights: [1, 1, 1]) == [p(33_333_333_334), p(33_333_333_333), p(33_333_333_333)])
  }

  @Test func largestFractionGetsTheLeftover() {
    // 10 picos by 1:2:7 → 1, 2, 7 exactly; by 1:1:1:1 → 3, 3, 2, 2 (remainders tie; earlier first).
    #expect(LargestRemainder.split(p(10), weights: [1, 2, 7]) == [p(1), p(2), p(7)])
    #expect(LargestRemainder.split(p(10), weights: [1, 1, 1, 1]) == [p(3), p(3), p(2), p(2)])
    // 100 by 3:3:1 → 42.857, 42.857, 14.285 → 42, 42, 14 + 2 leftover to the two largest fractions (.857) → 43, 43, 14.
    #expect(LargestRemainder.split(p(100), weights: [3, 3, 1]) == [p(43), p(43), p(14)])
  }

  @Test func negativeAmountsSplitSymmetrically() {
    #expect(LargestRemainder.split(p(-100_000_000), weights: [1, 1, 1]) == [p(-33_333_334), p(-33_333_333), p(-33_333_333)])
  }

  /// At the edge of the range: ±(10^18 − 10^-12) units and the largest amount there is, by weights up to Int64.max.
  @Test(arguments: [Int128(999_999_999_999_999_999_999_999_999_999), -999_999_999_999_999_999_999_999_999_999, Int128.max, -Int128.max, 1, -1])
  func hugeAmountsAndWeightsDoNotOverflow(picos: Int128) {
    for weights in [[4_000_000_000_000_000, 5_000_000_000_000_000, 1], [Int64.max, Int64.max, Int64.max], [Int64.max, 1], [1]] as [[Int64]] {
      let parts = LargestRemainder.split(p(picos), weights: weights)
      #expect(parts.reduce(Amount.zero, +) == p(picos))
      #expect(parts.allSatisfy { !$0.isOverflow })
    }
  }

  @Test func anOverflowedTotalSplitsIntoOverflowNeverATrap() {
    #expect(LargestRemainder.split(.overflow, weights: [1, 2]).allSatisfy { $0.isOverflow })
  }

  @Test func scaleRoundsHalfToEven() throws {
    #expect(LargestRemainder.scale(p(5), 1, 2) == p(2))    // 2.5 → 2
    #expect(LargestRemainder.scale(p(7), 1, 2) == p(4))    // 3.5 → 4
    #expect(LargestRemainder.scale(p(-7), 1, 2) == p(-4))
    // 1,234 tokens at $2.50 per 1M = $0.003085.
    #expect(LargestRemainder.scale(Amount(units: 2) + Amount(picos: 500_000_000_000), 1234, 1_000_000) == (try ExactDecimal.parse("0.003085")))
  }

  /// The crash `report monthly` hit: $10k of GPU cost over one logged token is $10^10 per 1M tokens, and a
  /// ratio past the range is `overflow`, never a trap.
  @Test func scaleWorksAtFullRangeAndOverflowsCleanly() {
    #expect(LargestRemainder.scale(Amount(units: 10_000), 1_000_000, 1) == Amount(units: 10_000_000_000))
    #expect(LargestRemainder.scale(p(Int128.max), 1, 1) == p(Int128.max))
    #expect(LargestRemainder.scale(p(Int128.max), 2, 1).isOverflow)
    #expect(LargestRemainder.scale(p(-Int128.max), Int64.max, Int64.max) == p(-Int128.max))
    #expect(LargestRemainder.scale(p(1), 1, 0).isOverflow)
  }

  @Test func randomSplitsAlwaysSumExactly() {
    var rng = SplitMix64(seed: 42)
    for _ in 0..<5000 {
      let total = Int128(rng.between(-1_000_000_000, 1_000_000_000)) * Int128(rng.between(1, 1_000_000)) << Int128(rng.between(0, 60))
      let weights = (0..<rng.between(1, 12)).map { _ in Int64(rng.between(0, 1_000_000)) }
      let parts = LargestRemainder.split(p(total), weights: weights)
      if weights.reduce(0, +) == 0 { #expect(parts.allSatisfy { $0.isZero }); continue }
      #expect(parts.reduce(Amount.zero, +) == p(total))
      // No part is more than one pico away from its exact share.
      let sum = Double(weights.reduce(0, +))
      for (part, w) in zip(parts, weights) {
        let exact = Double(total) * Double(w) / sum
        #expect(abs(Double(part.picos) - exact) <= 1.0 + abs(Double(total)) * 1e-12)
      }
    }
  }
}
