import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// `--engine spark` gives the SQLite engine's numbers to the last digit: the same report JSON byte for byte and the
/// same per-file reconciliation, on the demo, the import quirk fixtures, real exports and generated realistic months,
/// in Spark's local mode and on a standalone cluster started here on loopback (a master and two workers).
@Suite(.serialized) struct SparkEngineTests {
  /// A Python with PySpark (`$MLCOST_PYTHON`, else the CI virtual environment's), when a Java runtime is on the PATH too.
  static let python: String? = {
    guard (try? Binary.run(["-version"], executable: "/usr/bin/java"))?.status == 0
      || (try? Binary.run(["java", "-version"], executable: "/usr/bin/env"))?.status == 0 else { return nil }
    let candidates = [ProcessInfo.processInfo.environment["MLCOST_PYTHON"], Repo.path(".ci-venv/bin/python")].compactMap { $0 }
    return candidates.first { p in
      FileManager.default.isExecutableFile(atPath: p) && (try? Binary.run(["-c", "import pyspark"], executable: p))?.status == 0
    }
  }()
  static let why: Comment = "no Java 17+ and PySpark here (apt install openjdk-17-jre-headless; pip install 'pyspark>=4,<5'; .ci/run installs both)"
  static var env: [String: String] { ["MLCOST_PYTHON": python ?? "python3"] }

  /// The demo's three months (FOCUS, CUR, OpenAI, LiteLLM, CloudWatch): every report, idle and anomalies, in local[2].
  @Test(.enabled(if: python != nil, why)) func theDemoGivesTheSameReportsInLocalMode() throws {
    let (dir, inputs, rules) = try Self.demoInputs()
    try Self.compare(inputs, in: dir, master: "local[2]", rules: rules, findings: true)
  }

  /// Every import quirk fixture (FOCUS 0.5–1.4 and CUR legacy/2.0 spellings, bad rows, BOM/CRLF, US dates, exponent
  /// amounts, null spellings, split cost allocation, pricing currencies …), the real FOCUS and CUR files of
  /// ../shared/data, Parquet, and generated realistic months of FOCUS, CUR and CUR 2.0 (quoted newlines, four timestamp
  /// spellings, 16-decimal and exponent amounts), all in one Spark run, leniently.
  @Test(.enabled(if: python != nil, why)) func fixturesRealFilesAndRealisticMonthsReconcileTheSame() throws {
    let dir = Repo.temporaryDirectory()
    var files: [String] = []
    for format in ["focus", "cur"] {
      let root = Repo.path("Tests/Fixtures/\(format)")
      for name in try FileManager.default.contentsOfDirectory(atPath: root).sorted() {
        let input = (root as NSString).appendingPathComponent("\(name)/input.csv")
        if FileManager.default.fileExists(atPath: input) { files.append(input) }
      }
    }
    if let data = Repo.sharedData {
      for sub in ["focus", "billing/aws-cur"] {
        let root = (data as NSString).appendingPathComponent(sub)
        let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        files += all.filter { $0.hasSuffix(".csv") }.sorted().map { (root as NSString).appendingPathComponent($0) }
      }
    }
    for (format, month) in [("focus", "2026-09"), ("cur", "2026-10"), ("cur2", "2026-11")] {
      let out = (dir as NSString).appendingPathComponent("realistic-\(format).csv")
      let r = try Binary.run(["generate", "--format", format, "--shape", "realistic", "--rows", "6000", "--resources", "150",
                              "--month", month, out])
      try #require(r.status == 0, "\(r.stderr)")
      files.append(out)
    }
    // gzip CSV, as exports are delivered (Spark picks the codec by the .gz name): the CUR month goes in compressed. (Not
    // beside its plain copy: the SQLite engine tells the two apart by their bytes, the Spark engine by the groups, which
    // are the same, so it would import the second as already imported.)
    let plain = (dir as NSString).appendingPathComponent("realistic-cur.csv"), gz = plain + ".gz"
    let zipped = try Binary.run(["-c", "gzip -c \"$0\" > \"$1\"", plain, gz], executable: "/bin/sh")
    try #require(zipped.status == 0, "\(zipped.stderr)")
    files = files.map { $0 == plain ? gz : $0 }
    if let py = ParquetImportTests.python {
      let pq = (dir as NSString).appendingPathComponent("realistic-focus-copy.parquet")
      let csv = (dir as NSString).appendingPathComponent("realistic-focus.csv")
      let r = try Binary.run([Repo.path("scripts/csv-to-parquet.py"), csv, pq], executable: py)
      if r.status == 0 { files.append(pq) }
    }
    // Only what the SQLite engine imports at all (a file refused whole, e.g. for a missing currency column, is refused
    // by both; that is tested below).
    let usable = try files.filter { f in
      let ws = try Workspace(databasePath: (Repo.temporaryDirectory() as NSString).appendingPathComponent("probe.db"))
      return (try? ws.importFile(f, options: ImportOptions(lenient: true))) != nil
    }
    #expect(usable.count >= 20, "\(usable.count) usable files")
    try Self.compare(usable, in: dir, master: "local[2]", rules: nil, findings: false)
  }

