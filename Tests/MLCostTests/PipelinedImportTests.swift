import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost
@testable import MLCostImporters

/// The two-thread import gives the same rows as the single-threaded driver, across batch boundaries.
struct PipelinedImportTests {
  static let file: String = {
    let path = (Repo.temporaryDirectory() as NSString).appendingPathComponent("pipe.csv")
    _ = try? Workspace.generateFocus(to: path, rows: 9_000)
    return path
  }()

  @Test func sameRowsAsTheSingleThreadedDriver() throws {
    let direct = RecordingSink()
    let a = try ImportDriver.run(source: try FileByteSource(path: Self.file), fileName: "pipe.csv", options: ImportOptions(), sink: direct)
    let piped = RecordingSink()
    let b = try PipelinedImport.run(source: try FileByteSource(path: Self.file), fileName: "pipe.csv", options: ImportOptions(),
                                    sink: piped, progress: nil)
    #expect(a.rowsStored == 9_000 && b.rowsStored == 9_000)
    #expect(piped.lines == direct.lines)
    #expect(a.fileTotals == b.fileTotals)
    // The hint is used a lot, and is never wrong.
    #expect(piped.hints > 5_000)
    #expect(piped.wrongHints == 0)
  }

  @Test func aFailingStoreStopsTheReaderAndReportsItsError() throws {
    let sink = RecordingSink()
    sink.failAfter = 3_000
    #expect(throws: RecordingSinkFailure.self) {
      try PipelinedImport.run(source: try FileByteSource(path: Self.file), fileName: "pipe.csv", options: ImportOptions(), sink: sink, progress: nil)
    }
  }

  @Test func aBadRowStopsTheImportWithItsLocation() throws {
    let dir = Repo.temporaryDirectory()
    let rows = (1...5_000).map { FocusText.row("1.00", day: $0 % 28 + 1) } + [FocusText.row("oops")]
    let path = try FocusText.write(rows, to: dir, name: "late-error.csv")
    do {
      _ = try PipelinedImport.run(source: try FileByteSource(path: path), fileName: "late-error.csv", options: ImportOptions(),
                                  sink: RecordingSink(), progress: nil)
      Issue.record("accepted")
    } catch let ImportError.badData(d) {
      #expect(d.location?.description == "late-error.csv:5002:1")
    }
  }
}
