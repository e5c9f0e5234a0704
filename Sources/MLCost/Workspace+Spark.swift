import Foundation
import MLCostCore
import MLCostImporters
import MLCostStore

/// Where and how `--engine spark` runs its job.
public struct SparkOptions: Sendable {
  /// `local[N]`, `spark://host:port`, `yarn`, `k8s://…`: handed to Spark as the master URL.
  public var master: String
  /// `KEY=VALUE` Spark settings (`spark.executor.memory=8g` …).
  public var conf: [String]
  /// Where the executors write the aggregate for the driver to read (a URI both reach); nil: a local temporary directory.
  public var staging: String?
  public init(master: String = "local[2]", conf: [String] = [], staging: String? = nil) {
    self.master = master; self.conf = conf; self.staging = staging
  }

  /// The Python that runs the job: `$MLCOST_PYTHON`, else `python3` (the one the Parquet helper uses).
  public static var python: String { ParquetByteSource.python }
}

/// What one file became on the Spark path.
public struct SparkFileSummary: Sendable {
  public var source: String
  public var format: String
  /// Rows Spark read, and the rows MLCost received for them (the reduced groups).
  public var rows: Int
  public var groups: Int
  public var summary: ImportSummary?
}

extension Workspace {
  /// Fills this (fresh) workspace from `sources` the way `--engine spark` does: FOCUS and CUR exports (local files,
  /// directories, globs or any URI Spark reads) are reduced by the Spark job and the groups imported here with the
  /// same importers; other local files (API usage, metrics, other billing formats) are imported as by `mlcost import`.
  public func importWithSpark(sources: [String], options: ImportOptions, spark: SparkOptions,
                              log: (String) -> Void = { _ in }) throws -> [SparkFileSummary] {
    var viaSpark: [String] = []
    var given: [String: String] = [:]  // absolute path → the path as the user wrote it
    var out: [SparkFileSummary] = []
    for s in sources {
      var isDirectory: ObjCBool = false
      if !s.contains("://"), FileManager.default.fileExists(atPath: s, isDirectory: &isDirectory), !isDirectory.boolValue {
        let file = try FileByteSource(path: s)
        let sniffed = try? ImportDriver.sniff(source: try Self.decompressing(file, file: file, fileName: (s as NSString).lastPathComponent),
                                               fileName: (s as NSString).lastPathComponent)
        if let f = sniffed?.format.rawValue, f == "focus" || f == "cur" {
          viaSpark.append(s)
          given[URL(fileURLWithPath: s).standardizedFileURL.path] = s
        } else {
          let outcome = try importFile(s, options: options)
          if case .imported(let summary) = outcome {
            out.append(SparkFileSummary(source: s, format: summary.result.format.rawValue, rows: summary.result.rowsRead,
                                        groups: summary.result.rowsRead, summary: summary))
          }
        }
      } else if !s.contains("://") && !s.contains("*") && !isDirectory.boolValue {
        throw ImportError.usage("\(s): no such file or directory")
      } else {
        viaSpark.append(s)
      }
    }
    guard !viaSpark.isEmpty else { return out }
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("mlcost-spark-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let manifest = try SparkJob.run(sources: viaSpark, out: work.path, spark: spark, log: log)
    for entry in manifest.files {
      if let error = entry.error {
        throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: entry.path, line: 0), "Spark could not read this file: \(error)",
                                             fix: "check the path and the file; nothing was imported"))
      }
      if let why = entry.unsupported {
        throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: entry.path, line: 1), why,
                                             fix: "pass only FOCUS or CUR exports to Spark; import the others with `mlcost import`"))
      }
      guard let aggregate = entry.aggregate, let weightsName = entry.weights else { continue }
      let weightsPath = work.appendingPathComponent(weightsName).path
      let weights = ReducedRowReader(source: try FileByteSource(path: weightsPath), file: weightsPath)
      let summary = try importReduced(aggregate: work.appendingPathComponent(aggregate).path, weights: { try weights.next() },
                                      original: entry.path, bytes: entry.bytes, options: options)
      let shown = entry.path.hasPrefix("file:") ? given[Self.localPath(entry.path)] ?? Self.localPath(entry.path) : entry.path
      out.append(SparkFileSummary(source: shown, format: entry.format ?? "?", rows: entry.rows ?? 0, groups: entry.groups ?? 0,
                                  summary: summary))
    }
    return out
  }

  /// Imports one reduced export under its original file's name: one transaction, reconciled like the original.
  func importReduced(aggregate: String, weights: [ReducedRow], original: String, bytes: Int64, options: ImportOptions) throws -> ImportSummary? {
    var it = weights.makeIterator()
    return try importReduced(aggregate: aggregate, weights: { it.next() }, original: original, bytes: bytes, options: options)
  }

  func importReduced(aggregate: String, weights: @escaping () throws -> ReducedRow?, original: String, bytes: Int64,
                     options: ImportOptions) throws -> ImportSummary? {
    let fileName = Self.displayName(original)
    let sha = try SHA256Hasher.hash(try FileByteSource(path: aggregate))
    if try store.importRecord(sha256: sha) != nil { return nil }
    let info = ImportFileInfo(fileName: fileName, path: original, sha256: sha, format: "?", formatVersion: "?",
                              fileBytes: bytes, importedAt: Self.iso8601(now()), lenient: options.lenient)
    var ran: ImportResult?
    let committed = try store.importing(info) { loader in
      let result = try ImportDriver.runReduced(source: try FileByteSource(path: aggregate), weights: weights, fileName: fileName,
                                               options: options, sink: loader)
      ran = result
      return .commit(ImportCompletion(identity: (sha, result.format.rawValue, result.version), rowsRead: result.rowsRead,
                                      fileTotals: result.fileTotals, rejectedTotals: result.rejectedTotals,
                                      replacesOlderExports: result.replacesOlderExports))
    }
    guard let committed, let ran else { return nil }
    return ImportSummary(importId: committed.importId, path: original, fileName: fileName, sha256: sha, result: ran,
                         reconciliation: committed.reconciliation, replacements: committed.replacements, dryRun: false)
  }

  /// `file:/data/x%20y.csv` → `/data/x y.csv`.
  static func localPath(_ uri: String) -> String {
    var s = String(uri.dropFirst(5))
    while s.hasPrefix("//") { s.removeFirst() }
    return s.removingPercentEncoding ?? s
  }

  /// `file:/data/x.csv` → `x.csv`; `s3a://bucket/cur/part-0.csv.gz` → `part-0.csv.gz`.
  static func displayName(_ uri: String) -> String {
    var s = uri
    if s.hasPrefix("file:") { s = String(s.dropFirst(5)) }
    let name = s.split(separator: "/").last.map(String.init) ?? s
    return name.removingPercentEncoding ?? name
  }
}

