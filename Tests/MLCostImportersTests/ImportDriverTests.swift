import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostImporters

struct ImportDriverTests {
  static let header = "BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingCurrency,ProviderName,BillingAccountId"
  static func row(_ cost: String, end: String = "2026-10-01T01:00:00Z") -> String {
    "\(cost),\(cost),Usage,2026-10-01T00:00:00Z,\(end),2026-10-01T00:00:00Z,USD,AWS,1"
  }

  @Test func strictStopsAtTheFirstBadRowWithFileLineColumnAndAFix() throws {
    let text = [Self.header, Self.row("1.00"), Self.row("2.00", end: "2026-10-01T30:00:00Z"), Self.row("x")].joined(separator: "\n")
    let sink = RecordingSink()
    do {
      _ = try ImportDriver.run(source: MemoryByteSource(text), fileName: "cur.csv", options: ImportOptions(), sink: sink)
      Issue.record("strict import accepted a bad row")
    } catch let ImportError.badData(d) {
      #expect(d.location == SourceLocation(file: "cur.csv", line: 3, column: 38))
      #expect(d.message.contains("hour 30 is out of range"))
      #expect(d.description.hasPrefix("cur.csv:3:38: error:"))
      #expect(d.fix?.contains("--lenient") == true)
    }
  }

  @Test func lenientKeepsEveryBadRowWithItsRawText() throws {
    let text = [Self.header, Self.row("1.00"), Self.row("$2"), Self.row("3.00")].joined(separator: "\r\n")
    let sink = RecordingSink()
    let r = try ImportDriver.run(source: MemoryByteSource(text), fileName: "f.csv", options: ImportOptions(lenient: true), sink: sink)
    #expect((r.rowsRead, r.rowsStored, r.rowsRejected) == (3, 2, 1))
    #expect(sink.rejects.map(\.rawText) == [Self.row("$2")])
    #expect(sink.rejects.first?.location.description == "f.csv:3:1")
  }

  @Test func fileTotalsEqualStoredPlusRejectedToTheNano() throws {
    let text = [Self.header, Self.row("0.000000001"), Self.row("1e-9", end: "bad"), Self.row("9.999999999")].joined(separator: "\n")
    let r = try ImportDriver.run(source: MemoryByteSource(text), fileName: "f.csv", options: ImportOptions(lenient: true), sink: RecordingSink())
    let key = PeriodCurrency(period: BillingMonth(year: 2026, month: 10), currency: "USD")
    #expect(r.fileTotals[key]?.billedCost == Amount(nanos: 10_000_000_001))
    #expect(r.rejectedTotals[key]?.billedCost == Amount(nanos: 1))
  }

  @Test func sniffsFocusAndItsVersion() throws {
    let guess = try ImportDriver.sniff(source: MemoryByteSource(Self.header + ",ServiceProviderName\n"), fileName: "f.csv")
    #expect(guess.format == .focus && guess.version == "1.3")
  }

  @Test func unknownFormatsSayHowToPinOne() {
    do {
      _ = try ImportDriver.run(source: MemoryByteSource("date,amount\n1,2\n"), fileName: "x.csv", options: ImportOptions(), sink: RecordingSink())
    } catch let ImportError.badData(d) {
      #expect(d.description.contains("x.csv:1: error: cannot tell the format"))
      #expect(d.fix?.contains("--format") == true)
    } catch { Issue.record("\(error)") }
  }

  @Test func missingRequiredColumnsAreNamed() {
    do {
      _ = try ImportDriver.run(source: MemoryByteSource("BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart\n"), fileName: "x.csv",
                               options: ImportOptions(format: .focus), sink: RecordingSink())
      Issue.record("accepted")
    } catch let ImportError.badData(d) {
      #expect(d.message.contains("ChargePeriodEnd is missing"))
    } catch { Issue.record("\(error)") }
  }

  @Test func anEmptyFileIsAnErrorNotZeroRows() {
    #expect(throws: ImportError.self) {
      try ImportDriver.run(source: MemoryByteSource(""), fileName: "e.csv", options: ImportOptions(), sink: RecordingSink())
    }
  }

  @Test func duplicateColumnsAreRefused() {
    #expect(throws: ImportError.self) {
      try ImportDriver.run(source: MemoryByteSource(Self.header + ",billedcost\n"), fileName: "d.csv", options: ImportOptions(), sink: RecordingSink())
    }
  }
}

/// The CSV reader's own refusals (a quote that never closes) name the file, in every format: charges, usage and
/// metrics (a LiteLLM file once said ":3: error: …", found by the fuzzer's file-name invariant).
struct ReaderErrorLocationTests {
  @Test(arguments: [
    "BilledCost,\"EffectiveCost\n1,1\n",
    "request_id,call_type,api_key,spend,total_tokens,prompt_tokens,completion_tokens,startTime,endTime,model\nc-1,acompletion,k,0.1,10,5,5,2026-10-03 09:15:02+00,2026-10-03 09:15:03+00,\"gpt-4o\n",
    "resource_id,metric,timestamp,value,unit\nchat-prod,Invocations,2026-10-01T00:00:00Z,1520,\"Count\n",
  ])
  func anUnclosedQuoteNamesItsFile(_ text: String) throws {
    do {
      _ = try ImportDriver.run(source: MemoryByteSource(Array(text.utf8)), fileName: "x.csv", options: ImportOptions(lenient: true),
                               sink: RecordingSink())
      Issue.record("an unclosed quote was accepted")
    } catch ImportError.badData(let d) {
      #expect(d.location?.file == "x.csv" && (d.location?.line ?? 0) >= 1, "\(d)")
      #expect(d.description.hasPrefix("x.csv:"))
    }
  }
}
