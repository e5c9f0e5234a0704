import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostImporters

/// Inputs from the adversarial run that were accepted silently or mis-filed, each now an error with its
/// location or filed where it belongs.
struct AdversarialImportTests {
  func run(_ text: String, format: ImportFormat? = nil, lenient: Bool = false) throws -> (ImportResult, RecordingSink) {
    let sink = RecordingSink()
    let r = try ImportDriver.run(source: MemoryByteSource(text), fileName: "f", options: ImportOptions(format: format, lenient: lenient), sink: sink)
    return (r, sink)
  }

  func error(_ text: String, format: ImportFormat? = nil) -> String {
    do {
      _ = try run(text, format: format)
      return "(accepted)"
    } catch {
      return "\(error)"
    }
  }

  static let openAI = """
    {"object": "page", "data": [{"object": "bucket", "start_time": 1790812800, "end_time": 1790899200, "results": [
      {"object": "organization.usage.completions.result", "input_tokens": 10, "output_tokens": 5, "num_model_requests": 1, "model": "gpt-4o"%@}
    ]}], "has_more": false, "next_page": null}
    """

  @Test func aDuplicateJSONMemberNameIsAnErrorNotTheFirstValue() {
    let text = Self.openAI.replacingOccurrences(of: "%@", with: ", \"model\": \"gpt-4o-mini\"")
    #expect(error(text, format: .openai).contains("the member name \"model\" appears twice"), "\(error(text, format: .openai))")
  }

  @Test func aUnicodeEscapeNeedsFourHexDigits() {
    let text = Self.openAI.replacingOccurrences(of: "\"model\": \"gpt-4o\"%@", with: "\"model\": \"gpt\\u+041\"")
    #expect(error(text, format: .openai).contains("bad \\u escape"), "\(error(text, format: .openai))")
  }

  @Test func aLiteLLMRequestLoggedTwiceIsRejectedNotCountedTwice() throws {
    let header = "request_id,call_type,api_key,spend,total_tokens,prompt_tokens,completion_tokens,startTime,endTime,model,custom_llm_provider"
    let row = "req-1,acompletion,k,0.50,30,20,10,2026-10-03 09:15:02,2026-10-03 09:15:03,gpt-4o,openai"
    let text = [header, row, row].joined(separator: "\n") + "\n"
    #expect(error(text, format: .litellm).contains("request_id req-1 was already logged at line 2"), "\(error(text, format: .litellm))")
    let (r, _) = try run(text, format: .litellm, lenient: true)
    #expect(r.rowsStored == 1 && r.rowsRejected == 1)
    let total = r.fileTotals.values.reduce(Totals()) { var t = $0; t.merge($1); return t }
    let rejected = r.rejectedTotals.values.reduce(Totals()) { var t = $0; t.merge($1); return t }
    #expect(total.billedCost - rejected.billedCost == (try ExactDecimal.parse("0.50")))
  }

  @Test func negativeAndFractionalCountsAreErrors() {
    let header = "request_id,call_type,api_key,spend,total_tokens,prompt_tokens,completion_tokens,startTime,endTime,model,custom_llm_provider"
    for tokens in ["-20", "2.5", "1e19"] {
      let text = [header, "req-1,acompletion,k,0.50,30,\(tokens),10,2026-10-03 09:15:02,2026-10-03 09:15:03,gpt-4o,openai"].joined(separator: "\n") + "\n"
      #expect(error(text, format: .litellm).contains("is not a count"), "\(tokens): \(error(text, format: .litellm))")
    }
  }

  @Test(arguments: ["-1", "1.5", "1e19", "100001"])
  func aGPUCountThatIsNotOneIsAnError(_ count: String) {
    let text = "BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingCurrency,x_GpuCount\n"
      + "1.00,1.00,Usage,2026-10-01T00:00:00Z,2026-10-01T01:00:00Z,2026-10-01T00:00:00Z,USD,\(count)\n"
    let e = error(text, format: .focus)
    #expect(e.contains("is not a GPU count"), "\(count): \(e)")
  }

  @Test func aBillingPeriodWithAnOffsetFilesUnderItsOwnMonth() throws {
    let text = "BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingPeriodEnd,BillingCurrency\n"
      + "1.00,1.00,Usage,2026-10-01T00:00:00+09:00,2026-10-01T01:00:00+09:00,2026-10-01T00:00:00+09:00,2026-11-01T00:00:00+09:00,JPY\n"
    let (r, _) = try run(text, format: .focus)
    #expect(r.fileTotals.keys.map(\.description) == ["2026-10 JPY"])
  }