/// Runs `mlcost_reduce.py` and reads what it wrote.
enum SparkJob {
  struct Manifest: Decodable {
    var master: String?
    var spark: String?
    var files: [Entry]
  }
  struct Entry: Decodable {
    var path: String
    var bytes: Int64
    var format: String?
    var aggregate: String?
    var weights: String?
    var groups: Int?
    var rows: Int?
    var error: String?
    var unsupported: String?
  }

  /// The job's source: `$MLCOST_SPARK_JOB`, else the copy SwiftPM ships beside the binary.
  static var script: String? {
    if let p = ProcessInfo.processInfo.environment["MLCOST_SPARK_JOB"], !p.isEmpty { return p }
    return Bundle.module.path(forResource: "mlcost_reduce", ofType: "py")
  }

  static func run(sources: [String], out: String, spark: SparkOptions, log: (String) -> Void) throws -> Manifest {
    try checkPrerequisites()
    guard let script else {
      throw ImportError.usage("the Spark job (mlcost_reduce.py) is not beside this mlcost binary; set MLCOST_SPARK_JOB to its path")
    }
    var args = [SparkOptions.python, script, "--out", out, "--master", spark.master]
    for c in spark.conf { args += ["--conf", c] }
    if var staging = spark.staging {
      // A path without a scheme is this machine's (the job then reads it back as plain files).
      if !staging.contains("://") { staging = URL(fileURLWithPath: staging).standardizedFileURL.absoluteString }
      args += ["--staging", (staging.hasSuffix("/") ? staging : staging + "/") + UUID().uuidString]
    }
    args += sources
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["PYSPARK_PYTHON"] = env["PYSPARK_PYTHON"] ?? SparkOptions.python
    env["PYTHONUNBUFFERED"] = "1"
    p.environment = env
    let errPath = (out as NSString).appendingPathComponent("spark-stderr.txt")
    FileManager.default.createFile(atPath: errPath, contents: nil)
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    p.standardError = err
    p.standardOutput = err
    log("spark: \(spark.master): reducing \(sources.count) source(s)")
    try p.run()
    p.waitUntilExit()
    try? err.close()
    let manifestPath = (out as NSString).appendingPathComponent("manifest.json")
    let stderrText = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    guard p.terminationStatus == 0, let data = FileManager.default.contents(atPath: manifestPath) else {
      throw ImportError.usage("the Spark job failed (exit \(p.terminationStatus)): \(lastError(stderrText))")
    }
    return try JSONDecoder().decode(Manifest.self, from: data)
  }

  /// The lines of Spark's output that say what went wrong (not its log noise).
  static func lastError(_ text: String) -> String {
    let lines = text.split(separator: "\n").map(String.init).filter {
      !$0.contains(" WARN ") && !$0.contains(" INFO ") && !$0.hasPrefix("Using Spark's default") && !$0.contains("setLogLevel")
        && !$0.trimmingCharacters(in: .whitespaces).isEmpty
    }
    if let json = lines.last(where: { $0.hasPrefix("{\"error\"") }),
       let obj = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], let e = obj["error"] as? String { return e }
    return lines.suffix(6).joined(separator: "\n")
  }

  /// Java and PySpark, or an error naming what to install (the SQLite engine needs neither).
  static func checkPrerequisites() throws {
    let python = SparkOptions.python
    if !succeeds(["java", "-version"]) {
      throw ImportError.usage("--engine spark needs a Java runtime (17 or later) on the PATH: apt install openjdk-17-jre-headless "
        + "(or set JAVA_HOME); the default engine (--engine sqlite) needs no Java")
    }
    if !succeeds([python, "-c", "import pyspark"]) {
      throw ImportError.usage("--engine spark needs PySpark in \(python): pip install 'pyspark>=4,<5' (or point MLCOST_PYTHON at a Python "
        + "that has it); the default engine (--engine sqlite) needs no Python")
    }
  }

  static func succeeds(_ argv: [String]) -> Bool {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = argv
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
  }
}
