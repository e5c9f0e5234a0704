import Foundation
import MLCostTestSupport
import Testing

/// Another package can depend on MLCost's library product the way users do: by URL and version. SwiftPM
/// refuses unsafe flags only in such version-pinned dependencies (a path or branch dependency accepts them), so
/// the test tags a clone of this repository's HEAD as 99.0.0, depends on it `from: "99.0.0"` through a
/// `file://` URL, builds a tiny package in its own scratch folder under `.build/` and runs it on a report.
struct DependencyTests {
  static let isGitCheckout = FileManager.default.fileExists(atPath: Repo.path(".git"))

  @Test(.enabled(if: isGitCheckout, "not a git checkout: the test depends on a tagged clone of HEAD"))
  func aPackageThatDependsOnTheLibraryByVersionBuildsAndRuns() throws {
    let dir = Repo.path(".build/dependent-package")
    let repo = (dir as NSString).appendingPathComponent("mlcost-repo")
    let sources = (dir as NSString).appendingPathComponent("Sources/UsesMLCost")
    try? FileManager.default.removeItem(atPath: repo)
    try? FileManager.default.removeItem(atPath: (dir as NSString).appendingPathComponent("Package.resolved"))
    try FileManager.default.createDirectory(atPath: sources, withIntermediateDirectories: true)
    for git in [["clone", "--quiet", Repo.root, repo], ["-C", repo, "tag", "99.0.0"]] {
      let r = try Binary.run(git, executable: "/usr/bin/git")
      try #require(r.status == 0, "git \(git.joined(separator: " ")): \(r.stderr)")
    }
    try """
      // swift-tools-version: 6.1
      import PackageDescription

      let package = Package(
        name: "UsesMLCost",
        platforms: [.macOS(.v15)],
        dependencies: [.package(url: "file://\(repo)", from: "99.0.0")],
        targets: [.executableTarget(name: "UsesMLCost", dependencies: [.product(name: "MLCost", package: "mlcost-repo")])]
      )

      """.write(toFile: (dir as NSString).appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
    try """
      import MLCost

      let report = try Workspace.readReport(path: CommandLine.arguments[1])
      print(report.month, report.totals.map { "\\($0.currency) \\($0.charges)" }.joined(separator: ", "))

      """.write(toFile: (sources as NSString).appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
    let build = try Binary.run(["build", "--package-path", dir, "--scratch-path", (dir as NSString).appendingPathComponent(".build")],
                               executable: Self.swift)
    try #require(build.status == 0, "swift build of a package that depends on MLCost 99.0.0 failed:\n\(build.stdout.suffix(3000))\n\(build.stderr.suffix(3000))")
    let golden = Repo.path("Tests/Golden/report/fixture-month.json")
    let run = try Binary.run([golden], executable: (dir as NSString).appendingPathComponent(".build/debug/UsesMLCost"))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.hasPrefix("2026-") && run.stdout.contains("USD "), "\(run.stdout)")
  }

  /// The `swift` on PATH.
  static var swift: String {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
      let p = "\(dir)/swift"
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return "/usr/bin/swift"
  }
}
