import Foundation
import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostStore

struct StoreTests {
  let dir = Repo.temporaryDirectory()
  var path: String { (dir as NSString).appendingPathComponent("s.db") }

  @Test func aFileDatabaseIsInWALModeWithEveryMigrationApplied() throws {
    let store = try Store(path: path)
    #expect(try store.db.scalar("PRAGMA journal_mode").string == "wal")
    #expect(try store.appliedMigrations() == Migrations.all.map(\.id))
    // Reopening applies nothing twice.
    let again = try Store(path: path)
    #expect(try again.db.scalar("SELECT count(*) FROM schema_migration").int == Int64(Migrations.all.count))
  }

  /// Shipped migrations are frozen: editing one changes its checksum and fails here. Add a new one instead.
  @Test func migrationsAreFrozen() {
    let pinned: [String: String] = [
      "0001-foundation": "799cc3e6dba95fbe",
      "0002-usage-and-metrics": "c20f8c18ff15f0cb",
      "0003-charge-summary": "75e956f354db67d6",
      "0004-daily-rollups": "1fc1557cc5af8f5d",
      "0005-metric-rollups-by-day-and-month": "4921b005f21fe4c3",
      "0006-money-in-picos": "a8fac2881e9b736b",
      "0007-line-detail-out-of-dims": "aeb1ef68d0133c3c",
      "0008-alerts": "dcf8dd9212e13d26",
      "0009-daily-quantity": "b425929d7acd5794",
      "0010-daily-pricing-currency": "3ffa4f7cf94c833b",
      "0011-focus-datasets": "89692cd97c1508dd",
      "0012-charge-source-rows": "6af86a13302d042",
    ]
    for (id, sql) in Migrations.all {
      #expect(pinned[id] == Self.checksum(sql), "migration \(id) changed (checksum \(Self.checksum(sql))); add a new migration instead")
    }
  }

  @Test func aDatabaseFromANewerMLCostIsRefused() throws {
    let store = try Store(path: path)
    try store.db.execute("INSERT INTO schema_migration(id) VALUES ('9999-future')")
    #expect(throws: StoreError.self) { try Store(path: path) }
  }

  /// A database as an earlier MLCost left it: the first `count` migrations applied.
  func databaseWithMigrations(_ count: Int) throws -> SQLiteDatabase {
    let old = try SQLiteDatabase(path: path)
    try old.execute("CREATE TABLE schema_migration (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)")
    for (id, sql) in Migrations.all.prefix(count) {
      try old.execute(sql)
      _ = try old.rows("INSERT INTO schema_migration(id) VALUES (?)", [.text(id)])
    }
    return old
  }

  /// A database written before 128-bit money (nanos, migrations 0001–0005) opens with every amount in
  /// pico-units, wide ones as digits, and its reports read the same money.
  @Test func aDatabaseFromBefore128BitMoneyMigratesForward() throws {
    let old = try databaseWithMigrations(5)
    try old.execute("""
      INSERT INTO dict VALUES (1, 'IDR');
      INSERT INTO import (id, file_name, file_path, sha256, format, format_version, file_bytes, imported_at, lenient)
        VALUES (1, 'f', 'f', 'x', 'focus', '1.2', 1, '2026-11-01T00:00:00Z', 0);
      INSERT INTO charge_dims (id, key_hash, charge_category, billing_currency_id) VALUES (1, 0, 1, 1);
      INSERT INTO charge (id, import_id, line, dims_id, billing_period_start, charge_period_start, charge_period_end,
        billed_cost, effective_cost, list_cost, flags) VALUES
        (1, 1, 2, 1, 1790812800, 1790812800, 1790816400, 9000000000000000000, -1234567891, NULL, 0),
        (2, 1, 3, 1, 1790812800, 1790812800, 1790816400, 1, 5, 7, 0);
      INSERT INTO import_total VALUES (1, '2026-10', 'IDR', 2, 9000000000000000001, 1, 2, 9000000000000000001, -1234567886, 0, 0, 0);
      """)
    let store = try Store(path: path)
    #expect(try store.appliedMigrations() == Migrations.all.map(\.id))
    let rows = try store.db.rows("SELECT billed_cost, effective_cost, list_cost FROM charge ORDER BY id")
    #expect(rows[0][0].amount == Amount(nanos: 9_000_000_000_000_000_000 / 1000) * 1000)
    #expect(rows[0][0].amount?.decimalString == "9000000000.00")
    #expect(rows[0][1].amount == Amount(nanos: -1_234_567_891))
    #expect(rows[1].map(\.amount) == [Amount(nanos: 1), Amount(nanos: 5), Amount(nanos: 7)])
    #expect(try store.storedTotals().first?.value.billedCost == Amount(nanos: 9_000_000_000_000_000_001 / 10) * 10 + Amount(nanos: 1))
    #expect(try store.db.scalar("SELECT billed_cost_picos FROM charge_v WHERE id = 2").int == 1000)
    let record = try #require(try store.imports().first?.reconciliation.first)
    #expect(record.file.billedCost.decimalString == "9000000000.000000001")
    #expect(record.stored.effectiveCost == Amount(nanos: -1_234_567_886))
  }

