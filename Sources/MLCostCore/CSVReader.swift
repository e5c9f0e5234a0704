/// A streaming RFC 4180 reader with what real exports add: a UTF-8 BOM, LF / CRLF / CR line ends,
/// blank lines (skipped), quoted fields with commas, doubled quotes and newlines.
///
/// It holds one chunk (1 MiB by default) and the current row, whatever the file size. Fields are
/// borrowed byte views, valid until the next `nextRow()`. Hand-written: the CSV libraries available
/// were 60–80× slower or loaded whole files (docs/decisions.md).
public final class CSVReader {
  public let source: any ByteSource
  private let chunk: UnsafeMutablePointer<UInt8>
  private let chunkCapacity: Int
  private var chunkLength = 0
  private var position = 0
  private var started = false
  private var finished = false
  private var pendingCR = false
  private var line = 1

  private var raw: ScratchBytes
  private var side: ScratchBytes
  private var starts: [Int] = []
  private var ends: [Int] = []
  private var rawStarts: [Int] = []
  private var inSide: [Bool] = []

  /// Physical line on which the current row starts (1-based).
  public private(set) var rowLine = 0
  /// Bytes consumed from the source so far.
  public private(set) var bytesRead: Int64 = 0
  /// Set when the current row is malformed (text after a closing quote); the row is still returned.
  public private(set) var rowProblem: String?
  /// True when the source began with a UTF-8 BOM.
  public private(set) var hadBOM = false

  public init(source: any ByteSource, chunkSize: Int = 1 << 20) {
    self.source = source
    self.chunkCapacity = max(4, chunkSize)
    self.chunk = .allocate(capacity: chunkCapacity)
    self.raw = ScratchBytes(capacity: 4096)
    self.side = ScratchBytes(capacity: 256)
  }

  deinit {
    chunk.deallocate()
    raw.free()
    side.free()
  }

  public var fieldCount: Int { starts.count }

  /// The bytes of field `i` of the current row (quotes removed, doubled quotes undone).
  @inline(__always)
  public func field(_ i: Int) -> UnsafeRawBufferPointer {
    let base = inSide[i] ? side.base : raw.base
    return UnsafeRawBufferPointer(start: base + starts[i], count: ends[i] - starts[i])
  }

  public func string(_ i: Int) -> String { String(decoding: field(i), as: UTF8.self) }

  /// The current row as it stood in the file (without its line end).
  public var rawText: String { String(decoding: raw.bytes, as: UTF8.self) }

  /// Line and byte column (1-based) where field `i` starts.
  public func position(ofField i: Int) -> (line: Int, column: Int) {
    let start = i < rawStarts.count ? rawStarts[i] : raw.count
    var lineOffset = 0
    var lastBreak = -1
    for k in 0..<start where raw.base[k] == UInt8(ascii: "\n") {
      lineOffset += 1
      lastBreak = k
    }
    return (rowLine + lineOffset, start - lastBreak)
  }

