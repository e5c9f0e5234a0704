import CZlib
import Foundation
import MLCostCore

/// Writing an export as gzip or Parquet: the CSV is written first, then compressed (zlib) or converted (pyarrow).
public enum CompressedOutput {
  /// Gzips `source` into `destination` (level 6), streaming 1 MiB at a time.
  public static func gzip(_ source: String, to destination: String) throws {
    guard let input = FileHandle(forReadingAtPath: source) else { throw ImportError.missingInput(path: source, reason: "cannot read the CSV to compress") }
    defer { try? input.close() }
    guard let out = gzopen(destination, "wb6") else {
      throw ImportError.missingInput(path: destination, reason: "cannot write the gzip file")
    }
    var failed = false
    while true {
      let chunk = input.readData(ofLength: 1 << 20)
      if chunk.isEmpty { break }
      let written = chunk.withUnsafeBytes { gzwrite(out, $0.baseAddress, UInt32($0.count)) }
      if written != Int32(chunk.count) { failed = true; break }
    }
    if gzclose(out) != Z_OK || failed { throw ImportError.missingInput(path: destination, reason: "writing the gzip file failed (disk full?)") }
  }

  /// Converts a FOCUS CSV written by the export into Parquet with pyarrow: costs decimal128(38, 12), periods
  /// timestamp[us, UTC], quantities double, the rest (JSON columns included) strings; snappy.
  public static func parquet(_ source: String, to destination: String) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [ParquetByteSource.python, "-c", writer, source, destination]
    let errors = Pipe()
    p.standardError = errors
    p.standardOutput = FileHandle.nullDevice
    do { try p.run() } catch { throw ImportError.usage("writing Parquet needs Python 3 with pyarrow: \(error.localizedDescription)") }
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
      if p.terminationStatus == 3 || message.contains("No module named 'pyarrow'") {
        throw ImportError.usage("writing Parquet needs Python's pyarrow, which \(ParquetByteSource.python) does not have: pip install pyarrow (or set MLCOST_PYTHON), or write .csv / .csv.gz")
      }
      throw ImportError.usage("pyarrow could not write \(destination): \(message.split(separator: "\n").last.map(String.init) ?? "exit \(p.terminationStatus)")")
    }
  }

  static let writer = #"""
import sys
try:
    import pyarrow as pa, pyarrow.csv as pcsv, pyarrow.parquet as pq, pyarrow.compute as pc
except ImportError:
    sys.stderr.write("No module named 'pyarrow'\n"); sys.exit(3)
src, dst = sys.argv[1], sys.argv[2]
header = open(src, encoding="utf-8").readline().rstrip("\n").split(",")
money = {"BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingCurrencyEffectiveCost"}
times = {"BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd"}
numbers = {"ConsumedQuantity", "PricingQuantity", "CommitmentDiscountQuantity", "ListUnitPrice", "ContractedUnitPrice",
           "PricingCurrencyListUnitPrice", "PricingCurrencyContractedUnitPrice"}
t = pcsv.read_csv(src, convert_options=pcsv.ConvertOptions(column_types={n: pa.string() for n in header}, strings_can_be_null=True))
cols = []
for n in t.column_names:
    c = t[n]
    if n in money:
        c = pc.cast(c, pa.decimal128(38, 12))
    elif n in times:
        c = pc.cast(pc.strptime(c, format="%Y-%m-%dT%H:%M:%SZ", unit="us"), pa.timestamp("us", tz="UTC"))
    elif n in numbers:
        c = pc.cast(c, pa.float64())
    cols.append(c)
pq.write_table(pa.table(cols, names=t.column_names), dst, compression="snappy")
"""#
}
