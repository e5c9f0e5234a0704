import Foundation
import Testing
@testable import MLCostCore

struct CSVReaderTests {
  /// Sane limits: a row of more than 100,000 fields is an error with its line, not unbounded memory.
  @Test func aRowWithTooManyFieldsIsAnError() {
    let text = "a,b\n" + String(repeating: ",", count: CSVReader.maxFields + 1) + "\n"
    let reader = CSVReader(source: MemoryByteSource(text))
    do {
      while try reader.nextRow() {}
      Issue.record("read")
    } catch {
      #expect("\(error)".contains("more than 100000 fields") && "\(error)".contains("line 2"), "\(error)")
    }
  }

  func rows(_ text: String, chunk: Int = 1 << 20) throws -> [[String]] {
    try CSVReader(source: MemoryByteSource(text, chunkSize: chunk), chunkSize: max(4, chunk)).readAll()
  }

  @Test func quotedFieldsKeepCommasQuotesAndNewlines() throws {
    let text = "a,b,c\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
    #expect(try rows(text) == [["a", "b", "c"], ["x,1", "say \"hi\"", "two\nlines"]])
  }

  @Test func blankLinesAreSkippedAndEmptyFieldsKept() throws {
    #expect(try rows("h1,h2\n\n1,\n\n,2\n\n") == [["h1", "h2"], ["1", ""], ["", "2"]])
  }

  @Test func headerOnlyAndEmptyInputs() throws {
    #expect(try rows("a,b\n") == [["a", "b"]])
    #expect(try rows("a,b") == [["a", "b"]])
    #expect(try rows("") == [])
    #expect(try rows("\u{FEFF}") == [])
  }

  @Test func lineNumbersCountPhysicalLines() throws {
    let reader = CSVReader(source: MemoryByteSource("h\n\"a\nb\"\n\nc\r\nd\n"))
    var lines: [Int] = []
    while try reader.nextRow() { lines.append(reader.rowLine) }
    #expect(lines == [1, 2, 5, 6])
  }

  @Test func fieldPositionsPointAtTheColumn() throws {
    let reader = CSVReader(source: MemoryByteSource("h\nab,\"c\nd\",xyz\n"))
    _ = try reader.nextRow(); _ = try reader.nextRow()
    #expect(reader.position(ofField: 0) == (2, 1))
    #expect(reader.position(ofField: 1) == (2, 4))
    #expect(reader.position(ofField: 2) == (3, 4))
    #expect(reader.rawText == "ab,\"c\nd\",xyz")
  }

  @Test func anUnclosedQuoteNamesItsLine() throws {
    #expect(throws: ImportError.self) { try rows("a\n\"never closed\n") }
    do { _ = try rows("a\nb\n\"never closed\n") } catch let ImportError.badData(d) {
      #expect(d.message.contains("line 3"))
    }
  }

  @Test func textAfterAClosingQuoteIsFlagged() throws {
    let reader = CSVReader(source: MemoryByteSource("\"ab\"c,d\n"))
    _ = try reader.nextRow()
    #expect(reader.rowProblem != nil)
    #expect(reader.fieldCount == 2)
  }

  /// The same bytes fed as LF, as CRLF, with a BOM, and in 1-byte chunks give identical rows.
  @Test func lineEndingsBOMAndChunkingDoNotChangeRows() throws {
    var rng = TestRandom(seed: 42)
    let alphabet = Array("ab ,\"\n1.é€😀")
    for _ in 0..<60 {
      var lines: [String] = []
      for _ in 0..<rng.below(8) + 1 {
        var fields: [String] = []
        for _ in 0..<rng.below(5) + 1 {
          let raw = String((0..<rng.below(7)).map { _ in alphabet[rng.below(alphabet.count)] })
          let needsQuotes = raw.contains { $0 == "," || $0 == "\"" || $0 == "\n" } || rng.below(4) == 0
          fields.append(needsQuotes ? "\"" + raw.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : raw)
        }
        lines.append(fields.joined(separator: ","))
      }
      let lf = lines.joined(separator: "\n") + "\n"
      let expected = try rows(lf)
      // CRLF only outside quoted newlines changes nothing inside fields: compare line ends as written.
      let crlf = lines.map { $0 }.joined(separator: "\r\n") + "\r\n"
      #expect(try rows(crlf) == expected, "CRLF: \(lf.debugDescription)")
      #expect(try rows("\u{FEFF}" + lf) == expected, "BOM: \(lf.debugDescription)")
      #expect(try rows(lf, chunk: 1) == expected, "1-byte: \(lf.debugDescription)")
      #expect(try rows("\u{FEFF}" + crlf, chunk: 1) == expected, "BOM+CRLF+1-byte: \(lf.debugDescription)")
      #expect(try rows(lf, chunk: 3) == expected)
      #expect(try rows(crlf, chunk: 5) == expected)
      #expect(try rows("\u{FEFF}" + lf, chunk: 64) == expected)
    }
  }
}
