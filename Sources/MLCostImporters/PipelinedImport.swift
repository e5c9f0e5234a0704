import Foundation
import MLCostCore

/// Runs an import on both cores: one thread reads, hashes, parses and maps rows (the driver); the
/// calling thread interns and inserts them (the loader, which owns the SQLite connection). Rows cross
/// in batches of copied bytes, through a bounded queue, so memory stays flat whatever the file size.
/// Measured in docs/decisions.md; the result is the same as the single-threaded path, row for row.
public enum PipelinedImport {
  static let batchRows = 2048
  static let queueDepth = 4

  /// - Parameter betweenBatches: work for the storing thread while it would otherwise wait (hashing).
  public static func run(source: any ByteSource, fileName: String, options: ImportOptions, sink: any ImportSink,
                  progress: ((ImportProgress) -> Void)?, betweenBatches: () -> Void = {}) throws -> ImportResult {
    let queue = BatchQueue(depth: queueDepth)
    let job = ProducerJob(source: source, fileName: fileName, options: options, queue: queue, progress: progress)
    let thread = Thread { job.run() }
    thread.stackSize = 1 << 20
    thread.start()

    var record = ChargeRecord()
    var consumerError: (any Error)?
    while let batch = queue.take() {
      do {
        for i in 0..<batch.count {
          batch.fill(&record, row: i)
          try sink.write(record)
        }
        for u in batch.usage { try sink.writeUsage(u) }
        for m in batch.metrics { try sink.writeMetric(m) }
        for d in batch.datasets { try sink.writeDataset(d) }
        for r in batch.rejects { try sink.reject(r) }
      } catch {
        consumerError = error
        queue.cancel()
        break
      }
      queue.recycle(batch)
      betweenBatches()
    }
    job.finished.wait()
    if let consumerError { throw consumerError }
    if let error = job.error { throw error }
    guard let result = job.result else { throw ImportError.usage("the import thread ended without a result") }
    return result
  }
}

/// The parsing side, on its own thread. Only touches the source, the driver and the queue.
private final class ProducerJob: @unchecked Sendable {
  let source: any ByteSource
  let fileName: String
  let options: ImportOptions
  let queue: BatchQueue
  let progress: ((ImportProgress) -> Void)?
  let finished = DispatchSemaphore(value: 0)
  @exclusivity(unchecked) var result: ImportResult?
  @exclusivity(unchecked) var error: (any Error)?

  init(source: any ByteSource, fileName: String, options: ImportOptions, queue: BatchQueue, progress: ((ImportProgress) -> Void)?) {
    self.source = source; self.fileName = fileName; self.options = options; self.queue = queue; self.progress = progress
  }

  func run() {
    let sink = BatchingSink(queue: queue)
    do {
      result = try ImportDriver.run(source: source, fileName: fileName, options: options, sink: sink, progress: progress)
      try sink.flush()
    } catch is CancelledImport {
      // The storing side failed; it reports its own error.
    } catch {
      self.error = error
    }
    queue.close()
    finished.signal()
  }
}

private struct CancelledImport: Error {}

/// Copies rows into batches and hands full batches to the queue.
private final class BatchingSink: ImportSink {
  let queue: BatchQueue
  @exclusivity(unchecked) var current: RowBatch
  init(queue: BatchQueue) {
    self.queue = queue
    current = RowBatch()
  }
  func write(_ charge: borrowing ChargeRecord) throws {
    current.append(charge)
    if current.count >= PipelinedImport.batchRows { try ship() }
  }
  func reject(_ row: RejectedRow) throws {
    current.rejects.append(row)
    // A file of nothing but bad rows must not pile its rejects up in one batch: ship them as they come.
    if current.rejects.count >= PipelinedImport.batchRows { try ship() }
  }
  func writeUsage(_ usage: UsageRecord) throws {
    current.usage.append(usage)
    if current.usage.count >= PipelinedImport.batchRows { try ship() }
  }
  func writeMetric(_ sample: MetricSample) throws {
    current.metrics.append(sample)
    if current.metrics.count >= PipelinedImport.batchRows * 4 { try ship() }
  }
  func writeDataset(_ row: DatasetRecord) throws {
    current.datasets.append(row)
    if current.datasets.count >= PipelinedImport.batchRows { try ship() }
  }
  func flush() throws {
    if current.count > 0 || !current.rejects.isEmpty || !current.usage.isEmpty || !current.metrics.isEmpty || !current.datasets.isEmpty { try ship() }
  }
  private func ship() throws {
    guard queue.put(current) else { throw CancelledImport() }
    current = queue.reusable() ?? RowBatch()
  }
}

