/// UTC instants as seconds since 1970, parsed from the spellings real exports use.
public enum Timestamp {
  /// Parses `2024-10-01T00:00:00Z`, `2024-10-01 00:00:00`, `2024-10-01T00:00Z`,
  /// `2024-10-01 00:00:00.000`, `2020-11-09 23:00:00+00:00`, `2024-10-01`, and US-style
  /// `4/1/25` or `09/21/2023` (optionally followed by a time). Offsets are applied (±14:00 at most, as
  /// real zones are); no offset means UTC. `wallClock` keeps the date and time as written and ignores a
  /// valid offset: a billing period `2026-10-01T00:00:00+09:00` is October, not 15:00 on 30 September UTC.
  public static func parse(_ bytes: UnsafeRawBufferPointer, wallClock: Bool = false) throws(TimestampError) -> Int64 {
    var p = Scanner(bytes: bytes)
    let year: Int, month: Int, day: Int
    let a = p.digits()
    guard a.count > 0 else { throw .malformed(p.text, "expected a date such as 2026-10-01 or 10/1/26") }
    if p.peek == UInt8(ascii: "-") && a.count == 4 {
      p.advance()
      let m = p.digits(); guard m.count >= 1 && m.count <= 2, p.consume(UInt8(ascii: "-")) else { throw .malformed(p.text, "expected YYYY-MM-DD") }
      let d = p.digits(); guard d.count >= 1 && d.count <= 2 else { throw .malformed(p.text, "expected YYYY-MM-DD") }
      (year, month, day) = (a.value, m.value, d.value)
    } else if p.peek == UInt8(ascii: "/") && a.count <= 2 {
      p.advance()
      let d = p.digits(); guard d.count >= 1 && d.count <= 2, p.consume(UInt8(ascii: "/")) else { throw .malformed(p.text, "expected M/D/YY or MM/DD/YYYY") }
      let y = p.digits()
      guard y.count == 2 || y.count == 4 else { throw .malformed(p.text, "expected a 2- or 4-digit year in M/D/YY or MM/DD/YYYY") }
      (year, month, day) = (y.count == 2 ? 2000 + y.value : y.value, a.value, d.value)
    } else {
      throw .malformed(p.text, "expected a date such as 2026-10-01T00:00:00Z, 2026-10-01 or 10/1/26")
    }
    guard (1...12).contains(month) else { throw .outOfRange(p.text, "month \(month) is out of range (1–12)") }
    let dim = daysInMonth(year: year, month: month)
    guard (1...dim).contains(day) else { throw .outOfRange(p.text, "day \(day) is out of range (1–\(dim))") }

    var seconds = daysFromCivil(year: year, month: month, day: day) * 86_400
    if p.atEnd { return seconds }
    guard p.consume(UInt8(ascii: "T")) || p.consume(UInt8(ascii: " ")) || p.consume(UInt8(ascii: "t")) else {
      throw .malformed(p.text, "expected 'T' or a space between date and time")
    }
    let h = p.digits(); guard h.count == 2 || h.count == 1, p.consume(UInt8(ascii: ":")) else { throw .malformed(p.text, "expected HH:MM after the date") }
    let mi = p.digits(); guard mi.count == 2 else { throw .malformed(p.text, "expected HH:MM after the date") }
    var sec = 0
    if p.consume(UInt8(ascii: ":")) {
      let s = p.digits(); guard s.count == 2 else { throw .malformed(p.text, "expected two digits of seconds") }
      sec = s.value
      if p.consume(UInt8(ascii: ".")) {
        guard p.digits().count > 0 else { throw .malformed(p.text, "expected fraction digits after '.'") }
      }
    }
    guard h.value <= 23 else { throw .outOfRange(p.text, "hour \(h.value) is out of range (00–23)") }
    guard mi.value <= 59 else { throw .outOfRange(p.text, "minute \(mi.value) is out of range (00–59)") }
    guard sec <= 59 else { throw .outOfRange(p.text, "second \(sec) is out of range (00–59)") }
    seconds += Int64(h.value * 3600 + mi.value * 60 + sec)
    if p.atEnd || p.consume(UInt8(ascii: "Z")) || p.consume(UInt8(ascii: "z")) {
      guard p.atEnd else { throw .malformed(p.text, "unexpected text after the time zone") }
      return seconds
    }
    // Numeric offset: +HH:MM, +HHMM, +HH.
    guard let sign = p.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else {
      throw .malformed(p.text, "unexpected text after the time; expected Z or an offset such as +00:00")
    }
    p.advance()
    let oh = p.digits()
    var offsetMinutes: Int
    if oh.count == 4 { offsetMinutes = (oh.value / 100) * 60 + oh.value % 100 } else if oh.count == 2 {
      offsetMinutes = oh.value * 60
      if p.consume(UInt8(ascii: ":")) {
        let om = p.digits(); guard om.count == 2 else { throw .malformed(p.text, "expected an offset such as +01:00") }
        guard om.value < 60 else { throw .outOfRange(p.text, "the offset's minutes (\(om.value)) are out of range (00–59)") }
        offsetMinutes += om.value
      }
    } else { throw .malformed(p.text, "expected an offset such as +01:00") }
    guard p.atEnd else { throw .malformed(p.text, "unexpected text after the offset") }
    guard oh.count != 4 || oh.value % 100 < 60, offsetMinutes <= 14 * 60 else {
      throw .outOfRange(p.text, "the offset is out of range (real offsets lie between -12:00 and +14:00)")
    }
    if wallClock { return seconds }
    if sign == UInt8(ascii: "+") { offsetMinutes = -offsetMinutes }
    return seconds + Int64(offsetMinutes * 60)
  }

