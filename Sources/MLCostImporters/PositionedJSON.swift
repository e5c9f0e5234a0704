import MLCostCore

/// A JSON value that remembers where it starts (line and column), so a bad field in an API export
/// is reported as `file:line:column` like a bad CSV cell. Foundation's JSONSerialization keeps no
/// positions, hence this small parser (docs/decisions.md). Numbers keep their text, so money stays exact.
indirect enum JSONNode: Sendable {
  case object([(String, JSONNode)], Int, Int)
  case array([JSONNode], Int, Int)
  case string(String, Int, Int)
  case number(String, Int, Int)
  case bool(Bool, Int, Int)
  case null(Int, Int)

  var line: Int {
    switch self {
    case .object(_, let l, _), .array(_, let l, _), .string(_, let l, _), .number(_, let l, _), .bool(_, let l, _), .null(let l, _): l
    }
  }
  var column: Int {
    switch self {
    case .object(_, _, let c), .array(_, _, let c), .string(_, _, let c), .number(_, _, let c), .bool(_, _, let c), .null(_, let c): c
    }
  }
  subscript(key: String) -> JSONNode? {
    guard case .object(let members, _, _) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }
  var members: [(String, JSONNode)] { if case .object(let m, _, _) = self { m } else { [] } }
  var elements: [JSONNode]? { if case .array(let a, _, _) = self { a } else { nil } }
  var isNull: Bool { if case .null = self { true } else { false } }
  /// Strings as they are, numbers as their text, booleans as true/false; nil for null, objects, arrays.
  var text: String? {
    switch self {
    case .string(let s, _, _), .number(let s, _, _): s
    case .bool(let b, _, _): b ? "true" : "false"
    default: nil
    }
  }
  var bool: Bool? { if case .bool(let b, _, _) = self { b } else { nil } }

  /// Compact JSON text of this value (for extras).
  var json: String {
    switch self {
    case .object(let m, _, _): "{" + m.map { "\"\(JSON.escaped($0.0))\":\($0.1.json)" }.joined(separator: ",") + "}"
    case .array(let a, _, _): "[" + a.map(\.json).joined(separator: ",") + "]"
    case .string(let s, _, _): "\"\(JSON.escaped(s))\""
    case .number(let s, _, _): s
    case .bool(let b, _, _): b ? "true" : "false"
    case .null: "null"
    }
  }
}

struct JSONSyntaxError: Error, CustomStringConvertible {
  var line: Int
  var column: Int
  var message: String
  var description: String { message }
}

