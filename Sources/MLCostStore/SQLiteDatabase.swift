import CSQLite
import MLCostCore

/// A SQLite connection through the C API (docs/decisions.md: measured against GRDB on the bulk load).
public final class SQLiteDatabase {
  let handle: OpaquePointer
  public let path: String

  public init(path: String) throws(StoreError) {
    var db: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
    let rc = sqlite3_open_v2(path, &db, flags, nil)
    guard rc == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      if let db { sqlite3_close_v2(db) }
      throw .cannotOpen(path: path, reason: message)
    }
    self.handle = db
    self.path = path
    sqlite3_busy_timeout(db, 5000)
    MoneySum.register(db)
  }

  deinit { sqlite3_close_v2(handle) }

  /// How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
  public func setBusyTimeout(milliseconds: Int32) { sqlite3_busy_timeout(handle, milliseconds) }

  public func execute(_ sql: String) throws(StoreError) {
    var error: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(handle, sql, nil, nil, &error)
    if rc != SQLITE_OK {
      let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
      sqlite3_free(error)
      throw .sqlite(code: rc, message: message, sql: sql)
    }
  }

  public func prepare(_ sql: String) throws(StoreError) -> Statement {
    var stmt: OpaquePointer?
    let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
    guard rc == SQLITE_OK, let stmt else { throw .sqlite(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql) }
    return Statement(stmt, db: self, sql: sql)
  }

  /// Runs a query and returns every row (small results only).
  public func rows(_ sql: String, _ arguments: [SQLValue] = []) throws(StoreError) -> [[SQLValue]] {
    let stmt = try prepare(sql)
    try stmt.bind(arguments)
    var out: [[SQLValue]] = []
    while try stmt.step() { out.append((0..<stmt.columnCount).map { stmt.value($0) }) }
    return out
  }

  public func scalar(_ sql: String, _ arguments: [SQLValue] = []) throws(StoreError) -> SQLValue {
    try rows(sql, arguments).first?.first ?? .null
  }

  public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
  public var changes: Int { Int(sqlite3_changes(handle)) }
  var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}

/// A prepared statement; bind, step, read, reset.
public final class Statement {
  let stmt: OpaquePointer
  unowned let db: SQLiteDatabase
  let sql: String

  init(_ stmt: OpaquePointer, db: SQLiteDatabase, sql: String) { self.stmt = stmt; self.db = db; self.sql = sql }
  deinit { sqlite3_finalize(stmt) }

  public var columnCount: Int { Int(sqlite3_column_count(stmt)) }

  @inline(__always) public func bind(_ i: Int32, _ v: Int64?) {
    if let v { sqlite3_bind_int64(stmt, i, v) } else { sqlite3_bind_null(stmt, i) }
  }
  /// Money: pico-units as an INTEGER when they fit in 64 bits (up to ±9.2 million units), else as a BLOB
  /// holding the pico-units' ASCII digits — a BLOB because an INTEGER column would turn digit TEXT past
  /// 64 bits into a lossy REAL (docs/decisions.md, "128-bit money in SQLite").
  @inline(__always) public func bind(_ i: Int32, _ v: Amount?) {
    guard let v else { sqlite3_bind_null(stmt, i); return }
    precondition(!v.isOverflow, "an overflowed amount reached the store; the caller checks it first")
    if let small = v.int64 { sqlite3_bind_int64(stmt, i, small) } else { bindDigits(i, String(v.picos)) }
  }
  func bindDigits(_ i: Int32, _ digits: String) {
    var d = digits
    d.withUTF8 { _ = mlcost_bind_blob_transient(stmt, i, $0.baseAddress, Int32($0.count)) }
  }
  @inline(__always) public func bind(_ i: Int32, _ v: Double?) {
    if let v { sqlite3_bind_double(stmt, i, v) } else { sqlite3_bind_null(stmt, i) }
  }
  public func bind(_ i: Int32, _ v: String?) {
    if let v { _ = mlcost_bind_text_transient(stmt, i, v, -1) } else { sqlite3_bind_null(stmt, i) }
  }
  /// Binds bytes that stay valid until the next step (no copy).
  @inline(__always) public func bindStatic(_ i: Int32, _ bytes: UnsafeRawBufferPointer) {
    if let p = bytes.baseAddress {
      _ = mlcost_bind_text_static(stmt, i, p.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
    } else {
      sqlite3_bind_null(stmt, i)
    }
  }

  public func bind(_ values: [SQLValue]) throws(StoreError) {
    sqlite3_reset(stmt)
    for (k, v) in values.enumerated() {
      let i = Int32(k + 1)
      switch v {
      case .null: sqlite3_bind_null(stmt, i)
      case .integer(let x): bind(i, x)
      case .real(let x): bind(i, x)
      case .text(let x): bind(i, x)
      case .digits(let x): bindDigits(i, x)
      }
    }
  }

  /// Steps once; true while a row is available.
  @discardableResult public func step() throws(StoreError) -> Bool {
    let rc = sqlite3_step(stmt)
    if rc == SQLITE_ROW { return true }
    if rc == SQLITE_DONE { return false }
    let message = db.errorMessage
    sqlite3_reset(stmt)
    throw .sqlite(code: rc, message: message, sql: sql)
  }

  /// Steps a statement that returns no rows, then resets it for reuse.
  @inline(__always) public func run() throws(StoreError) {
    let rc = sqlite3_step(stmt)
    sqlite3_reset(stmt)
    if rc != SQLITE_DONE && rc != SQLITE_ROW { throw .sqlite(code: rc, message: db.errorMessage, sql: sql) }
  }

  public func reset() { sqlite3_reset(stmt) }

  public func value(_ i: Int) -> SQLValue {
    let c = Int32(i)
    switch sqlite3_column_type(stmt, c) {
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(stmt, c))
    case SQLITE_FLOAT: return .real(sqlite3_column_double(stmt, c))
    case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(stmt, c)))
    case SQLITE_BLOB:
      // The only BLOBs MLCost writes are wide amounts' ASCII digits.
      let n = Int(sqlite3_column_bytes(stmt, c))
      guard n > 0, let p = sqlite3_column_blob(stmt, c) else { return .digits("") }
      return .digits(String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self))
    default: return .null
    }
  }
}

