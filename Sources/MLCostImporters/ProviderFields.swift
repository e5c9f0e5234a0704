import Foundation
import MLCostCore

/// Header lookup and field parsing shared by the provider CSV mappers (CUR, Azure, GCP, LiteLLM,
/// metrics). Each mapper picks its own normalisation; errors name the header as the file spells it.
final class ProviderFields {
  let header: [String]
  let file: String
  private let index: [String: Int]
  private let fix: String

  /// - Parameters:
  ///   - normalise: maps a header cell to its lookup key; the first column with a key wins.
  ///   - timeFix: the fix printed under a bad timestamp.
  init(header: [String], file: String, normalise: (String) -> String, timeFix: String) {
    self.header = header
    self.file = file
    var index: [String: Int] = [:]
    for (i, name) in header.enumerated() where index[normalise(name)] == nil { index[normalise(name)] = i }
    self.index = index
    self.fix = timeFix
  }

  /// The first of `keys` (already normalised) that the header has.
  func find(_ keys: String...) -> Int? {
    for k in keys { if let i = index[k] { return i } }
    return nil
  }

  func headerError(_ message: String, fix: String) -> ImportError {
    .badData(Diagnostic(.error, at: SourceLocation(file: file, line: 1, column: nil), message, fix: fix))
  }

  // MARK: - Values of the current row (nil = absent column, empty or null)

  @inline(__always)
  func raw(_ row: CSVReader, _ i: Int?) -> UnsafeRawBufferPointer? {
    guard let i, i < row.fieldCount else { return nil }
    guard let v = FocusImporter.nonNull(row.field(i)) else { return nil }
    let t = FocusImporter.trimmed(v)
    return t.isEmpty ? nil : t
  }

  func text(_ row: CSVReader, _ i: Int?) -> TextRef {
    raw(row, i).map(TextRef.init) ?? .null
  }

  func string(_ row: CSVReader, _ i: Int?) -> String? {
    raw(row, i).map { String(decoding: $0, as: UTF8.self) }
  }

  func money(_ row: CSVReader, _ i: Int?, required: Bool = false) throws(RowError) -> Amount? {
    try exactMoney(row, i, required: required)?.amount
  }

  /// The amount and what rounding it to 12 decimals dropped from the text.
  func exactMoney(_ row: CSVReader, _ i: Int?, required: Bool = false) throws(RowError) -> (amount: Amount, residual: ExactDecimal.Residual)? {
    guard let v = raw(row, i) else {
      if required { throw missing(i) }
      return nil
    }
    do { return try ExactDecimal.parse(v) } catch {
      throw RowError(fieldIndex: i, field: header[i!], message: "\(error) in \(header[i!])",
                     fix: "write plain decimals such as 1234.56 (no currency symbol, no thousands separator)")
    }
  }

  func time(_ row: CSVReader, _ i: Int?, required: Bool = false, wallClock: Bool = false) throws(RowError) -> Int64? {
    guard let v = raw(row, i) else {
      if required { throw missing(i) }
      return nil
    }
    do { return try Timestamp.parse(v, wallClock: wallClock) } catch {
      throw RowError(fieldIndex: i, field: header[i!], message: "\(error) in \(header[i!])", fix: fix)
    }
  }

  /// The row's charge period (the end defaults to the start) and its billing period: `month` when the source names one,
  /// else the calendar month the charge starts in.
  func chargePeriod(_ row: CSVReader, start: Int?, end: Int?, month: BillingMonth? = nil, into r: inout ChargeRecord,
                    amounts: inout RowAmounts) throws(RowError) {
    r.chargePeriodStart = try time(row, start, required: true)!
    r.chargePeriodEnd = try time(row, end) ?? r.chargePeriodStart
    let m = month ?? BillingMonth(containing: r.chargePeriodStart)
    r.billingPeriodStart = m.start
    r.billingPeriodEnd = m.next.start
    amounts.period = m
  }

  func quantity(_ row: CSVReader, _ i: Int?) throws(RowError) -> Double? {
    guard let v = raw(row, i) else { return nil }
    do { return try ExactDecimal.parseDouble(v) } catch {
      throw RowError(fieldIndex: i, field: header[i!], message: "\(error) in \(header[i!])", fix: "write a plain decimal number")
    }
  }

  func integer(_ row: CSVReader, _ i: Int?) throws(RowError) -> Int64? {
    guard let q = try quantity(row, i) else { return nil }
    guard q == q.rounded(), q >= 0, q <= 1e15 else {
      throw RowError(fieldIndex: i, field: header[i!], message: "'\(q)' in \(header[i!]) is not a count (a whole number from 0 to 10^15)",
                     fix: "write a whole, non-negative count")
    }
    return Int64(q)
  }

  func missing(_ i: Int?) -> RowError {
    let name = i.map { header[$0] } ?? "a required column"
    return RowError(fieldIndex: i, field: i.map { header[$0] }, message: "\(name) is required but empty or null",
                    fix: "every row needs a value in \(name)")
  }

  func invalid(_ row: CSVReader, _ i: Int, expected: String) -> RowError {
    RowError(fieldIndex: i, field: header[i], message: "'\(row.string(i).trimmingCharacters(in: .whitespaces))' is not a valid \(header[i])",
             fix: "expected \(expected)")
  }

  /// The row's shape is right: not ragged beyond what the format tolerates.
  func checkShape(_ row: CSVReader, allowShortBy short: Int = 0) throws(RowError) {
    if let problem = row.rowProblem {
      throw RowError(fieldIndex: nil, field: nil, message: problem, fix: "quote the whole field and double any quote inside it")
    }
    let n = header.count
    guard row.fieldCount == n || (row.fieldCount < n && row.fieldCount >= n - short) else {
      throw RowError(fieldIndex: min(row.fieldCount, n), field: nil, message: "the row has \(row.fieldCount) fields but the header has \(n)",
                     fix: "check for an unquoted comma or a missing field")
    }
  }
}

/// Strings a mapper points records at (provider names, derived categories), alive as long as the mapper.
final class ConstantText {
  @exclusivity(unchecked) private var storage: [UnsafeMutableRawBufferPointer] = []
  @exclusivity(unchecked) private var cache: [String: TextRef] = [:]
  deinit { for b in storage { b.deallocate() } }

  func ref(_ s: String) -> TextRef {
    if let r = cache[s] { return r }
    let bytes = Array(s.utf8)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
    buffer.copyBytes(from: bytes)
    storage.append(buffer)
    let r = TextRef(base: UnsafeRawPointer(buffer.baseAddress!), count: bytes.count)
    cache[s] = r
    return r
  }
}

/// Building a JSON object of string values into scratch, then pointing a record field at it.
struct JSONObjectBuilder {
  var start = -1
  mutating func add(_ scratch: inout ScratchBytes, key: [UInt8], value: UnsafeRawBufferPointer) {
    scratch.appendExtra(key: key, value: value, first: &start)
  }
  /// Closes the object; returns its (offset, length) in scratch, or nil when nothing was added.
  mutating func close(_ scratch: inout ScratchBytes) -> (Int, Int)? {
    guard start >= 0 else { return nil }
    scratch.append(UInt8(ascii: "}"))
    defer { start = -1 }
    return (start, scratch.count - start)
  }
}
