import Foundation

/// JSON text written by hand where a whole encoder is not wanted (tags, extra columns, generated exports).
public enum JSON {
  /// A JSON string literal body (without quotes).
  public static func escaped(_ s: String) -> String {
    var out = ""
    for ch in s.unicodeScalars {
      switch ch {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if ch.value < 0x20 { out += String(format: "\\u%04x", ch.value) } else { out.unicodeScalars.append(ch) }
      }
    }
    return out
  }
}
