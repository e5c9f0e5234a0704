import Foundation
import GRDB
import GRDBSQLite

// The same table and row shape as MLCost's `charge` (16 columns: integers, a few reals and nulls).
let schema = """
  CREATE TABLE charge (id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL, line INTEGER NOT NULL, dims_id INTEGER NOT NULL,
    billing_period_start INTEGER NOT NULL, billing_period_end INTEGER, charge_period_start INTEGER NOT NULL,
    charge_period_end INTEGER NOT NULL, billed_cost INTEGER NOT NULL, effective_cost INTEGER NOT NULL, list_cost INTEGER,
    contracted_cost INTEGER, consumed_quantity REAL, pricing_quantity REAL, commitment_discount_quantity REAL, flags INTEGER NOT NULL)
  """
let insertSQL = "INSERT INTO charge VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
let rows = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 2_000_000
let dir = NSTemporaryDirectory() + "store-probe-\(getpid())"
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)

@inline(__always) func value(_ i: Int, _ k: Int) -> Int64 { Int64(i &* 2_654_435_761 &+ k * 97) & 0xFFFF_FFFF }

/// Binds row `i` with the C functions and steps (both fast paths share it).
func insertRow(_ s: OpaquePointer?, _ i: Int) {
  sqlite3_bind_int64(s, 1, Int64(i + 1)); sqlite3_bind_int64(s, 2, 1); sqlite3_bind_int64(s, 3, Int64(i + 2))
  sqlite3_bind_int64(s, 4, value(i, 4) & 0xFFFF)
  for k in 5...12 { sqlite3_bind_int64(s, Int32(k), value(i, k)) }
  sqlite3_bind_double(s, 13, 1); sqlite3_bind_double(s, 14, 1); sqlite3_bind_null(s, 15); sqlite3_bind_int64(s, 16, 0)
  guard sqlite3_step(s) == SQLITE_DONE else { fatalError("insert failed") }
  sqlite3_reset(s)
}

func rawC(_ path: String) throws -> Double {
  var db: OpaquePointer?
  sqlite3_open(path, &db)
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-8192; " + schema, nil, nil, nil)
  let start = Date()
  sqlite3_exec(db, "BEGIN IMMEDIATE", nil, nil, nil)
  var s: OpaquePointer?
  sqlite3_prepare_v2(db, insertSQL, -1, &s, nil)
  for i in 0..<rows { insertRow(s, i) }
  sqlite3_finalize(s)
  sqlite3_exec(db, "COMMIT", nil, nil, nil)
  let t = Date().timeIntervalSince(start)
  sqlite3_close(db)
  return t
}

/// A GRDB pool (WAL) with the same pragmas and table as the C API run.
func makePool(_ path: String) throws -> DatabasePool {
  var config = Configuration()
  config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-8192") }
  let pool = try DatabasePool(path: path, configuration: config)
  try pool.write { try $0.execute(sql: schema) }
  return pool
}

func grdbArguments(_ path: String) throws -> Double {
  let pool = try makePool(path)
  let start = Date()
  try pool.write { db in
    let s = try db.makeStatement(sql: insertSQL)
    for i in 0..<rows {
      var a: [(any DatabaseValueConvertible)?] = [Int64(i + 1), 1, Int64(i + 2), value(i, 4) & 0xFFFF]
      for k in 5...12 { a.append(value(i, k)) }
      a += [1.0, 1.0, nil, 0]
      try s.execute(arguments: StatementArguments(a))
    }
  }
  return Date().timeIntervalSince(start)
}

func grdbRawStatement(_ path: String) throws -> Double {
  let pool = try makePool(path)
  let start = Date()
  try pool.write { db in
    let statement = try db.makeStatement(sql: insertSQL)
    let s = statement.sqliteStatement
    for i in 0..<rows { insertRow(s, i) }
  }
  return Date().timeIntervalSince(start)
}

let methods: [(String, (String) throws -> Double)] = [
  ("C API, sqlite3_bind_* + sqlite3_step", rawC),
  ("GRDB, Statement.execute(arguments:)", grdbArguments),
  ("GRDB, sqliteStatement + C bind/step", grdbRawStatement),
]
print("bulk insert of \(rows) charge rows (16 columns), one transaction, WAL, synchronous=NORMAL; median of 3")
for (name, run) in methods {
  var times: [Double] = []
  for k in 0..<3 {
    let path = "\(dir)/\(k)-\(name.prefix(4)).db"
    times.append(try run(path))
    for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
  }
  let median = times.sorted()[1]
  print(String(format: "%-40@ %8.0f rows/s   (runs: %@)", name as NSString, Double(rows) / median,
               times.map { String(format: "%.2f s", $0) }.joined(separator: ", ") as NSString))
}
try? FileManager.default.removeItem(atPath: dir)
