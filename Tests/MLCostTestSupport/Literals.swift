import MLCostCore

/// In tests only: hand-worked amounts and percents written as the text a report shows (`"7340.00"`, `"1.9"`).
/// A literal that does not parse stops the test run at once.
extension Amount: ExpressibleByStringLiteral {
  public init(stringLiteral text: String) {
    guard let value = try? ExactDecimal.parse(text) else { fatalError("not an exact amount: \(text)") }
    self = value
  }
}

extension Percent: ExpressibleByStringLiteral {
  public init(stringLiteral text: String) {
    guard let value = Percent(text: text) else { fatalError("not a percent with one decimal: \(text)") }
    self = value
  }
}
