import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostImporters

/// One folder per format and behaviour under Tests/Fixtures/<format>/<case>: `input.<ext>` in,
/// `expected.txt` out (every record, every reject with its location, the totals), read with
/// `--format auto` so detection is tested too. RECORD_SNAPSHOTS=1 re-records.
struct ImporterFixtureTests {
  static let root = Repo.path("Tests/Fixtures")
  static let cases: [String] = {
    var out: [String] = []
    let fm = FileManager.default
    for format in ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted() where format != "focus" {
      let dir = (root as NSString).appendingPathComponent(format)
      for c in ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted() { out.append("\(format)/\(c)") }
    }
    return out
  }()

  static func input(_ name: String) throws -> String {
    let dir = (root as NSString).appendingPathComponent(name)
    guard let file = try FileManager.default.contentsOfDirectory(atPath: dir).first(where: { $0.hasPrefix("input.") }) else {
      throw FixtureMissing(name: name)
    }
    return (dir as NSString).appendingPathComponent(file)
  }

  /// The rendering of a fixture; `transform` rewrites the input bytes first (line endings, BOM).
  static func render(_ name: String, chunk: Int = 1 << 20, transform: ([UInt8]) -> [UInt8] = { $0 }) throws -> String {
    let path = try input(name)
    let bytes = transform(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    let sink = RecordingSink()
    let fileName = (path as NSString).lastPathComponent
    var out: [String] = []
    do {
      let result = try ImportDriver.run(source: MemoryByteSource(bytes, chunkSize: chunk), fileName: fileName,
                                        options: ImportOptions(lenient: true), sink: sink)
      out += FixtureText.lines(result, sink, rawInRejects: false)
    } catch {
      out.append("error: \(error)")
    }
    #expect(sink.invalidJSON == [], "tags, extras and dimensions must be JSON objects")
    return out.joined(separator: "\n") + "\n"
  }

  @Test func everyFormatHasFixtures() {
    let formats = Set(Self.cases.map { String($0.split(separator: "/")[0]) })
    for f in ImportFormat.allCases where f != .focus { #expect(formats.contains(f.rawValue), "no fixture folder for \(f.rawValue)") }
  }

  @Test(arguments: cases)
  func fixture(_ name: String) throws {
    assertSnapshot(try Self.render(name), at: ((Self.root as NSString).appendingPathComponent(name) as NSString).appendingPathComponent("expected.txt"))
  }

  /// Invariance over every importer: CRLF line ends, a BOM and 1-byte reads change nothing.
  @Test(arguments: cases)
  func lineEndingsBOMAndChunkingChangeNothing(_ name: String) throws {
    let plain = try Self.render(name)
    let crlf = try Self.render(name) { bytes in
      var out: [UInt8] = []
      for (i, b) in bytes.enumerated() {
        if b == 0x0A && (i == 0 || bytes[i - 1] != 0x0D) { out.append(0x0D) }
        out.append(b)
      }
      return out
    }
    let bom = try Self.render(name) { $0.starts(with: [0xEF, 0xBB, 0xBF]) ? $0 : [0xEF, 0xBB, 0xBF] + $0 }
    #expect(crlf == plain, "CRLF")
    #expect(bom == plain, "BOM")
    #expect(try Self.render(name, chunk: 1) == plain, "1-byte chunks")
  }
}

struct FixtureMissing: Error { var name: String }