  /// The same job on a real cluster: a standalone master and two workers from the same PySpark install, on loopback.
  @Test(.enabled(if: python != nil, why)) func aStandaloneClusterGivesTheSameReports() throws {
    let cluster = try StandaloneCluster.start(python: try #require(Self.python))
    defer { cluster.stop() }
    let dir = Repo.temporaryDirectory()
    let demo = try Workspace.runDemo(directory: dir, prices: nil)
    let inputs = try FileManager.default.contentsOfDirectory(atPath: demo.inputDirectory).sorted()
      .filter { $0.hasSuffix(".csv") }.map { (demo.inputDirectory as NSString).appendingPathComponent($0) }
    // The executors write the aggregate where the test says (as they would to s3a:// on a cluster); nothing is left there.
    let staging = (dir as NSString).appendingPathComponent("staging")
    try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
    try Self.compare(inputs, in: dir, master: cluster.master, rules: (demo.inputDirectory as NSString).appendingPathComponent("mlcost.yaml"),
                     findings: false, staging: "file://" + staging)
    #expect(try FileManager.default.contentsOfDirectory(atPath: staging).isEmpty)
  }

  /// `export focus` and `alerts` read charges too: on the Spark engine the export's rows are Spark's groups (fewer rows)
  /// with the same cost per owner to the pico, and alerts fire the same, once, remembering what fired in a state file.
  @Test(.enabled(if: python != nil, why)) func exportAndAlertsGiveTheSameOnSpark() throws {
    let (dir, inputs, rules) = try Self.demoInputs()
    let viaSpark = inputs.filter { ["focus", "cur"].contains((try? Workspace.sniff($0).format.rawValue) ?? "") }
    let db = (dir as NSString).appendingPathComponent("sqlite.db")
    #expect(try Binary.run(["import", "--db", db] + inputs.filter { !viaSpark.contains($0) } + viaSpark).status == 0)
    let sparkDB = (dir as NSString).appendingPathComponent("spark.db")
    let (x, y) = ((dir as NSString).appendingPathComponent("x.csv"), (dir as NSString).appendingPathComponent("y.csv"))
    let e1 = try Binary.run(["export", "focus", "--db", db, "--month", "2026-10", "--rules", rules, "--out", x])
    let e2 = try Binary.run(["export", "focus", "--engine", "spark", "--source"] + inputs
                            + ["--spark-db", sparkDB, "--month", "2026-10", "--rules", rules, "--out", y], environment: Self.env)
    try #require(e1.status == 0 && e2.status == 0, "\(e1.stderr)\n\(e2.stderr)")
    let (a, b) = (try Self.costPerOwner(x), try Self.costPerOwner(y))
    #expect(a.rows > b.rows, "Spark's groups stand for several lines: \(a.rows) vs \(b.rows) rows")
    #expect(!a.owners.isEmpty && a.owners == b.owners)

    let state = (dir as NSString).appendingPathComponent("alerts.state")
    let common = ["--as-of", "2026-10-22", "--rules", rules, "--format", "json"]
    let s1 = try Binary.run(["alerts", "--db", db] + common)
    let p1 = try Binary.run(["alerts", "--engine", "spark", "--source"] + inputs + ["--alert-state", state] + common, environment: Self.env)
    #expect(s1.status == 3 && p1.status == 3, "\(s1.stderr)\n\(p1.stderr)")
    #expect(!s1.stdout.isEmpty && s1.stdout == p1.stdout)
    let p2 = try Binary.run(["alerts", "--engine", "spark", "--source"] + viaSpark + ["--alert-state", state] + common, environment: Self.env)
    #expect(p2.status == 0, "what fired is remembered: \(p2.stdout)\n\(p2.stderr)")
    let misuse = try Binary.run(["alerts", "--engine", "spark", "--source"] + viaSpark + common)
    #expect(misuse.status == 64 && misuse.stderr.contains("--alert-state"), "\(misuse.stderr)")
  }

  /// A fresh demo: its folder, its input files (CSV and JSON, sorted) and its rules file.
  static func demoInputs() throws -> (dir: String, inputs: [String], rules: String) {
    let dir = Repo.temporaryDirectory()
    let demo = try Workspace.runDemo(directory: dir, prices: nil)
    let inputs = try FileManager.default.contentsOfDirectory(atPath: demo.inputDirectory).sorted()
      .filter { $0.hasSuffix(".csv") || $0.hasSuffix(".json") }.map { (demo.inputDirectory as NSString).appendingPathComponent($0) }
    return (dir, inputs, (demo.inputDirectory as NSString).appendingPathComponent("mlcost.yaml"))
  }

  /// EffectiveCost and BilledCost of an exported FOCUS file summed per x_MLCostOwner, exactly.
  static func costPerOwner(_ path: String) throws -> (rows: Int, owners: [String: [Decimal]]) {
    let rows = try CSVReader(source: try FileByteSource(path: path)).readAll()
    let header = try #require(rows.first)
    let (o, e, bc) = (try #require(header.firstIndex(of: "x_MLCostOwner")), try #require(header.firstIndex(of: "EffectiveCost")),
                      try #require(header.firstIndex(of: "BilledCost")))
    var sums: [String: [Decimal]] = [:]
    for r in rows.dropFirst() {
      let add = [Decimal(string: r[e]) ?? 0, Decimal(string: r[bc]) ?? 0]
      sums[r[o], default: [0, 0]] = zip(sums[r[o], default: [0, 0]], add).map { $0 + $1 }
    }
    return (rows.count - 1, sums)
  }

  /// Strict mode stops at the same row with the same words; an unreadable path is an MLCost error naming it.
  @Test(.enabled(if: python != nil, why)) func errorsComeBackAsMLCostErrors() throws {
    let dir = Repo.temporaryDirectory()
    let bad = Repo.path("Tests/Fixtures/focus/bad-rows/input.csv")
    let sqlite = try Binary.run(["import", "--db", (dir as NSString).appendingPathComponent("a.db"), bad])
    let spark = try Binary.run(["report", "monthly", "--month", "2026-10", "--engine", "spark", "--source", bad, "--format", "json"], environment: Self.env)
    #expect(sqlite.status == 65 && spark.status == 65, "\(sqlite.stderr)\n\(spark.stderr)")
    // Same file and line (Spark knows no byte column), same words.
    let firstError = { (s: String) in s.split(separator: "\n").first { $0.contains("error:") }.map(String.init) ?? "" }
    let (x, y) = (firstError(sqlite.stderr), firstError(spark.stderr))
    #expect(x.hasPrefix("input.csv:3:") && y.hasPrefix("input.csv:3: error:"), "sqlite: \(x)\nspark: \(y)")
    #expect(!x.isEmpty && x.components(separatedBy: "error:").last == y.components(separatedBy: "error:").last, "sqlite: \(x)\nspark: \(y)")

    // gzip bytes under a name without .gz: Spark would read them as text; refused with why (the SQLite engine sniffs them).
    let hidden = (dir as NSString).appendingPathComponent("gzipped.csv")
    #expect(try Binary.run(["-c", "gzip -c \"$0\" > \"$1\"", Repo.path("Tests/Fixtures/focus/scientific-notation/input.csv"), hidden],
                           executable: "/bin/sh").status == 0)
    let g = try Binary.run(["report", "monthly", "--month", "2026-10", "--engine", "spark", "--source", hidden], environment: Self.env)
    #expect(g.status == 65 && g.stderr.contains("rename it to end in .gz"), "\(g.stderr)")

    let missing = "file:///nonexistent-\(UUID().uuidString)/cur-*.csv"
    let r = try Binary.run(["report", "monthly", "--month", "2026-10", "--engine", "spark", "--source", missing], environment: Self.env)
    #expect(r.status != 0)
    #expect(r.stderr.contains("no such file or directory") && r.stderr.contains("nonexistent"), "\(r.stderr)")
  }