  /// An invalid InvoicePeriod date was skipped, moving the invoice to its issue month: now an error with its line.
  @Test func anInvalidUBLInvoicePeriodIsAnError() throws {
    let xml = try String(contentsOfFile: Repo.path("Tests/Fixtures/ubl/invoice-gpu-hours/input.xml"), encoding: .utf8)
    let range = try #require(xml.range(of: "<cbc:StartDate>"))
    let end = try #require(xml.range(of: "</cbc:StartDate>", range: range.upperBound..<xml.endIndex))
    let broken = xml.replacingCharacters(in: range.upperBound..<end.lowerBound, with: "2026-13-45")
    let e = error(broken, format: .ubl)
    #expect(e.contains("'2026-13-45' is not a date"), "\(e)")
  }

  /// GCP JSON lines: a value holding a newline keeps it (it became a space), and a bad row after it is
  /// reported at its own JSON line.
  @Test func gcpJSONLinesKeepNewlinesInValuesAndTheirLineNumbers() throws {
    func row(_ cost: String, _ sku: String) -> String {
      #"{"billing_account_id": "A", "service": {"id": "S", "description": "Compute Engine"}, "sku": {"id": "K", "description": "\#(sku)"}, "usage_start_time": "2026-10-02T00:00:00Z", "usage_end_time": "2026-10-02T01:00:00Z", "cost": \#(cost), "currency": "USD"}"#
    }
    let (r, sink) = try run([row("1.5", "GPU\\nhours"), row("2", "plain")].joined(separator: "\n") + "\n")
    #expect(r.rowsStored == 2 && r.format == .gcp && r.version == "jsonl")
    #expect(sink.lines.first?.contains("GPU\nhours") == true, "\(sink.lines)")
    #expect(sink.lines.map { $0.prefix(7) } == ["line 1:", "line 2:"])
    let bad = error([row("1", "a\\nb\\nc"), "", row("\"x\"", "d")].joined(separator: "\n") + "\n")
    #expect(bad.contains("f:3") && bad.contains("cost"), "\(bad)")
  }
}

/// Found on public Azure exports: words that are not VM sizes, currencies that are not ISO codes.
struct AzureQuirkTests {
  static let header = "BillingAccountId,BillingPeriodStartDate,BillingPeriodEndDate,Date,MeterCategory,MeterName,Quantity,CostInBillingCurrency,"
    + "BillingCurrencyCode,ResourceId,AdditionalInfo,ChargeType,PricingModel"

  func run(_ rows: [String]) throws -> (ImportResult, RecordingSink) {
    let sink = RecordingSink()
    let r = try ImportDriver.run(source: MemoryByteSource(([Self.header] + rows).joined(separator: "\n") + "\n"), fileName: "azure.csv",
                                 options: ImportOptions(format: .azure), sink: sink)
    return (r, sink)
  }

  @Test func aServiceTypeThatIsNotAVMSizeIsNotAnInstanceType() throws {
    let (_, sink) = try run([
      #"1,10/01/2026,10/31/2026,10/05/2026,Microsoft Defender for Cloud,Standard Node,1,0.50,USD,/subscriptions/s/rg/db,"{""ServiceType"": ""SQLThreatDetection""}",Usage,OnDemand"#,
      #"1,10/01/2026,10/31/2026,10/05/2026,Virtual Machines,NC24ads A100 v4,1,3.67,USD,/subscriptions/s/rg/vm,"{""ServiceType"": ""Standard_NC24ads_A100_v4""}",Usage,OnDemand"#,
    ])
    #expect(!sink.lines[0].contains("instanceType") && sink.lines[0].contains("SQLThreatDetection"), "\(sink.lines[0])")
    #expect(sink.lines[1].contains("instanceType=Standard_NC24ads_A100_v4") && sink.lines[1].contains("gpuModel=A100"), "\(sink.lines[1])")
  }

  @Test func aCurrencyThatIsNotAnISOCodeIsKeptApartWithAWarning() throws {
    let (r, _) = try run([#"1,10/01/2026,10/31/2026,10/05/2026,Storage,LRS,1,0.50,MC,/subscriptions/s/rg/st,,Usage,OnDemand"#])
    #expect(r.fileTotals.keys.map(\.currency.code) == ["MC"])
    #expect(r.warnings.contains { $0.message.contains("'MC' is not an ISO 4217 code") && $0.location?.file == "azure.csv" }, "\(r.warnings)")
  }
}