/// A value going into or coming out of SQLite.
public enum SQLValue: Equatable, Sendable, CustomStringConvertible {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  /// A wide amount's pico-units as ASCII digits, stored as a BLOB.
  case digits(String)
  public var int: Int64? { if case .integer(let v) = self { return v }; return nil }
  /// A money column: INTEGER or TEXT pico-units (see `Statement.bind(_:_:Amount?)`); nil for NULL or a malformed value.
  public var amount: Amount? {
    switch self {
    case .integer(let v): return Amount(picos: Int128(v))
    case .text(let s), .digits(let s): return Int128(s).map { Amount(picos: $0) }
    default: return nil
    }
  }
  /// Money for a value the schema requires; a malformed one is the overflow value, never zero.
  public var amountOrOverflow: Amount { amount ?? .overflow }
  public static func money(_ a: Amount) -> SQLValue {
    if let small = a.int64 { return .integer(small) }
    return .digits(String(a.picos))
  }
  public var double: Double? {
    switch self {
    case .real(let v): return v
    case .integer(let v): return Double(v)
    default: return nil
    }
  }
  public var string: String? {
    switch self {
    case .text(let s), .digits(let s): return s
    case .integer(let v): return String(v)
    case .real(let v): return String(v)
    case .null: return nil
    }
  }
  public var description: String { string ?? "NULL" }
}

/// Errors from the store; the CLI turns them into exit code 1 (or 66 when the file cannot be opened).
public enum StoreError: Error, Sendable, CustomStringConvertible {
  case cannotOpen(path: String, reason: String)
  case sqlite(code: Int32, message: String, sql: String)
  case schema(String)
  /// A total that does not fit 128-bit money; the text names the file and what overflowed.
  case overflow(String)
  /// Text that is not UTF-8 (or holds NUL bytes): the whole file is refused, never stored as mojibake.
  case encoding(String)
  public var description: String {
    switch self {
    case .cannotOpen(let path, let reason): "\(path): error: cannot open the database (\(reason))"
    case .sqlite(_, let message, let sql) where message.contains("integer overflow"):
      "a count summed in the database passes 64 bits (more than 9.2 × 10^18 tokens or requests): the imported usage cannot be right; "
        + "check it with `mlcost imports` (in: \(sql.prefix(60))…)"
    case .sqlite(let code, let message, let sql): "database error \(code): \(message) (in: \(sql.prefix(120)))"
    case .schema(let m): "database schema: \(m)"
    case .overflow(let m): "\(m); nothing was imported"
    case .encoding(let m): "\(m); nothing was imported"
    }
  }
}
