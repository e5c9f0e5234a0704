import ArgumentParser
import Foundation
import MLCost

/// `--engine sqlite|spark` of the commands that read charges: the database as it is, or a database built for this
/// run from `--source` exports that Apache Spark reduced first (the same importers, attribution and renderers).
struct EngineOptions: ParsableArguments {
  enum Engine: String, ExpressibleByArgument, CaseIterable { case sqlite, spark }

  @Option(help: ArgumentHelp("sqlite (default): read the database. spark: reduce the --source exports with Apache Spark, then "
                             + "attribute and render as usual (needs Java 17+ and PySpark).", valueName: "engine"))
  var engine: Engine = .sqlite

  @Option(name: .customLong("source"), parsing: .upToNextOption,
          help: ArgumentHelp("With --engine spark: the exports to read (files, directories, globs or URIs Spark reads: s3a://, "
                             + "abfss://, gs://, hdfs://). FOCUS and CUR go through Spark; other local files (API usage, metrics) "
                             + "are imported as by `mlcost import`.", valueName: "path"))
  var sources: [String] = []

  @Option(help: ArgumentHelp("With --engine spark: the Spark master (local[N], spark://HOST:PORT, yarn, k8s://…).", valueName: "url"))
  var master: String = "local[2]"

  @Option(name: .customLong("spark-conf"), help: ArgumentHelp("With --engine spark: a Spark setting KEY=VALUE (repeatable).", valueName: "k=v"))
  var sparkConf: [String] = []

  @Option(name: .customLong("spark-db"), help: ArgumentHelp("With --engine spark: keep the database built from the sources at this path "
                                                           + "(default: a temporary one, deleted at exit).", valueName: "path"))
  var sparkDatabase: String?

  @Option(name: .customLong("spark-staging"), help: ArgumentHelp("With --engine spark: a directory (URI) the executors write the aggregate to "
                                                                 + "and the driver reads back; needed when the executors do not share "
                                                                 + "this machine's disk (default: a temporary local one).", valueName: "uri"))
  var sparkStaging: String?

  @Flag(name: .customLong("spark-lenient"), help: "With --engine spark: keep good rows and list rejected ones, as `import --lenient` does.")
  var lenient = false

  func validate() throws {
    if engine == .spark && sources.isEmpty { throw ValidationError("--engine spark reads the exports named by --source PATH…") }
    if engine == .sqlite && (!sources.isEmpty || sparkDatabase != nil || !sparkConf.isEmpty || sparkStaging != nil) {
      throw ValidationError("--source, --spark-conf, --spark-staging and --spark-db go with --engine spark")
    }
    for kv in sparkConf where !kv.contains("=") { throw ValidationError("--spark-conf \(kv): expected KEY=VALUE") }
  }

  /// The database the command reads: `--db` (sqlite), or one built now from the sources (spark).
  func database(_ db: DatabaseOptions) throws -> String {
    guard engine == .spark else { return try db.existing() }
    if db.db != nil {
      throw Failure(message: "error: --db names the SQLite engine's database; with --engine spark the sources are the data "
                    + "(--spark-db PATH keeps the database built from them)", code: ExitStatus.usage)
    }
    let path: String
    if let sparkDatabase {
      if FileManager.default.fileExists(atPath: sparkDatabase) {
        throw Failure(message: "\(sparkDatabase): error: --spark-db must name a new file", code: ExitStatus.usage)
      }
      path = sparkDatabase
    } else {
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlcost-spark-db-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      sparkTemporaryDirectory = dir.path
      atexit { if let d = sparkTemporaryDirectory { try? FileManager.default.removeItem(atPath: d) } }
      path = dir.appendingPathComponent("mlcost.db").path
    }
    let workspace = try Workspace(databasePath: path)
    let files = try workspace.importWithSpark(sources: sources, options: ImportOptions(lenient: lenient),
                                              spark: SparkOptions(master: master, conf: sparkConf, staging: sparkStaging), log: { printError($0) })
    for f in files {
      let rejected = f.summary?.result.rowsRejected ?? 0
      printError("\(f.source): \(f.format), \(f.rows) rows" + (f.groups != f.rows ? " reduced by Spark to \(f.groups)" : "")
                 + (rejected > 0 ? ", \(rejected) rejected" : ""))
    }
    return path
  }
}

nonisolated(unsafe) private var sparkTemporaryDirectory: String?
