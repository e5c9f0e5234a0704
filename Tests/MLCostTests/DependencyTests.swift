import Foundation
import MLCostTestSupport
import Testing

/// Another package can depend on MLCost's library product: no unsafe flags (SwiftPM refuses those in a
/// dependency), and the public API is enough to read a report. Builds a tiny package by path, in its own
/// scratch folder under `.build/` (kept, so a second run is incremental), and runs it.
struct DependencyTests {
  @Test func aPackageThatDependsOnTheLibraryBuildsAndRuns() throws {
    let dir = Repo.path(".build/dependent-package")
    let sources = (dir as NSString).appendingPathComponent("Sources/UsesMLCost")
    try FileManager.default.createDirectory(atPath: sources, withIntermediateDirectories: true)
    try """
      // swift-tools-version: 6.1
      import PackageDescription

      let package = Package(
        name: "UsesMLCost",
        platforms: [.macOS(.v15)],
        dependencies: [.package(name: "MLCost", path: "\(Repo.root)")],
        targets: [.executableTarget(name: "UsesMLCost", dependencies: [.product(name: "MLCost", package: "MLCost")])]
      )

      """.write(toFile: (dir as NSString).appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
    try """
      import MLCost

      let report = try Workspace.readReport(path: CommandLine.arguments[1])
      print(report.month, report.totals.map { "\\($0.currency) \\($0.charges)" }.joined(separator: ", "))

      """.write(toFile: (sources as NSString).appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
    let build = try Binary.run(["build", "--package-path", dir, "--scratch-path", (dir as NSString).appendingPathComponent(".build")],
                               executable: Self.swift)
    try #require(build.status == 0, "swift build of a dependent package failed:\n\(build.stdout.suffix(3000))\n\(build.stderr.suffix(3000))")
    let golden = Repo.path("Tests/Golden/report/fixture-month.json")
    let run = try Binary.run([golden], executable: (dir as NSString).appendingPathComponent(".build/debug/UsesMLCost"))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.hasPrefix("2026-"), "\(run.stdout)")
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
