/// An exact amount of money without its currency: a 128-bit count of pico-units (10⁻¹²).
///
/// It holds ±1.7 × 10²⁶ units with 12 fraction digits in every currency, so a row, a month or a
/// year of IDR, JPY or KRW fits with room to spare. Arithmetic never wraps and never traps: a result
/// that does not fit becomes the sticky `overflow` value (like a NaN), and every boundary that keeps
/// or shows money (the loader, the attribution's conservation check, the renderers) turns it into an
/// error that names its cause. No floating point on the money path.
public struct Amount: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// Pico-units; `Int128.min` is reserved for `overflow`.
  public let picos: Int128

  /// Fraction digits kept: amounts are rounded half-even at the 12th decimal.
  public static let scale = 12
  public static let picosPerUnit: Int128 = 1_000_000_000_000
  public static let zero = Amount(picos: 0)
  /// The result of an operation that did not fit; it stays `overflow` through any later arithmetic.
  public static let overflow = Amount(unchecked: .min)
  /// The largest magnitude an amount may have.
  public static let maxPicos: Int128 = .max

  @inline(__always) init(unchecked picos: Int128) { self.picos = picos }

  /// `picos` must not be `Int128.min` (that is `overflow`).
  @inline(__always) public init(picos: Int128) { self.picos = picos == .min ? Int128.min : picos }

  /// Whole units (`Amount(units: 5)` is 5.00).
  public init(units: Int64) { self.picos = Int128(units) * Amount.picosPerUnit }

  /// Nano-units (10⁻⁹), the scale MLCost stored before 128-bit money.
  public init(nanos: Int64) { self.picos = Int128(nanos) * 1000 }

  @inline(__always) public var isOverflow: Bool { picos == .min }
  @inline(__always) public var isZero: Bool { picos == 0 }
  public var signum: Int { picos == 0 ? 0 : (picos < 0 ? -1 : 1) }

  /// The amount itself, or `MoneyError.overflow` naming `cause`.
  public func checked(_ cause: @autoclosure () -> String = "a sum") throws(MoneyError) -> Amount {
    if isOverflow { throw .overflow(cause()) }
    return self
  }

  @inline(__always) public static func + (l: Amount, r: Amount) -> Amount {
    if l.isOverflow || r.isOverflow { return .overflow }
    let (s, o) = l.picos.addingReportingOverflow(r.picos)
    return o || s == .min ? .overflow : Amount(unchecked: s)
  }

  @inline(__always) public static func - (l: Amount, r: Amount) -> Amount { l + (-r) }

  @inline(__always) public static prefix func - (a: Amount) -> Amount { a.isOverflow ? .overflow : Amount(unchecked: -a.picos) }

  @inline(__always) public static func += (l: inout Amount, r: Amount) { l = l + r }
  @inline(__always) public static func -= (l: inout Amount, r: Amount) { l = l - r }

  /// Times a plain integer (a count, never another amount).
  public static func * (l: Amount, r: Int64) -> Amount {
    if l.isOverflow { return .overflow }
    let (p, o) = l.picos.multipliedReportingOverflow(by: Int128(r))
    return o || p == .min ? .overflow : Amount(unchecked: p)
  }

  public static func * (l: Int64, r: Amount) -> Amount { r * l }

  public var magnitude: Amount { picos < 0 ? -self : self }

  public static func < (l: Amount, r: Amount) -> Bool { l.picos < r.picos }

  /// `self × numerator / denominator`, rounded half to even, exactly; `overflow` when the result does not fit.
  public func scaled(by numerator: Int64, over denominator: Int64) -> Amount {
    guard !isOverflow, denominator > 0, numerator >= 0 else { return .overflow }
    let negative = picos < 0
    let m = picos.magnitude
    let product = m.multipliedFullWidth(by: UInt128(numerator))
    let d = UInt128(denominator)
    guard product.high < d else { return .overflow }
    let (q, r) = d.dividingFullWidth(product)
    var result = q
    // Half-even: compare 2r with d without overflowing (r < d ≤ Int64.max).
    if r * 2 > d || (r * 2 == d && q & 1 == 1) {
      let (s, o) = result.addingReportingOverflow(1)
      if o { return .overflow }
      result = s
    }
    guard result <= UInt128(Int128.max) else { return .overflow }
    return Amount(unchecked: negative ? -Int128(result) : Int128(result))
  }

  /// Rounded half to even to `digits` fraction digits (0…12).
  public func rounded(toFractionDigits digits: Int) -> Amount {
    guard !isOverflow, digits < Amount.scale else { return self }
    var unit: Int64 = 1
    for _ in 0..<(Amount.scale - max(0, digits)) { unit *= 10 }
    let q = picos / Int128(unit), r = picos % Int128(unit)
    let twice = r.magnitude * 2
    var n = q
    if twice > UInt128(unit) || (twice == UInt128(unit) && q & 1 != 0) { n += picos < 0 ? -1 : 1 }
    return n.multipliedReportingOverflow(by: Int128(unit)).overflow ? .overflow : Amount(unchecked: n * Int128(unit))
  }

  /// The exact decimal text, at least two fraction digits: `1234.50`, `0.000000000001`, `-3.00`; `overflow` when it is.
  public var decimalString: String { ExactDecimal.format(self) }

  /// For charts and ratios only: never feed the result back into money.
  /// (Two 64-bit halves: `Double(Int128)` goes through the stdlib's generic conversion, measured at ~10% of an import.)
  public var approximateDouble: Double {
    if isOverflow { return .nan }
    if let small = int64 { return Double(small) / 1e12 }
    let lo = UInt64(truncatingIfNeeded: picos)
    let hi = Int64(truncatingIfNeeded: picos &>> 64)
    return (Double(hi) * 18_446_744_073_709_551_616.0 + Double(lo)) / 1e12
  }

  /// The pico-units as an `Int64` when they fit (every amount under ±9.2 million units).
  @inline(__always) public var int64: Int64? {
    picos >= -0x8000_0000_0000_0000 && picos <= 0x7FFF_FFFF_FFFF_FFFF ? Int64(truncatingIfNeeded: picos) : nil
  }

  /// The value in nano-units when it fits exactly in 64 bits (for callers that still speak nanos).
  public var exactNanos: Int64? {
    guard !isOverflow, picos % 1000 == 0 else { return nil }
    return Int64(exactly: picos / 1000)
  }

  public var description: String { decimalString }
}

