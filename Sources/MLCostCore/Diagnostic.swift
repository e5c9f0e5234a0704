/// `file:line:column`, compiler-style. Line and column are 1-based; column counts bytes in the line.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int?
  public init(file: String, line: Int, column: Int? = nil) { self.file = file; self.line = line; self.column = column }
  public var description: String { column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)" }
}

/// A problem in the input: where, what was wrong, and how to fix it.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Severity: String, Sendable { case error, warning, note }
  public var severity: Severity
  public var location: SourceLocation?
  public var message: String
  public var fix: String?
  public init(_ severity: Severity, at location: SourceLocation?, _ message: String, fix: String? = nil) {
    self.severity = severity; self.location = location; self.message = message; self.fix = fix
  }
  public var description: String {
    var s = location.map { "\($0): " } ?? ""
    s += "\(severity.rawValue): \(message)"
    if let fix { s += "; \(fix)" }
    return s
  }
}

/// Errors that stop an import. Each names the file and, where it can, the line and column.
public enum ImportError: Error, Sendable, CustomStringConvertible {
  /// The file does not exist or cannot be read (exit 66).
  case missingInput(path: String, reason: String)
  /// The data is wrong (exit 65).
  case badData(Diagnostic)
  /// The caller asked for something impossible (exit 64).
  case usage(String)

  public var description: String {
    switch self {
    case .missingInput(let path, let reason): "\(path): error: \(reason)"
    case .badData(let d): d.description
    case .usage(let m): m
    }
  }
}
