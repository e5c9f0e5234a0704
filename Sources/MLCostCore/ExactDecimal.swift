/// Exact decimal text → `Amount` (pico-units), straight from the source bytes.
///
/// Grammar: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`. Any number of digits;
/// the result is rounded half-even at the 12th fraction digit, and what the rounding dropped is
/// returned exactly (to 36 decimals) as a `Residual`, so a file's text sum can be told exactly. Anything
/// else is an error that says what was wrong. No `Double`, no `Decimal`.
public enum ExactDecimal {
  /// What rounding to 12 decimals dropped from one or more amounts: exact text − kept value, in 10⁻³⁶ units.
  public struct Residual: Hashable, Sendable {
    public private(set) var yoctoPicos: Int128 = 0
    /// Some text had digits beyond the 36th decimal (or the sum overflowed): the residual is a lower bound.
    public private(set) var inexact = false
    public init() {}
    public init(_ value: Int128, inexact: Bool = false) { yoctoPicos = value; self.inexact = inexact }
    public var isZero: Bool { yoctoPicos == 0 && !inexact }
    public static func += (l: inout Residual, r: Residual) {
      let (s, o) = l.yoctoPicos.addingReportingOverflow(r.yoctoPicos)
      if o { l.inexact = true } else { l.yoctoPicos = s }
      if r.inexact { l.inexact = true }
    }
    public static prefix func - (r: Residual) -> Residual { Residual(-r.yoctoPicos, inexact: r.inexact) }
    /// Exact decimal text with up to 36 fraction digits: `0.0000000000000062125`, `0`.
    public var decimalString: String {
      if yoctoPicos == 0 { return inexact ? "0 (digits beyond the 36th decimal not counted)" : "0" }
      let negative = yoctoPicos < 0
      var m = yoctoPicos.magnitude
      let whole = m / 1_000_000_000_000_000_000_000_000_000_000_000_000
      m %= 1_000_000_000_000_000_000_000_000_000_000_000_000
      var frac = String(m)
      frac = String(repeating: "0", count: 36 - frac.count) + frac
      while frac.hasSuffix("0") { frac.removeLast() }
      let text = (negative ? "-" : "") + String(whole) + (frac.isEmpty ? "" : "." + frac)
      return inexact ? text + " (digits beyond the 36th decimal not counted)" : text
    }
  }

  /// `scaledBy: -2` reads cents as units (the text × 10⁻²), rounding once.
  public static func parse(_ text: String, scaledBy power: Int = 0) throws(DecimalError) -> Amount {
    var text = text
    let result = text.withUTF8 { buffer in
      Result { () throws(DecimalError) in try parse(UnsafeRawBufferPointer(buffer), scaledBy: power).amount }
    }
    return try result.get()
  }

