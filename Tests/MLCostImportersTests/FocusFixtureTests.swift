import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostImporters

/// One folder per behaviour under Tests/Fixtures/focus: `input.csv` in, `expected.txt` out
/// (every charge, every reject with its location, the totals). RECORD_SNAPSHOTS=1 re-records.
struct FocusFixtureTests {
  static let root = Repo.path("Tests/Fixtures/focus")
  static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()

  static func render(_ path: String, chunk: Int = 1 << 20) throws -> String {
    try run(path, chunk: chunk).text
  }

  static func run(_ path: String, chunk: Int = 1 << 20) throws -> (text: String, sink: RecordingSink) {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    let sink = RecordingSink()
    let result = try ImportDriver.run(source: MemoryByteSource(bytes, chunkSize: chunk), fileName: "input.csv",
                                      options: ImportOptions(lenient: true), sink: sink)
    let out = FixtureText.lines(result, sink, rawInRejects: true)
    return (out.joined(separator: "\n") + "\n", sink)
  }

  @Test func fixturesExist() { #expect(Self.cases.count >= 10) }

  @Test(arguments: cases)
  func fixture(_ name: String) throws {
    let dir = (Self.root as NSString).appendingPathComponent(name)
    let text = try Self.render((dir as NSString).appendingPathComponent("input.csv"))
    assertSnapshot(text, at: (dir as NSString).appendingPathComponent("expected.txt"))
  }

  /// Tags and the kept extra columns are always valid JSON objects, whatever the column order.
  @Test(arguments: cases)
  func tagsAndExtrasAreJSONObjects(_ name: String) throws {
    let input = ((Self.root as NSString).appendingPathComponent(name) as NSString).appendingPathComponent("input.csv")
    #expect(try Self.run(input).sink.invalidJSON == [])
  }

  /// Invariant: every fixture gives the same rows fed in 1-byte chunks.
  @Test(arguments: cases)
  func chunkingChangesNothing(_ name: String) throws {
    let input = ((Self.root as NSString).appendingPathComponent(name) as NSString).appendingPathComponent("input.csv")
    #expect(try Self.render(input, chunk: 1) == Self.render(input))
  }
}
