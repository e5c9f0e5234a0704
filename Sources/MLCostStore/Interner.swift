import CSQLite
import MLCostCore

#if canImport(Glibc)
import Glibc
#endif

/// Stores each distinct string once in `dict` and hands out its integer id.
/// A one-entry cache per column catches the common case (the next row repeats the value) without
/// hashing; a bounded byte-keyed table (`BytesTable`) catches the rest; SQLite's unique index is the truth.
final class Interner {
  private let db: SQLiteDatabase
  private let select: Statement
  private let insert: Statement
  @exclusivity(unchecked) private var ids: BytesTable
  @exclusivity(unchecked) private var last: [ScratchBytes]
  @exclusivity(unchecked) private var lastIds: [Int64]

  init(db: SQLiteDatabase, slots: Int, cacheLimit: Int = 65_536) throws(StoreError) {
    self.db = db
    select = try db.prepare("SELECT id FROM dict WHERE value = ?")
    insert = try db.prepare("INSERT INTO dict(value) VALUES (?)")
    last = (0..<slots).map { _ in ScratchBytes(capacity: 64) }
    lastIds = Array(repeating: -1, count: slots)
    ids = BytesTable(maxEntries: cacheLimit)
  }

  deinit { for b in last { b.free() }; ids.free() }

  @inline(__always)
  func id(_ ref: TextRef, slot: Int) throws(StoreError) -> Int64? {
    guard let base = ref.base else { return nil }
    let n = ref.count
    if lastIds[slot] >= 0 && last[slot].count == n && memcmp(last[slot].base, base, n) == 0 {
      return lastIds[slot]
    }
    let id = try lookup(ref)
    last[slot].reset()
    last[slot].append(ref.bytes)
    lastIds[slot] = id
    return id
  }

  private func lookup(_ ref: TextRef) throws(StoreError) -> Int64 {
    let bytes = ref.bytes
    let h = BytesTable.hash(bytes)
    if let id = ids.find(bytes, hash: h) { return id }
    // Checked once per value the cache does not hold: mojibake and NULs never reach the store.
    if let why = Self.problem(ref) { throw .encoding(why) }
    select.bindStatic(1, bytes)
    let id: Int64
    if try select.step() {
      id = select.value(0).int ?? 0
      select.reset()
    } else {
      select.reset()
      insert.bindStatic(1, bytes)
      try insert.run()
      id = db.lastInsertRowID
    }
    ids.insert(bytes, hash: h, id: id)
    return id
  }

  /// Why text that is stored as it came (not interned) cannot be stored: not UTF-8, or a NUL byte; nil when it can.
  static func problem(_ ref: TextRef) -> String? {
    guard ref.base != nil else { return nil }
    let bytes = ref.bytes
    var ascii = true
    for b in bytes where b == 0 || b >= 0x80 { ascii = false; break }
    if ascii { return nil }
    if bytes.contains(0) {
      return "a text field holds a NUL byte (\(preview(bytes))); the file is binary or damaged, or UTF-16: save it as UTF-8 text"
    }
    let text = String(decoding: bytes, as: UTF8.self)
    return text.utf8.count == bytes.count && text.utf8.elementsEqual(bytes) ? nil : encodingProblem(bytes)
  }

  /// Why `bytes` is not UTF-8, and how to fix the file.
  static func encodingProblem(_ bytes: UnsafeRawBufferPointer) -> String {
    var i = 0
    var decoder = UTF8()
    var iterator = bytes.makeIterator()
    var offset = 0
    loop: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let s): offset += String(s).utf8.count
      case .emptyInput: break loop
      case .error: i = offset; break loop
      }
    }
    let b = i < bytes.count ? bytes[i] : 0
    return String(format: "byte 0x%02X in '%@' is not UTF-8: the file looks like Windows-1252 or Latin-1 (as Excel saves CSV); ", b, preview(bytes))
      + "convert it to UTF-8 (iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8.csv) and import that"
  }

  static func preview(_ bytes: UnsafeRawBufferPointer) -> String {
    String(decoding: bytes.prefix(40), as: UTF8.self).replacingOccurrences(of: "\u{0}", with: "\\0")
  }
}
