import MLCostCore

/// A source format MLCost reads: its name as `--format` takes it. The formats are the registry's
/// (`FormatRegistry.all`); each is declared in its importer's file with its `FormatDescriptor`.
public struct ImportFormat: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  public let rawValue: String

  /// A registered format by name; nil for any other name.
  public init?(rawValue: String) {
    guard FormatRegistry.all.contains(where: { $0.format.rawValue == rawValue }) else { return nil }
    self.rawValue = rawValue
  }

  /// For the descriptors' own declarations.
  init(declaring name: String) { rawValue = name }

  public static var allCases: [ImportFormat] { FormatRegistry.all.map(\.format) }

  /// What `--format` accepts besides `auto`.
  public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

  public var description: String { rawValue }

  /// How this format is read.
  public var descriptor: FormatDescriptor { FormatRegistry.all.first { $0.format == self }! }

  /// Formats read whole (JSON, XML) rather than streamed row by row as CSV.
  public var isDocument: Bool { descriptor.csv == nil }
}

/// What the sniffer concluded from a header, and how sure it is.
public struct SniffResult: Sendable, Equatable {
  public var format: ImportFormat
  /// e.g. `1.2` for FOCUS, from the columns present.
  public var version: String
  /// The columns that decided it.
  public var evidence: [String]
}
