import MLCostCore

#if canImport(Glibc)
import Glibc
#endif

/// A bounded map from byte strings to ids, keyed by the bytes themselves: no `String` is made, validated or
/// SipHashed per lookup (the `[String: Int64]` it replaces was a fifth of the store's time on realistic exports,
/// docs/decisions.md). Open addressing over a power-of-two slot array; the keys live in one arena. When it holds
/// `maxEntries` keys or `maxBytes` of them it empties itself, so memory stays bounded whatever the file holds.
struct BytesTable {
  private var slots: [Int32]
  private var hashes: [UInt64] = []
  private var ids: [Int64] = []
  private var offsets: [Int] = []
  private var lengths: [Int] = []
  private var arena: ScratchBytes
  private let mask: Int
  let maxEntries: Int
  let maxBytes: Int

  init(maxEntries: Int = 65_536, maxBytes: Int = 16 << 20) {
    var capacity = 16
    while capacity < maxEntries * 2 { capacity <<= 1 }
    slots = Array(repeating: 0, count: capacity)
    mask = capacity - 1
    self.maxEntries = maxEntries
    self.maxBytes = maxBytes
    arena = ScratchBytes(capacity: 1 << 16)
  }

  func free() { arena.free() }

  var count: Int { ids.count }

  /// A fast 64-bit hash of the bytes (eight at a time), stable within a process.
  @inline(__always)
  static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
    guard let p = bytes.baseAddress else { return h }
    var i = 0
    let n = bytes.count
    while i + 8 <= n {
      h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
      h ^= h >> 29
      i += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while i < n { tail |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << shift; shift += 8; i += 1 }
    h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
    return h ^ (h >> 31)
  }

  func find(_ bytes: UnsafeRawBufferPointer, hash h: UInt64) -> Int64? {
    let n = bytes.count
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let e = slots[i]
      if e == 0 { return nil }
      let k = Int(e) - 1
      if hashes[k] == h && lengths[k] == n && (n == 0 || memcmp(arena.base + offsets[k], bytes.baseAddress!, n) == 0) { return ids[k] }
      i = (i + 1) & mask
    }
  }

  /// Adds a key that `find` did not find.
  mutating func insert(_ bytes: UnsafeRawBufferPointer, hash h: UInt64, id: Int64) {
    if ids.count >= maxEntries || arena.count + bytes.count > maxBytes { removeAll() }
    var i = Int(truncatingIfNeeded: h) & mask
    while slots[i] != 0 { i = (i + 1) & mask }
    slots[i] = Int32(ids.count + 1)
    hashes.append(h)
    ids.append(id)
    offsets.append(arena.count)
    lengths.append(bytes.count)
    arena.append(bytes)
  }

  mutating func removeAll() {
    for i in slots.indices { slots[i] = 0 }
    hashes.removeAll(keepingCapacity: true)
    ids.removeAll(keepingCapacity: true)
    offsets.removeAll(keepingCapacity: true)
    lengths.removeAll(keepingCapacity: true)
    arena.reset()
  }
}