  /// Without PySpark (or Java) the Spark engine says what to install; the SQLite engine never needs either.
  @Test func missingPySparkIsAClearError() throws {
    let dir = Repo.temporaryDirectory()
    let csv = try FocusText.write([FocusText.row("1.00")], to: dir, name: "f.csv")
    let r = try Binary.run(["report", "monthly", "--month", "2026-10", "--engine", "spark", "--source", csv],
                           environment: ["MLCOST_PYTHON": (dir as NSString).appendingPathComponent("no-python-here")])
    #expect(r.status == 64, "\(r.stderr)")
    #expect(r.stderr.contains("pip install") && (r.stderr.contains("pyspark") || r.stderr.contains("Java")), "\(r.stderr)")
    let db = (dir as NSString).appendingPathComponent("a.db")
    #expect(try Binary.run(["import", "--db", db, csv], environment: ["MLCOST_PYTHON": "/nonexistent", "PATH": "/usr/bin:/bin"]).status == 0)
    #expect(try Binary.run(["report", "monthly", "--month", "2026-10", "--db", db, "--format", "json"], environment: ["MLCOST_PYTHON": "/nonexistent"]).status == 0)
    let misuse = try Binary.run(["report", "monthly", "--month", "2026-10", "--db", db, "--source", csv])
    #expect(misuse.status == 64 && misuse.stderr.contains("--engine spark"), "\(misuse.stderr)")
  }