  /// A database written before line detail left the dimensions (0001–0006) keeps every description and unit
  /// price, now in `charge_detail`, and `charge_v` shows them as before.
  @Test func aDatabaseFromBeforeLineDetailMigratesForward() throws {
    let old = try databaseWithMigrations(6)
    try old.execute("""
      INSERT INTO dict VALUES (1, 'USD'), (2, '$0.10 per hour'), (3, '0.10'), (4, 'arn:a');
      INSERT INTO import (id, file_name, file_path, sha256, format, format_version, file_bytes, imported_at, lenient)
        VALUES (1, 'f', 'f', 'x', 'focus', '1.2', 1, '2026-11-01T00:00:00Z', 0);
      INSERT INTO charge_dims (id, key_hash, charge_category, billing_currency_id, resource_id_id, charge_description_id, list_unit_price_id)
        VALUES (1, 0, 1, 1, 4, 2, 3), (2, 0, 1, 1, 4, NULL, NULL);
      INSERT INTO charge (id, import_id, line, dims_id, billing_period_start, charge_period_start, charge_period_end,
        billed_cost, effective_cost, flags) VALUES
        (1, 1, 2, 1, 1790812800, 1790812800, 1790816400, 100000000000, 100000000000, 0),
        (2, 1, 3, 2, 1790812800, 1790812800, 1790816400, 5, 5, 0);
      """)
    let store = try Store(path: path)
    #expect(try store.appliedMigrations() == Migrations.all.map(\.id))
    let rows = try store.db.rows("SELECT id, resource_id, charge_description, list_unit_price FROM charge_v ORDER BY id")
    #expect(rows.map { $0.map { $0.string ?? $0.int.map(String.init) ?? "null" } } == [["1", "arn:a", "$0.10 per hour", "0.10"], ["2", "arn:a", "null", "null"]])
    #expect(try store.db.scalar("SELECT count(*) FROM charge_detail").int == 1)
    #expect(try store.db.scalar("SELECT count(*) FROM charge_dims WHERE charge_description_id IS NOT NULL OR list_unit_price_id IS NOT NULL").int == 0)
  }

  /// A database from before daily quantities (0001–0008) gets each daily row's Σ ConsumedQuantity from its charges
  /// (the anomaly explanation's volume); a day whose charges state none stays NULL, never 0.
  @Test func aDatabaseFromBeforeDailyQuantitiesMigratesForward() throws {
    let old = try databaseWithMigrations(8)
    try old.execute("""
      INSERT INTO dict VALUES (1, 'USD');
      INSERT INTO import (id, file_name, file_path, sha256, format, format_version, file_bytes, imported_at, lenient)
        VALUES (1, 'f', 'f', 'x', 'focus', '1.2', 1, '2026-11-01T00:00:00Z', 0);
      INSERT INTO charge_dims (id, key_hash, charge_category, billing_currency_id) VALUES (1, 0, 1, 1), (2, 1, 1, 1);
      INSERT INTO charge (id, import_id, line, dims_id, billing_period_start, charge_period_start, charge_period_end,
        billed_cost, effective_cost, consumed_quantity, flags) VALUES
        (1, 1, 2, 1, 1790812800, 1790812800, 1790816400, 1000, 1000, 1.5, 0),
        (2, 1, 3, 1, 1790812800, 1790816400, 1790820000, 1000, 1000, 2.25, 0),
        (3, 1, 4, 1, 1790812800, 1790899200, 1790902800, 1000, 1000, 4, 0),
        (4, 1, 5, 2, 1790812800, 1790812800, 1790816400, 1000, 1000, NULL, 0);
      INSERT INTO charge_daily (billing_period_start, day, dims_id, import_id, rows, billed_cost, effective_cost) VALUES
        (1790812800, 1790812800, 1, 1, 2, 2000, 2000), (1790812800, 1790899200, 1, 1, 1, 1000, 1000),
        (1790812800, 1790812800, 2, 1, 1, 1000, 1000);
      """)
    let store = try Store(path: path)
    #expect(try store.appliedMigrations() == Migrations.all.map(\.id))
    let rows = try store.db.rows("SELECT dims_id, day, consumed_quantity FROM charge_daily ORDER BY dims_id, day")
    #expect(rows.map { $0[2].double } == [3.75, 4, nil])
  }