  /// Advances to the next non-blank row; false at the end of the input.
  public func nextRow() throws -> Bool {
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

  // MARK: - Parsing

  private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

  private func start() throws {
    started = true
    // Gather at least 3 bytes (or all there is) to recognise a BOM split across reads.
    while chunkLength < 3 {
      let n = try source.read(into: UnsafeMutableRawBufferPointer(start: chunk + chunkLength, count: chunkCapacity - chunkLength))
      if n == 0 { break }
      chunkLength += n
      bytesRead += Int64(n)
    }
    if chunkLength >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF {
      position = 3
      hadBOM = true
    }
    if chunkLength == 0 { finished = true }
  }

  private func refill() throws -> Bool {
    let n = try source.read(into: UnsafeMutableRawBufferPointer(start: chunk, count: chunkCapacity))
    chunkLength = n
    position = 0
    bytesRead += Int64(n)
    return n > 0
  }

  private func resetRow() {
    raw.count = 0
    side.count = 0
    starts.removeAll(keepingCapacity: true)
    ends.removeAll(keepingCapacity: true)
    rawStarts.removeAll(keepingCapacity: true)
    inSide.removeAll(keepingCapacity: true)
    rowProblem = nil
  }

  private func endField(_ start: Int, _ end: Int, rawStart: Int, unescape: Bool) {
    rawStarts.append(rawStart)
    if unescape {
      let s = side.count
      side.reserve(end - start)
      var k = start
      while k < end {
        let b = raw.base[k]
        side.append(b)
        k += (b == UInt8(ascii: "\"") && k + 1 < end && raw.base[k + 1] == UInt8(ascii: "\"")) ? 2 : 1
      }
      starts.append(s); ends.append(side.count); inSide.append(true)
    } else {
      starts.append(start); ends.append(end); inSide.append(false)
    }
  }

  /// Reads one row or one blank line. Returns true when a row is ready.
  private func readRow() throws -> Bool {
    resetRow()
    if pendingCR {
      if position == chunkLength, try !refill() { finished = true; return false }
      if chunk[position] == UInt8(ascii: "\n") { position += 1 }
      pendingCR = false
    }
    rowLine = line
    var state = State.fieldStart
    var fieldStart = 0
    var rawStart = 0
    var unescape = false
    let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    while true {
      if position == chunkLength {
        if try !refill() {
          finished = true
          switch state {
          case .fieldStart:
            if raw.count == 0 && starts.isEmpty { return false }
            endField(raw.count, raw.count, rawStart: raw.count, unescape: false)
          case .unquoted:
            endField(fieldStart, raw.count, rawStart: rawStart, unescape: false)
          case .quoted:
            throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: "", line: rowLine, column: nil),
              "a quoted field starting on line \(rowLine) is never closed", fix: "close the quote or escape quotes inside fields as \"\""))
          case .quoteInQuoted:
            endField(fieldStart, raw.count - 1, rawStart: rawStart, unescape: unescape)
          }
          return true
        }
      }
      switch state {
      case .fieldStart:
        rawStart = raw.count
        if chunk[position] == quote {
          raw.append(quote)
          position += 1
          fieldStart = raw.count
          unescape = false
          state = .quoted
        } else {
          fieldStart = raw.count
          state = .unquoted
        }

      case .unquoted:
        var i = position
        while i < chunkLength {
          let b = chunk[i]
          if b == comma || b == lf || b == cr { break }
          i += 1
        }
        raw.append(chunk + position, i - position)
        position = i
        if i == chunkLength { continue }
        let b = chunk[i]
        endField(fieldStart, raw.count, rawStart: rawStart, unescape: false)
        position += 1
        if b == comma {
          raw.append(comma)
          state = .fieldStart
        } else {
          return endOfLine(b == cr)
        }

      case .quoted:
        var i = position
        while i < chunkLength {
          let b = chunk[i]
          if b == quote { break }
          if b == lf { line += 1 }
          i += 1
        }
        raw.append(chunk + position, i - position)
        position = i
        if i == chunkLength { continue }
        raw.append(quote)
        position += 1
        state = .quoteInQuoted

      case .quoteInQuoted:
        let b = chunk[position]
        if b == quote {
          raw.append(quote)
          position += 1
          unescape = true
          state = .quoted
        } else if b == comma || b == lf || b == cr {
          endField(fieldStart, raw.count - 1, rawStart: rawStart, unescape: unescape)
          position += 1
          if b == comma {
            raw.append(comma)
            state = .fieldStart
          } else {
            return endOfLine(b == cr)
          }
        } else {
          // `"abc"def`: keep the text as it is and say the row is malformed.
          rowProblem = "unexpected text after a closing quote"
          state = .unquoted
        }
      }
    }
  }

  /// Ends the row at a line end; a blank line yields no row.
  private func endOfLine(_ wasCR: Bool) -> Bool {
    line += 1
    pendingCR = wasCR
    if starts.count == 1 && raw.count == 0 { return false }
    return true
  }
}
