import Foundation
@testable import MLCost
import MLCostCore
@testable import MLCostStore
import MLCostTestSupport
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

  /// A team paying a host for a 70B model: the plan compares self-hosting that 70B (not an 8B), says what the usage
  /// cost today as the provider stated it, and gives a one-line verdict.
  @Test func fromUsageComparesTheSameModelAndSaysWhatItCostsToday() throws {
    let dir = Repo.temporaryDirectory()
    var csv = "request_id,call_type,api_key,spend,total_tokens,prompt_tokens,completion_tokens,startTime,endTime,model,model_group,custom_llm_provider\n"
    for day in 1...28 {
      let d = day < 10 ? "0\(day)" : "\(day)"
      csv += "r-\(day),acompletion,k1,1.25,1450000,1200000,250000,2026-10-\(d) 09:00:00+00,2026-10-\(d) 10:00:00+00,"
        + "meta-llama/Meta-Llama-3.1-70B-Instruct,chat,deepinfra\n"
    }
    let path = (dir as NSString).appendingPathComponent("spend.csv")
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    let ws = try Workspace(databasePath: (dir as NSString).appendingPathComponent("u.db"))
    guard case .imported = try ws.importFile(path, options: ImportOptions()) else { Issue.record("not imported"); return }
    let plan = try ws.plan(model: "meta-llama/Meta-Llama-3.1-70B-Instruct", requestType: "chat", month: Self.october, selfHost: nil,
                           catalogs: Repo.path("catalogs"))
    #expect(plan.options.filter { $0.kind == .selfHosted }.allSatisfy { $0.model == "Llama-3.1-70B" })
    let reasons = try #require(plan.recommendation?.reasons)
    #expect(reasons[0] == "Today: the imported meta-llama/Meta-Llama-3.1-70B-Instruct chat usage in 2026-10 cost 35.00 USD as stated by the provider; "
            + "self-hosting Llama-3.1-70B itself is compared (--self-host to add others).")
    #expect(reasons[1].hasPrefix("Verdict: "))
    // The reference is the host and model paid today.
    let reference = try #require(plan.options.first { $0.id == plan.breakEven.apiOptionId })
    #expect(reference.provider == "DeepInfra" && reference.model.contains("70B"))
  }
}
