/// An exact amount of one currency, in nano-units (1e-9). No floating point on the money path.
public struct Money: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// Nano-units of `currency`.
  public var nanos: Int64
  public var currency: Currency

  public init(nanos: Int64, currency: Currency) {
    self.nanos = nanos
    self.currency = currency
  }

  public static let nanosPerUnit: Int64 = 1_000_000_000

  /// Parses the exact decimal text (`"12.5"`, `"5e-06"`) into money.
  public init(parsing text: String, currency: Currency) throws(DecimalError) {
    self.init(nanos: try ExactDecimal.parseNanos(text), currency: currency)
  }

  public static func < (lhs: Money, rhs: Money) -> Bool { lhs.nanos < rhs.nanos }

  /// Adds two amounts of the same currency; overflow is an error, never a wrap.
  public func adding(_ other: Money) throws(MoneyError) -> Money {
    guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
    let (sum, overflow) = nanos.addingReportingOverflow(other.nanos)
    if overflow { throw .overflow }
    return Money(nanos: sum, currency: currency)
  }

  /// The exact decimal text, at least two fraction digits: `1234.50`, `0.000000001`, `-3.00`.
  public var decimalString: String { ExactDecimal.format(nanos: nanos) }

  public var description: String { "\(decimalString) \(currency.code)" }
}

public enum MoneyError: Error, Equatable, Sendable, CustomStringConvertible {
  case overflow
  case currencyMismatch(Currency, Currency)

  public var description: String {
    switch self {
    case .overflow: "the sum does not fit in 64-bit nano-units (more than 9.2 billion)"
    case .currencyMismatch(let a, let b): "cannot add \(b.code) to \(a.code)"
    }
  }
}

/// A currency code: ISO 4217 (`USD`) or, from FOCUS 1.2 on, a virtual currency (`Token`).
public struct Currency: RawRepresentable, Hashable, Sendable, Comparable, Codable {
  public var rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }
  public init(_ code: String) { self.rawValue = code }
  public var code: String { rawValue }
  public static let usd = Currency("USD")
  public static func < (lhs: Currency, rhs: Currency) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Running exact sums; overflow is reported, never wrapped.
public struct NanoSum: Hashable, Sendable {
  public private(set) var value: Int64 = 0
  public private(set) var overflowed = false
  public init() {}
  public mutating func merge(_ other: NanoSum) {
    add(other.value)
    if other.overflowed { overflowed = true }
  }
  public mutating func add(_ nanos: Int64) {
    let (sum, overflow) = value.addingReportingOverflow(nanos)
    if overflow { overflowed = true } else { value = sum }
  }
}
