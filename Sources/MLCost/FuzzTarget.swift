import Foundation
import MLCostAttribution
import MLCostCore
import MLCostImporters
import MLCostPlanner

/// The fuzz targets: each feeds arbitrary bytes to one parser and checks what must hold whatever the
/// input (no trap, totals that add up, exact round trips). libFuzzer drives them through `Fuzz/`
/// (`scripts/fuzz`); the tests replay every committed seed and every crash found (`Fuzz/corpus/`).
/// An error thrown by the parser is the right answer to bad input; a trap or a broken invariant is a bug.
public enum FuzzTarget: String, CaseIterable, Sendable {
  case csv, decimal, timestamp, focus, focusDataset = "focus-dataset", cur, azure, gcp, oci, litellm, metrics
  case openai, anthropic, gcpJSONLines = "gcp-jsonl", cloudwatch, ubl, gzip, rules, scenario, parquet
  /// A Spark-reduced export: the weights file, a NUL byte, then the aggregate CSV.
  case reduced

  public func run(_ bytes: [UInt8]) {
    switch self {
    case .csv:
      let reader = CSVReader(source: MemoryByteSource(bytes, chunkSize: 1 + bytes.count % 7), chunkSize: 64)
      while (try? reader.nextRow()) == true {
        for i in 0..<reader.fieldCount { _ = reader.string(i) }
      }
    case .decimal:
      bytes.withUnsafeBytes { raw in
        guard let (amount, residual) = try? ExactDecimal.parse(raw) else { return }
        // Formatting then parsing gives the same amount back; the exact text sum is well-formed.
        let again = try? ExactDecimal.parse(amount.decimalString)
        check(again == amount, "decimal round trip: \(amount.decimalString)")
        // The exact text (kept + dropped) parses back to the kept amount: rounding is half-even and idempotent.
        if !residual.inexact {
          let exact = ExactDecimal.exactSum(amount, residual)
          check((try? ExactDecimal.parse(exact)) == amount, "exact text \(exact) does not round to \(amount.decimalString)")
        }
        _ = try? ExactDecimal.parseDouble(raw)
      }
    case .timestamp:
      bytes.withUnsafeBytes { raw in _ = try? Timestamp.parse(raw) }
    case .rules:
      _ = try? Rules.parse(yaml: String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
    case .scenario:
      _ = try? Scenario.parse(yaml: String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
    case .gzip:
      importBytes(bytes, format: nil)
    case .parquet:
      // The built-in Parquet reader: every row read or a clear error naming the file; then the same bytes imported.
      bytes.withUnsafeBytes { raw in
        do {
          guard let feed = try ParquetRowFeed.open(bytes: raw, fileName: "fuzz") else { return }
          let reader = CSVReader(source: feed)
          while try reader.nextRow() { for i in 0..<reader.fieldCount { _ = reader.field(i) } }
        } catch ImportError.badData(let d) {
          check(d.location?.file == "fuzz", "an error without its file: \(d)")
        } catch { check(false, "an error that is not a data error: \(error)") }
        guard let feed = try? ParquetRowFeed.open(bytes: raw, fileName: "fuzz") else { return }
        _ = try? ImportDriver.run(source: feed, fileName: "fuzz", options: ImportOptions(lenient: true), sink: TallySink())
      }
    case .reduced:
      let cut = bytes.firstIndex(of: 0) ?? bytes.count
      let weightsText = Array(bytes[..<cut]), aggregate = cut < bytes.count ? Array(bytes[(cut + 1)...]) : []
      let weights = ReducedRowReader(source: MemoryByteSource(weightsText, chunkSize: 1 + cut % 5), file: "weights")
      var all: [ReducedRow] = []
      do {
        while let w = try weights.next() { all.append(w) }
      } catch ImportError.badData(let d) {
        check(d.location?.file == "weights", "a weights error without its file: \(d)")
        return
      } catch { return }
      for lenient in [false, true] {
        var it = all.makeIterator()
        let sink = TallySink()
        guard let result = try? ImportDriver.runReduced(source: MemoryByteSource(aggregate), weights: { it.next() }, fileName: "fuzz",
                                                        options: ImportOptions(lenient: lenient), sink: sink) else { continue }
        check(result.rowsStored + result.rowsRejected <= result.rowsRead, "rows: stored + rejected > read")
        check(result.rowsRead == all.reduce(0) { $0 + $1.rows }, "rows read \(result.rowsRead) are not the groups' rows")
      }
    default:
      importBytes(bytes, format: format)
    }
  }

  var format: ImportFormat? {
    switch self {
    case .focus: .focus
    case .cur: .cur
    case .azure: .azure
    case .gcp, .gcpJSONLines: .gcp
    case .oci: .oci
    case .focusDataset: .focusDataset
    case .litellm: .litellm
    case .metrics: .metrics
    case .openai: .openai
    case .anthropic: .anthropic
    case .cloudwatch: .cloudwatch
    case .ubl: .ubl
    default: nil
    }
  }

  /// A whole import into a counting sink, strict and lenient: file totals = stored + rejected.
  private func importBytes(_ bytes: [UInt8], format: ImportFormat?) {
    for lenient in [false, true] {
      let sink = TallySink()
      let result: ImportResult
      do {
        result = try ImportDriver.run(source: MemoryByteSource(bytes, chunkSize: 1 + bytes.count % 13), fileName: "fuzz",
                                      options: ImportOptions(format: format, lenient: lenient), sink: sink)
      } catch ImportError.badData(let d) {
        // A refused file names itself: the reader's own errors must not leave the file name out.
        check(d.location == nil || d.location?.file == "fuzz", "an error without its file: \(d)")
        continue
      } catch { continue }
      var file = Totals(), rejected = Totals()
      for t in result.fileTotals.values { file.merge(t) }
      for t in result.rejectedTotals.values { rejected.merge(t) }
      if !file.overflowed && !rejected.overflowed && !sink.billed.isOverflow {
        check(file.billedCost == sink.billed + rejected.billedCost, "file \(file.billedCost) ≠ stored \(sink.billed) + rejected \(rejected.billedCost)")
      }
      check(result.rowsStored + result.rowsRejected <= result.rowsRead, "rows: stored + rejected > read")
    }
  }

  private func check(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { preconditionFailure("fuzz invariant broken (\(rawValue)): \(what())") }
  }
}

/// Sums what an import writes, as the store would.
private final class TallySink: ImportSink {
  var billed = Amount.zero
  func write(_ charge: borrowing ChargeRecord) throws { billed += charge.billedCost }
  func reject(_ row: RejectedRow) throws {}
  func writeUsage(_ usage: UsageRecord) throws { billed += usage.cost ?? .zero }
  func writeMetric(_ sample: MetricSample) throws {}
  func writeDataset(_ d: DatasetRecord) throws { if d.dataset == .invoiceDetail { billed += d.cost ?? .zero } }
}