  public static func parse(_ text: String) throws(TimestampError) -> Int64 {
    var text = text
    let result = text.withUTF8 { b in Result { () throws(TimestampError) in try parse(UnsafeRawBufferPointer(b)) } }
    return try result.get()
  }

  /// `2026-10-01T00:00:00Z`
  public static func iso8601(_ seconds: Int64) -> String {
    let (y, m, d) = civil(fromDays: floorDiv(seconds, 86_400))
    let s = Int(seconds - floorDiv(seconds, 86_400) * 86_400)
    return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(s / 3600, 2)):\(pad(s / 60 % 60, 2)):\(pad(s % 60, 2))Z"
  }

  public static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// Days since 1970-01-01 (H. Hinnant's algorithm).
  public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = Int64((month + 9) % 12)
    let doy = (153 * mp + 2) / 5 + Int64(day) - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  public static func civil(fromDays z0: Int64) -> (year: Int, month: Int, day: Int) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
  }

  static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
  static func pad(_ v: Int, _ w: Int) -> String {
    let s = String(v); return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
  }

  private struct Scanner {
    let bytes: UnsafeRawBufferPointer
    var i = 0
    var atEnd: Bool { i >= bytes.count }
    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }
    var text: String { String(decoding: bytes, as: UTF8.self) }
    mutating func advance() { i += 1 }
    mutating func consume(_ b: UInt8) -> Bool { if peek == b { i += 1; return true }; return false }
    mutating func digits() -> (value: Int, count: Int) {
      var v = 0, c = 0
      while i < bytes.count, bytes[i] &- 48 < 10, c < 9 { v = v * 10 + Int(bytes[i] &- 48); i += 1; c += 1 }
      return (v, c)
    }
  }
}

public enum TimestampError: Error, Equatable, Sendable, CustomStringConvertible {
  case malformed(String, String)
  case outOfRange(String, String)
  public var description: String {
    switch self {
    case .malformed(let t, let why): "'\(t)' is not a timestamp: \(why)"
    case .outOfRange(let t, let why): "'\(t)' is not a valid timestamp: \(why)"
    }
  }
}

/// A calendar month, `2026-10`.
public struct BillingMonth: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
  public var year: Int
  public var month: Int
  public init(year: Int, month: Int) { self.year = year; self.month = month }
  /// The month containing the UTC instant.
  public init(containing seconds: Int64) {
    let c = Timestamp.civil(fromDays: Timestamp.floorDiv(seconds, 86_400))
    self.init(year: c.year, month: c.month)
  }
  public init?(_ text: String) {
    let parts = text.split(separator: "-")
    guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m), parts[0].count == 4 else { return nil }
    self.init(year: y, month: m)
  }
  public var start: Int64 { Timestamp.daysFromCivil(year: year, month: month, day: 1) * 86_400 }
  public var next: BillingMonth { month == 12 ? BillingMonth(year: year + 1, month: 1) : BillingMonth(year: year, month: month + 1) }
  public var previous: BillingMonth { month == 1 ? BillingMonth(year: year - 1, month: 12) : BillingMonth(year: year, month: month - 1) }
  public var days: Int { Timestamp.daysInMonth(year: year, month: month) }
  public var description: String { "\(Timestamp.pad(year, 4))-\(Timestamp.pad(month, 2))" }
  public static func < (l: BillingMonth, r: BillingMonth) -> Bool { (l.year, l.month) < (r.year, r.month) }
}