/// Recursive-descent JSON parser over bytes, depth-limited (a hostile file cannot blow the stack).
struct PositionedJSONParser {
  private let b: UnsafeRawBufferPointer
  private var i = 0
  private var line = 1
  private var lineStart = 0
  private var depth = 0
  static let maxDepth = 200
  static func isHex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 102) }

  init(_ bytes: UnsafeRawBufferPointer) {
    b = bytes
    if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3; lineStart = 3 }
  }

  /// One document; trailing whitespace only.
  static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONNode {
    var p = PositionedJSONParser(bytes)
    let v = try p.value()
    p.skipSpace()
    if p.i < p.b.count { throw p.error("unexpected text after the JSON value") }
    return v
  }

  /// Parses one value starting at `offset` on `line` (for JSON lines); returns it and where it ended.
  static func parse(_ bytes: UnsafeRawBufferPointer, line: Int) throws(JSONSyntaxError) -> JSONNode {
    var p = PositionedJSONParser(bytes)
    p.line = line
    let v = try p.value()
    p.skipSpace()
    if p.i < p.b.count { throw p.error("unexpected text after the JSON value") }
    return v
  }

  private var column: Int { i - lineStart + 1 }
  private func error(_ m: String) -> JSONSyntaxError { JSONSyntaxError(line: line, column: column, message: m) }

  private mutating func skipSpace() {
    while i < b.count {
      switch b[i] {
      case 0x20, 0x09, 0x0D: i += 1
      case 0x0A: i += 1; line += 1; lineStart = i
      default: return
      }
    }
  }

  private mutating func value() throws(JSONSyntaxError) -> JSONNode {
    skipSpace()
    guard i < b.count else { throw error("the JSON ends early") }
    let l = line, c = column
    switch b[i] {
    case UInt8(ascii: "{"):
      depth += 1
      if depth > Self.maxDepth { throw error("JSON nested deeper than \(Self.maxDepth) levels") }
      defer { depth -= 1 }
      i += 1
      var members: [(String, JSONNode)] = []
      var names = Set<String>()
      skipSpace()
      if i < b.count && b[i] == UInt8(ascii: "}") { i += 1; return .object(members, l, c) }
      while true {
        skipSpace()
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw error("expected a quoted member name") }
        let key = try string()
        // JSON leaves duplicate names undefined; a reader that takes the first (or the last) would silently
        // drop a value, so a repeated name is an error.
        guard names.insert(key).inserted else { throw error("the member name \"\(key)\" appears twice in one object (the file is damaged or hand-edited)") }
        skipSpace()
        guard i < b.count, b[i] == UInt8(ascii: ":") else { throw error("expected ':' after a member name") }
        i += 1
        members.append((key, try value()))
        skipSpace()
        guard i < b.count else { throw error("the JSON ends inside an object") }
        if b[i] == UInt8(ascii: ",") { i += 1; continue }
        if b[i] == UInt8(ascii: "}") { i += 1; return .object(members, l, c) }
        throw error("expected ',' or '}' in an object")
      }
    case UInt8(ascii: "["):
      depth += 1
      if depth > Self.maxDepth { throw error("JSON nested deeper than \(Self.maxDepth) levels") }
      defer { depth -= 1 }
      i += 1
      var items: [JSONNode] = []
      skipSpace()
      if i < b.count && b[i] == UInt8(ascii: "]") { i += 1; return .array(items, l, c) }
      while true {
        items.append(try value())
        skipSpace()
        guard i < b.count else { throw error("the JSON ends inside an array") }
        if b[i] == UInt8(ascii: ",") { i += 1; continue }
        if b[i] == UInt8(ascii: "]") { i += 1; return .array(items, l, c) }
        throw error("expected ',' or ']' in an array")
      }
    case UInt8(ascii: "\""):
      return .string(try string(), l, c)
    case UInt8(ascii: "t"): try literal("true"); return .bool(true, l, c)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false, l, c)
    case UInt8(ascii: "n"): try literal("null"); return .null(l, c)
    default:
      let start = i
      while i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: ".")
              || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") || (b[i] >= 0x30 && b[i] <= 0x39) { i += 1 }
      guard i > start else { throw error("unexpected character '\(Character(Unicode.Scalar(b[i])))'") }
      return .number(String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<i]), as: UTF8.self), l, c)
    }
  }

  private mutating func literal(_ word: String) throws(JSONSyntaxError) {
    for ch in word.utf8 {
      guard i < b.count, b[i] == ch else { throw error("expected '\(word)'") }
      i += 1
    }
  }

  private mutating func string() throws(JSONSyntaxError) -> String {
    i += 1
    var out = [UInt8]()
    while i < b.count {
      let ch = b[i]
      if ch == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
      if ch == 0x0A { throw error("a string runs past the end of the line") }
      if ch == UInt8(ascii: "\\") {
        i += 1
        guard i < b.count else { break }
        switch b[i] {
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "u"):
          // Exactly four hex digits: UInt32(_:radix:) alone would take "+041".
          guard i + 4 < b.count, (i + 1...i + 4).allSatisfy({ Self.isHex(b[$0]) }),
                let code = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: b[(i + 1)...(i + 4)]), as: UTF8.self), radix: 16) else {
            throw error("bad \\u escape: expected four hex digits, as in \\u00e9")
          }
          i += 4
          var scalar = code
          if (0xD800..<0xDC00).contains(code), i + 6 < b.count, b[i + 1] == UInt8(ascii: "\\"), b[i + 2] == UInt8(ascii: "u"),
             (i + 3...i + 6).allSatisfy({ Self.isHex(b[$0]) }),
             let low = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: b[(i + 3)...(i + 6)]), as: UTF8.self), radix: 16),
             (0xDC00..<0xE000).contains(low) {
            scalar = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            i += 6
          }
          out.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
        default: out.append(b[i])
        }
        i += 1
        continue
      }
      out.append(ch)
      i += 1
    }
    throw error("a string is not closed")
  }
}
