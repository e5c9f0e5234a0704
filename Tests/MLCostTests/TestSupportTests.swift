import Foundation
import MLCostTestSupport
import Testing

/// The test helpers are code too: the snapshot diff, the binary runner, and the README's promises.
struct TestSupportTests {
  @Test func oneInsertedLineIsOneLineOfDiff() {
    let before = (1...30).map { "line \($0)" }.joined(separator: "\n")
    var lines = before.components(separatedBy: "\n")
    lines.insert("new", at: 2)
    #expect(lineDiff(before, lines.joined(separator: "\n")) == "+3: new")
    lines[10] = "changed"
    #expect(lineDiff(before, lines.joined(separator: "\n")) == "+3: new\n-10: line 10\n+11: changed")
  }

  /// A child that writes more to stderr than a pipe holds before it writes stdout would block a runner
  /// that reads stdout to its end first.
  @Test func theRunnerDrainsBothPipesAtOnce() throws {
    let r = try Binary.run(["-c", "head -c 1000000 /dev/zero | tr '\\0' x >&2; echo done"], executable: "/bin/sh")
    #expect(r.status == 0 && r.stdout == "done\n" && r.stderr.utf8.count == 1_000_000)
  }

  /// Every relative link in the README and docs/ names a file a fresh clone has (tracked, not generated or ignored).
  @Test func readmeAndDocsLinksResolveInAFreshClone() throws {
    let git = Process()
    git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    git.arguments = ["git", "-C", Repo.root, "ls-files"]
    let pipe = Pipe()
    git.standardOutput = pipe
    try git.run()
    let listed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    git.waitUntilExit()
    try #require(git.terminationStatus == 0, "git ls-files failed")
    let tracked = Set(listed.split(separator: "\n").map(String.init))
    let folders = Set(tracked.flatMap { path in
      path.split(separator: "/").dropLast().indices.map { path.split(separator: "/")[...$0].joined(separator: "/") }
    })
    let docs = ["README.md"] + (try FileManager.default.contentsOfDirectory(atPath: Repo.path("docs")))
      .filter { $0.hasSuffix(".md") }.map { "docs/" + $0 }
    var broken: [String] = []
    for doc in docs {
      let text = try String(contentsOfFile: Repo.path(doc), encoding: .utf8)
      let base = (doc as NSString).deletingLastPathComponent
      for link in Self.relativeLinks(text) {
        let target = ((base.isEmpty ? link : base + "/" + link) as NSString).standardizingPath
        if !tracked.contains(target) && !folders.contains(target) { broken.append("\(doc) → \(link)") }
      }
    }
    #expect(docs.count > 5)
    #expect(broken == [])
  }

  /// `[text](path)` targets that are not URLs or anchors, without their `#fragment`.
  static func relativeLinks(_ markdown: String) -> [String] {
    var links: [String] = []
    var rest = Substring(markdown)
    while let open = rest.range(of: "](") {
      rest = rest[open.upperBound...]
      guard let close = rest.firstIndex(of: ")") else { break }
      let target = String(rest[..<close]).split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
      if !target.isEmpty, !target.contains("://"), !target.hasPrefix("mailto:"), !target.contains(" ") { links.append(String(target)) }
      rest = rest[close...]
    }
    return links
  }

  @Test func theLinkReaderFindsRelativeLinksOnly() {
    #expect(Self.relativeLinks("[a](docs/x.md) [b](https://e.org) [c](#top) [d](y.md#part) ![i](p.png)") == ["docs/x.md", "y.md", "p.png"])
  }
}
