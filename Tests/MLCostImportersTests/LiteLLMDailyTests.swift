import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostImporters

/// LiteLLM's daily spend roll-ups: what a busy gateway keeps once its per-request logs are pruned.
struct LiteLLMDailyTests {
  static let header = "id,team_id,date,api_key,model,custom_llm_provider,endpoint,prompt_tokens,completion_tokens,cache_read_input_tokens,"
    + "cache_creation_input_tokens,spend,api_requests,successful_requests,failed_requests"

  func run(_ text: String, lenient: Bool = false) throws -> (ImportResult, RecordingSink) {
    let sink = RecordingSink()
    let r = try ImportDriver.run(source: MemoryByteSource(text), fileName: "daily.csv", options: ImportOptions(format: nil, lenient: lenient), sink: sink)
    return (r, sink)
  }

  func error(_ text: String) -> String {
    do { _ = try run(text); return "(accepted)" } catch { return "\(error)" }
  }

  @Test func aDailyRollUpIsSniffedAsLiteLLMAndCountsItsRequests() throws {
    let text = Self.header + "\n" + "1,team-a,2026-10-01,k,llama-3.1-70b,hosted_vllm,/v1/chat/completions,1000,300,0,0,,562500,562000,500\n"
    let (r, sink) = try run(text)
    #expect(r.format == .litellm && r.version == "daily-spend")
    #expect(sink.usage.count == 1)
    let u = try #require(sink.usage.first)
    #expect(u.requests == 562_500 && u.inputTokens == 1000 && u.outputTokens == 300 && u.cost == nil)
    #expect(u.requestType == .chat && u.team == "team-a" && u.bucketEnd - u.bucketStart == 86_400)
  }

  @Test func requestsAreSucceededPlusFailedWhenApiRequestsIsAbsent() throws {
    let header = "team_id,date,model,endpoint,prompt_tokens,completion_tokens,spend,successful_requests,failed_requests"
    let (_, sink) = try run(header + "\nt,2026-10-01,m,/v1/embeddings,10,0,0.5,7,3\n")
    #expect(sink.usage.first?.requests == 10 && sink.usage.first?.requestType == .embedding)
  }

  @Test func theTagTableIsRefusedBecauseItCountsARequestOncePerTag() {
    let text = "id,tag,date,api_key,model,prompt_tokens,completion_tokens,spend,api_requests\n1,prod,2026-10-01,k,m,10,5,0.1,1\n"
    let e = error(text)
    #expect(e.contains("daily.csv:1") && e.contains("DailyTagSpend") && e.contains("LiteLLM_DailyTeamSpend"), "\(e)")
  }

  @Test func theSameDayAndKeyTwiceIsRejectedNotCountedTwice() throws {
    let row = "1,team-a,2026-10-01,k,gpt-4o,openai,/v1/chat/completions,1000,300,0,0,0.50,10,10,0"
    let text = [Self.header, row, row].joined(separator: "\n") + "\n"
    #expect(error(text).contains("already counted at line 2"), "\(error(text))")
    let (r, _) = try run(text, lenient: true)
    #expect(r.rowsStored == 1 && r.rowsRejected == 1)
  }

  @Test func cachedTokensAreTakenOutOfPromptTokensOrKeptApartWithAWarning() throws {
    let inside = "1,t,2026-10-01,k,claude-sonnet-4-5,anthropic,/v1/messages,1000,50,700,200,0.01,4,4,0"
    let apart = "2,t,2026-10-02,k,claude-sonnet-4-5,anthropic,/v1/messages,100,50,700,200,0.01,4,4,0"
    let (r, sink) = try run([Self.header, inside, apart].joined(separator: "\n") + "\n")
    #expect(sink.usage.map { [$0.inputTokens, $0.cachedInputTokens, $0.cacheWriteTokens] } == [[100, 700, 200], [100, 700, 200]])
    #expect(r.warnings.filter { $0.message.contains("exceed prompt_tokens") }.count == 1)
  }

  @Test func endpointsNameTheirRequestType() {
    let cases: [(String, RequestType?)] = [("/v1/chat/completions", .chat), ("/chat/completions", .chat), ("/v1/embeddings", .embedding),
                                           ("/v1/images/generations", .image), ("/v1/batches", .batch), ("/v1/audio/transcriptions", .audio),
                                           ("/v1/messages", .chat), ("/v1/moderations", .moderation), ("/v1/rerank", nil)]
    for (endpoint, type) in cases { #expect(LiteLLMDailyImporter.requestType(endpoint: endpoint) == type, "\(endpoint)") }
  }
}
