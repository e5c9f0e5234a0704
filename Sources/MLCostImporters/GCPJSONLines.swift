import MLCostCore

/// GCP billing export as JSON lines (one BigQuery row per line): each row is flattened into the
/// dotted CSV columns `GCPImporter` reads, so both shapes share one mapping (a second mapping over JSON
/// nodes would copy its 90 lines; the flattening costs one more parse, docs/decisions.md). Values keep
/// their newlines (quoted), and errors keep the line number of the JSON line: each CSV record's first
/// line maps back to its JSON line.
enum GCPJSONLines {
  static func run(_ bytes: UnsafeRawBufferPointer, fileName: String, options: ImportOptions, sink: any ImportSink) throws -> ImportResult {
    var csv = [UInt8]()
    csv.reserveCapacity(bytes.count)
    csv.append(contentsOf: Array(GCPImporter.columns.joined(separator: ",").utf8))
    csv.append(0x0A)
    var jsonLine: [Int: Int] = [1: 1]
    var csvLine = 2
    var lineNumber = 0
    var start = 0
    while start < bytes.count {
      var end = start
      while end < bytes.count && bytes[end] != 0x0A { end += 1 }
      lineNumber += 1
      let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
      start = end + 1
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
      let node: JSONNode
      do { node = try PositionedJSONParser.parse(line, line: lineNumber) } catch {
        throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: lineNumber, column: error.column),
          "not valid JSON: \(error.message)", fix: "each line must be one JSON object; nothing was imported"))
      }
      let cells = GCPImporter.columns.map { path -> String in
        var v: JSONNode? = node
        for part in path.split(separator: ".") { v = v?[String(part)] }
        guard let v, !v.isNull else { return "" }
        return v.text ?? v.json
      }
      let record = Array(cells.map(quote).joined(separator: ",").utf8)
      csv.append(contentsOf: record)
      csv.append(0x0A)
      jsonLine[csvLine] = lineNumber
      csvLine += 1 + record.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
    let reader = CSVReader(source: MemoryByteSource(csv))
    reader.fileName = fileName
    var pinned = options
    pinned.format = .gcp
    return try ImportDriver.runCSV(reader: reader, source: MemoryByteSource([]), fileName: fileName, options: pinned, sink: sink,
                                   progress: nil, lineMap: { jsonLine[$0] ?? $0 }, version: "jsonl")
  }

  static func quote(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
