import Foundation
import MLCostTestSupport
import Testing
@testable import MLCost
import MLCostAttribution
import MLCostCore
@testable import MLCostReports

/// Every format of the monthly report, from the hand-worked fixture month (docs/attribution.md).
struct ReportRenderingTests {
  /// September: only the two endpoints and the spot box, so October shows changes.
  static func report() throws -> MonthlyReport {
    let current = try AttributionEngine.run(FixtureMonth.input, rules: FixtureMonth.rules)
    var september = FixtureMonth.input
    september.month = BillingMonth(year: 2026, month: 9)
    september.charges = Array(september.charges.prefix(3))
    september.usage = []
    let previous = try AttributionEngine.run(september, rules: FixtureMonth.rules)
    let trend = [previous, current].flatMap { a in
      a.allocations.reduce(into: [Owner: Amount]()) { $0[$1.owner, default: .zero] += $1.cost }.sorted { $0.key < $1.key }.map {
        TrendPoint(month: a.month.description, owner: $0.key.description, currency: "USD", cost: $0.value)
      }
    }
    var report = ReportBuilder.build(current: current, previous: previous, trend: trend, title: "Fixture month")
    report.rules = "fixture.yaml"
    return report
  }

  static let golden = Repo.path("Tests/Golden/report")

  @Test func everyFormatMatchesItsGolden() throws {
    let r = try Self.report()
    assertSnapshot(TextRenderer.render(r), at: Self.golden + "/fixture-month.txt")
    assertSnapshot(MarkdownRenderer.render(r), at: Self.golden + "/fixture-month.md")
    assertSnapshot(CSVRenderer.renderAll(r), at: Self.golden + "/fixture-month.csv")
    assertSnapshot(try JSONRenderer.render(r), at: Self.golden + "/fixture-month.json")
    assertSnapshot(HTMLRenderer.render(r), at: Self.golden + "/fixture-month.html")
  }

  @Test func theNumbersAreTheHandWorkedOnes() throws {
    let r = try Self.report()
    #expect(r.totals.map(\.charges) == ["8889.31"] && r.totals.map(\.allocated) == ["8889.31"])
    let llama = try #require(r.models.first { $0.owner == "llama-3.1-70b" })
    #expect(llama.allocation == "7340.00" && llama.previous == "7200.00" && llama.change == "140.00" && llama.changePercent == "1.9")
    #expect(llama.gpuUsage == "2880.00" && llama.utilisation == "40.0")
    #expect(llama.perMillionTokens == "1835.00" && llama.perThousandRequests == "1468.00" && llama.perGPUHour == "1.25")
    let bge = try #require(r.models.first { $0.owner == "bge-large" })
    #expect(bge.perMillionTokens == "196.666666666667" && bge.perGPUHour == "1.388888888889")
    let gpt = try #require(r.models.first { $0.owner == "gpt-4o" })
    #expect(gpt.perMillionInputTokens == "2.291666666667" && gpt.perMillionOutputTokens == "10.00" && gpt.perMillionTokens == "2.884615384615")
    #expect(r.unpriced.map(\.model) == ["claude-x"])
  }

  @Test func theJSONReadsBackAndRendersTheSame() throws {
    let r = try Self.report()
    let json = try JSONRenderer.render(r)
    let back = try JSONRenderer.read(Data(json.utf8), file: "r.json")
    #expect(back == r)
    #expect(HTMLRenderer.render(back) == HTMLRenderer.render(r))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let totals = try #require(object["totals"] as? [[String: Any]])
    #expect(totals.allSatisfy { ($0["charges"] as? String) == ($0["allocated"] as? String) })
  }

  @Test func aReportThatIsNotOneIsRefusedClearly() {
    #expect { try JSONRenderer.read(Data("{\"schema\":\"x\"}".utf8), file: "x.json") } throws: { "\($0)".contains("x.json") }
  }

  @Test func htmlEscapesEveryValueAndIsSelfContained() throws {
    var r = try Self.report()
    r.models[0].owner = "<script>alert(1)</script>"
    r.notes.append("Tag value \"><img src=x onerror=alert(1)>")
    let html = HTMLRenderer.render(r)
    #expect(!html.contains("<script>alert(1)"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(!html.contains("<img"))
    for external in ["<link", "<script", "src=\"http", "href=\"http", "@import", "url("] { #expect(!html.contains(external), "\(external)") }
    #expect(html.components(separatedBy: "<svg").count - 1 == 4)
  }

  @Test func csvNeutralisesFormulasButNotNumbers() {
    #expect(CSVRenderer.cell("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
    #expect(CSVRenderer.cell("+1-555") == "'+1-555")
    #expect(CSVRenderer.cell("@SUM(A1)") == "'@SUM(A1)")
    #expect(CSVRenderer.cell("-12.50") == "-12.50")
    #expect(CSVRenderer.cell("-rm -rf") == "'-rm -rf")
  }

  /// The demo's trend has 11 owners and the palette 10 colours: past it, hatched and dotted fills; no two owners alike.
  @Test func everyOwnerHasItsOwnFill() throws {
    let report = try Workspace.readReport(path: Repo.path("reports/demo/monthly-2026-10.json"))
    let owners = Set(report.trend.map(\.owner))
    #expect(owners.count > 10)
    let html = HTMLRenderer.render(report)
    let start = try #require(html.range(of: "<figure id=\"chart-trend\">"))
    let figure = html[start.upperBound...].prefix { $0 != "§" }.components(separatedBy: "</figure>")[0]
    let legend = figure.components(separatedBy: "<rect ").dropFirst().filter { r in owners.contains { r.contains("<title>\($0)</title>") } }
    let fills = legend.compactMap { r in r.range(of: "fill=\"").map { String(r[$0.upperBound...].prefix { $0 != "\"" }) } }
    // Each owner's legend swatch and segments share one fill, and no other owner has it.
    var byOwner: [String: Set<String>] = [:]
    for (r, f) in zip(legend, fills) { if let o = owners.first(where: { r.contains("<title>\($0)</title>") }) { byOwner[o, default: []].insert(f) } }
    #expect(byOwner.count == owners.count && byOwner.values.allSatisfy { $0.count == 1 })
    #expect(Set(byOwner.values.map { $0.first! }).count == owners.count)
    #expect(figure.contains("id=\"chart-trend-hatch-0\""))
  }

  /// The HTML as a browser renders it: headless Chromium's DOM has the four charts and the totals.
  static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first(where: FileManager.default.isExecutableFile)

  /// The page's DOM after headless Chromium loaded it (and ran its scripts), and Chromium's exit status.
  static func dumpDOM(_ page: String, options: [String] = []) throws -> (dom: String, status: Int32) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try #require(chromium))
    p.arguments = ["--headless", "--no-sandbox", "--disable-gpu"] + options + ["--dump-dom", "file://" + page]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return (dom, p.terminationStatus)
  }

