import Foundation
import MLCostTestSupport
import Testing

/// Contract 7: libraries never print or exit; only the CLI does.
struct LibrariesNeverPrintTests {
  static let forbidden = ["print(", "exit(", "FileHandle.standardError", "FileHandle.standardOutput", "fatalError(", "fputs(", "abort("]

  static func offenders(in sources: String) throws -> [String] {
    var found: [String] = []
    let fm = FileManager.default
    for target in try fm.contentsOfDirectory(atPath: sources) where target.hasPrefix("MLCost") && target != "MLCostCLI" {
      let dir = (sources as NSString).appendingPathComponent(target)
      let files = (fm.enumerator(atPath: dir)?.allObjects as? [String]) ?? []
      for file in files where file.hasSuffix(".swift") {
        let text = try String(contentsOfFile: (dir as NSString).appendingPathComponent(file), encoding: .utf8)
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
          let code = line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
          for word in forbidden where code.contains(word) && !code.contains("preconditionFailure") {
            // `x.print(` or `someexit(` are not calls of the global functions.
            if let r = code.range(of: word), r.lowerBound > code.startIndex {
              let before = code[code.index(before: r.lowerBound)]
              if before.isLetter || before.isNumber || before == "." || before == "_" { continue }
            }
            found.append("\(target)/\(file):\(n + 1): \(code.trimmingCharacters(in: .whitespaces))")
          }
        }
      }
    }
    return found
  }

  @Test func onlyTheCLIPrintsOrExits() throws {
    #expect(try Self.offenders(in: Repo.path("Sources")) == [])
  }

  @Test func theCheckFindsAPrint() throws {
    let dir = Repo.temporaryDirectory()
    let target = (dir as NSString).appendingPathComponent("MLCostStore")
    try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
    try "func f() {\n  print(\"hi\")\n  self.print(1) // fine\n}\n".write(toFile: (target as NSString).appendingPathComponent("X.swift"), atomically: true, encoding: .utf8)
    #expect(try Self.offenders(in: dir) == ["MLCostStore/X.swift:2: print(\"hi\")"])
  }
}
