import MLCostCore

/// The source formats MLCost reads. Each has one mapper or document importer file.
public enum ImportFormat: String, CaseIterable, Sendable {
  case focus
  /// AWS Cost and Usage Report: legacy, Athena snake_case and CUR 2.0.
  case cur
  /// Azure cost details (EA, MCA, pay-as-you-go; actual or amortised).
  case azure
  /// Google Cloud billing export (CSV or JSON lines).
  case gcp
  /// OpenAI organisation Usage API or Costs API JSON.
  case openai
  /// Anthropic Admin API usage report or cost report JSON.
  case anthropic
  /// LiteLLM spend logs (`LiteLLM_SpendLogs`) CSV.
  case litellm
  /// Long-format metrics CSV: resource id, metric, timestamp, value, unit.
  case metrics
  /// `aws cloudwatch get-metric-data` JSON.
  case cloudwatch
  /// UBL 2.1 / Peppol BIS Billing 3.0 XML invoice or credit note.
  case ubl

  /// What `--format` accepts besides `auto`.
  public static let names = allCases.map(\.rawValue).joined(separator: ", ")

  /// Formats read whole (JSON, XML) rather than streamed row by row as CSV.
  public var isDocument: Bool { [.openai, .anthropic, .cloudwatch, .ubl].contains(self) }
}

/// What the sniffer concluded from a header, and how sure it is.
public struct SniffResult: Sendable, Equatable {
  public var format: ImportFormat
  /// e.g. `1.2` for FOCUS, from the columns present.
  public var version: String
  /// The columns that decided it.
  public var evidence: [String]
}
