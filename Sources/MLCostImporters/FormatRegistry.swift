import MLCostCore

/// Every import format, in the order the sniffer tries them and `--help` lists them. Adding a format is
/// one new file (its importer, its `ImportFormat` and its `FormatDescriptor`) and one line here
/// (docs/adding-a-format.md).
public enum FormatRegistry {
  public static let all: [FormatDescriptor] = [
    .focus, .focusDataset, .cur, .azure, .gcp, .oci, .openai, .anthropic, .litellm, .metrics, .cloudwatch, .ubl,
  ]
}

/// How one format is recognised and read: from a CSV header, from a document's first bytes, or both.
public struct FormatDescriptor: Sendable {
  public let format: ImportFormat
  /// Reading it as CSV rows; nil when the format is not CSV.
  let csv: CSVReading?
  /// Reading it as one JSON or XML document; nil when it is not a document.
  let document: DocumentReading?

  init(_ format: ImportFormat, csv: CSVReading? = nil, document: DocumentReading? = nil) {
    self.format = format; self.csv = csv; self.document = document
  }
}

/// A CSV format: how a header shows it, and the row mapper that reads it.
struct CSVReading: Sendable {
  /// The header's sniff result when the header is this format's.
  let sniff: @Sendable ([String]) -> SniffResult?
  let mapper: Mapper

  enum Mapper: Sendable {
    /// Rows become charges: `(header, file, --currency)` → the mapper.
    case charges(@Sendable ([String], String, String?) throws -> any ChargeRowMapper)
    /// Rows become usage records or metric samples: `(header, file)` → the mapper.
    case records(@Sendable ([String], String) throws -> any RecordRowMapper)
  }
}

/// A document format (JSON, XML): how its first bytes show it, and the importer that reads it whole.
struct DocumentReading: Sendable {
  let sniff: @Sendable (DocumentHead) -> SniffResult?
  let run: @Sendable (_ bytes: UnsafeRawBufferPointer, _ file: DocumentFile) throws -> ImportResult

  /// A document read by a `DocumentImporter` into a `RecordContext`.
  static func importer<I: DocumentImporter>(_ importer: I.Type, sniff: @escaping @Sendable (DocumentHead) -> SniffResult?) -> DocumentReading {
    DocumentReading(sniff: sniff) { bytes, file in
      let context = RecordContext(fileName: file.name, options: file.options, sink: file.sink, format: file.sniffed.format,
                                  version: file.sniffed.version)
      try I.run(bytes, context: context)
      return context.finish()
    }
  }
}

/// What a document importer is handed besides the bytes.
struct DocumentFile {
  var name: String
  var options: ImportOptions
  var sink: any ImportSink
  var sniffed: SniffResult
}

/// The first bytes of a JSON or XML document (up to 64 KiB), after a BOM and blanks.
struct DocumentHead {
  let text: String
  let isXML: Bool
  func has(_ s: String) -> Bool { text.contains(s) }
}