  /// Text that changes every line (a description with the hour's price) is line detail: the charges of one
  /// resource share one `charge_dims` row and intern nothing new, and `charge_v` still shows each line's text.
  @Test func lineDetailDoesNotMultiplyDimensions() throws {
    let store = try Store(path: ":memory:")
    try store.importing(ImportFileInfo(fileName: "f", path: "f", sha256: "x", format: "focus", formatVersion: "1.2",
                                                      fileBytes: 1, importedAt: "2026-11-22T00:00:00Z", lenient: false)) { loader in
      let usd = Array("USD".utf8), res = Array("arn:a".utf8)
      for k in 0..<50 {
        let description = Array("$0.\(k) per hour, \"spot\"".utf8), price = Array("0.\(k)".utf8)
        try usd.withUnsafeBytes { usd in
          try res.withUnsafeBytes { res in
            try description.withUnsafeBytes { d in
              try price.withUnsafeBytes { p in
                var r = ChargeRecord()
                r.line = k + 2
                r.billedCost = Amount(units: 1)
                r.effectiveCost = Amount(units: 1)
                r[.billingCurrency] = TextRef(usd)
                r[.resourceId] = TextRef(res)
                r[.chargeDescription] = TextRef(d)
                if k % 2 == 0 { r[.listUnitPrice] = TextRef(p) }
                try loader.write(r)
              }
            }
          }
        }
      }
      return .commit(ImportCompletion(rowsRead: 50))
    }
    #expect(try store.db.scalar("SELECT count(*) FROM charge_dims").int == 1)
    #expect(try store.db.scalar("SELECT count(*) FROM dict").int == 2)
    #expect(try store.db.scalar("SELECT count(*) FROM charge_summary").int == 1)
    let last = try store.db.rows("SELECT charge_description, list_unit_price FROM charge_v WHERE line = 51")[0]
    #expect(last[0].string == "$0.49 per hour, \"spot\"" && last[1].string == nil)
    #expect(try store.db.scalar("SELECT list_unit_price FROM charge_v WHERE line = 50").string == "0.48")
  }

  /// Daily and monthly tallies past the in-memory limit go to `charge_daily` / `charge_summary` early and are
  /// added to on the next spill: the tables end the same, to the pico, as when everything fits in memory.
  @Test func dailyTalliesSpilledEarlyAddUpToTheSame() throws {
    func load(limit: Int) throws -> [[SQLValue]] {
      let store = try Store(path: ":memory:")
      try store.importing(ImportFileInfo(fileName: "f", path: "f", sha256: "x", format: "focus", formatVersion: "1.2",
                                                        fileBytes: 1, importedAt: "2026-11-22T00:00:00Z", lenient: false)) { loader in
        loader.tallyLimit = limit
        let usd = Array("USD".utf8)
        let resources = (0..<7).map { Array("arn:\($0)".utf8) }
        for k in 0..<300 {
          try usd.withUnsafeBytes { u in
            try resources[(k * 5) % 7].withUnsafeBytes { res in
              var r = ChargeRecord()
              r.line = k + 2
              r.billingPeriodStart = 1_790_812_800
              r.chargePeriodStart = 1_790_812_800 + Int64(k % 11) * 86_400 + Int64(k) * 60
              r.chargePeriodEnd = r.chargePeriodStart + 3600
              r.billedCost = Amount(picos: Int128(k) * 1_234_567_891_234 + 7)
              r.effectiveCost = k == 5 ? Amount(picos: Int128(Int64.max) * 3) : Amount(units: 1)
              r.consumedQuantity = k % 3 == 0 ? nil : Double(k) / 4
              r[.billingCurrency] = TextRef(u)
              r[.resourceId] = TextRef(res)
              try loader.write(r)
            }
          }
        }
        return .commit(ImportCompletion(rowsRead: 300))
      }
      return try store.db.rows("SELECT day, dims_id, rows, billed_cost, effective_cost FROM charge_daily ORDER BY 1, 2")
        + store.db.rows("SELECT billing_period_start, dims_id, rows, billed_cost, effective_cost, consumed_quantity FROM charge_summary ORDER BY 1, 2")
    }
    let whole = try load(limit: 1 << 16)
    #expect(whole.count == 77 + 7)
    #expect(try load(limit: 2) == whole)
    #expect(try load(limit: 10) == whole)
  }

