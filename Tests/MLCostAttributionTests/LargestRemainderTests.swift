import MLCostCore
import Testing
@testable import MLCostAttribution

struct LargestRemainderTests {
  @Test func tenCentsInThreeGoesFourThreeThree() {
    // 0.10 = 100,000,000 nanos; exact shares 33,333,333.33… each; the leftover nano goes to the first.
    #expect(LargestRemainder.split(100_000_000, weights: [1, 1, 1]) == [33_333_334, 33_333_333, 33_333_333])
  }

  @Test func largestFractionGetsTheLeftover() {
    // 10 nanos by 1:2:7 → 1, 2, 7 exactly; by 1:1:1:1 → 3, 3, 2, 2 (remainders tie; earlier first).
    #expect(LargestRemainder.split(10, weights: [1, 2, 7]) == [1, 2, 7])
    #expect(LargestRemainder.split(10, weights: [1, 1, 1, 1]) == [3, 3, 2, 2])
    // 100 by 3:3:1 → 42.857, 42.857, 14.285 → 42, 42, 14 + 2 leftover to the two largest fractions (.857) → 43, 43, 14.
    #expect(LargestRemainder.split(100, weights: [3, 3, 1]) == [43, 43, 14])
  }

  @Test func negativeAmountsSplitSymmetrically() {
    #expect(LargestRemainder.split(-100_000_000, weights: [1, 1, 1]) == [-33_333_334, -33_333_333, -33_333_333])
  }

  @Test func hugeAmountsAndWeightsDoNotOverflow() {
    let parts = LargestRemainder.split(9_000_000_000_000_000_000, weights: [4_000_000_000_000_000, 5_000_000_000_000_000, 1])
    #expect(parts.reduce(0, +) == 9_000_000_000_000_000_000)
  }

  @Test func scaleRoundsHalfToEven() {
    #expect(LargestRemainder.scale(5, 1, 2) == 2)    // 2.5 → 2
    #expect(LargestRemainder.scale(7, 1, 2) == 4)    // 3.5 → 4
    #expect(LargestRemainder.scale(-7, 1, 2) == -4)
    // 1,234 tokens at $2.50 per 1M = $0.003085 = 3,085,000 nanos.
    #expect(LargestRemainder.scale(1234, 2_500_000_000, 1_000_000) == 3_085_000)
  }

  @Test func randomSplitsAlwaysSumExactly() {
    var rng = SplitMix64(seed: 42)
    for _ in 0..<5000 {
      let total = Int64(rng.between(-1_000_000_000, 1_000_000_000)) * Int64(rng.between(1, 1_000_000))
      let weights = (0..<rng.between(1, 12)).map { _ in Int64(rng.between(0, 1_000_000)) }
      let parts = LargestRemainder.split(total, weights: weights)
      if weights.reduce(0, +) == 0 { #expect(parts.allSatisfy { $0 == 0 }); continue }
      #expect(parts.reduce(0, +) == total)
      // No part is more than one nano away from its exact share.
      let sum = Double(weights.reduce(0, +))
      for (p, w) in zip(parts, weights) { #expect(abs(Double(p) - Double(total) * Double(w) / sum) <= 1.0 + abs(Double(total)) * 1e-12) }
    }
  }
}
