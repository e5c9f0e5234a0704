#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming RFC 4180 reader with what real exports add: a UTF-8 BOM, LF / CRLF / CR line ends,
/// blank lines (skipped), quoted fields with commas, doubled quotes and newlines.
///
/// A file is parsed in place in its read-only memory map (pages behind the cursor are dropped, so
/// resident memory stays flat). Other sources are parsed in place in one read buffer (1 MiB by
/// default): a field is a view of the buffer,
/// and nothing is copied except fields with doubled quotes. A row that crosses the end of the buffer
/// is moved to its front before the next read; the buffer grows only for a row longer than itself.
/// So memory is one buffer plus one row, whatever the file size. Fields are valid until the next
/// `nextRow()`. Hand-written: the CSV libraries available were 60–80× slower or loaded whole files
/// (docs/decisions.md).
public final class CSVReader {
  public let source: any ByteSource
  /// Rows that are not CSV text (a Parquet file): the feed appends each row's fields (`feedField`).
  private let feed: (any RowFeed)?

  struct Span {
    var start: Int
    var end: Int
    /// Where the field (with its opening quote) starts in the buffer, for locations.
    var rawStart: Int
    var inSide: Bool
  }

  @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
  @exclusivity(unchecked) private var capacity: Int
  @exclusivity(unchecked) private var length = 0
  @exclusivity(unchecked) private var position = 0
  @exclusivity(unchecked) private var rowStart = 0
  @exclusivity(unchecked) private var rowEnd = 0
  @exclusivity(unchecked) private var spans: UnsafeMutablePointer<Span>
  @exclusivity(unchecked) private var spanCapacity = 64
  @exclusivity(unchecked) public private(set) var fieldCount = 0
  @exclusivity(unchecked) private var side: ScratchBytes
  @exclusivity(unchecked) private var fieldStart = 0
  @exclusivity(unchecked) private var fieldRawStart = 0

  /// The whole input is mapped memory: parse it in place, never read, never move, never free.
  private let mapped: Bool
  @exclusivity(unchecked) private var releasedUpTo = 0
  @exclusivity(unchecked) private var started = false
  @exclusivity(unchecked) private var finished = false
  @exclusivity(unchecked) private var pendingCR = false
  @exclusivity(unchecked) private var line = 1

  /// The file's name for the reader's own errors (an unclosed quote, an endless row); callers that know it set it.
  @exclusivity(unchecked) public var fileName = ""
  /// Physical line on which the current row starts (1-based).
  @exclusivity(unchecked) public private(set) var rowLine = 0
  /// Bytes consumed from the source so far.
  public var bytesRead: Int64 { mapped ? Int64(position) : readCount }
  @exclusivity(unchecked) private var readCount: Int64 = 0
  /// Set when the current row is malformed (text after a closing quote); the row is still returned.
  @exclusivity(unchecked) public private(set) var rowProblem: String?
  /// True when the source began with a UTF-8 BOM.
  @exclusivity(unchecked) public private(set) var hadBOM = false

  public init(source: any ByteSource, chunkSize: Int = 1 << 20) {
    self.source = source
    feed = source.rowFeed
    if feed != nil {
      mapped = false
      capacity = 4
      buffer = .allocate(capacity: capacity)
    } else if let bytes = source.mappedBytes, let base = bytes.baseAddress {
      mapped = true
      capacity = bytes.count
      length = bytes.count
      buffer = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
    } else {
      mapped = false
      capacity = max(4, chunkSize)
      buffer = .allocate(capacity: capacity)
    }
    self.spans = .allocate(capacity: spanCapacity)
    self.side = ScratchBytes(capacity: 256)
  }

  deinit {
    if !mapped { buffer.deallocate() }
    spans.deallocate()
    side.free()
  }

  /// The bytes of field `i` of the current row (quotes removed, doubled quotes undone).
  @inline(__always)
  public func field(_ i: Int) -> UnsafeRawBufferPointer {
    let s = spans[i]
    return UnsafeRawBufferPointer(start: (s.inSide ? side.base : buffer) + s.start, count: s.end - s.start)
  }

  public func string(_ i: Int) -> String { String(decoding: field(i), as: UTF8.self) }

  /// The current row as it stood in the file (without its line end); a fed row as CSV.
  public var rawText: String {
    if feed != nil {
      return (0..<fieldCount).map { i in
        let text = string(i)
        return text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
          ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
      }.joined(separator: ",")
    }
    return String(decoding: UnsafeRawBufferPointer(start: buffer + rowStart, count: rowEnd - rowStart), as: UTF8.self)
  }

