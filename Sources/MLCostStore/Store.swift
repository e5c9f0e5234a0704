import Foundation
import MLCostCore

/// The embedded SQLite store: one file, WAL mode, frozen migrations.
public final class Store {
  public let db: SQLiteDatabase

  /// Opens (creating if needed) the database at `path`; `:memory:` for tests.
  public init(path: String) throws(StoreError) {
    db = try SQLiteDatabase(path: path)
    if path != ":memory:" {
      let mode = try Self.switchToWAL(db)
      guard mode.lowercased() == "wal" else { throw .schema("could not switch \(path) to WAL mode (got \(mode))") }
    }
    try db.execute("PRAGMA synchronous=NORMAL; PRAGMA cache_size=-8192;")
    try migrate()
  }

  /// `PRAGMA journal_mode=WAL`, retried while another process holds the lock it needs: SQLite answers
  /// SQLITE_BUSY at once there (no busy handler, to avoid a deadlock) when several processes open a new
  /// database together. Waits up to a minute, backing off from 5 ms to 200 ms.
  static func switchToWAL(_ db: SQLiteDatabase) throws(StoreError) -> String {
    var waited = 0, pause = 5
    while true {
      do throws(StoreError) {
        return try db.scalar("PRAGMA journal_mode=WAL").string ?? ""
      } catch {
        guard case .sqlite(let code, _, _) = error, code == 5 || code == 6, waited < 60_000 else { throw error }
        usleep(UInt32(pause * 1000))
        waited += pause
        pause = min(pause * 2, 200)
      }
    }
  }

  /// Applies the migrations not yet applied, in one transaction. Several processes may open a new or
  /// old database at once: each takes the write lock (waiting, like an import, for as long as another
  /// import holds it) and re-reads what is applied under the lock, so a migration runs exactly once.
  func migrate() throws(StoreError) {
    if try pendingMigrations().isEmpty { return }
    db.setBusyTimeout(milliseconds: 3_600_000)
    defer { db.setBusyTimeout(milliseconds: 5000) }
    try db.execute("BEGIN IMMEDIATE")
    do throws(StoreError) {
      try db.execute("CREATE TABLE IF NOT EXISTS schema_migration (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)")
      for (id, sql) in try pendingMigrations() {
        try db.execute(sql)
        _ = try db.rows("INSERT INTO schema_migration(id) VALUES (?)", [.text(id)])
      }
      try db.execute("COMMIT")
    } catch {
      try? db.execute("ROLLBACK")
      throw error
    }
  }

  /// The known migrations this database lacks; an error when it was written by a newer MLCost.
  private func pendingMigrations() throws(StoreError) -> [(id: String, sql: String)] {
    let hasTable = try db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'").int ?? 0 > 0
    let applied = hasTable ? Set(try db.rows("SELECT id FROM schema_migration").compactMap { $0[0].string }) : []
    let known = Set(Migrations.all.map(\.id))
    if let unknown = applied.subtracting(known).sorted().first {
      throw .schema("\(db.path) was written by a newer MLCost (migration \(unknown)); upgrade mlcost")
    }
    return Migrations.all.filter { !applied.contains($0.id) }.map { (id: $0.id, sql: $0.sql) }
  }

  /// The ids of the applied migrations, in order.
  public func appliedMigrations() throws(StoreError) -> [String] {
    try db.rows("SELECT id FROM schema_migration ORDER BY id").compactMap { $0[0].string }
  }
}