/// Rows with their text copied into one buffer: fixed fields per row, (offset, length) per text slot.
/// `Fixed` mirrors `ChargeRecord`'s non-text fields: copying the whole record instead (its text array swapped
/// out) was measured 4–8% slower on the CUR import (reference counting per row, docs/decisions.md).
/// `PipelinedImportTests.aRecordCrossesTheBatchWhole` fails when a field is added to `ChargeRecord` and missed here.
final class RowBatch: @unchecked Sendable {
  struct Fixed {
    var line: Int, billingPeriodStart: Int64, billingPeriodEnd: Int64?, chargePeriodStart: Int64, chargePeriodEnd: Int64
    var chargeCategory: ChargeCategory, chargeClass: ChargeClass?, chargeFrequency: ChargeFrequency?, pricingCategory: PricingCategory?
    var billedCost: Amount, effectiveCost: Amount, listCost: Amount?, contractedCost: Amount?, pricingCurrencyCost: Amount?
    var consumedQuantity: Double?, pricingQuantity: Double?, commitmentDiscountQuantity: Double?, gpuCount: Int64?
    var sourceRows: Int64
    var flags: ArithmeticFlags
    /// Where this row's text bytes start in the batch buffer.
    var textStart: Int
    var sameDimensions: Bool
  }
  static let slots = ChargeText.allCases.count
  @exclusivity(unchecked) private(set) var fixed: [Fixed] = []
  @exclusivity(unchecked) private var spans: [Int32] = []
  @exclusivity(unchecked) private var bytes = ScratchBytes(capacity: 1 << 20)
  @exclusivity(unchecked) var rejects: [RejectedRow] = []
  @exclusivity(unchecked) var usage: [UsageRecord] = []
  @exclusivity(unchecked) var metrics: [MetricSample] = []
  @exclusivity(unchecked) var datasets: [DatasetRecord] = []
  var count: Int { fixed.count }

  init() {
    fixed.reserveCapacity(PipelinedImport.batchRows)
    spans.reserveCapacity(PipelinedImport.batchRows * Self.slots * 2)
  }
  deinit { bytes.free() }

  func reset() {
    fixed.removeAll(keepingCapacity: true)
    spans.removeAll(keepingCapacity: true)
    bytes.reset()
    rejects.removeAll(keepingCapacity: true)
    usage.removeAll(keepingCapacity: true)
    metrics.removeAll(keepingCapacity: true)
    datasets.removeAll(keepingCapacity: true)
  }

  func append(_ c: borrowing ChargeRecord) {
    fixed.append(Fixed(line: c.line, billingPeriodStart: c.billingPeriodStart, billingPeriodEnd: c.billingPeriodEnd,
      chargePeriodStart: c.chargePeriodStart, chargePeriodEnd: c.chargePeriodEnd, chargeCategory: c.chargeCategory,
      chargeClass: c.chargeClass, chargeFrequency: c.chargeFrequency, pricingCategory: c.pricingCategory,
      billedCost: c.billedCost, effectiveCost: c.effectiveCost, listCost: c.listCost, contractedCost: c.contractedCost,
      pricingCurrencyCost: c.pricingCurrencyCost,
      consumedQuantity: c.consumedQuantity, pricingQuantity: c.pricingQuantity,
      commitmentDiscountQuantity: c.commitmentDiscountQuantity, gpuCount: c.gpuCount, sourceRows: c.sourceRows, flags: c.flags,
      textStart: bytes.count, sameDimensions: false))
    for slot in 0..<Self.slots {
      let t = c.text[slot]
      if t.isNull {
        spans.append(-1); spans.append(-1)
      } else {
        spans.append(Int32(bytes.count)); spans.append(Int32(t.count))
        bytes.append(t.bytes)
      }
    }
    let i = fixed.count - 1
    if i > 0 { fixed[i].sameDimensions = sameDimensions(i) }
  }

