import Foundation
import Testing
@testable import MLCostCore

struct ExactDecimalTests {
  private func picos(_ text: String) throws -> Int128 { try ExactDecimal.parse(text).picos }

  @Test(arguments: [
    ("0", 0), ("1", 1_000_000_000_000), ("-1", -1_000_000_000_000), ("+2.5", 2_500_000_000_000), ("12.34", 12_340_000_000_000),
    (".5", 500_000_000_000), ("5.", 5_000_000_000_000), ("0.000000000001", 1), ("-0.000000000001", -1), ("0.000000001", 1_000),
    ("5e-06", 5_000_000), ("1.67674224E8", 167_674_224_000_000_000_000), ("-2.5E-3", -2_500_000_000), ("2.3198314011096954e-05", 23_198_314),
    ("0.00000000000050", 0), ("0.00000000000150", 2), ("0.0000000000025", 2), ("0.0000000000035", 4), ("0.00000000000250000000001", 3),
    ("-0.0000000000025", -2), ("0.12345678901234567890", 123_456_789_012), ("00042.10", 42_100_000_000_000), ("1e0", 1_000_000_000_000),
    ("1E+2", 100_000_000_000_000), ("0.0007458096045417008", 745_809_605),
    ("196218794128.62", 196_218_794_128_620_000_000_000), ("999999999999999999.999999999999", 999_999_999_999_999_999_999_999_999_999),
    ("-999999999999999999.999999999999", -999_999_999_999_999_999_999_999_999_999),
    ("170141183460469231731687303.715884105726", Int128.max - 1),
  ] as [(String, Int128)])
  func acceptsRealSpellings(text: String, picos expected: Int128) throws {
    #expect(try picos(text) == expected)
  }

  @Test(arguments: [
    ("1,234.5", "thousands separators"), ("$3", "currency symbols"), ("NaN", "finite"), ("inf", "finite"),
    ("", "empty"), ("-", "expected digits"), (".", "expected digits"), ("1e", "exponent has no digits"),
    ("1.2.3", "unexpected '.'"), ("12 34", "spaces"), ("abc", "unexpected 'a'"), ("1e5x", "unexpected 'x'"),
  ])
  func rejectsEverythingElseClearly(text: String, says: String) {
    do {
      _ = try picos(text)
      Issue.record("'\(text)' was accepted")
    } catch {
      #expect("\(error)".contains(says), "\(error)")
    }
  }

  @Test(arguments: ["170141183460469231731687303.715884105728", "1e27", "-1e27", "1e100000", "999999999999999999999999999"])
  func overflowIsAnErrorNeverAWrap(text: String) {
    #expect(throws: DecimalError.overflow(text)) { try ExactDecimal.parse(text) }
  }

  @Test func tinyExponentsRoundToZero() throws {
    #expect(try picos("1e-100000") == 0)
    #expect(try picos("4.9e-13") == 0)
    #expect(try picos("5.1e-13") == 1)
  }

  @Test func formatsExactlyWithAtLeastTwoDecimals() {
    #expect(Amount.zero.decimalString == "0.00")
    #expect(Amount(picos: 1).decimalString == "0.000000000001")
    #expect(Amount(units: -3).decimalString == "-3.00")
    #expect(Amount(nanos: 1_234_500_000_000).decimalString == "1234.50")
    #expect(Amount(picos: Int128.max).decimalString == "170141183460469231731687303.715884105727")
    #expect(Amount(picos: Int128.min + 1).decimalString == "-170141183460469231731687303.715884105727")
    #expect(Amount.overflow.decimalString == "overflow")
  }

  /// Property: on random inputs the byte parser agrees with an independent string-based reference,
  /// both on the kept value and on what rounding dropped.
  @Test func agreesWithReferenceOnRandomInputs() throws {
    var rng = TestRandom(seed: 20261122)
    for _ in 0..<20_000 {
      let text = rng.decimalText()
      let expected = ReferenceDecimal.parse(text)
      var bytes = Array(text.utf8)
      do {
        let got = try bytes.withUnsafeMutableBytes { try ExactDecimal.parse(UnsafeRawBufferPointer($0)) }
        #expect(expected?.picos == got.amount.picos, "\(text): reference \(String(describing: expected)), parser \(got.amount.picos)")
        #expect(expected?.residual == got.residual.yoctoPicos, "\(text): residual")
      } catch DecimalError.overflow {
        #expect(expected == nil, "\(text): reference \(String(describing: expected)), parser overflowed")
      }
    }
  }

  /// Property: formatting then parsing gives back the same amount, over the whole 128-bit range.
  @Test func formatThenParseRoundTrips() throws {
    var rng = TestRandom(seed: 7)
    for _ in 0..<10_000 {
      var n = Int128(Int64(bitPattern: rng.next())) << Int128(rng.below(64)) | Int128(rng.next())
      if n == .min { n = 0 }
      #expect(try picos(Amount(picos: n).decimalString) == n)
    }
  }