  /// Line and byte column (1-based) where field `i` starts; a fed row has a line (its row number) and no column.
  public func position(ofField i: Int) -> (line: Int, column: Int?) {
    if feed != nil { return (rowLine, nil) }
    let start = i < fieldCount ? spans[i].rawStart : rowEnd
    var lineOffset = 0
    var lastBreak = rowStart - 1
    var k = rowStart
    while k < start {
      if buffer[k] == UInt8(ascii: "\n") { lineOffset += 1; lastBreak = k }
      k += 1
    }
    return (rowLine + lineOffset, start - lastBreak)
  }

  /// Advances to the next non-blank row; false at the end of the input.
  public func nextRow() throws -> Bool {
    if let feed {
      fieldCount = 0
      side.reset()
      rowLine = line
      line += 1
      return try feed.nextRow(into: self)
    }
    if !started { try start() }
    while true {
      if finished { return false }
      if try readRow() { return true }
    }
  }

  /// All remaining rows as strings (tests, small files).
  public func readAll() throws -> [[String]] {
    var rows: [[String]] = []
    while try nextRow() { rows.append((0..<fieldCount).map { string($0) }) }
    return rows
  }

  // MARK: - Buffer

  private func start() throws {
    started = true
    // At least 3 bytes (or all there is) to recognise a BOM split across reads.
    while length < 3 { if try !fill() { break } }
    if length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
      position = 3
      hadBOM = true
    }
    rowStart = position
  }

  /// Reads more bytes after moving the current row to the front; false at the end of the input.
  private func fill() throws -> Bool {
    if mapped { return false }
    if rowStart > 0 {
      let shift = rowStart
      let keep = length - shift
      if keep > 0 { memmove(buffer, buffer + shift, keep) }
      length = keep
      position -= shift
      rowStart = 0
      fieldStart -= shift
      fieldRawStart -= shift
      for k in 0..<fieldCount {
        spans[k].rawStart -= shift
        if !spans[k].inSide { spans[k].start -= shift; spans[k].end -= shift }
      }
    }
    if length == capacity {
      // One row past 256 MiB is not a billing export (an unterminated quote, a binary file): stop with its
      // line instead of growing without bound.
      guard capacity < CSVReader.maxRowBytes else {
        throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: rowLine, column: nil),
          "a row longer than \(CSVReader.maxRowBytes >> 20) MiB starts here (an unterminated quote?)",
          fix: "check the quoting from this line on; exports quote a field that holds a comma, a quote or a newline"))
      }
      let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
      bigger.update(from: buffer, count: length)
      buffer.deallocate()
      buffer = bigger
      capacity *= 2
    }
    let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + length, count: capacity - length))
    length += n
    readCount += Int64(n)
    return n > 0
  }

  /// The longest row the reader holds in memory, and the most fields a row may have.
  public static let maxRowBytes = 256 << 20
  public static let maxFields = 100_000

  /// Room for one more field's span.
  @inline(__always)
  private func reserveSpan() {
    guard fieldCount == spanCapacity else { return }
    let bigger = UnsafeMutablePointer<Span>.allocate(capacity: spanCapacity * 2)
    bigger.update(from: spans, count: fieldCount)
    spans.deallocate()
    spans = bigger
    spanCapacity *= 2
  }

  @inline(__always)
  private func addField(end: Int, unescape: Bool) {
    reserveSpan()
    if unescape {
      let s = side.count
      side.reserve(end - fieldStart)
      var k = fieldStart
      while k < end {
        let b = buffer[k]
        side.append(b)
        k += (b == UInt8(ascii: "\"") && k + 1 < end && buffer[k + 1] == UInt8(ascii: "\"")) ? 2 : 1
      }
      spans[fieldCount] = Span(start: s, end: side.count, rawStart: fieldRawStart, inSide: true)
    } else {
      spans[fieldCount] = Span(start: fieldStart, end: end, rawStart: fieldRawStart, inSide: false)
    }
    fieldCount += 1
  }

  // MARK: - Fed rows

  /// Appends a field to the current fed row.
  @inline(__always)
  public func feedField(_ bytes: UnsafeRawBufferPointer) {
    let start = side.count
    side.append(bytes)
    feedFieldEnd(start)
  }

  /// A field written in parts: `feedFieldStart`, then `feedBytes`, then `feedFieldEnd` with what the start returned.
  @inline(__always) public func feedFieldStart() -> Int { side.count }
  @inline(__always) public func feedBytes(_ bytes: UnsafeRawBufferPointer) { side.append(bytes) }
  @inline(__always) public func feedByte(_ byte: UInt8) { side.append(byte) }
  @inline(__always)
  public func feedFieldEnd(_ start: Int) {
    reserveSpan()
    spans[fieldCount] = Span(start: start, end: side.count, rawStart: 0, inSide: true)
    fieldCount += 1
  }

  // MARK: - Parsing

  private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

  /// Reads one row or one blank line. Returns true when a row is ready.
  private func readRow() throws -> Bool {
    if mapped && position - releasedUpTo >= 1 << 20 {
      source.release(before: position)
      releasedUpTo = position
    }
    fieldCount = 0
    side.reset()
    rowProblem = nil
    rowStart = position
    if pendingCR {
      if position == length, try !fill() { finished = true; return false }
      if buffer[position] == UInt8(ascii: "\n") { position += 1; rowStart = position }
      pendingCR = false
    }
    rowLine = line
    var state = State.fieldStart
    var unescape = false
    let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    while true {
      if position == length {
        if try !fill() {
          finished = true
          rowEnd = length
          switch state {
          case .fieldStart:
            if fieldCount == 0 && rowEnd == rowStart { return false }
            fieldStart = length; fieldRawStart = length
            addField(end: length, unescape: false)
          case .unquoted:
            addField(end: length, unescape: false)
          case .quoted:
            throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: rowLine, column: nil),
              "a quoted field starting on line \(rowLine) is never closed", fix: "close the quote or escape quotes inside fields as \"\""))
          case .quoteInQuoted:
            addField(end: length - 1, unescape: unescape)
          }
          return true
        }
      }
      switch state {
      case .fieldStart:
        if fieldCount >= Self.maxFields {
          throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: rowLine, column: nil),
            "the row on line \(rowLine) has more than \(Self.maxFields) fields", fix: "this is not a billing export's row; check the file"))
        }
        fieldRawStart = position
        if buffer[position] == quote {
          position += 1
          fieldStart = position
          unescape = false
          state = .quoted
        } else {
          fieldStart = position
          state = .unquoted
        }

      case .unquoted:
        var i = position
        let end = length
        let p = buffer
        while i < end {
          // Eight bytes at a time while none is below 0x2D (',' CR LF and the rarer space, quote, …).
          if i + 8 <= end && !Self.hasByteBelow0x2D(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) {
            i += 8
            continue
          }
          let b = p[i]
          if b == comma || b == lf || b == cr { break }
          i += 1
        }
        position = i
        if i == end { continue }
        let b = p[i]
        addField(end: i, unescape: false)
        position += 1
        if b == comma {
          state = .fieldStart
        } else {
          return endOfLine(at: i, wasCR: b == cr)
        }

      case .quoted:
        var i = position
        let end = length
        let p = buffer
        while i < end {
          if i + 8 <= end && !Self.hasQuoteOrLF(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) {
            i += 8
            continue
          }
          let b = p[i]
          if b == quote { break }
          if b == lf { line += 1 }
          i += 1
        }
        position = i
        if i == end { continue }
        position += 1
        state = .quoteInQuoted

      case .quoteInQuoted:
        let b = buffer[position]
        if b == quote {
          position += 1
          unescape = true
          state = .quoted
        } else if b == comma || b == lf || b == cr {
          addField(end: position - 1, unescape: unescape)
          let at = position
          position += 1
          if b == comma {
            state = .fieldStart
          } else {
            return endOfLine(at: at, wasCR: b == cr)
          }
        } else {
          // `"abc"def`: keep the text as it is and say the row is malformed.
          rowProblem = "unexpected text after a closing quote"
          state = .unquoted
        }
      }
    }
  }

  // SWAR tests on eight bytes (exact: no false negatives; a false positive only means a byte step).
  @inline(__always)
  static func hasByteBelow0x2D(_ w: UInt64) -> Bool {
    (w &- 0x2D2D_2D2D_2D2D_2D2D) & ~w & 0x8080_8080_8080_8080 != 0
  }

  @inline(__always)
  static func hasZeroByte(_ w: UInt64) -> Bool {
    (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080 != 0
  }

  @inline(__always)
  static func hasQuoteOrLF(_ w: UInt64) -> Bool {
    hasZeroByte(w ^ 0x2222_2222_2222_2222) || hasZeroByte(w ^ 0x0A0A_0A0A_0A0A_0A0A)
  }

  /// Ends the row at a line end; a blank line yields no row.
  private func endOfLine(at end: Int, wasCR: Bool) -> Bool {
    line += 1
    pendingCR = wasCR
    rowEnd = end
    if fieldCount == 1 && end == rowStart { return false }
    return true
  }
}
