import Foundation
import MLCostCore

/// Guesses the format from a CSV header or a document's first bytes, by asking every registered format
/// (`FormatRegistry`); the caller prints the command that pins the guess. More than one candidate means
/// the caller must refuse and list them.
public enum FormatSniffer {
  /// Every CSV format whose signature columns the header has.
  public static func candidates(header: [String]) -> [SniffResult] {
    FormatRegistry.all.compactMap { $0.csv?.sniff(header) }
  }

  /// The one CSV format the header fits, or nil (none or several; see `candidates`).
  public static func sniff(header: [String]) -> SniffResult? {
    let c = candidates(header: header)
    return c.count == 1 ? c[0] : nil
  }

  /// JSON and XML documents, from their first bytes (up to 64 KiB).
  public static func sniffDocument(_ head: UnsafeRawBufferPointer) -> [SniffResult] {
    var i = 0
    if head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF { i = 3 }
    while i < head.count, [0x20, 0x09, 0x0A, 0x0D].contains(head[i]) { i += 1 }
    guard i < head.count, [UInt8(ascii: "<"), UInt8(ascii: "{"), UInt8(ascii: "[")].contains(head[i]) else { return [] }
    let document = DocumentHead(text: String(decoding: UnsafeRawBufferPointer(rebasing: head[i...]), as: UTF8.self),
                                isXML: head[i] == UInt8(ascii: "<"))
    return FormatRegistry.all.compactMap { $0.document?.sniff(document) }
  }
}