  @Test(.enabled(if: chromium != nil, "no chromium here (apt-get install chromium; .ci/run installs it)"))
  func headlessChromiumRendersTheChartsAndTotals() throws {
    let page = (Repo.temporaryDirectory() as NSString).appendingPathComponent("report.html")
    try HTMLRenderer.render(try Self.report()).write(toFile: page, atomically: true, encoding: .utf8)
    let (dom, status) = try Self.dumpDOM(page)
    #expect(status == 0)
    for id in ["chart-components", "chart-request-types", "chart-trend", "chart-coverage"] { #expect(dom.contains("id=\"\(id)\""), "\(id)") }
    #expect(dom.contains("8,889.31"))
    #expect(dom.contains("<svg"))
  }

  /// At a laptop's 1280 px and a phone's 390 px, nothing sticks out of the page: charts scale down, wide tables
  /// scroll inside their own box with the owner column held in place. A script measures the rendered layout.
  /// (Headless Chromium's window is 500 px at least: the phone width is the page's own width, set by a style.)
  @Test(.enabled(if: chromium != nil, "no chromium here (apt-get install chromium; .ci/run installs it)"),
        arguments: [1280, 390], ["report", "plan"])
  func theReportFitsTheScreen(width: Int, page kind: String) throws {
    let page = (Repo.temporaryDirectory() as NSString).appendingPathComponent("report.html")
    let probe = """
      <style>html{width:\(width)px}</style><script>addEventListener('load', () => {
        const w = \(width), bad = [];
        if (document.documentElement.scrollWidth > Math.max(w, innerWidth)) bad.push('page ' + document.documentElement.scrollWidth + ' > ' + w);
        document.querySelectorAll('svg').forEach(s => { const r = s.getBoundingClientRect(); if (r.right > w + 0.5) bad.push('svg ' + s.parentNode.id + ' ends at ' + r.right); });
        document.querySelectorAll('table').forEach(t => { const r = t.getBoundingClientRect(); if (r.right > w + 0.5) bad.push('table ends at ' + r.right); });
        document.querySelectorAll('svg').forEach(s => { const b = s.getBoundingClientRect(); s.querySelectorAll('text').forEach(t => {
          const r = t.getBoundingClientRect();
          if (r.left < b.left - 1 || r.right > b.right + 1) bad.push('label "' + t.textContent + '" cut off in ' + s.parentNode.id); }); });
        if (location.pathname.endsWith('report.html'))
          document.querySelectorAll('tbody td:first-child').forEach(c => { if (getComputedStyle(c).position !== 'sticky') bad.push('first column not sticky'); });
        const out = document.createElement('pre'); out.id = 'layout'; out.textContent = bad.length ? bad.join('; ') : 'fits'; document.body.appendChild(out);
      });</script>
      """
    // The monthly report as rendered; the example plan as committed (its golden test holds it to the renderer).
    let html = kind == "plan" ? try String(contentsOfFile: Repo.path("reports/plan/example.html"), encoding: .utf8) : HTMLRenderer.render(try Self.report())
    try html.replacingOccurrences(of: "</body>", with: probe + "</body>").write(toFile: page, atomically: true, encoding: .utf8)
    let dom = try Self.dumpDOM(page, options: ["--hide-scrollbars", "--window-size=\(width),900", "--virtual-time-budget=3000"]).dom
    let verdict = dom.range(of: "<pre id=\"layout\">").map { dom[$0.upperBound...].prefix { $0 != "<" } }
    #expect(verdict == "fits", "\(kind) at \(width) px: \(verdict ?? "no verdict (did the script run?)")")
  }
}

struct RulesDocumentationTests {
  /// docs/mlcost.example.yaml is the documented example; it must parse and mean what docs/rules.md says.
  @Test func theDocumentedExampleParses() throws {
    let rules = try Workspace.loadRules(path: Repo.path("docs/mlcost.example.yaml"))
    #expect(rules.pools.map(\.name) == ["vector database", "shared GPU training cluster"])
    #expect(rules.virtualTags.count == 1 && rules.components.count == 2)
    let doc = try String(contentsOfFile: Repo.path("docs/rules.md"), encoding: .utf8)
    let example = try String(contentsOfFile: Repo.path("docs/mlcost.example.yaml"), encoding: .utf8)
    #expect(doc.contains("```yaml\n" + example + "```"))
  }
}
