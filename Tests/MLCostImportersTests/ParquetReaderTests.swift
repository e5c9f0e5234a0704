import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostImporters

/// The built-in Parquet reader against fixtures pyarrow wrote (scripts/make-parquet-fixtures.py): every type, codec,
/// page version and encoding it claims, rows crossing pages and row groups, and the text each field must read as,
/// computed from the values the files were written from.
struct ParquetReaderTests {
  static let dir = Repo.path("Tests/Parquet")
  static let variants = ["snappy-dictionary-v1", "gzip-plain", "zstd-v2", "none-small-pages", "snappy-v2-plain-small-pages", "int96"]

  static func rows(_ path: String, batch: Int = 4096) throws -> [[String]]? {
    var why: String?
    guard let feed = try ParquetRowFeed.open(path: path, fileName: (path as NSString).lastPathComponent, why: &why, batch: batch) else { return nil }
    return try CSVReader(source: feed).readAll()
  }

  @Test(arguments: variants)
  func everyFieldReadsAsItsText(_ variant: String) throws {
    let expected = try JSONDecoder().decode([[String]].self, from: Data(contentsOf: URL(fileURLWithPath: Self.dir + "/expected.json")))
    let rows = try #require(try Self.rows(Self.dir + "/\(variant).parquet"))
    #expect(rows.count == expected.count)
    // Levels are decoded in batches: batches of 1, 3 and 7 levels cross every run, page and map entry boundary.
    for batch in [1, 3, 7] { #expect(try Self.rows(Self.dir + "/\(variant).parquet", batch: batch) == rows, "batch \(batch)") }
    for (i, (got, want)) in zip(rows, expected).enumerated() where got != want {
      Issue.record("row \(i): \(got.enumerated().filter { $0.element != want[safe: $0.offset] }.map { "\(expected[0][$0.offset]): \($0.element.debugDescription) ≠ \((want[safe: $0.offset] ?? "-").debugDescription)" })")
    }
  }

  /// A list column is not the flat FOCUS shape: the built-in reader says so and leaves the file to the pyarrow helper.
  @Test func aListColumnIsLeftToTheHelper() throws {
    var why: String?
    #expect(try ParquetRowFeed.open(path: Self.dir + "/list.parquet", fileName: "list.parquet", why: &why) == nil)
    #expect(why?.contains("Items") == true, "\(why ?? "no reason")")
  }

  /// A file cut anywhere is a clear error naming the file (never a crash, never rows made up).
  @Test func aCutFileIsAClearError() throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.dir + "/snappy-dictionary-v1.parquet"))
    let tmp = Repo.temporaryDirectory("parquet-cut")
    let path = tmp + "/cut.parquet"
    for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
      try bytes.prefix(length).write(to: URL(fileURLWithPath: path))
      do {
        _ = try Self.rows(path)
        Issue.record("\(length) bytes of \(bytes.count) read without an error")
      } catch ImportError.badData(let d) {
        #expect(d.location?.file == "cut.parquet" && d.message.contains("Parquet"), "\(d.message)")
      } catch ImportError.missingInput {
        // An empty file
      }
    }
  }

  /// Bytes changed anywhere (the pages, the footer): read or refused with the file and the row, never a crash.
  @Test func damagedBytesNeverCrash() throws {
    var random = SplitMix64(seed: 20261203)
    let tmp = Repo.temporaryDirectory("parquet-damaged")
    for variant in Self.variants {
      let original = try Data(contentsOf: URL(fileURLWithPath: Self.dir + "/\(variant).parquet"))
      for _ in 0..<60 {
        var bytes = [UInt8](original)
        for _ in 0..<(1 + Int(random.next() % 4)) { bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next()) }
        let path = tmp + "/damaged.parquet"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do { _ = try Self.rows(path) } catch ImportError.badData(let d) {
          #expect(d.location?.file == "damaged.parquet", "\(d)")
        }
      }
    }
  }
}

private extension Array {
  subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