  // MARK: - The comparison

  /// Imports `files` with the SQLite engine (in the order the Spark engine imports them: other formats first) and
  /// through Spark, then compares every month's report JSON, idle and anomalies, and each file's reconciliation.
  static func compare(_ files: [String], in dir: String, master: String, rules: String?, findings: Bool, staging: String? = nil) throws {
    let viaSpark = files.filter { ["focus", "cur"].contains((try? Workspace.sniff($0).format.rawValue) ?? "") }
    let ordered = files.filter { !viaSpark.contains($0) } + viaSpark
    let a = (dir as NSString).appendingPathComponent("sqlite.db"), b = (dir as NSString).appendingPathComponent("spark.db")
    let imported = try Binary.run(["import", "--db", a, "--lenient"] + ordered)
    // 65 when some file had no usable row at all (the spec's own bad examples): the rest is imported and compared.
    #expect(imported.status == 0 || (imported.status == 65 && imported.stderr.contains("nothing usable was imported")), "\(imported.stderr)")
    let ruleArgs = rules.map { ["--rules", $0] } ?? []
    let months = try Workspace(databasePath: a).holdings().months.map(\.description)
    try #require(!months.isEmpty)
    let first = try Binary.run(["report", "monthly", "--engine", "spark", "--master", master, "--spark-lenient", "--spark-db", b,
                                "--spark-conf", "spark.sql.shuffle.partitions=4", "--month", months.last!, "--format", "json",
                                "--source"] + files + ruleArgs + (staging.map { ["--spark-staging", $0] } ?? []), environment: env)
    try #require(first.status == 0, "\(first.stderr)")
    #expect(first.stdout == (try Binary.run(["report", "monthly", "--db", a, "--month", months.last!, "--format", "json"] + ruleArgs).stdout))
    for month in months {
      let x = try Binary.run(["report", "monthly", "--db", a, "--month", month, "--format", "json"] + ruleArgs)
      let y = try Binary.run(["report", "monthly", "--db", b, "--month", month, "--format", "json"] + ruleArgs)
      #expect(x.status == 0 && x.stdout == y.stdout, "report \(month) differs:\n\(firstDifference(x.stdout, y.stdout))")
    }
    if findings {
      for command in [["idle"], ["anomalies"]] {
        let x = try Binary.run(command + ["--db", a, "--format", "json"] + ruleArgs)
        let y = try Binary.run(command + ["--db", b, "--format", "json"] + ruleArgs)
        #expect(x.status == 0 && x.stdout == y.stdout, "\(command[0]) differs:\n\(firstDifference(x.stdout, y.stdout))")
      }
    }
    let x = try reconciliation(a), y = try reconciliation(b)
    #expect(x.count == y.count)
    for (l, r) in zip(x, y) { #expect(l == r) }
    #expect(try rejects(a) == rejects(b))
  }

  /// Per import, in order: file name, rows read/stored/rejected, and every column of its reconciliation rows.
  static func reconciliation(_ db: String) throws -> [String] {
    let ws = try Workspace(databasePath: db)
    return try ws.query("""
      SELECT i.file_name, i.rows_read, i.rows_stored, i.rows_rejected, t.billing_period, t.currency, t.file_rows, t.file_billed_cost,
             t.file_effective_cost, t.stored_rows, t.stored_billed_cost, t.stored_effective_cost, t.rejected_rows, t.rejected_billed_cost,
             t.rejected_effective_cost, t.file_billed_residual, t.file_effective_residual
      FROM import i LEFT JOIN import_total t ON t.import_id = i.id ORDER BY i.id, t.billing_period, t.currency
      """).map { row in row.map { "\($0)" }.joined(separator: "|") }
  }

  static func rejects(_ db: String) throws -> [String] {
    try Workspace(databasePath: db).query("SELECT file, line, reason FROM reject ORDER BY import_id, line")
      .map { row in row.map { "\($0)" }.joined(separator: "|") }
  }

  static func firstDifference(_ a: String, _ b: String) -> String {
    let x = a.split(separator: "\n"), y = b.split(separator: "\n")
    for (i, (l, r)) in zip(x, y).enumerated() where l != r { return "line \(i + 1):\n- \(l)\n+ \(r)" }
    return x.count == y.count ? "(same lines)" : "lengths \(x.count) vs \(y.count)"
  }
}

/// A Spark standalone master and two workers from PySpark's own jars, on loopback ports chosen here.
struct StandaloneCluster {
  let master: String
  let processes: [Process]

