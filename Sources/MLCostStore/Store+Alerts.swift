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
