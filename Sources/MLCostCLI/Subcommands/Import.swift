import ArgumentParser
import Foundation
import MLCost

struct Import: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Import billing exports into the database, one transaction per file.",
    discussion: """
      Each file is all-or-nothing. The same bytes twice store nothing; a newer export of the same provider, billing \
      account and billing period replaces the older one. After each file the reconciliation is printed: per billing \
      period and currency, the file's totals (from its text), the stored totals and the rejected rows' totals.
      Strict by default: the first bad row stops the file with file:line:column and nothing is written.
      """)

  @OptionGroup var database: DatabaseOptions

  @Option(help: ImportFormatOption.help("The file format: auto (sniff the header) or \(ImportFormat.names).", valueName: "format", default: .auto), transform: ImportFormatOption.parse)
  var format: ImportFormatOption = .auto

  @Flag(help: "Import the good rows and keep each bad row (raw text, location, reason) in the reject table.")
  var lenient = false

  @Flag(name: .customLong("dry-run"), help: "Read and check the files, print the detected format and the command that pins it; write nothing.")
  var dryRun = false

  @Option(help: ArgumentHelp("The currency to assume when a file has no BillingCurrency column (default USD, with a warning).", valueName: "code"))
  var currency: String?

  @Argument(help: ArgumentHelp("The files to import; a directory imports every recognised file in it.", valueName: "file"))
  var files: [String]

  mutating func validate() throws {
    if files.isEmpty { throw ValidationError("name at least one file to import") }
  }

  func run() throws {
    let options = ImportOptions(format: format.format, lenient: lenient, currency: currency)
    let (files, skipped) = Workspace.expand(self.files)
    let hasDirectory = files.count != self.files.count || !skipped.isEmpty
    for s in skipped { printError("\(s.path): skipped: \(s.reason)") }
    if files.isEmpty { throw Failure(message: "no recognised files to import", code: ExitStatus.missingInput) }
    if dryRun { return try checkOnly(files, options: options) }
    // A first import that fails leaves no database behind (an empty one would look like an answer) — but only
    // a database this process created and that holds no import: another process may be creating or filling
    // the same new file at the same moment, and deleting it under them fails their imports.
    let createdHere = Self.createIfAbsent(database.path)
    var imported = 0
    defer {
      if createdHere && imported == 0 && Self.holdsNoImport(database.path) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database.path + suffix) }
      }
    }
    let workspace = try Workspace(databasePath: database.path)
    var failures = 0
    var allRejected: [String] = []
    var rows: [[String]] = []
    for file in files {
      guard let outcome = try importOne(file, workspace: workspace, options: options, many: files.count > 1) else {
        failures += 1
        rows.append([(file as NSString).lastPathComponent, "-", "-", "-", "FAILED (nothing imported)"])
        continue
      }
      imported += 1
      switch outcome {
      case .imported(let summary):
        print(summary.renderText())
        let r = summary.result
        if r.rowsStored == 0 && r.rowsRejected > 0 { allRejected.append(summary.fileName) }
        rows.append([summary.fileName, "\(r.format.rawValue) \(r.version)", "\(r.rowsStored)", "\(r.rowsRejected)",
                     summary.reconciles ? "imported, reconciled" : "imported, NOT RECONCILED"])
      case .alreadyImported(let record, let path):
        print(record.alreadyImportedText(path: path))
        rows.append([record.fileName, record.format, "0", "0", "already imported as #\(record.id)"])
      }
    }
    if files.count > 1 || hasDirectory {
      print("")
      print(ImportBatchSummary.render(rows, skipped: skipped.count))
    }
    if !allRejected.isEmpty && failures == 0 {
      throw Failure(message: "every row of \(allRejected.joined(separator: ", ")) was rejected (kept in the reject table); nothing usable was imported",
                    code: ExitStatus.badData)
    }
    if failures > 0 {
      throw Failure(message: "\(failures) of \(files.count) files were not imported (see above); the others were", code: ExitStatus.badData)
    }
  }

  /// Reads and checks each file, printing the detected format and the command that pins it; writes nothing.
  func checkOnly(_ files: [String], options: ImportOptions) throws {
    for file in files {
      let (sniffed, summary) = try Workspace.dryRun(file, options: options)
      if let sniffed {
        print("\(file): looks like \(sniffed.format.rawValue) \(sniffed.version) (columns \(sniffed.evidence.joined(separator: ", ")))")
        print("  to pin this guess: mlcost import --format \(sniffed.format.rawValue)\(lenient ? " --lenient" : "") \(ImportSummary.quoted(file))")
      }
      print(summary.renderText())
    }
  }

  /// One file with its progress bar; nil when it failed and others follow (its error is printed, the batch goes on).
  func importOne(_ file: String, workspace: Workspace, options: ImportOptions, many: Bool) throws -> Workspace.ImportOutcome? {
    let bar = ProgressBar(label: (file as NSString).lastPathComponent, totalBytes: Self.size(of: file))
    do {
      let outcome = try workspace.importFile(file, options: options, progress: bar.enabled ? bar.update : nil)
      bar.finish()
      return outcome
    } catch {
      bar.finish()
      guard many, let (message, _) = ExitStatus.map(error) else { throw error }
      printError(message)
      return nil
    }
  }

  /// Creates the database file empty when it does not exist yet (SQLite makes an empty file a new database);
  /// true when this call created it.
  static func createIfAbsent(_ path: String) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { return false }
    close(fd)
    return true
  }

  /// Whether the database at `path` holds no import (an empty file, or a schema with nothing in it).
  static func holdsNoImport(_ path: String) -> Bool {
    if size(of: path) == 0 { return true }
    guard let workspace = try? Workspace(databasePath: path), let imports = try? workspace.imports() else { return false }
    return imports.isEmpty
  }

  static func size(of path: String) -> Int64 {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
  }

}
