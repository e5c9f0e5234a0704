import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostImporters

/// Contract 4 under random damage: whatever happens to the bytes, the importer either refuses the file
/// with a located error, or accounts for every row (stored + rejected = read) and every readable amount.
struct MangledInputTests {
  @Test func damagedFilesAreRefusedWithALocationOrFullyAccountedFor() throws {
    var rng = SplitMix64(seed: 99)
    let inputs = try FocusFixtureTests.cases.map {
      Array(try Data(contentsOf: URL(fileURLWithPath: "\(FocusFixtureTests.root)/\($0)/input.csv")))
    }.filter { $0.count > 50 }
    let alphabet = Array(",\"\n\r x9.-{}:$".utf8)
    for round in 0..<400 {
      var bytes = inputs[Int(rng.next() % UInt64(inputs.count))]
      for _ in 0..<(1 + Int(rng.next() % 4)) {
        let at = Int(rng.next() % UInt64(bytes.count))
        switch rng.next() % 3 {
        case 0: bytes.remove(at: at)
        case 1: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
        default: bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
        }
        if bytes.isEmpty { bytes = [0x61] }
      }
      let sink = RecordingSink()
      do {
        let r = try ImportDriver.run(source: MemoryByteSource(bytes, chunkSize: 1 + Int(rng.next() % 7)), fileName: "m.csv",
                                     options: ImportOptions(format: .focus, lenient: true), sink: sink)
        #expect(r.rowsRead == r.rowsStored + r.rowsRejected, "round \(round)")
        #expect(sink.lines.count == r.rowsStored && sink.rejects.count == r.rowsRejected)
        for reject in sink.rejects { #expect(reject.location.file == "m.csv" && reject.location.line >= 2 && !reject.reason.isEmpty) }
        for (key, rejected) in r.rejectedTotals { #expect((r.fileTotals[key]?.rows ?? 0) >= rejected.rows) }
        #expect(sink.invalidJSON == [])
      } catch let ImportError.badData(d) {
        #expect(d.location?.file == "m.csv" && (d.location?.line ?? 0) >= 1, "round \(round): \(d)")
      }
    }
  }
}
