import MLCostCore

/// A billing file without a currency column: every amount takes `--currency` (else USD), and the import
/// says so once, as a warning on the header line. The one place that decides it, for every importer.
enum AssumedCurrency {
  /// nil when the file has its currency column; else the currency every row takes (and the warning is added).
  static func resolve(hasColumn: Bool, columnName: String, option: String?, file: String, warnings: inout [Diagnostic]) -> String? {
    if hasColumn { return nil }
    let assumed = option ?? "USD"
    warnings.append(Diagnostic(.warning, at: SourceLocation(file: file, line: 1, column: nil),
      "there is no \(columnName) column; every amount is taken as \(assumed)", fix: "pass --currency CODE if that is wrong"))
    return assumed
  }
}