/// An exact amount of one currency. No floating point on the money path.
public struct Money: Hashable, Sendable, CustomStringConvertible {
  public var amount: Amount
  public var currency: Currency

  public init(_ amount: Amount, _ currency: Currency) {
    self.amount = amount
    self.currency = currency
  }

  /// Parses the exact decimal text (`"12.5"`, `"5e-06"`) into money.
  public init(parsing text: String, currency: Currency) throws(DecimalError) {
    self.init(try ExactDecimal.parse(text), currency)
  }

  /// Adds two amounts of the same currency; overflow is an error, never a wrap.
  public func adding(_ other: Money) throws(MoneyError) -> Money {
    guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
    return Money(try (amount + other.amount).checked("\(self) + \(other)"), currency)
  }

  public var decimalString: String { amount.decimalString }

  public var description: String { "\(decimalString) \(currency.code)" }
}

public enum MoneyError: Error, Equatable, Sendable, CustomStringConvertible {
  /// An amount outside ±1.7 × 10²⁶ units; the text says what was being computed.
  case overflow(String)
  case currencyMismatch(Currency, Currency)

  public var description: String {
    switch self {
    case .overflow(let cause):
      "\(cause) does not fit in 128-bit pico-units (more than ±170,141,183,460,469 billion units); split the input or report this"
    case .currencyMismatch(let a, let b): "cannot add \(b.code) to \(a.code)"
    }
  }
}

/// A currency code: ISO 4217 (`USD`) or, from FOCUS 1.2 on, a virtual currency (`Token`). Its text (in
/// JSON, CSV and any interpolation) is the code; `?` is a file's unreadable currency.
public struct Currency: RawRepresentable, Hashable, Sendable, Comparable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
  public var rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }
  public init(_ code: String) { self.rawValue = code }
  public init(stringLiteral code: String) { self.rawValue = code }
  public var code: String { rawValue }
  public var description: String { rawValue }
  public static let usd = Currency("USD")
  /// A row whose currency could not be read.
  public static let unknown = Currency("?")
  public static func < (lhs: Currency, rhs: Currency) -> Bool { lhs.rawValue < rhs.rawValue }
  /// Three ASCII capitals, as ISO 4217 codes are (a virtual currency such as `Token` is not).
  public var isISOCode: Bool { rawValue.utf8.count == 3 && rawValue.utf8.allSatisfy { $0 >= 65 && $0 <= 90 } }

  public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(rawValue)
  }
}