  /// Parses to pico-units, rounding half-even, and returns what the rounding dropped.
  public static func parse(_ bytes: UnsafeRawBufferPointer, scaledBy power: Int = 0) throws(DecimalError) -> (amount: Amount, residual: Residual) {
    let n = bytes.count
    guard n > 0 else { throw .empty }
    var i = 0
    var negative = false
    let first = bytes[0]
    if first == UInt8(ascii: "-") { negative = true; i = 1 } else if first == UInt8(ascii: "+") { i = 1 }

    // First pass: locate the mantissa digits and the exponent.
    let mantissaStart = i
    var intDigits = 0
    var fracDigits = 0
    var sawPoint = false
    while i < n {
      let b = bytes[i]
      if b &- 48 < 10 {
        if sawPoint { fracDigits += 1 } else { intDigits += 1 }
      } else if b == UInt8(ascii: ".") && !sawPoint {
        sawPoint = true
      } else {
        break
      }
      i += 1
    }
    let mantissaEnd = i
    if intDigits + fracDigits == 0 { throw reject(bytes, at: i) }
    var exponent = 0
    if i < n {
      let b = bytes[i]
      guard b == UInt8(ascii: "e") || b == UInt8(ascii: "E") else { throw reject(bytes, at: i) }
      i += 1
      var expNegative = false
      if i < n && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
        expNegative = bytes[i] == UInt8(ascii: "-"); i += 1
      }
      let expStart = i
      while i < n, bytes[i] &- 48 < 10 {
        if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[i] &- 48) }
        i += 1
      }
      if i == expStart { throw .malformed(text(bytes), "the exponent has no digits") }
      if i < n { throw reject(bytes, at: i) }
      if expNegative { exponent = -exponent }
    }

    // Second pass: digit k (0-based over int+frac digits) has weight 10^(intDigits-1-k+exponent).
    // Keep digits k < cut, where cut = intDigits + exponent + 12; digit k with p = k - cut in 0..<24
    // is dropped with weight 10^(23-p) in 10^-36 units (the residual); anything further is sticky.
    let cut = intDigits + exponent + power + Amount.scale
    var value: Int128 = 0
    var residual: Int128 = 0
    var sticky = false
    var k = 0
    var j = mantissaStart
    while j < mantissaEnd {
      let d = bytes[j] &- 48
      j += 1
      if d >= 10 { continue }  // the decimal point
      if k < cut {
        if value != 0 || d != 0 {
          let (m, o1) = value.multipliedReportingOverflow(by: 10)
          let (s, o2) = m.addingReportingOverflow(Int128(d))
          if o1 || o2 { throw .overflow(text(bytes)) }
          value = s
        }
      } else if d != 0 {
        let p = k - cut
        if p < 24 { residual += Int128(d) * powersOfTen[23 - p] } else { sticky = true }
      }
      k += 1
    }
    if cut > k && value != 0 {
      for _ in 0..<(cut - k) {
        let (m, o) = value.multipliedReportingOverflow(by: 10)
        if o { throw .overflow(text(bytes)) }
        value = m
      }
    }
    // Round half-even on what was dropped: half a pico is 5 × 10^23 of 10^-36.
    let half: Int128 = 500_000_000_000_000_000_000_000
    if residual > half || (residual == half && (sticky || value & 1 == 1)) {
      let (s, o) = value.addingReportingOverflow(1)
      if o || s == .max { throw .overflow(text(bytes)) }
      value = s
      residual -= 2 * half
    }
    if value == .max { throw .overflow(text(bytes)) }
    let amount = Amount(picos: negative ? -value : value)
    return (amount, Residual(negative ? -residual : residual, inexact: sticky))
  }

  static let powersOfTen: [Int128] = {
    var p: [Int128] = [1]
    for _ in 1..<24 { p.append(p.last! * 10) }
    return p
  }()

  /// The exact decimal text of `amount + residual` (up to 36 fraction digits, at least two): a file's
  /// text total from its rows' kept sum and what rounding dropped.
  public static func exactSum(_ amount: Amount, _ residual: Residual) -> String {
    if amount.isOverflow { return "overflow" }
    if residual.yoctoPicos == 0 { return amount.decimalString }
    let scale: Int128 = 1_000_000_000_000_000_000_000_000
    var a = amount + Amount(picos: residual.yoctoPicos / scale)
    var rem = residual.yoctoPicos % scale
    if a.isOverflow { return "overflow" }
    if rem < 0 && a.picos > 0 { a = a - Amount(picos: 1); rem += scale }
    if rem > 0 && a.picos < 0 { a = a + Amount(picos: 1); rem -= scale }
    let negative = a.picos < 0 || (a.picos == 0 && rem < 0)
    let m = a.picos.magnitude
    var fraction = String(m % 1_000_000_000_000)
    fraction = String(repeating: "0", count: 12 - fraction.count) + fraction
    var tail = String(rem.magnitude)
    tail = String(repeating: "0", count: 24 - tail.count) + tail
    var digits = fraction + tail
    while digits.count > 2 && digits.hasSuffix("0") { digits.removeLast() }
    return (negative ? "-" : "") + String(m / 1_000_000_000_000) + "." + digits
  }

  /// `value / divisor`, rounded half to even (cents → units: divide by 100).
  public static func divideHalfEven(_ value: Int128, by divisor: Int128) -> Int128 {
    let q = value / divisor, r = value % divisor
    let twice = r.magnitude * 2
    if twice > divisor.magnitude || (twice == divisor.magnitude && q % 2 != 0) { return q + (value < 0 ? -1 : 1) }
    return q
  }

  /// Exact text of an amount with at least two fraction digits; `overflow` for the overflow value.
  public static func format(_ amount: Amount) -> String {
    if amount.isOverflow { return "overflow" }
    let negative = amount.picos < 0
    let magnitude = amount.picos.magnitude
    let units = magnitude / 1_000_000_000_000
    var fraction = magnitude % 1_000_000_000_000
    var digits = 12
    while digits > 2 && fraction % 10 == 0 { fraction /= 10; digits -= 1 }
    var fractionText = String(fraction)
    if fractionText.count < digits {
      fractionText = String(repeating: "0", count: digits - fractionText.count) + fractionText
    }
    return (negative ? "-" : "") + String(units) + "." + fractionText
  }

  private static func text(_ bytes: UnsafeRawBufferPointer) -> String {
    String(decoding: bytes, as: UTF8.self)
  }

  private static func reject(_ bytes: UnsafeRawBufferPointer, at index: Int) -> DecimalError {
    let all = text(bytes)
    let b = index < bytes.count ? bytes[index] : 0
    switch b {
    case UInt8(ascii: ","): return .malformed(all, "thousands separators are not allowed; remove the ','")
    case UInt8(ascii: "$"), 0xC2, 0xE2: return .malformed(all, "currency symbols are not allowed; the currency is a separate column")
    case UInt8(ascii: " "), UInt8(ascii: "\t"): return .malformed(all, "spaces are not allowed inside a number")
    default: break
    }
    let lower = all.lowercased()
    if lower.contains("nan") || lower.contains("inf") { return .malformed(all, "only finite numbers are allowed") }
    if index >= bytes.count { return .malformed(all, "expected digits") }
    return .malformed(all, "unexpected '\(Character(Unicode.Scalar(b)))' at position \(index + 1)")
  }
}

