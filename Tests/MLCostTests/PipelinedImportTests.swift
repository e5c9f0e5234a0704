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

  /// Every field of a charge survives the batch between the threads (`RowBatch.Fixed` mirrors them): a record with
  /// no field at its default comes back equal field by field, read by reflection. A field added to `ChargeRecord`
  /// fails here first (left at its default) and then, once set, if the batch does not carry it.
  @Test func aRecordCrossesTheBatchWhole() {
    var r = ChargeRecord()
    r.line = 7; r.billingPeriodStart = 1; r.billingPeriodEnd = 2; r.chargePeriodStart = 3; r.chargePeriodEnd = 4
    r.chargeCategory = .credit; r.chargeClass = .correction; r.chargeFrequency = .recurring; r.pricingCategory = .committed
    r.billedCost = Amount(units: 5); r.effectiveCost = Amount(units: 6); r.listCost = Amount(units: 7); r.contractedCost = Amount(units: 8)
    r.pricingCurrencyCost = Amount(units: 13)
    r.consumedQuantity = 9; r.pricingQuantity = 10; r.commitmentDiscountQuantity = 11; r.gpuCount = 12; r.flags = .listCost
    r.sourceRows = 14
    let words = ChargeText.allCases.map { Array("text of \($0)".utf8) }
    let all = words.flatMap { $0 }
    all.withUnsafeBytes { buffer in
      var offset = 0
      for (slot, w) in words.enumerated() {
        if slot != ChargeText.tags.rawValue { r.text[slot] = TextRef(UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + w.count])) }
        offset += w.count
      }
      let untouched = ChargeRecord()
      for (set, fresh) in zip(Mirror(reflecting: r).children, Mirror(reflecting: untouched).children)
      where set.label != "sameDimensionsAsPrevious" {
        #expect(String(describing: set.value) != String(describing: fresh.value), "the test leaves \(set.label ?? "?") at its default")
      }
      let batch = RowBatch()
      batch.append(r)
      batch.append(r)
      var back = ChargeRecord()
      for row in 0..<2 {
        batch.fill(&back, row: row)
        for (a, b) in zip(Mirror(reflecting: r).children, Mirror(reflecting: back).children) where a.label != "text" && a.label != "sameDimensionsAsPrevious" {
          #expect(String(describing: a.value) == String(describing: b.value), "\(a.label ?? "?") lost in the batch")
        }
        #expect(ChargeText.allCases.allSatisfy { back[$0].string == r[$0].string })
        #expect(back.sameDimensionsAsPrevious == (row == 1))
      }
    }
  }
}
