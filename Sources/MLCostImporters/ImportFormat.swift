import MLCostCore

/// The source formats MLCost reads. Later importers add cases here and a file each.
public enum ImportFormat: String, CaseIterable, Sendable {
  case focus

  /// What `--format` accepts besides `auto`.
  public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}

/// What the sniffer concluded from a header, and how sure it is.
public struct SniffResult: Sendable, Equatable {
  public var format: ImportFormat
  /// e.g. `1.2` for FOCUS, from the columns present.
  public var version: String
  /// The columns that decided it.
  public var evidence: [String]
}

/// Guesses the format from the header row; the caller prints the command that pins the guess.
public enum FormatSniffer {
  public static func sniff(header: [String]) -> SniffResult? {
    let names = Set(header.map { FocusColumns.normalise($0) })
    let focusCore = ["billedcost", "effectivecost", "chargecategory", "chargeperiodstart"]
    if focusCore.allSatisfy(names.contains) {
      return SniffResult(format: .focus, version: FocusColumns.version(of: names),
                         evidence: ["BilledCost", "EffectiveCost", "ChargeCategory", "ChargePeriodStart"])
    }
    return nil
  }
}