  /// Row `i` has the previous row's categories and, slot for slot, the same text bytes.
  private func sameDimensions(_ i: Int) -> Bool {
    let a = fixed[i - 1], b = fixed[i]
    guard a.chargeCategory == b.chargeCategory, a.chargeClass == b.chargeClass, a.chargeFrequency == b.chargeFrequency,
          a.pricingCategory == b.pricingCategory, a.gpuCount == b.gpuCount else { return false }
    let pa = (i - 1) * Self.slots * 2, pb = i * Self.slots * 2
    for slot in 0..<Self.slots where spans[pa + slot * 2 + 1] != spans[pb + slot * 2 + 1] { return false }
    let length = fixed[i].textStart - a.textStart
    guard bytes.count - b.textStart == length else { return false }
    return memcmp(bytes.base + a.textStart, bytes.base + b.textStart, length) == 0
  }

  /// Points `record` at row `i`; valid until the batch is reset.
  func fill(_ r: inout ChargeRecord, row i: Int) {
    let f = fixed[i]
    r.line = f.line; r.billingPeriodStart = f.billingPeriodStart; r.billingPeriodEnd = f.billingPeriodEnd
    r.chargePeriodStart = f.chargePeriodStart; r.chargePeriodEnd = f.chargePeriodEnd
    r.chargeCategory = f.chargeCategory; r.chargeClass = f.chargeClass; r.chargeFrequency = f.chargeFrequency
    r.pricingCategory = f.pricingCategory; r.billedCost = f.billedCost; r.effectiveCost = f.effectiveCost
    r.listCost = f.listCost; r.contractedCost = f.contractedCost; r.pricingCurrencyCost = f.pricingCurrencyCost
    r.consumedQuantity = f.consumedQuantity
    r.pricingQuantity = f.pricingQuantity; r.commitmentDiscountQuantity = f.commitmentDiscountQuantity
    r.gpuCount = f.gpuCount; r.sourceRows = f.sourceRows; r.flags = f.flags; r.sameDimensionsAsPrevious = f.sameDimensions
    let base = i * Self.slots * 2
    for slot in 0..<Self.slots {
      let offset = spans[base + slot * 2]
      r.text[slot] = offset < 0 ? .null : bytes.ref(Int(offset), Int(spans[base + slot * 2 + 1]))
    }
  }
}

/// A bounded hand-off between the two threads, with a pool of emptied batches for reuse.
final class BatchQueue: @unchecked Sendable {
  private let condition = NSCondition()
  @exclusivity(unchecked) private var full: [RowBatch] = []
  @exclusivity(unchecked) private var empty: [RowBatch] = []
  private let depth: Int
  @exclusivity(unchecked) private var closed = false
  @exclusivity(unchecked) private var cancelled = false

  init(depth: Int) { self.depth = depth }

  /// Blocks while the queue is full; false when the consumer gave up.
  func put(_ batch: RowBatch) -> Bool {
    condition.lock(); defer { condition.unlock() }
    while full.count >= depth && !cancelled { condition.wait() }
    if cancelled { return false }
    full.append(batch)
    condition.broadcast()
    return true
  }

  /// Blocks until a batch arrives; nil once the producer closed the queue and it is drained.
  func take() -> RowBatch? {
    condition.lock(); defer { condition.unlock() }
    while full.isEmpty && !closed { condition.wait() }
    if full.isEmpty { return nil }
    let batch = full.removeFirst()
    condition.broadcast()
    return batch
  }

  func recycle(_ batch: RowBatch) {
    batch.reset()
    condition.lock(); defer { condition.unlock() }
    if empty.count < depth { empty.append(batch) }
  }

  func reusable() -> RowBatch? {
    condition.lock(); defer { condition.unlock() }
    return empty.popLast()
  }

  func close() {
    condition.lock(); defer { condition.unlock() }
    closed = true
    condition.broadcast()
  }

  func cancel() {
    condition.lock(); defer { condition.unlock() }
    cancelled = true
    full.removeAll()
    condition.broadcast()
  }
}
