import Testing
@testable import MLCostCore

struct TimestampTests {
  static let oct1 = Int64(1_790_812_800)  // 2026-10-01T00:00:00Z

  @Test(arguments: [
    "2026-10-01T00:00:00Z", "2026-10-01 00:00:00", "2026-10-01T00:00Z", "2026-10-01 00:00:00.000", "2026-10-01",
    "2026-10-01T02:00:00+02:00", "2026-09-30T19:00:00-0500", "10/1/26", "10/01/2026", "2026-10-01t00:00:00z",
    "2026-10-01 00:00:00+00:00",
  ])
  func readsEverySpellingRealExportsUse(text: String) throws {
    #expect(try Timestamp.parse(text) == Self.oct1)
  }

  @Test func usDatesMayCarryATime() throws {
    #expect(try Timestamp.parse("4/1/25 13:30:00") == Timestamp.parse("2025-04-01T13:30:00Z"))
  }

  @Test(arguments: [
    ("2023-02-01T30:00:00Z", "hour 30 is out of range"), ("2026-02-29", "day 29 is out of range (1–28)"),
    ("2026-13-01", "month 13"), ("2026-10-01T00:60:00Z", "minute 60"), ("yesterday", "not a timestamp"),
    ("2026-10-01T00:00:00Q", "unexpected text"), ("1/2/345", "2- or 4-digit year"),
    ("2026-10-01T00:00:00+99:99", "minutes (99) are out of range"), ("2026-10-01T00:00:00+15:00", "offset is out of range"),
    ("2026-10-01T00:00:00+0975", "offset is out of range"),
  ])
  func rejectsImpossibleTimesWithTheReason(text: String, says: String) {
    do {
      _ = try Timestamp.parse(text)
      Issue.record("accepted \(text)")
    } catch {
      #expect(error.description.contains(says), "\(error.description)")
    }
  }

  /// A billing period is the month as the provider wrote it: `+09:00` on the 1st is still that month.
  @Test func billingPeriodsKeepTheirWallClockDate() throws {
    let text = "2026-10-01T00:00:00+09:00"
    #expect(try Timestamp.parse(text) == Self.oct1 - 9 * 3600)
    var bytes = Array(text.utf8)
    let wall = try bytes.withUnsafeMutableBytes { try Timestamp.parse(UnsafeRawBufferPointer($0), wallClock: true) }
    #expect(wall == Self.oct1)
    #expect(BillingMonth(containing: wall).description == "2026-10")
  }

  @Test func leapDaysAndMonthsRoundTrip() throws {
    #expect(try Timestamp.parse("2024-02-29T12:00:00Z") == Timestamp.parse("2024-03-01T00:00:00Z") - 43_200)
    #expect(Timestamp.iso8601(Self.oct1) == "2026-10-01T00:00:00Z")
    #expect(BillingMonth(containing: Self.oct1 - 1).description == "2026-09")
    #expect(BillingMonth("2026-10")?.start == Self.oct1)
    #expect(BillingMonth("2026-10")?.days == 31)
  }
}
