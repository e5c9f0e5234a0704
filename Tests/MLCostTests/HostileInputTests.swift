import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCost

/// What the adversarial run did to the binary, each now a clear error with the documented exit code:
/// FIFOs and devices given as files, `--out` onto a device, output that cannot be written, a failed first
/// import, a file that shrinks while it is read, huge numbers.
struct HostileInputTests {
  let dir = Repo.temporaryDirectory()
  func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

  /// Runs the binary with a deadline: a hang is a failure, not a stuck test run.
  func run(_ arguments: [String], seconds: Double = 20) throws -> Binary.Result {
    let deadline = Date().addingTimeInterval(seconds)
    let box = ResultBox()
    let thread = Thread { box.set(try? Binary.run(arguments)) }
    thread.start()
    while Date() < deadline {
      if let r = box.get() { return r }
      Thread.sleep(forTimeInterval: 0.05)
    }
    Issue.record("mlcost \(arguments.joined(separator: " ")) did not finish in \(seconds) s")
    throw CancellationError()
  }

  final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Binary.Result??
    func set(_ v: Binary.Result?) { lock.lock(); value = .some(v); lock.unlock() }
    func get() -> Binary.Result? { lock.lock(); defer { lock.unlock() }; return value ?? nil }
  }

  @Test func aFIFOIsRefusedBeforeItIsOpenedAloneOrInAFolder() throws {
    #expect(mkfifo(path("pipe.csv"), 0o600) == 0)
    let alone = try run(["import", "--db", path("a.db"), path("pipe.csv")])
    #expect(alone.status == 66 && alone.stderr.contains("a FIFO (named pipe), not a regular file"), "\(alone.stderr)")
    #expect(!FileManager.default.fileExists(atPath: path("a.db")), "a failed first import leaves no database")
    try FocusText.write([FocusText.row("1.00")], to: dir, name: "good.csv")
    let folder = try run(["import", "--db", path("b.db"), dir])
    #expect(folder.stdout.contains("good.csv") && folder.stderr.contains("pipe.csv"), "\(folder.stdout)\n\(folder.stderr)")
  }

  @Test func aDirectoryOrDeviceNamedAsAFileIsAClearError() throws {
    let device = try run(["import", "--db", path("c.db"), "/dev/zero"])
    #expect(device.status == 66 && device.stderr.contains("a character device, not a regular file"), "\(device.stderr)")
    #expect(!FileManager.default.fileExists(atPath: path("c.db")))
  }

  @Test func outNeverReplacesANonRegularFile() throws {
    try FocusText.write([FocusText.row("1.00")], to: dir, name: "one.csv")
    _ = try run(["import", "--db", path("d.db"), path("one.csv")])
    #expect(mkfifo(path("out.fifo"), 0o600) == 0)
    let r = try run(["report", "monthly", "--db", path("d.db"), "--month", "2026-10", "--out", path("out.fifo")])
    #expect(r.status == 64 && r.stderr.contains("not a regular file"), "\(r.stderr)")
    var st = stat()
    #expect(stat(path("out.fifo"), &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO, "the FIFO is still a FIFO")
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full on this machine to make stdout fail"))
  func outputThatCannotBeWrittenIsANonZeroExit() throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: Binary.mlcost)
    p.arguments = ["catalog", "list", "gpus", "--catalogs", Repo.path("catalogs")]
    p.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
    let err = Pipe()
    p.standardError = err
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus != 0)
    #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("could not write the output"))
  }

  /// A file truncated while it is mapped: SIGBUS is caught, the import stops with "changed while it was being read".
  @Test func aFileThatShrinksWhileMappedIsAnErrorNotACrash() throws {
    let rows = (1...20_000).map { FocusText.row("1.00", day: $0 % 28 + 1) }
    let file = try FocusText.write(rows, to: dir, name: "shrinking.csv")
    let source = try FileByteSource(path: file)
    let mapped = try #require(source.mappedBytes)
    #expect(truncate(file, 4096) == 0)
    // Touch a page past the new end: without the guard this is SIGBUS.
    let page = mapped[mapped.count - 10]
    #expect(page == 0)
    #expect(throws: ImportError.self) { try source.verifyUnchanged() }
  }

  @Test func aFileThatChangedSizeIsCaughtToo() throws {
    let file = try FocusText.write([FocusText.row("1.00")], to: dir, name: "growing.csv")
    let source = try FileByteSource(path: file)
    let h = try #require(FileHandle(forWritingAtPath: file))
    h.seekToEndOfFile()
    h.write(Data((FocusText.row("2.00") + "\n").utf8))
    try h.close()
    do {
      try source.verifyUnchanged()
      Issue.record("a grown file passed")
    } catch {
      #expect("\(error)".contains("changed while it was being read"))
    }
  }

  /// Excel's Windows-1252 CSV and a UTF-16 download: refused with the command that converts them.
  @Test func filesThatAreNotUTF8AreRefusedWithHowToConvertThem() throws {
    var latin1 = Array((FocusText.header + "\n").utf8)
    latin1 += Array("1.00,1.00,Usage,2026-10-01T00:00:00Z,2026-10-01T01:00:00Z,2026-10-01T00:00:00Z,EUR,AWS,1,caf".utf8) + [0xE9] + Array(",\n".utf8)
    FileManager.default.createFile(atPath: path("latin1.csv"), contents: Data(latin1))
    let a = try run(["import", "--db", path("e.db"), path("latin1.csv")])
    #expect(a.status == 65 && a.stderr.contains("latin1.csv:2") && a.stderr.contains("iconv -f WINDOWS-1252"), "\(a.stderr)")
    let utf16 = try #require((FocusText.file([FocusText.row("1.00")])).data(using: .utf16LittleEndian))
    FileManager.default.createFile(atPath: path("utf16.csv"), contents: Data([0xFF, 0xFE]) + utf16)
    let b = try run(["import", "--db", path("e.db"), path("utf16.csv")])
    #expect(b.status == 65 && b.stderr.contains("UTF-16LE") && b.stderr.contains("iconv -f UTF-16"), "\(b.stderr)")
    #expect(!FileManager.default.fileExists(atPath: path("e.db")))
  }

  /// A first-time user's empty states: each says what the database does hold, with exit code 66.
  @Test func questionsTheDataCannotAnswerSayWhatIsThere() throws {
    try FocusText.write([FocusText.row("1.00", day: 3)], to: dir, name: "oct.csv")
    _ = try run(["import", "--db", path("h.db"), path("oct.csv")])
    let month = try run(["report", "monthly", "--db", path("h.db"), "--month", "2026-09"])
    #expect(month.status == 66 && month.stderr.contains("no charges or usage for 2026-09; the database holds 2026-10"), "\(month.stderr)")
    let later = try run(["anomalies", "--db", path("h.db"), "--since", "2026-12-01"])
    #expect(later.status == 66 && later.stderr.contains("the database holds charges for 2026-10-03 … 2026-10-03"), "\(later.stderr)")
    // An empty database (schema only): no epoch dates, a clear message.
    try FocusText.write([FocusText.row("bad")], to: dir, name: "bad.csv")
    _ = try run(["import", "--db", path("empty.db"), path("bad.csv")])
    #expect(!FileManager.default.fileExists(atPath: path("empty.db")), "a failed first import creates nothing")
    for command in [["idle"], ["anomalies"], ["report", "monthly", "--month", "2026-10"]] {
      let emptyDB = path("schema-only.db")
      if !FileManager.default.fileExists(atPath: emptyDB) {
        FileManager.default.createFile(atPath: emptyDB, contents: Data())
      }
      let r = try run(command + ["--db", emptyDB])
      #expect(r.status == 66 && r.stderr.contains("holds no charges") && !r.stdout.contains("1969") && !r.stdout.contains("1970"),
              "\(command): \(r.status) \(r.stderr) \(r.stdout)")
    }
  }

  /// Two processes import into one database at once: both land (one waits for the other's transaction),
  /// and the same file twice at once is stored once.
  @Test func twoImportsAtOnceBothLandAndNothingIsLost() throws {
    let a = path("a.csv"), b = path("b.csv")
    _ = try Workspace.generateFocus(to: a, rows: 40_000)
    try FocusText.write((1...500).map { FocusText.row("2.00", account: "222", day: $0 % 28 + 1) }, to: dir, name: "b.csv")
    let db = path("shared.db")
    func start(_ file: String) throws -> Process {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: Binary.mlcost)
      p.arguments = ["import", "--db", db, file]
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      try p.run()
      return p
    }
    let first = try start(a), second = try start(b), third = try start(a)
    for p in [first, second, third] { p.waitUntilExit() }
    #expect([first, second, third].allSatisfy { $0.terminationStatus == 0 }, "\([first, second, third].map(\.terminationStatus))")
    let r = try Binary.run(["imports", "--db", db, "--format", "json"])
    let imports = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] ?? []
    #expect(imports.count == 2, "\(r.stdout.prefix(400))")
    #expect(Set(imports.compactMap { $0["rowsStored"] as? Int }) == [40_000, 500])
  }

  /// Twelve processes open one new database at once, three times over: the schema is created exactly once (a race
  /// here failed with "table dict already exists") and every import lands. Under load one of them used to get
  /// SQLITE_BUSY on `PRAGMA journal_mode=WAL` (SQLite does not wait there) and, as a failed first import, delete
  /// the new file under the others ("disk I/O error"): 9 failures in 300 such processes before, 0 after.
  @Test func manyProcessesCreatingOneDatabaseAtOnceAllSucceed() throws {
    for i in 1...12 { try FocusText.write([FocusText.row("\(i).00", account: "\(i)")], to: dir, name: "p\(i).csv") }
    for round in 1...3 {
      let db = path("fresh-\(round).db")
      let processes = (1...12).map { i -> Process in
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.mlcost)
        p.arguments = ["import", "--db", db, path("p\(i).csv")]
        p.standardOutput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: path("p\(i)-\(round).err"), contents: nil)
        p.standardError = FileHandle(forWritingAtPath: path("p\(i)-\(round).err"))
        return p
      }
      for p in processes { try p.run() }
      for p in processes { p.waitUntilExit() }
      let errors = (1...12).map { (try? String(contentsOfFile: path("p\($0)-\(round).err"), encoding: .utf8)) ?? "" }.filter { !$0.isEmpty }
      #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "round \(round): \(processes.map(\.terminationStatus)): \(errors)")
      let r = try Binary.run(["imports", "--db", db, "--format", "json"])
      let imports = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [[String: Any]] ?? []
      #expect(imports.count == 12, "round \(round): \(r.stdout.prefix(400)) \(r.stderr.prefix(400))")
    }
  }

  /// A first import that fails leaves no database behind (an empty one would look like an answer); a database that
  /// already existed is left as it was.
  @Test func aFailedFirstImportLeavesNoDatabase() throws {
    let bad = try FocusText.write([FocusText.row("not money")], to: dir, name: "bad.csv")
    let r = try Binary.run(["import", "--db", path("new.db"), bad])
    #expect(r.status == 65, "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: path("new.db")))
    let good = try FocusText.write([FocusText.row("1.00")], to: dir, name: "good-first.csv")
    #expect(try Binary.run(["import", "--db", path("kept.db"), good]).status == 0)
    #expect(try Binary.run(["import", "--db", path("kept.db"), bad]).status == 65)
    #expect(FileManager.default.fileExists(atPath: path("kept.db")))
  }
}
