import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostImporters

struct GzipTests {
  func rows(_ source: any ByteSource) throws -> [String] {
    let sink = RecordingSink()
    _ = try ImportDriver.run(source: source, fileName: "g.csv.gz", options: ImportOptions(lenient: true), sink: sink)
    return sink.lines + sink.rejects.map { "\($0.location) \($0.reason)" }
  }

  @Test(arguments: FocusFixtureTests.cases)
  func gzippedFixturesGiveTheSameRows(_ name: String) throws {
    let plain = Array(try Data(contentsOf: URL(fileURLWithPath: "\(FocusFixtureTests.root)/\(name)/input.csv")))
    let expected = try rows(MemoryByteSource(plain))
    for chunk in [1, 7, 1 << 20] {
      #expect(try rows(GzipByteSource(MemoryByteSource(gzip(plain), chunkSize: chunk), fileName: "g.csv.gz")) == expected)
    }
  }

  @Test func concatenatedMembersAreReadInTurn() throws {
    let a = Array((FocusText.file([FocusText.row("1.00")])).utf8)
    let b = Array((FocusText.row("2.00", day: 2) + "\n").utf8)
    let both = gzip(a) + gzip(b)
    let lines = try rows(GzipByteSource(MemoryByteSource(both, chunkSize: 5), fileName: "g.csv.gz"))
    #expect(lines.count == 2)
  }

  @Test func aTruncatedStreamIsAnErrorNotFewerRows() {
    let z = gzip(Array(FocusText.file((1...200).map { FocusText.row("1.00", day: $0 % 28 + 1) }).utf8))
    do {
      _ = try rows(GzipByteSource(MemoryByteSource(Array(z.prefix(z.count / 2))), fileName: "g.csv.gz"))
      Issue.record("a truncated file imported")
    } catch let ImportError.badData(d) {
      #expect(d.description.hasPrefix("g.csv.gz:1: error: the gzip stream ends early"))
    } catch { Issue.record("\(error)") }
  }

  @Test func corruptBytesAreLocated() {
    var z = gzip(Array(FocusText.file((1...200).map { FocusText.row("1.00", day: $0 % 28 + 1) }).utf8))
    for k in 20..<40 { z[k] ^= 0x5A }
    do {
      _ = try rows(GzipByteSource(MemoryByteSource(z), fileName: "g.csv.gz"))
      Issue.record("a corrupt file imported")
    } catch let ImportError.badData(d) {
      #expect(d.message.contains("not valid gzip near compressed byte"))
    } catch { Issue.record("\(error)") }
  }
}
