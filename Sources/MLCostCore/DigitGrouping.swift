/// The one thousands separator of every renderer: `-1234567.50` → `-1,234,567.50`.
public enum Digits {
  /// A plain decimal text (optional `-`, digits, optional fraction) with commas between groups of three
  /// whole digits; the fraction is kept as it is.
  public static func grouped(_ plain: String) -> String {
    let negative = plain.hasPrefix("-")
    let body = negative ? plain.dropFirst() : Substring(plain)
    let dot = body.firstIndex(of: ".") ?? body.endIndex
    var whole = body[..<dot]
    var out = ""
    while whole.count > 3 {
      out = "," + whole.suffix(3) + out
      whole = whole.dropLast(3)
    }
    return (negative ? "-" : "") + whole + out + body[dot...]
  }
}
