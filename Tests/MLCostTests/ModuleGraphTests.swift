import Foundation
import MLCostTestSupport
import Testing

/// DESIGN.md's module graph, read from the `import` lines: arrows point down only, and the CLI
/// imports only the use-case module.
struct ModuleGraphTests {
  static let allowed: [String: Set<String>] = [
    "MLCostCore": [],
    "MLCostImporters": ["MLCostCore", "CLibXML2", "CZlib"],
    "MLCostStore": ["MLCostCore", "CSQLite"],
    "MLCostAttribution": ["MLCostCore", "Yams"],
    "MLCostCatalogs": ["MLCostCore"],
    "MLCostPlanner": ["MLCostCore", "MLCostCatalogs", "Yams"],
    "MLCostReports": ["MLCostCore", "CLibXML2"],
    "MLCostDemo": ["MLCostCore"],
    "MLCost": ["MLCostCore", "MLCostImporters", "MLCostStore", "MLCostAttribution", "MLCostCatalogs", "MLCostPlanner",
               "MLCostReports", "MLCostDemo", "CCrypto"],
    "MLCostCLI": ["MLCost", "ArgumentParser"],
  ]
  /// Modules whose imports are checked: ours, the system libraries and the third-party packages.
  static let ours: Set<String> = Set(allowed.keys).union(["CSQLite", "CLibXML2", "CCrypto", "CZlib", "Yams", "ArgumentParser"])

  /// Imports of our own modules, per target directory under Sources/.
  static func imports(under sources: String) throws -> [String: Set<String>] {
    let fm = FileManager.default
    var result: [String: Set<String>] = [:]
    for target in try fm.contentsOfDirectory(atPath: sources) {
      let dir = (sources as NSString).appendingPathComponent(target)
      guard let files = fm.enumerator(atPath: dir) else { continue }
      var found: Set<String> = []
      for case let file as String in files where file.hasSuffix(".swift") {
        let text = try String(contentsOfFile: (dir as NSString).appendingPathComponent(file), encoding: .utf8)
        for line in text.split(separator: "\n") {
          let words = line.split(separator: " ").filter { !$0.hasPrefix("@") && $0 != "public" && $0 != "internal" }
          if words.count >= 2, words[0] == "import" { found.insert(String(words[1].split(separator: ".")[0])) }
        }
      }
      result[target] = found.intersection(ours)
    }
    return result
  }

  static func violations(_ graph: [String: Set<String>]) -> [String] {
    graph.sorted { $0.key < $1.key }.flatMap { target, imported -> [String] in
      guard let allowed = allowed[target] else {
        return target.hasPrefix("C") ? [] : ["\(target) is not in DESIGN.md's module table"]
      }
      return imported.subtracting(allowed).sorted().map { "\(target) imports \($0)" }
    }
  }

  @Test func arrowsPointDownOnly() throws {
    let graph = try Self.imports(under: Repo.path("Sources"))
    #expect(graph["MLCostCore"] != nil && graph["MLCostCLI"] != nil)
    #expect(Self.violations(graph) == [])
  }

  @Test func theCheckCatchesAnUpwardArrow() {
    #expect(Self.violations(["MLCostStore": ["MLCostImporters"], "MLCostCLI": ["MLCostStore"]])
            == ["MLCostCLI imports MLCostStore", "MLCostStore imports MLCostImporters"])
  }

  /// Package.swift, this test's table and the README's module table say the same thing: each target's
  /// dependencies (ours, system libraries and third-party products) are exactly what it may import.
  @Test func packageReadmeAndThisTableAgree() throws {
    let manifest = try Self.manifestDependencies()
    let sourceTargets = manifest.filter { !$0.key.hasPrefix("C") && !$0.key.hasSuffix("Tests") && $0.key != "MLCostTestSupport" }
    #expect(sourceTargets == Self.allowed)
    #expect(try Self.readmeTable() == Self.allowed)
  }

  /// target → the names it depends on, from `swift package dump-package` (its own scratch path, so it never
  /// waits on the build folder the running tests hold).
  static func manifestDependencies() throws -> [String: Set<String>] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["swift", "package", "--package-path", Repo.root, "--scratch-path", Repo.temporaryDirectory(), "dump-package"]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    var result: [String: Set<String>] = [:]
    for target in json["targets"] as? [[String: Any]] ?? [] {
      guard let name = target["name"] as? String else { continue }
      var deps: Set<String> = []
      for dep in target["dependencies"] as? [[String: Any]] ?? [] {
        for (_, value) in dep {
          if let list = value as? [Any], let first = list.first as? String { deps.insert(first) }
        }
      }
      result[name] = deps
    }
    return result
  }

  /// The README's "Modules" table: target → its "imports" column (`—` for none).
  static func readmeTable() throws -> [String: Set<String>] {
    let text = try String(contentsOfFile: Repo.path("README.md"), encoding: .utf8)
    let section = try #require(text.components(separatedBy: "## Modules").dropFirst().first)
    var table: [String: Set<String>] = [:]
    for line in section.split(separator: "\n") where line.hasPrefix("| `") {
      let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count >= 3, !cells[0].hasPrefix("`C") else { continue }
      let name = String(cells[0].split(separator: "`")[0])
      table[name] = Set(cells[1].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }.filter { $0 != "—" && !$0.isEmpty })
    }
    return table
  }
}