  @Test func theLoaderStoresEachDistinctDimensionsOnce() throws {
    let store = try Store(path: ":memory:")
    try store.importing(ImportFileInfo(fileName: "f", path: "f", sha256: "x", format: "focus", formatVersion: "1.2",
                                                      fileBytes: 1, importedAt: "2026-11-22T00:00:00Z", lenient: false)) { loader in
      let texts = ["USD", "AWS", "arn:a", "arn:b"].map { Array($0.utf8) }
      try texts[0].withUnsafeBytes { usd in
        try texts[1].withUnsafeBytes { aws in
          for (k, resource) in [texts[2], texts[3], texts[2], texts[2]].enumerated() {
            try resource.withUnsafeBytes { res in
              var r = ChargeRecord()
              r.line = k + 2
              r.billedCost = Amount(units: 1)
              r.effectiveCost = Amount(units: 1)
              r[.billingCurrency] = TextRef(usd)
              r[.providerName] = TextRef(aws)
              r[.resourceId] = TextRef(res)
              try loader.write(r)
            }
          }
        }
      }
      return .commit(ImportCompletion(rowsRead: 4))
    }
    #expect(try store.db.scalar("SELECT count(*) FROM charge").int == 4)
    #expect(try store.db.scalar("SELECT count(*) FROM charge_dims").int == 2)
    #expect(try store.db.scalar("SELECT count(*) FROM dict").int == 4)
    #expect(try store.db.rows("SELECT resource_id FROM charge_v ORDER BY id").map { $0[0].string ?? "" } == ["arn:a", "arn:b", "arn:a", "arn:a"])
  }

  @Test func charge_vShowsFOCUSNamesAndExactMoney() throws {
    let store = try Store(path: ":memory:")
    let cols = try store.db.rows("SELECT name FROM pragma_table_info('charge_v')").compactMap { $0[0].string }
    for c in ["billing_period_start", "charge_category", "pricing_category", "billed_cost_picos", "effective_cost_picos",
              "billing_currency", "provider_name", "billing_account_id", "service_name", "resource_id", "tags"] {
      #expect(cols.contains(c), "\(c)")
    }
  }

  static func checksum(_ s: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return String(h, radix: 16)
  }
}

struct InternerTests {
  /// Bytes that are not UTF-8 must not collide: String(decoding:) maps every bad sequence to U+FFFD.
  /// Text that is not UTF-8 (Latin-1 "Maß") or holds a NUL is refused, never stored as mojibake; the error
  /// says how to convert the file.
  @Test func textThatIsNotUTF8IsRefusedNeverStored() throws {
    let store = try Store(path: ":memory:")
    let interner = try Interner(db: store.db, slots: 1)
    let latin1: [UInt8] = [0x4D, 0x61, 0xDF], nul: [UInt8] = [0x41, 0x00, 0x42]
    for bytes in [latin1, nul] {
      do {
        _ = try bytes.withUnsafeBytes { try interner.id(TextRef($0), slot: 0) }
        Issue.record("stored \(bytes)")
      } catch {
        #expect("\(error)".contains(bytes == latin1 ? "not UTF-8" : "NUL byte"), "\(error)")
      }
    }
    #expect(try store.db.scalar("SELECT count(*) FROM dict").int == 0)
  }