  static func start(python: String) throws -> StandaloneCluster {
    let home = try Binary.run(["-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"], executable: python)
      .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let sparkClass = (home as NSString).appendingPathComponent("bin/spark-class")
    let port = 17_000 + Int.random(in: 0..<2_000)
    let master = "spark://127.0.0.1:\(port)"
    var env = ProcessInfo.processInfo.environment
    env["SPARK_HOME"] = home
    env["SPARK_NO_DAEMONIZE"] = "1"
    env["PYSPARK_PYTHON"] = python
    func launch(_ args: [String]) throws -> Process {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: sparkClass)
      p.arguments = args
      p.environment = env
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      try p.run()
      return p
    }
    var ps = [try launch(["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "\(port)", "--webui-port", "\(port + 1)"])]
    for i in 0..<2 {
      ps.append(try launch(["org.apache.spark.deploy.worker.Worker", master, "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--work-dir", NSTemporaryDirectory() + "spark-worker-\(port)-\(i)",
                            "--webui-port", "\(port + 2 + i)"]))
    }
    // Ready when the master's page lists both workers as alive.
    let deadline = Date().addingTimeInterval(90)
    while Date() < deadline {
      let probe = "import json, urllib.request\ntry: print(json.load(urllib.request.urlopen('http://127.0.0.1:\(port + 1)/json/', timeout=2))['aliveworkers'])\nexcept Exception: print(0)"
      if let r = try? Binary.run(["-c", probe], executable: python), Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 >= 2 {
        return StandaloneCluster(master: master, processes: ps)
      }
      Thread.sleep(forTimeInterval: 1)
    }
    ps.forEach { $0.terminate() }
    throw ClusterError(message: "the standalone master at \(master) did not see two workers within 90 s")
  }

  func stop() {
    for p in processes.reversed() { p.terminate(); p.waitUntilExit() }
  }

  struct ClusterError: Error { var message: String }
}
