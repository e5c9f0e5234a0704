import Foundation
import MLCostTestSupport
import Testing
@testable import MLCost
import MLCostImporters

/// Contract 3: a file is one transaction. Kill the process mid-import: the database is as before.
struct AtomicImportTests {
  @Test(.timeLimit(.minutes(5)))
  func killingAnImportLeavesTheDatabaseExactlyAsBefore() throws {
    let dir = Repo.temporaryDirectory()
    let db = (dir as NSString).appendingPathComponent("kill.db")
    // Given a database with one import
    let small = try FocusText.write([FocusText.row("7.00")], to: dir, name: "small.csv")
    #expect(try Binary.run(["import", "--db", db, small]).status == 0)
    let before = try snapshot(db)
    // and a file large enough to take a while
    let big = (dir as NSString).appendingPathComponent("big.csv")
    _ = try Workspace.generateFocus(to: big, rows: 120_000)  // past the 8 MB page cache, so pages spill into the WAL mid-import
    // When the import is killed once it has written into the WAL
    let p = Process()
    p.executableURL = URL(fileURLWithPath: Binary.mlcost)
    p.arguments = ["import", "--db", db, big]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    let wal = db + "-wal"
    let deadline = Date().addingTimeInterval(120)
    var killedMidway = false
    while p.isRunning && Date() < deadline {
      let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? NSNumber)?.intValue ?? 0
      if size > 2 << 20 { kill(p.processIdentifier, SIGKILL); killedMidway = true; break }
      usleep(2_000)
    }
    p.waitUntilExit()
    #expect(killedMidway, "the import finished before it could be killed; make the file bigger")
    // Then the database is exactly as before, and intact
    #expect(try snapshot(db) == before)
    let ws = try Workspace(databasePath: db)
    #expect(try ws.query("PRAGMA integrity_check")[0][0].string == "ok")
    // And the same file imports cleanly afterwards
    guard case .imported(let s) = try ws.importFile(big, options: ImportOptions()) else { Issue.record("not imported"); return }
    #expect(s.result.rowsStored == 120_000 && s.reconciles)
  }

  private func snapshot(_ db: String) throws -> [String] {
    let ws = try Workspace(databasePath: db)
    return try ["import", "charge", "dict", "reject", "import_total", "import_scope"].map {
      "\($0): " + (try ws.query("SELECT count(*) FROM \($0)")[0][0].description)
    } + [try ws.query("SELECT money_sum(billed_cost) FROM charge")[0][0].description]
  }
}
