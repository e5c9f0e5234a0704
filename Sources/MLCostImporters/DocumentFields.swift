import MLCostCore

/// Why one record of a JSON or XML document cannot be imported, and where.
struct FieldError: Error {
  var line: Int
  var column: Int?
  var field: String
  var message: String
  var fix: String?
}

extension JSONNode {
  /// A whole number (JSON number or numeric string); nil when absent or null.
  func int(_ key: String) throws(FieldError) -> Int64? {
    guard let v = self[key], !v.isNull else { return nil }
    guard let t = v.text, let d = Double(t), d == d.rounded(), d >= 0, d <= 1e15 else {
      throw FieldError(line: v.line, column: v.column, field: key, message: "\(key) is not a count (a whole number from 0 to 10^15): \(v.json)",
                       fix: "expected a non-negative count such as 1200")
    }
    return Int64(d)
  }

  func double(_ key: String) throws(FieldError) -> Double? {
    guard let v = self[key], !v.isNull else { return nil }
    guard let t = v.text, let d = Double(t), d.isFinite else {
      throw FieldError(line: v.line, column: v.column, field: key, message: "\(key) is not a number: \(v.json)", fix: "expected a plain number")
    }
    return d
  }

  /// Exact money from a JSON number or decimal string (never through Double).
  func money(_ key: String, scaleDown100: Bool = false) throws(FieldError) -> Amount? {
    guard let v = self[key], !v.isNull else { return nil }
    guard let t = v.text else {
      throw FieldError(line: v.line, column: v.column, field: key, message: "\(key) is not an amount: \(v.json)", fix: "expected a decimal such as 12.34")
    }
    do {
      return try ExactDecimal.parse(t, scaledBy: scaleDown100 ? -2 : 0)
    } catch {
      throw FieldError(line: v.line, column: v.column, field: key, message: "\(error) in \(key)", fix: "expected a decimal such as 12.34")
    }
  }

  func string(_ key: String) -> String? {
    guard let v = self[key], !v.isNull else { return nil }
    if let t = v.text { return t.isEmpty ? nil : t }
    return v.json
  }

  /// Unix seconds or an RFC 3339 string.
  func instant(_ key: String) throws(FieldError) -> Int64? {
    guard let v = self[key], !v.isNull else { return nil }
    if case .number(let t, _, _) = v, let n = Int64(t) { return n }
    guard let t = v.text else {
      throw FieldError(line: v.line, column: v.column, field: key, message: "\(key) is not a time: \(v.json)", fix: "expected unix seconds or 2026-10-01T00:00:00Z")
    }
    do { return try Timestamp.parse(t) } catch {
      throw FieldError(line: v.line, column: v.column, field: key, message: "\(error) in \(key)", fix: "expected unix seconds or 2026-10-01T00:00:00Z")
    }
  }
}

extension RecordContext {
  /// Parses the document, or stops the import at the syntax error's line and column.
  func parseJSON(_ bytes: UnsafeRawBufferPointer) throws -> JSONNode {
    do { return try PositionedJSONParser.parse(bytes) } catch {
      throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: error.line, column: error.column),
        "not valid JSON: \(error.message)", fix: "save the API response as it came; nothing was imported"))
    }
  }

  /// Runs one record's mapping; a FieldError becomes a strict stop or a lenient reject.
  func record<T>(line: Int, raw: String, _ body: () throws(FieldError) -> T) throws -> T? {
    do throws(FieldError) { return try body() } catch {
      try reject(line: error.line == 0 ? line : error.line, column: error.column, field: error.field, raw: raw, message: error.message, fix: error.fix)
      return nil
    }
  }

  func record<T>(_ node: JSONNode, _ body: () throws(FieldError) -> T) throws -> T? {
    do throws(FieldError) { return try body() } catch {
      try reject(line: error.line, column: error.column, field: error.field, raw: node.json, message: error.message, fix: error.fix)
      return nil
    }
  }
}

extension RecordContext {
  /// The page → buckets → results shape both OpenAI and Anthropic usage/cost APIs return (one page object
  /// or a list of pages): each result becomes a usage record with its bucket's time range.
  func importBucketedUsage(_ bytes: UnsafeRawBufferPointer, vendor: String, startKey: String, endKey: String,
                           _ map: (JSONNode) throws(FieldError) -> UsageRecord) throws {
    let root = try parseJSON(bytes)
    for page in root.elements ?? [root] {
      guard let buckets = page["data"]?.elements else {
        throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: page.line, column: page.column),
          "an \(vendor) report page has a \"data\" list of buckets; this object has none", fix: "save the API response page as it came"))
      }
      for bucket in buckets {
        var start: Int64 = 0, end: Int64 = 0
        do throws(FieldError) {
          start = try bucket.instant(startKey) ?? 0
          end = try bucket.instant(endKey) ?? start + 86_400
        } catch {
          try reject(line: error.line, column: error.column, field: error.field, raw: bucket.json, message: error.message, fix: error.fix)
          continue
        }
        for result in bucket["results"]?.elements ?? [] {
          if var u = try record(result, { () throws(FieldError) in try map(result) }) {
            u.line = result.line
            u.bucketStart = start
            u.bucketEnd = end
            try usage(u)
          }
        }
      }
    }
  }
}
