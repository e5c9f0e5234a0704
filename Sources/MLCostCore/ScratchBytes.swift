/// A reusable byte buffer (call `free()` when done) with manual storage: appends are memcpy, no copy-on-write checks.
public struct ScratchBytes {
  public private(set) var base: UnsafeMutablePointer<UInt8>
  public private(set) var capacity: Int
  public internal(set) var count = 0

  public init(capacity: Int) {
    self.capacity = max(16, capacity)
    self.base = .allocate(capacity: self.capacity)
  }

  public func free() { base.deallocate() }

  public mutating func reserve(_ extra: Int) {
    let needed = count + extra
    guard needed > capacity else { return }
    var newCapacity = capacity * 2
    while newCapacity < needed { newCapacity *= 2 }
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBase.update(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = newCapacity
  }

  public mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
    guard n > 0 else { return }
    reserve(n)
    (base + count).update(from: p, count: n)
    count += n
  }

  public mutating func append(_ b: UInt8) {
    if count == capacity { reserve(1) }
    base[count] = b
    count += 1
  }

  public mutating func append(_ s: String) {
    var s = s
    s.withUTF8 { u in if let p = u.baseAddress { append(p, u.count) } }
  }

  public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}

extension ScratchBytes {
  public mutating func reset() { count = 0 }
  public mutating func truncate(to n: Int) { count = min(count, n) }
  public mutating func append(_ raw: UnsafeRawBufferPointer) {
    if let p = raw.baseAddress { append(p.assumingMemoryBound(to: UInt8.self), raw.count) }
  }
  public mutating func append(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { if let p = $0.baseAddress { append(p, $0.count) } }
  }
  /// A view of `count` bytes at `offset`; valid until the next append or reset.
  public func ref(_ offset: Int, _ n: Int) -> TextRef { TextRef(base: UnsafeRawPointer(base + offset), count: n) }
}
