import Foundation
@testable import MLCost
import MLCostCore
@testable import MLCostStore
import Testing

/// `mlcost plan --from-usage`: imported usage becomes the week's profile and the tokens per request.
struct PlanFromUsageTests {
  static let october = BillingMonth("2026-10")!

  func bucket(_ start: Int64, hours: Int64, requests: Int64, batch: Bool = false, provider: String = "OpenAI") -> StoredUsageBucket {
    StoredUsageBucket(start: start, end: start + hours * 3600, provider: provider, batch: batch, requests: requests,
                      inputTokens: requests * 800, cachedInputTokens: requests * 400, outputTokens: requests * 250)
  }

  @Test func dailyBucketsSpreadEvenlyOverTheWeekAndTokensAreAveraged() throws {
    // 31 daily buckets of 2,400 requests: 100 requests in every hour of the week.
    let days = (0..<31).map { bucket(Self.october.start + Int64($0) * 86_400, hours: 24, requests: 2_400) }
    let w = try Workspace.workload(from: days, model: "gpt-4o-mini", requestType: "chat", month: Self.october, selfHost: ["Llama-3.1-8B"])
    #expect(w.hourlyRequests.count == 168 && w.hourlyRequests.allSatisfy { abs($0 - 100) < 1e-9 })
    // Uncached 800 + cached 400 = 1,200 input tokens, 400 of them cached.
    #expect(w.inputTokens == 1200 && w.cachedInputTokens == 400 && w.outputTokens == 250)
    #expect(w.api == [.init(provider: "OpenAI", model: "gpt-4o-mini")] && !w.batchable)
  }

  @Test func hourlyBucketsLandOnTheirHourOfTheWeek() throws {
    // 2026-10-05 is a Monday: 09:00 UTC is hour 9 of the week, and there are 4 Mondays from the 5th on (+ none before).
    let monday9 = Self.october.start + 4 * 86_400 + 9 * 3600
    let buckets = (0..<4).map { bucket(monday9 + Int64($0) * 7 * 86_400, hours: 1, requests: 60, batch: true) }
    let w = try Workspace.workload(from: buckets, model: "m", requestType: "batch", month: Self.october, selfHost: ["Llama-3.1-8B"])
    #expect(abs(w.hourlyRequests[9] - 60) < 1e-9 && w.hourlyRequests.enumerated().allSatisfy { $0.offset == 9 || $0.element == 0 })
    #expect(w.batchable)
  }

  @Test func noUsageIsAClearError() {
    #expect(throws: PlannerError.self) {
      try Workspace.workload(from: [], model: "gpt-9", requestType: "chat", month: Self.october, selfHost: ["Llama-3.1-8B"])
    }
  }
}
