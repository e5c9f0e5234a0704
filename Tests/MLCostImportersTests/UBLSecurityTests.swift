import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostImporters

/// The XML importer must never read local files or expand entity bombs (libxml2 with entity
/// substitution, DTD loading and network access off; entity declarations refused).
struct UBLSecurityTests {
  static let ns = """
    xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" \
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" \
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    """

  static func importing(_ xml: String) -> (error: String?, lines: [String]) {
    let sink = RecordingSink()
    do {
      _ = try ImportDriver.run(source: MemoryByteSource(xml), fileName: "evil.xml", options: ImportOptions(format: .ubl), sink: sink)
      return (nil, sink.lines)
    } catch {
      return ("\(error)", sink.lines)
    }
  }

  @Test func anExternalEntityPointingAtALocalFileIsNotExpanded() throws {
    let secret = "MLCOST-SECRET-\(UInt32.random(in: 0...UInt32.max))"
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlcost-xxe-\(secret).txt").path
    try secret.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let xml = """
      <?xml version="1.0"?>
      <!DOCTYPE Invoice [ <!ENTITY xxe SYSTEM "file://\(path)"> ]>
      <Invoice \(Self.ns)>
        <cbc:ID>&xxe;</cbc:ID><cbc:IssueDate>2026-10-01</cbc:IssueDate><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
        <cac:InvoiceLine><cbc:LineExtensionAmount currencyID="EUR">1</cbc:LineExtensionAmount><cac:Item><cbc:Name>&xxe;</cbc:Name></cac:Item></cac:InvoiceLine>
      </Invoice>
      """
    let (error, lines) = Self.importing(xml)
    #expect(error?.contains("evil.xml:2") == true, "refused at the DOCTYPE: \(error ?? "no error")")
    #expect(error?.contains("entities") == true)
    #expect(!(error ?? "").contains(secret))
    #expect(!lines.joined().contains(secret))
  }

  @Test func aBillionLaughsPayloadIsRefusedQuicklyAndClearly() {
    var decl = "<!ENTITY lol0 \"lol\">"
    for i in 1...9 { decl += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">" }
    let xml = """
      <?xml version="1.0"?>
      <!DOCTYPE Invoice [ \(decl) ]>
      <Invoice \(Self.ns)><cbc:ID>&lol9;</cbc:ID></Invoice>
      """
    let clock = ContinuousClock()
    var outcome: (error: String?, lines: [String]) = (nil, [])
    let elapsed = clock.measure { outcome = Self.importing(xml) }
    #expect(outcome.error?.contains("entities") == true, "\(outcome.error ?? "no error")")
    #expect(outcome.lines.isEmpty)
    // Not a timing test of our speed: a guard that nothing expanded 10^9 entities (that takes minutes and GBs).
    #expect(elapsed < .seconds(5))
  }

  @Test func malformedXMLStopsWithItsLine() {
    let (error, _) = Self.importing("<?xml version=\"1.0\"?>\n<Invoice \(Self.ns)>\n<cbc:ID>1</cbc:IDX>\n</Invoice>")
    #expect(error?.contains("evil.xml:3") == true, "\(error ?? "no error")")
    #expect(error?.contains("not well-formed") == true)
  }

  @Test func aDocumentThatIsNotUBLIsRefused() {
    let (error, _) = Self.importing("<?xml version=\"1.0\"?><Order xmlns=\"urn:x\"/>")
    #expect(error != nil)
  }
}
