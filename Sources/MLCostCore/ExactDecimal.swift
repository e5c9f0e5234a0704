/// Exact decimal text → integer nano-units, straight from the source bytes.
///
/// Grammar: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`. Any number of digits;
/// the result is rounded half-even at the 10th fraction digit. Anything else is an error that says
/// what was wrong. No `Double`, no `Decimal`.
public enum ExactDecimal {
  public static func parseNanos(_ text: String) throws(DecimalError) -> Int64 {
    var text = text
    let result = text.withUTF8 { buffer in
      Result { () throws(DecimalError) in try parseScaled(UnsafeRawBufferPointer(buffer), scale: 9) }
    }
    return try result.get()
  }

  public static func parseNanos(_ bytes: UnsafeRawBufferPointer) throws(DecimalError) -> Int64 {
    try parseScaled(bytes, scale: 9)
  }

  /// Parses to an integer of `10^-scale` units (scale 9 = nanos), rounding half-even.
  public static func parseScaled(_ bytes: UnsafeRawBufferPointer, scale: Int) throws(DecimalError) -> Int64 {
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
    // Keep digits k < cut, where cut = intDigits + exponent + scale; digit `cut` rounds.
    let cut = intDigits + exponent + scale
    var value: Int64 = 0
    var roundDigit: UInt8 = 0
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
          let (s, o2) = m.addingReportingOverflow(Int64(d))
          if o1 || o2 { throw .overflow(text(bytes)) }
          value = s
        }
      } else if k == cut {
        roundDigit = d
      } else if d != 0 {
        sticky = true
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
    if roundDigit > 5 || (roundDigit == 5 && (sticky || value & 1 == 1)) {
      let (s, o) = value.addingReportingOverflow(1)
      if o { throw .overflow(text(bytes)) }
      value = s
    }
    return negative ? -value : value
  }

  /// Exact text of nano-units with at least two fraction digits.
  /// `nanos / divisor`, rounded half to even (cents → dollars: divide by 100).
  public static func divideHalfEven(_ nanos: Int64, by divisor: Int64) -> Int64 {
    let q = nanos / divisor, r = nanos % divisor
    let twice = abs(r) * 2
    if twice > divisor || (twice == divisor && q % 2 != 0) { return q + (nanos < 0 ? -1 : 1) }
    return q
  }

  public static func format(nanos: Int64) -> String {
    let negative = nanos < 0
    let magnitude = nanos.magnitude
    let units = magnitude / 1_000_000_000
    var fraction = magnitude % 1_000_000_000
    var digits = 9
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
    case .overflow(let text): "'\(text)' is too large: amounts must stay within ±9,223,372,036 units"
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
    _ = try parseScaled(bytes, scale: 0)
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
