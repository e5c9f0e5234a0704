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
    "MLCostAttribution": ["MLCostCore"],
    "MLCostCatalogs": ["MLCostCore"],
    "MLCostPlanner": ["MLCostCore", "MLCostCatalogs"],
    "MLCostReports": ["MLCostCore", "CLibXML2"],
    "MLCost": ["MLCostCore", "MLCostImporters", "MLCostStore", "MLCostAttribution", "MLCostCatalogs", "MLCostPlanner",
               "MLCostReports", "CCrypto"],
    "MLCostCLI": ["MLCost"],
  ]
  static let ours: Set<String> = Set(allowed.keys).union(["CSQLite", "CLibXML2", "CCrypto", "CZlib"])

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
}
