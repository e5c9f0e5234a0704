/// A share or a change in percent with one decimal, exact: `12.3` is 123 per mille. Computed from two
/// amounts, rounded half to even; JSON and CSV carry its text (`"12.3"`), renderers add the `%`.
public struct Percent: Hashable, Sendable, Codable, CustomStringConvertible {
  public var perMille: Int64

  public init(perMille: Int64) { self.perMille = perMille }

  /// `numerator / denominator × 100`, one decimal, half-even; nil when the denominator is 0, either side
  /// overflowed, or the ratio passes 10^18 % (which no report can mean).
  public init?(_ numerator: Amount, of denominator: Amount) {
    guard !denominator.isZero, !numerator.isOverflow, !denominator.isOverflow else { return nil }
    let negative = (numerator.picos < 0) != (denominator.picos < 0) && !numerator.isZero
    let d = denominator.picos.magnitude
    let product = numerator.picos.magnitude.multipliedFullWidth(by: 1000)
    guard product.high < d else { return nil }
    let (q, r) = d.dividingFullWidth(product)
    let rounded = r.multipliedReportingOverflow(by: 2).overflow || r * 2 > d || (r * 2 == d && q & 1 == 1) ? q + 1 : q
    guard let magnitude = Int64(exactly: rounded) else { return nil }
    perMille = negative ? -magnitude : magnitude
  }

  /// `12.3`, `-0.5`, `0.0`.
  public var description: String {
    let m = perMille.magnitude
    return (perMille < 0 ? "-" : "") + "\(m / 10).\(m % 10)"
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = Percent(text: text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a percent with one decimal: \(text)"))
    }
    self = value
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
  }

  /// Reads `12.3` back (exactly one decimal).
  public init?(text: String) {
    let negative = text.hasPrefix("-")
    let parts = (negative ? text.dropFirst() : Substring(text)).split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[1].count == 1, let whole = Int64(parts[0]), let tenth = Int64(parts[1]), whole >= 0, tenth >= 0 else { return nil }
    let (m, o) = whole.multipliedReportingOverflow(by: 10)
    guard !o else { return nil }
    perMille = negative ? -(m + tenth) : m + tenth
  }
}

extension Amount: Codable {
  /// Money in JSON is its exact decimal text (`"1234.50"`), never a float.
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    do { self = try ExactDecimal.parse(text) } catch {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an exact amount: \(text)"))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(decimalString)
  }
}

/// Which cost a report sums: never both in one sum.
public enum Basis: String, Sendable, Codable, CaseIterable {
  /// EffectiveCost: commitments spread over the usage they cover (the default).
  case amortised
  /// BilledCost: what the invoice says when.
  case cash
}
