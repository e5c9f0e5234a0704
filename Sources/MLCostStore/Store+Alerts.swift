import Foundation

/// `mlcost alerts` state: each alert key fires once; each recorded run remembers its as-of day.
extension Store {
  /// The as-of day of the last recorded run, nil before the first.
  public func lastAlertRun() throws(StoreError) -> Int64? {
    try db.scalar("SELECT as_of FROM alert_run ORDER BY id DESC LIMIT 1").int
  }

  /// Of these keys, those already fired.
  public func firedAlerts(_ keys: [String]) throws(StoreError) -> Set<String> {
    var out = Set<String>()
    let s = try db.prepare("SELECT 1 FROM alert_fired WHERE key = ?")
    for k in keys {
      try s.bind([.text(k)])
      if try s.step() { out.insert(k) }
      s.reset()
    }
    return out
  }

  /// Records a run and what it fired, in one transaction (a run that fails records nothing).
  public func recordAlertRun(asOf: Int64, fired: [(key: String, kind: String)], at now: Int64) throws(StoreError) {
    try db.execute("BEGIN IMMEDIATE")
    do throws(StoreError) {
      for f in fired {
        _ = try db.rows("INSERT OR IGNORE INTO alert_fired(key, kind, as_of, fired_at) VALUES (?, ?, ?, ?)",
                        [.text(f.key), .text(f.kind), .integer(asOf), .integer(now)])
      }
      _ = try db.rows("INSERT INTO alert_run(as_of, ran_at, fired) VALUES (?, ?, ?)", [.integer(asOf), .integer(now), .integer(Int64(fired.count))])
      try db.execute("COMMIT")
    } catch {
      try? db.execute("ROLLBACK")
      throw error
    }
  }
}

/// The alert state kept in a file of its own, for `alerts --engine spark`: that engine builds a fresh database on every
/// run, so what has fired is loaded from the state file before the run and written back after it.
extension Store {
  /// Copies what fired and the recorded runs from `path` (a state file, or any MLCost database) into this database;
  /// nothing when the file does not exist yet.
  public func loadAlertState(from path: String) throws(StoreError) {
    guard FileManager.default.fileExists(atPath: path) else { return }
    try withAlertStateFile(path, """
      INSERT OR IGNORE INTO alert_fired(key, kind, as_of, fired_at) SELECT key, kind, as_of, fired_at FROM alert_state.alert_fired;
      INSERT INTO alert_run(as_of, ran_at, fired) SELECT as_of, ran_at, fired FROM alert_state.alert_run ORDER BY id;
      """)
  }

  /// Writes this database's alert state to `path` (created when missing), replacing what the file held, in one
  /// transaction.
  public func saveAlertState(to path: String) throws(StoreError) {
    try withAlertStateFile(path, """
      CREATE TABLE IF NOT EXISTS alert_state.alert_fired (key TEXT PRIMARY KEY, kind TEXT NOT NULL, as_of INTEGER NOT NULL,
                                                          fired_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS alert_state.alert_run (id INTEGER PRIMARY KEY, as_of INTEGER NOT NULL, ran_at INTEGER NOT NULL,
                                                        fired INTEGER NOT NULL);
      DELETE FROM alert_state.alert_fired;
      DELETE FROM alert_state.alert_run;
      INSERT INTO alert_state.alert_fired SELECT key, kind, as_of, fired_at FROM main.alert_fired;
      INSERT INTO alert_state.alert_run SELECT id, as_of, ran_at, fired FROM main.alert_run;
      """)
  }

  /// Runs `sql` in one transaction with the state file attached as `alert_state`.
  private func withAlertStateFile(_ path: String, _ sql: String) throws(StoreError) {
    _ = try db.rows("ATTACH DATABASE ? AS alert_state", [.text(path)])
    do throws(StoreError) {
      try db.execute("BEGIN IMMEDIATE;\n" + sql + "COMMIT;")
    } catch {
      try? db.execute("ROLLBACK")
      try? db.execute("DETACH DATABASE alert_state")
      throw error
    }
    try db.execute("DETACH DATABASE alert_state")
  }
}
