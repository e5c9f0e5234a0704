import Testing
@testable import MLCostCore

struct ExactDecimalTests {
  @Test(arguments: [
    ("0", 0), ("1", 1_000_000_000), ("-1", -1_000_000_000), ("+2.5", 2_500_000_000), ("12.34", 12_340_000_000),
    (".5", 500_000_000), ("5.", 5_000_000_000), ("0.000000001", 1), ("-0.000000001", -1),
    ("5e-06", 5_000), ("1.67674224E8", 167_674_224_000_000_000), ("-2.5E-3", -2_500_000), ("2.3198314011096954e-05", 23_198),
    ("0.00000000050", 0), ("0.00000000150", 2), ("0.0000000025", 2), ("0.0000000035", 4), ("0.00000000250000000001", 3),
    ("-0.0000000025", -2), ("0.12345678901234567890", 123_456_789), ("00042.10", 42_100_000_000), ("1e0", 1_000_000_000),
    ("9223372036.854775807", Int64.max), ("1E+2", 100_000_000_000), ("0.0007458096045417008", 745_810),
  ] as [(String, Int64)])
  func acceptsRealSpellings(text: String, nanos: Int64) throws {
    #expect(try ExactDecimal.parseNanos(text) == nanos)
  }

  @Test(arguments: [
    ("1,234.5", "thousands separators"), ("$3", "currency symbols"), ("NaN", "finite"), ("inf", "finite"),
    ("", "empty"), ("-", "expected digits"), (".", "expected digits"), ("1e", "exponent has no digits"),
    ("1.2.3", "unexpected '.'"), ("12 34", "spaces"), ("abc", "unexpected 'a'"), ("1e5x", "unexpected 'x'"),
  ])
  func rejectsEverythingElseClearly(text: String, says: String) {
    do {
      _ = try ExactDecimal.parseNanos(text)
      Issue.record("'\(text)' was accepted")
    } catch {
      #expect(error.description.contains(says), "\(error.description)")
    }
  }

  @Test(arguments: ["9223372036.854775808", "10000000000", "-9999999999.5", "1e10", "1e100000"])
  func overflowIsAnErrorNeverAWrap(text: String) {
    #expect(throws: DecimalError.overflow(text)) { try ExactDecimal.parseNanos(text) }
  }

  @Test func tinyExponentsRoundToZero() throws {
    #expect(try ExactDecimal.parseNanos("1e-100000") == 0)
    #expect(try ExactDecimal.parseNanos("4.9e-10") == 0)
    #expect(try ExactDecimal.parseNanos("5.1e-10") == 1)
  }

  @Test func formatsExactlyWithAtLeastTwoDecimals() {
    #expect(ExactDecimal.format(nanos: 0) == "0.00")
    #expect(ExactDecimal.format(nanos: 1) == "0.000000001")
    #expect(ExactDecimal.format(nanos: -3_000_000_000) == "-3.00")
    #expect(ExactDecimal.format(nanos: 1_234_500_000_000) == "1234.50")
    #expect(ExactDecimal.format(nanos: Int64.max) == "9223372036.854775807")
    #expect(ExactDecimal.format(nanos: Int64.min) == "-9223372036.854775808")
  }

  /// Property: on random inputs the byte parser agrees with an independent string-based reference.
  @Test func agreesWithReferenceOnRandomInputs() throws {
    var rng = TestRandom(seed: 20261122)
    for _ in 0..<20_000 {
      let text = rng.decimalText()
      let expected = ReferenceDecimal.nanos(text)
      do {
        let got = try ExactDecimal.parseNanos(text)
        #expect(expected == got, "\(text): reference \(String(describing: expected)), parser \(got)")
      } catch DecimalError.overflow {
        #expect(expected == nil, "\(text): reference \(String(describing: expected)), parser overflowed")
      }
    }
  }

  /// Property: formatting then parsing gives back the same nanos.
  @Test func formatThenParseRoundTrips() throws {
    var rng = TestRandom(seed: 7)
    for _ in 0..<10_000 {
      let n = Int64(bitPattern: rng.next())
      #expect(try ExactDecimal.parseNanos(ExactDecimal.format(nanos: n)) == n)
    }
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
  static func nanos(_ text: String) -> Int64? {
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
    var point = intPart.count + exponent + 9  // digits before the point of value × 1e9
    if point < 0 { digits = Array(repeating: 0, count: -point) + digits; point = 0 }
    if point > digits.count { digits += Array(repeating: 0, count: point - digits.count) }
    let kept = Array(digits[0..<point])
    let rest = Array(digits[point...])
    var integer = kept.drop(while: { $0 == 0 }).map(String.init).joined()
    if integer.isEmpty { integer = "0" }
    let first = rest.first ?? 0
    let sticky = rest.dropFirst().contains { $0 != 0 }
    let lastKeptOdd = (kept.last ?? 0) % 2 == 1
    if first > 5 || (first == 5 && (sticky || lastKeptOdd)) { integer = increment(integer) }
    if integer.count > 19 || (integer.count == 19 && integer > "9223372036854775807") { return nil }
    let v = Int64(integer)!
    return negative ? -v : v
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
    var intDigits = digits(below(12))
    var frac = digits(below(21))
    if below(4) == 0 && frac.count >= 10 {  // put a tie at the 10th digit
      frac = String(frac.prefix(9)) + "5" + String(repeating: "0", count: frac.count - 10)
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