  /// Line detail is stored as it came (not interned), so it is checked on every line: the same refusal, with file and line.
  @Test func lineDetailThatIsNotUTF8IsRefusedWithItsLine() throws {
    let latin1: [UInt8] = [0x4D, 0x61, 0xDF], nul: [UInt8] = [0x41, 0x00, 0x42], usd = Array("USD".utf8)
    for bytes in [latin1, nul] {
      let store = try Store(path: ":memory:")
      let info = ImportFileInfo(fileName: "f.csv", path: "f", sha256: "x", format: "focus", formatVersion: "1.2",
                                fileBytes: 1, importedAt: "2026-11-22T00:00:00Z", lenient: false)
      do {
        _ = try store.importing(info) { loader in
          try usd.withUnsafeBytes { u in
            try bytes.withUnsafeBytes { b in
              var r = ChargeRecord()
              r.line = 7
              r[.billingCurrency] = TextRef(u)
              r[.chargeDescription] = TextRef(b)
              try loader.write(r)
            }
          }
          return .commit(ImportCompletion(rowsRead: 1))
        }
        Issue.record("stored \(bytes)")
      } catch {
        #expect("\(error)".contains("f.csv:7: chargeDescription") && "\(error)".contains(bytes == latin1 ? "not UTF-8" : "NUL byte"), "\(error)")
      }
      #expect(try store.db.scalar("SELECT count(*) FROM import").int == 0)
      #expect(try store.db.scalar("SELECT count(*) FROM charge_detail").int == 0)
    }
  }
}

struct StoredTotalsVerificationTests {
  /// The per-period totals come from the loader's tallies; one read-back sum must agree, or nothing commits.
  @Test func aStoredRowThatGoesMissingFailsTheImport() throws {
    let store = try Store(path: ":memory:")
    let info = ImportFileInfo(fileName: "f", path: "f", sha256: "y", format: "focus", formatVersion: "1.2",
                              fileBytes: 1, importedAt: "2026-11-22T00:00:00Z", lenient: false)
    #expect(throws: StoreError.self) {
      try store.importing(info) { loader in
        let usd = Array("USD".utf8)
        try usd.withUnsafeBytes { u in
          for k in 0..<3 {
            var r = ChargeRecord()
            r.line = k + 2
            r.billedCost = Amount(units: 2)
            r.effectiveCost = Amount(units: 2)
            r[.billingCurrency] = TextRef(u)
            try loader.write(r)
          }
        }
        try store.db.execute("DELETE FROM charge WHERE id = (SELECT max(id) FROM charge)")
        return .commit(ImportCompletion(rowsRead: 3))
      }
    }
    #expect(try store.db.scalar("SELECT count(*) FROM import").int == 0)
  }

  /// `importing` is the only door: a body that rolls back or throws leaves no import and no charge.
  @Test func aBodyThatRollsBackOrThrowsLeavesNothing() throws {
    struct Boom: Error {}
    let store = try Store(path: ":memory:")
    let info = ImportFileInfo(fileName: "f", path: "f", sha256: "z", format: "focus", formatVersion: "1.2",
                              fileBytes: 1, importedAt: "2026-11-22T00:00:00Z", lenient: false)
    func writeOne(_ loader: ChargeLoader) throws {
      try Array("USD".utf8).withUnsafeBytes { u in
        var r = ChargeRecord()
        r.line = 2
        r.billedCost = Amount(units: 1)
        r.effectiveCost = Amount(units: 1)
        r[.billingCurrency] = TextRef(u)
        try loader.write(r)
      }
    }
    #expect(try store.importing(info) { try writeOne($0); return .rollBack } == nil)
    #expect(throws: Boom.self) { try store.importing(info) { try writeOne($0); throw Boom() } }
    #expect(try store.db.scalar("SELECT count(*) FROM import").int == 0)
    #expect(try store.db.scalar("SELECT count(*) FROM charge").int == 0)
    let committed = try #require(try store.importing(info) { try writeOne($0); return .commit(ImportCompletion(rowsRead: 1)) })
    #expect(committed.importId == 1)
    #expect(try store.db.scalar("SELECT count(*) FROM charge").int == 1)
  }
}
