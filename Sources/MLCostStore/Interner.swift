import CSQLite
import MLCostCore

#if canImport(Glibc)
import Glibc
#endif

/// Stores each distinct string once in `dict` and hands out its integer id.
/// A one-entry cache per column catches the common case (the next row repeats the value) without
/// hashing; a bounded dictionary catches the rest; SQLite's unique index is the truth.
final class Interner {
  private let db: SQLiteDatabase
  private let select: Statement
  private let insert: Statement
  private var ids: [String: Int64] = [:]
  private var last: [ScratchBytes]
  private var lastIds: [Int64]
  private let cacheLimit: Int

  init(db: SQLiteDatabase, slots: Int, cacheLimit: Int = 65_536) throws(StoreError) {
    self.db = db
    select = try db.prepare("SELECT id FROM dict WHERE value = ?")
    insert = try db.prepare("INSERT INTO dict(value) VALUES (?)")
    last = (0..<slots).map { _ in ScratchBytes(capacity: 64) }
    lastIds = Array(repeating: -1, count: slots)
    self.cacheLimit = cacheLimit
  }

  deinit { for b in last { b.free() } }

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
    let text = String(decoding: ref.bytes, as: UTF8.self)
    // Bytes that are not valid UTF-8 decode lossily (every bad sequence becomes U+FFFD), so two
    // different values could share a key: those go straight to SQLite, which compares bytes.
    let exact = text.utf8.count == ref.count && text.utf8.elementsEqual(ref.bytes)
    if exact, let id = ids[text] { return id }
    // Checked once per distinct value (the caches above skip repeats): mojibake and NULs never reach the store.
    if !exact { throw .encoding(Self.encodingProblem(ref.bytes)) }
    if ref.bytes.contains(0) {
      throw .encoding("a text field holds a NUL byte (\(Self.preview(ref.bytes))); the file is binary or damaged, or UTF-16: save it as UTF-8 text")
    }
    select.bindStatic(1, ref.bytes)
    let id: Int64
    if try select.step() {
      id = select.value(0).int ?? 0
      select.reset()
    } else {
      select.reset()
      insert.bindStatic(1, ref.bytes)
      try insert.run()
      id = db.lastInsertRowID
    }
    if ids.count >= cacheLimit { ids.removeAll(keepingCapacity: true) }
    ids[text] = id
    return id
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
