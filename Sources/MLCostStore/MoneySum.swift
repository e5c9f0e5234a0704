import CSQLite
import MLCostCore

/// `money_sum(x)`: the exact 128-bit sum of a money column (INTEGER, or BLOB digits of pico-units), as
/// SQLite's own `sum()` cannot give: it stops at 64 bits ("integer overflow") and reads BLOBs as floating point.
/// Returns an INTEGER when the sum fits in 64 bits, else a BLOB of the pico-units' digits (as stored), and 0 over no rows. A sum past
/// 128 bits or a value that is not money is an error, never a wrong number.
enum MoneySum {
  /// The aggregate's state, in SQLite's zeroed aggregate context.
  struct State {
    var low: UInt64
    var high: Int64
    var failed: Int32
  }

  static func register(_ db: OpaquePointer) {
    _ = sqlite3_create_function_v2(db, "money_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, nil, step, final, nil)
  }

  private static let step: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = { ctx, _, args in
    guard let raw = sqlite3_aggregate_context(ctx, Int32(MemoryLayout<State>.size)) else { return }
    let state = raw.assumingMemoryBound(to: State.self)
    guard state.pointee.failed == 0, let value = args?[0] else { return }
    let add: Int128
    switch sqlite3_value_type(value) {
    case SQLITE_NULL: return
    case SQLITE_INTEGER: add = Int128(sqlite3_value_int64(value))
    case SQLITE_TEXT, SQLITE_BLOB:
      let n = Int(sqlite3_value_bytes(value))
      guard let p = sqlite3_value_blob(value),
            let v = Int128(String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)) else { state.pointee.failed = 2; return }
      add = v
    default: state.pointee.failed = 2; return
    }
    let current = Int128(state.pointee.high) << 64 | Int128(state.pointee.low)
    let (sum, overflow) = current.addingReportingOverflow(add)
    if overflow || sum == .min { state.pointee.failed = 1; return }
    state.pointee.high = Int64(truncatingIfNeeded: sum >> 64)
    state.pointee.low = UInt64(truncatingIfNeeded: sum)
  }

  private static let final: @convention(c) (OpaquePointer?) -> Void = { ctx in
    let raw = sqlite3_aggregate_context(ctx, 0)
    guard let state = raw?.assumingMemoryBound(to: State.self).pointee else { sqlite3_result_int64(ctx, 0); return }
    switch state.failed {
    case 1: sqlite3_result_error(ctx, "money_sum: the sum passes ±1.7 × 10^26 units (128-bit pico-units)", -1); return
    case 2: sqlite3_result_error(ctx, "money_sum: a value that is not money (INTEGER or TEXT pico-units)", -1); return
    default: break
    }
    let sum = Int128(state.high) << 64 | Int128(state.low)
    if let small = Int64(exactly: sum) { sqlite3_result_int64(ctx, small); return }
    var digits = String(sum)
    digits.withUTF8 { mlcost_result_blob_transient(ctx, $0.baseAddress, Int32($0.count)) }
  }
}