public enum DecimalError: Error, Equatable, Sendable, CustomStringConvertible {
  case empty
  case malformed(String, String)
  case overflow(String)

  public var description: String {
    switch self {
    case .empty: "a number is required here but the field is empty"
    case .malformed(let text, let why): "'\(text)' is not a number: \(why) (expected e.g. 12.34, -0.5 or 5e-06)"
    case .overflow(let text): "'\(text)' is too large: amounts must stay within ±170,141,183,460,469 billion units"
    }
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ExactDecimal {
  /// Quantities (not money) as binary floating point, after checking the same grammar as money.
  public static func parseDouble(_ bytes: UnsafeRawBufferPointer) throws(DecimalError) -> Double {
    let n = bytes.count
    guard n > 0 else { throw .empty }
    var valid = true
    for b in bytes where !(b &- 48 < 10 || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")) {
      valid = false
      break
    }
    if valid {
      let value: Double? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { tmp in
        for k in 0..<n { tmp[k] = CChar(bitPattern: bytes[k]) }
        tmp[n] = 0
        var end: UnsafeMutablePointer<CChar>? = nil
        let v = strtod(tmp.baseAddress!, &end)
        return end == tmp.baseAddress! + n && v.isFinite ? v : nil
      }
      if let value { return value }
    }
    // Let the exact parser say precisely what is wrong.
    _ = try parse(bytes)
    throw .malformed(String(decoding: bytes, as: UTF8.self), "not a finite number")
  }

  /// Number of fraction digits written in the text (before any exponent).
  public static func fractionDigits(_ bytes: UnsafeRawBufferPointer) -> Int {
    var digits = 0, afterPoint = false
    for b in bytes {
      if b == UInt8(ascii: ".") { afterPoint = true } else if b &- 48 < 10 { if afterPoint { digits += 1 } } else { break }
    }
    return digits
  }
}
