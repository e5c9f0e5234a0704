import Foundation
import MLCostCore

/// A Parquet file that the built-in reader (`ParquetRowFeed`) does not read (lists, structs, other encodings or
/// codecs), read as CSV: a helper process over `pyarrow` streams its record batches as CSV text into the same
/// importers (docs/decisions.md, "Parquet through pyarrow"). Nested columns (a FOCUS `Tags` map, a struct) become JSON
/// objects; timestamps ISO 8601 UTC; decimals their exact text. Without Python 3 and pyarrow the import stops with
/// what to install.
public final class ParquetByteSource: ByteSource {
  private let process = Process()
  private let output: FileHandle
  private let errors = Pipe()
  private let fileName: String
  private let because: String?
  @exclusivity(unchecked) private var ended = false
  /// The helper's standard error, drained on its own thread (a full pipe would block it).
  private final class Drain: @unchecked Sendable { var data = Data(); let done = DispatchSemaphore(value: 0) }
  private let drain = Drain()

  /// `PAR1` at the start (Parquet files also end with it).
  public static func isParquet(_ head: UnsafeRawBufferPointer) -> Bool {
    head.count >= 4 && head[0] == 0x50 && head[1] == 0x41 && head[2] == 0x52 && head[3] == 0x31
  }

  /// The Python that runs the helper: `$MLCOST_PYTHON`, else `python3` on the PATH.
  public static var python: String {
    if let p = ProcessInfo.processInfo.environment["MLCOST_PYTHON"], !p.isEmpty { return p }
    return "python3"
  }

  /// `because`: what the built-in reader (`ParquetRowFeed`) does not read in this file, said when pyarrow is missing.
  public init(path: String, fileName: String, because: String? = nil) throws(ImportError) {
    self.fileName = fileName
    self.because = because
    let out = Pipe()
    output = out.fileHandleForReading
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [Self.python, "-c", Self.helper, path]
    process.standardOutput = out
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch {
      throw .missingInput(path: path, reason: "it is Parquet, and reading Parquet needs Python 3 with pyarrow (\(error.localizedDescription))")
    }
    try? out.fileHandleForWriting.close()
    let handle = errors.fileHandleForReading, drain = self.drain
    DispatchQueue.global().async {
      drain.data = handle.readDataToEndOfFile()
      drain.done.signal()
    }
  }

  deinit {
    if process.isRunning { process.terminate() }
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    if ended { return 0 }
    let n = Foundation.read(output.fileDescriptor, buffer.baseAddress, buffer.count)
    if n > 0 { return n }
    ended = true
    process.waitUntilExit()
    drain.done.wait()
    let status = process.terminationStatus
    guard status != 0 else { return 0 }
    let message = String(decoding: drain.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    if status == 3 || message.contains("No module named 'pyarrow'") || status == 127 {
      throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1, column: nil),
        "this Parquet file uses \(because ?? "what MLCost's own reader does not read"); MLCost reads such files through Python's pyarrow, which \(Self.python) does not have",
        fix: "pip install pyarrow (or point MLCOST_PYTHON at a Python that has it), or convert the file to CSV"))
    }
    throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1, column: nil),
      "the Parquet file could not be read: \(message.split(separator: "\n").last.map(String.init) ?? "pyarrow exited with \(status)")",
      fix: "check that it is a whole Parquet file (AWS Data Exports and Azure write them in parts: import each part)"))
  }

  public var mappedBytes: UnsafeRawBufferPointer? { nil }
  public func release(before offset: Int) {}
  public var sourceBytesRead: Int64? { nil }
  public func verifyUnchanged() throws {}

  /// The helper: record batches → CSV on stdout, header once. Exit 3 when pyarrow is missing.
  static let helper = #"""
import sys, json
try:
    import pyarrow as pa, pyarrow.parquet as pq, pyarrow.csv as pcsv, pyarrow.compute as pc
except ImportError:
    sys.stderr.write("No module named 'pyarrow'\n"); sys.exit(3)

def plain(v):
    if isinstance(v, list) and all(isinstance(x, tuple) and len(x) == 2 for x in v):
        return {str(k): plain(x) for k, x in v}
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, (bytes, bytearray)):
        return v.decode("utf-8", "replace")
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)

def quoted(strings):
    # JSON string literals, vectorised: escape backslash, quote and the usual control characters.
    s = pc.cast(strings, pa.string())
    for a, b in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        s = pc.replace_substring(s, a, b)
    return pc.binary_join_element_wise('"', s, '"', "")

def map_json(col):
    # A map<string, scalar> column as JSON objects without a Python loop per row (keys sorted as the CSV path's
    # importers keep them; order does not change a tag set).
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    keys, items = col.keys, col.items
    if not (pa.types.is_string(items.type) or pa.types.is_large_string(items.type)):
        items = pc.cast(items, pa.string())
    # Each distinct pair is escaped and joined once (tag sets repeat across rows).
    pair_text = pc.binary_join_element_wise(pc.cast(keys, pa.string()), pc.cast(pc.fill_null(items, ""), pa.string()), pc.cast(pc.is_null(items), pa.string()), "\x1f")
    d = pc.dictionary_encode(pair_text)
    parts = pc.split_pattern(d.dictionary, "\x1f")
    u_keys, u_items, u_null = pc.list_element(parts, 0), pc.list_element(parts, 1), pc.equal(pc.list_element(parts, 2), "true")
    unique_pairs = pc.binary_join_element_wise(quoted(u_keys), pc.if_else(u_null, "null", quoted(u_items)), ":")
    pairs = pc.take(unique_pairs, d.indices)
    lists = pa.ListArray.from_arrays(col.offsets, pairs)
    body = pc.binary_join(lists, ",")
    text = pc.binary_join_element_wise("{", body, "}", "")
    return pc.if_else(pc.is_null(col), pa.scalar(None, pa.string()), text)

def column(col):
    t = col.type
    if pa.types.is_map(t) and not pa.types.is_nested(t.item_type):
        return map_json(col)
    if pa.types.is_map(t) or pa.types.is_struct(t) or pa.types.is_list(t) or pa.types.is_large_list(t):
        return pa.array([None if v is None else json.dumps(plain(v), sort_keys=True, separators=(",", ":")) for v in col.to_pylist()], pa.string())
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            col = pc.cast(col, pa.timestamp(t.unit, tz="UTC"))
        # An export repeats a few hundred hours: format each distinct instant once.
        d = pc.dictionary_encode(col)
        return pc.take(pc.strftime(d.dictionary, format="%Y-%m-%dT%H:%M:%SZ"), d.indices)
    if pa.types.is_dictionary(t):
        return pc.cast(col, t.value_type)
    return col

f = pq.ParquetFile(sys.argv[1])
out = sys.stdout.buffer
first = True
for batch in f.iter_batches(batch_size=65536):
    table = pa.Table.from_arrays([column(batch.column(i)) for i in range(batch.num_columns)], names=batch.schema.names)
    pcsv.write_csv(table, out, write_options=pcsv.WriteOptions(include_header=first, quoting_style="needed"))
    first = False
if first:
    out.write((",".join(f.schema_arrow.names) + "\n").encode())
out.flush()
"""#
}