  /// The residual is exact: text − kept value, so a file's text sum is kept sum + residuals.
  @Test func residualIsWhatRoundingDropped() throws {
    var bytes = Array("106790.0864157717875".utf8)
    let r = try bytes.withUnsafeMutableBytes { try ExactDecimal.parse(UnsafeRawBufferPointer($0)) }
    #expect(r.amount.decimalString == "106790.086415771788")
    #expect(r.residual.decimalString == "-0.0000000000005")
    var sum = ExactDecimal.Residual()
    sum += r.residual
    sum += r.residual
    #expect(ExactDecimal.exactSum(r.amount + r.amount, sum) == "213580.172831543575")
    #expect(ExactDecimal.exactSum(Amount(units: 1), ExactDecimal.Residual(-1)) == "0.999999999999999999999999999999999999")
    #expect(ExactDecimal.exactSum(Amount(units: -1), ExactDecimal.Residual(-1)) == "-1.000000000000000000000000000000000001")
  }

  @Test func quantitiesParseToDoublesWithTheSameGrammar() throws {
    #expect(try ExactDecimal.parseDouble(bytes("8.9957412E14")) == 8.9957412e14)
    #expect(try ExactDecimal.parseDouble(bytes("-0.5")) == -0.5)
    #expect(throws: DecimalError.self) { try ExactDecimal.parseDouble(bytes("0x1p3")) }
    #expect(throws: DecimalError.self) { try ExactDecimal.parseDouble(bytes("inf")) }
  }

  private func bytes(_ s: String) -> UnsafeRawBufferPointer {
    let a = Array(s.utf8)
    let p = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, a.count), alignment: 1)
    p.copyBytes(from: a)
    return UnsafeRawBufferPointer(rebasing: p[0..<a.count])
  }
}

/// An independent reference: decimal digits as a string, shifted and rounded by string operations.
enum ReferenceDecimal {
  /// Pico-units and the dropped part in 10^-36 units (nil when past 128 bits).
  static func parse(_ text: String) -> (picos: Int128, residual: Int128)? {
    var s = Substring(text)
    var negative = false
    if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
    var exponent = 0
    if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      exponent = Int(s[s.index(after: e)...])!
      s = s[..<e]
    }
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    let intPart = String(parts[0])
    let fracPart = parts.count > 1 ? String(parts[1]) : ""
    var digits = Array(intPart + fracPart).map { Int(String($0))! }
    var point = intPart.count + exponent + 12  // digits before the point of value × 1e12
    if point < 0 { digits = Array(repeating: 0, count: -point) + digits; point = 0 }
    if point > digits.count { digits += Array(repeating: 0, count: point - digits.count) }
    let kept = Array(digits[0..<point])
    var rest = Array(digits[point...])
    while rest.count < 24 { rest.append(0) }
    var integer = kept.drop(while: { $0 == 0 }).map(String.init).joined()
    if integer.isEmpty { integer = "0" }
    var residual = Int128(rest.prefix(24).map(String.init).joined())!
    let first = rest.first ?? 0
    let sticky = rest.dropFirst().contains { $0 != 0 }
    let lastKeptOdd = (kept.last ?? 0) % 2 == 1
    if first > 5 || (first == 5 && (sticky || lastKeptOdd)) {
      integer = increment(integer)
      residual -= 1_000_000_000_000_000_000_000_000
    }
    guard let v = Int128(integer), v != .max else { return nil }
    return negative ? (-v, -residual) : (v, residual)
  }

  static func increment(_ s: String) -> String {
    var d = Array(s)
    var i = d.count - 1
    while i >= 0 {
      if d[i] == "9" { d[i] = "0"; i -= 1 } else { d[i] = Character(String(Int(String(d[i]))! + 1)); return String(d) }
    }
    return "1" + String(d)
  }
}

/// Property-test inputs from the project's seeded generator.
struct TestRandom {
  var rng: SplitMix64
  init(seed: UInt64) { rng = SplitMix64(seed: seed) }
  mutating func next() -> UInt64 { rng.next() }
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  mutating func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(below(10))) }) }

  /// Signs, leading zeros, 0–20 fraction digits, exponents both ways, 5s at the rounding digit.
  mutating func decimalText() -> String {
    let sign = ["", "-", "+"][below(3)]
    var intDigits = digits(below(28))
    var frac = digits(below(30))
    if below(4) == 0 && frac.count >= 13 {  // put a tie at the 13th digit
      frac = String(frac.prefix(12)) + "5" + String(repeating: "0", count: frac.count - 13)
    }
    if intDigits.isEmpty && frac.isEmpty { intDigits = "0" }
    var text = sign + intDigits
    if !frac.isEmpty || below(5) == 0 { text += "." + frac }
    if text.hasSuffix(".") && intDigits.isEmpty { text += "0" }
    if below(3) == 0 {
      text += (below(2) == 0 ? "e" : "E") + ["", "-", "+"][below(3)] + String(below(13))
    }
    return text
  }
}

/// `trimmingBlanks` removes what `.whitespaces` removes, and nothing else.
struct BlanksTests {
  @Test func trimsLikeFoundationsWhitespaces() {
    for s in ["", " ", "a", " a ", "\ta b\t", "\u{A0}x\u{2003}", "x\n", "\nx", " \t ", "é ", " 日本", "a\u{200B}"] {
      #expect(s.trimmingBlanks() == s.trimmingCharacters(in: .whitespaces), "\(s.debugDescription)")
      #expect(s[...].trimmingBlanks() == s.trimmingCharacters(in: .whitespaces))
    }
  }
}
