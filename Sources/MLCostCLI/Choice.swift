import ArgumentParser
import Foundation
import MLCost

/// Enumerated option values: matched ignoring case, and a near miss gets a "did you mean".
enum Choice {
  /// The allowed spelling of `value` (case-insensitive), or a usage error naming the choices and the nearest one.
  static func pick(_ value: String, from allowed: [String], option: String) throws -> String {
    if let exact = allowed.first(where: { $0.lowercased() == value.lowercased() }) { return exact }
    var message = "unknown \(option) '\(value)': use \(list(allowed))"
    if let near = suggestion(value, among: allowed) { message += " (did you mean '\(near)'?)" }
    throw ValidationError(message)
  }

  static func list(_ allowed: [String]) -> String {
    allowed.count < 2 ? allowed.joined() : allowed.dropLast().joined(separator: ", ") + " or " + allowed.last!
  }

  /// The closest of `among` within a third of the word's length in edits (at least 2), if any.
  static func suggestion(_ value: String, among: [String]) -> String? {
    let v = Array(value.lowercased())
    let scored = among.map { ($0, distance(v, Array($0.lowercased()))) }.min { $0.1 < $1.1 }
    guard let (best, d) = scored, d <= max(2, v.count / 3) else { return nil }
    return best
  }

  static func distance(_ a: [Character], _ b: [Character]) -> Int { Spelling.distance(a, b) }
}

/// Subcommand names checked before parsing: `mlcost reprot` (even with `--help`) is an error with a suggestion,
/// not the root help and exit 0.
enum SubcommandCheck {
  /// The error message for the first word that names no subcommand where one is expected, or nil.
  static func problem(_ arguments: [String], root: any ParsableCommand.Type) -> String? {
    var level: any ParsableCommand.Type = root
    var path = [root.configuration.commandName ?? "mlcost"]
    for word in arguments {
      let subcommands = level.configuration.subcommands
      if subcommands.isEmpty || word.hasPrefix("-") || word == "help" { return nil }
      let names = subcommands.compactMap { $0.configuration.commandName ?? defaultName($0) }
      guard let i = names.firstIndex(of: word) else {
        var message = "error: '\(path.joined(separator: " ")) \(word)' is not a command; commands: \(names.joined(separator: ", "))"
        if let near = Choice.suggestion(word, among: names) { message += " (did you mean '\(near)'?)" }
        return message
      }
      level = subcommands[i]
      path.append(word)
    }
    return nil
  }

  /// ArgumentParser's default name for a command type: `CatalogCommand` → `catalog-command`.
  static func defaultName(_ t: any ParsableCommand.Type) -> String {
    var out = ""
    for (i, c) in String(describing: t).enumerated() {
      if c.isUppercase && i > 0 { out += "-" }
      out += c.lowercased()
    }
    return out
  }
}
